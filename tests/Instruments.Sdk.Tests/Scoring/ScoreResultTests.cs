using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Scoring;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// What a caller of <see cref="ScoringPlan.Score(ReadOnlySpan{ResponseValue}, ScoreResult)"/> reads back from a
/// <see cref="ScoreResult"/>, and how the plan rejects programming errors (never user data) with exceptions.
/// </summary>
public sealed class ScoreResultTests
{
    private static readonly ScoringPlan Swls = ShippedPlan("wellbeing/instruments/swls.yaml");
    private static readonly ScoringPlan Phq9 = ShippedPlan("symptoms/instruments/phq-9.yaml");

    // ---- reading a result ----

    [Fact]
    public void GetScoreValue_OutsideTheScores_Throws_InsideDoesNot()
    {
        var result = Score(Swls, 7, 7, 7, 7, 7);

        Assert.Equal(35, result.GetScoreValue(0));
        var low = Assert.Throws<ArgumentOutOfRangeException>(() => result.GetScoreValue(-1));
        Assert.Equal("score", low.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetScoreValue(Swls.ScoreCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetScore(1));
    }

    [Fact]
    public void GetScoreById_UnknownId_ThrowsNamingItAndTheInstrument()
    {
        var result = Score(Swls, 7, 7, 7, 7, 7);

        Assert.Equal(35, result.GetScore("total"));
        var e = Assert.Throws<ArgumentException>(() => result.GetScore("Total"));
        Assert.Equal("scoreId", e.ParamName);
        Assert.StartsWith("'Total' is not a score of 'swls'.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexOf_ItemsAndScores_ByOrdinalId_OrMinusOne()
    {
        Assert.Equal(0, Swls.IndexOfItem("swls1"));
        Assert.Equal(4, Swls.IndexOfItem("swls5"));
        Assert.Equal(-1, Swls.IndexOfItem("SWLS1"));
        Assert.Equal(0, Swls.IndexOfScore("total"));
        Assert.Equal(-1, Swls.IndexOfScore("swls1"));
    }

    [Fact]
    public void ToString_GivesStatusThenEachScore_NullWhenNotComputed()
    {
        Assert.Equal("complete total=35", Score(Swls, 7, 7, 7, 7, 7).ToString());
        Assert.Equal("partial total=null", Score(Swls, 7, 7, null, 7, 7).ToString());
        Assert.Equal("invalid total=null", Score(Swls, 7, 7, 8, 7, 7).ToString());
        Assert.Equal("partial total=9", Score(Phq9, 1, 1, null, 1, 1, 1, 1, 1, 1, null).ToString());
    }

    [Fact]
    public void GetItemValue_IsTheRawAnswer_NaNWhenMissingOrInvalid()
    {
        var result = Score(Phq9, 3, null, 9, 0, 1, 1, 1, 1, 1, 2);

        Assert.Equal(3, result.GetItemValue(0));
        Assert.True(double.IsNaN(result.GetItemValue(1)));
        Assert.True(double.IsNaN(result.GetItemValue(2)));
        Assert.Equal(0, result.GetItemValue(3));
        Assert.Equal(2, result.GetItemValue(9)); // an optional item that no score uses is still kept
    }

    [Fact]
    public void ScoreMalformed_AfterAGoodResponse_LeavesNothingOfIt()
    {
        // Item 1 missing (prorated, diagnostics logged), item 9 endorsed (flag raised): everything the row must forget.
        var result = Phq9.CreateResult();
        Phq9.Score([ResponseValue.Missing, .. Enumerable.Repeat(ResponseValue.FromInteger(3), 9)], result);
        Assert.Equal("Severe", result.GetBand(0));
        Assert.True(result.IsProrated(0));
        Assert.Equal(FlagState.Raised, result.GetFlag(0));
        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.NotEmpty(result.Diagnostics.ToArray());

        Phq9.ScoreMalformed(result, 7, "bad quote");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.True(result.HasErrors);
        Assert.Null(result.GetScore(0));
        Assert.Equal(-1, result.GetBandIndex(0));
        Assert.Null(result.GetBand(0));
        Assert.Equal(0, result.GetAnsweredCount(0));
        Assert.False(result.IsProrated(0));
        Assert.Equal(FlagState.Unknown, result.GetFlag(0));
        Assert.All(Enumerable.Range(0, Phq9.ItemCount), i => Assert.True(double.IsNaN(result.GetItemValue(i))));
        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal(7, d.Count);
        Assert.Equal("bad quote", d.Text);
    }

    [Fact]
    public void DictionaryApi_NullOrAbsentValue_IsMissing_AndCaseMattersForItemIds()
    {
        var result = Swls.Score(new Dictionary<string, string?> { ["swls1"] = "7", ["swls2"] = null, ["swls3"] = "7", ["swls4"] = "7", ["SWLS5"] = "7" });

        Assert.Equal(["RSP2004", "RSP2004", "RSP2005", "RSP2003"], Ids(result));
        Assert.Equal([1, 4], result.Diagnostics.ToArray().Where(d => d.Id == "RSP2004").Select(d => d.Item));
        Assert.Equal("SWLS5", result.Diagnostics[^1].Text);
    }

    [Fact]
    public void DictionaryApi_EveryKeyThatIsNotAnItem_IsReported_InOrder()
    {
        var result = Swls.Score(new Dictionary<string, string?>
        {
            ["swls1"] = "7", ["x1"] = "1", ["swls2"] = "7", ["swls3"] = "7", ["x2"] = "2", ["swls4"] = "7", ["swls5"] = "7", ["x3"] = null,
        });

        Assert.Equal(35, result.GetScore(0));
        Assert.Equal(["x1", "x2", "x3"], result.Diagnostics.ToArray().Select(d => d.Text));
        Assert.All(result.Diagnostics.ToArray(), d => Assert.Equal("RSP2003", d.Id));
    }

    [Fact]
    public void CreateWithResponseChecks_ADefinitionWithErrors_GivesNoPlan()
    {
        var broken = new InstrumentDefinition
        {
            Id = "x", Version = "1.0.0", Title = "x", License = new LicenseInfo { Name = "x" },
            Items = [new ItemDefinition { Id = "a", Scale = "nope" }],
        };

        var result = ScoringPlan.Create(broken, null, [], null);

        Assert.False(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Id == "INS1030");
    }

    // ---- programming errors ----

    [Fact]
    public void Score_WrongNumberOfValues_ThrowsSayingHowMany()
    {
        var result = Swls.CreateResult();

        var e = Assert.Throws<ArgumentException>(() => Swls.Score(new ResponseValue[4], result));
        Assert.Equal("values", e.ParamName);
        Assert.StartsWith("Expected 5 values (one per item), got 4.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Swls.Score(new ResponseValue[6], result));
    }

    [Fact]
    public void Score_WrongNumberOfTexts_ThrowsSayingHowMany_ButNoTextsIsFine()
    {
        var result = Swls.CreateResult();

        var e = Assert.Throws<ArgumentException>(() => Swls.Score(new ResponseValue[5], new string?[4], result));
        Assert.Equal("texts", e.ParamName);
        Assert.StartsWith("Expected no texts or 5 (one per item), got 4.", e.Message, StringComparison.Ordinal);
        Swls.Score(new ResponseValue[5], [], result);
        Swls.Score(new ResponseValue[5], new string?[5], result);
        Assert.Equal(ResponseStatus.Partial, result.Status);
    }

    [Fact]
    public void Score_ResultOfAnotherPlan_Throws_EvenForTheSameDefinition()
    {
        var other = ScoringPlan.Create(Swls.Definition).Plan!;
        var foreign = other.CreateResult();

        var e = Assert.Throws<ArgumentException>(() => Swls.Score(new ResponseValue[5], foreign));
        Assert.Equal("result", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => Swls.Score(new ResponseValue[5], null!));
        Assert.Throws<ArgumentNullException>(() => Swls.ScoreMalformed(null!, 1, "x"));
        Assert.Throws<ArgumentNullException>(() => ScoringPlan.ReportUnknownItem(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => Swls.Score((IReadOnlyDictionary<string, string?>)null!));
        Assert.Throws<ArgumentNullException>(() => ScoringPlan.Create(null!));
    }

    [Fact]
    public void PlanResult_OfAGoodDefinition_HasThePlanAndNoErrors()
    {
        var created = ScoringPlan.Create(Swls.Definition);

        Assert.True(created.Success);
        Assert.NotNull(created.Plan);
        Assert.Same(Swls.Definition, created.Plan.Definition);
        Assert.DoesNotContain(created.Diagnostics, d => d.IsError);
        Assert.Same(Instruments.Diagnostics.DiagnosticOptions.Default, created.Plan.Options);
    }

    // ---- more than 64 items (the unanswered-items bit set saturates at bit 63) ----

    private static ScoringPlan Wide(int itemCount)
    {
        var items = Enumerable.Range(0, itemCount).Select(i => new ItemDefinition { Id = "q" + i, Scale = "s" }).ToArray();
        var definition = new InstrumentDefinition
        {
            Id = "wide",
            Version = "1.0.0",
            Title = "Wide",
            License = new LicenseInfo { Name = "test" },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 0, Label = "0" }, new ResponseOption { Value = 1, Label = "1" }] }],
            Items = [.. items],
            Scores =
            [
                new ScoreDefinition { Id = "early", Method = ScoreMethod.Sum, Items = [.. items.Take(10).Select(x => x.Id)] },
                new ScoreDefinition { Id = "late", Method = ScoreMethod.Sum, Items = ["q65", "q66"] },
                new ScoreDefinition { Id = "edge", Method = ScoreMethod.Sum, Items = ["q62", "q63"] },
                new ScoreDefinition { Id = "all", Method = ScoreMethod.Mean, Items = [.. items.Select(x => x.Id)], Missing = new MissingRule { MaxMissing = 3 } },
            ],
        };
        var created = ScoringPlan.Create(definition);
        Assert.True(created.Success, string.Join("\n", created.Diagnostics));
        return created.Plan;
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(66)]
    [InlineData(69)]
    public void Score_ItemBeyondThe63rd_Missing_StillFailsItsScore_AndOnlyIts(int missing)
    {
        var plan = Wide(70);
        var values = Enumerable.Repeat(ResponseValue.FromInteger(1), 70).ToArray();
        values[missing] = ResponseValue.Missing;
        var result = plan.CreateResult();

        plan.Score(values, result);

        Assert.Equal(10, result.GetScore("early"));
        Assert.Equal(missing is 65 or 66 ? null : 2, result.GetScore("late"));
        Assert.Equal(missing is 62 or 63 ? null : 2, result.GetScore("edge"));
        Assert.Equal(1, result.GetScore("all"));
        Assert.Equal(69, result.GetAnsweredCount(3));
        var failed = result.Diagnostics.ToArray().Where(d => d.Id == "RSP2005").Select(d => d.Score).ToArray();
        Assert.Equal(missing is 65 or 66 ? [1] : missing is 62 or 63 ? [2] : [], failed);
    }

    [Fact]
    public void Score_InvalidValueBeyondThe63rdItem_IsNotSummed()
    {
        var plan = Wide(70);
        var values = Enumerable.Repeat(ResponseValue.FromInteger(1), 70).ToArray();
        values[66] = ResponseValue.FromInteger(5);
        var result = plan.CreateResult();

        plan.Score(values, result);

        Assert.Null(result.GetScore("late"));
        Assert.Equal(66, Assert.Single(result.Diagnostics.ToArray(), d => d.Id == "RSP2001").Item);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("invalid")]
    [InlineData("text")]
    [InlineData("decimal")]
    public void Score_TwoItemsBeyondThe63rd_BothUnanswered_FailTheirScore(string kind)
    {
        // Items from 63 on share one bit of the unanswered set: two of them must not cancel each other out.
        var plan = Wide(70);
        var values = Enumerable.Repeat(ResponseValue.FromInteger(1), 70).ToArray();
        var bad = kind switch
        {
            "missing" => ResponseValue.Missing,
            "invalid" => ResponseValue.FromInteger(5),
            "text" => ResponseValue.NonNumeric,
            _ => ResponseValue.FromNumber(0.5),
        };
        values[65] = bad;
        values[66] = bad;
        var result = plan.CreateResult();

        plan.Score(values, result);

        Assert.Null(result.GetScore("late"));
        Assert.Equal(2, result.GetScore("edge"));
        Assert.Equal(1, result.GetScore("all"));
        Assert.Equal(68, result.GetAnsweredCount(3));
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Id == "RSP2005" && d.Score == 1);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("decimal")]
    public void Score_FirstItemUnanswered_FailsTheScoresThatHoldIt(string kind)
    {
        var plan = Wide(70);
        var values = Enumerable.Repeat(ResponseValue.FromInteger(1), 70).ToArray();
        values[0] = kind == "missing" ? ResponseValue.Missing : ResponseValue.FromNumber(0.5);
        var result = plan.CreateResult();

        plan.Score(values, result);

        Assert.Null(result.GetScore("early"));
        Assert.Equal(1, result.GetScore("all"));
        Assert.Equal(69, result.GetAnsweredCount(3));
    }
}
