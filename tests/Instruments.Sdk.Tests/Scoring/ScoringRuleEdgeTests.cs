using Instruments.Diagnostics;
using Instruments.Scoring;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// The edges of the scoring rules a user relies on, each pinned exactly: a scale with a gap, an optional item, a
/// reverse key on a 0-based scale, the last missing item a rule allows and the first it does not, band edges and the
/// gap between two bands, the three states of a flag, and how the status follows from what happened.
/// </summary>
public sealed class ScoringRuleEdgeTests
{
    // a: options 1, 2, 4 (3 is in range but no option). b reversed on 0-4. o optional, in no score.
    // total: a + b' + c, one missing item prorated; bands 0-4 and 6-12 leave 5 uncovered.
    // avg: mean of b' and c, one missing allowed; bands 0-1 and 2-4 leave 1.5 uncovered.
    private const string Edge = """
        instrument: edge
        version: 1.0.0
        title: Scoring edges (test fixture)
        license: { name: free, texts: restricted }
        missing_codes: [-99, 999]
        response_scales:
          gappy: { options: [ { value: 1, label: one }, { value: 2, label: two }, { value: 4, label: four } ] }
          zero4: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" } ] }
        items:
          - { id: a, scale: gappy }
          - { id: b, scale: zero4, reverse: true }
          - { id: c, scale: zero4 }
          - { id: o, scale: zero4, optional: true }
        scores:
          - id: total
            items: [a, b, c]
            method: sum
            missing: { max: 1, prorate: true }
            bands:
              - { min: 0, max: 4, label: Low }
              - { min: 6, max: 12, label: High }
          - id: avg
            items: [b, c]
            method: mean
            missing: { max: 1 }
            bands:
              - { min: 0, max: 1, label: Low }
              - { min: 2, max: 4, label: High }
          - id: ratio
            expression: "total / c"
          - id: both
            expression: "a + c"
            bands:
              - { min: 1, max: 4, label: Low }
              - { min: 5, max: 8, label: High }
        flags:
          - { id: high_a, when: "a >= 4" }
          - { id: either, when: "a >= 4 || c >= 4" }
        """;

    private static readonly ScoringPlan Plan = ScoringTestSupport.Plan(Edge);

    private static ScoreResult ScoreEdge(params int?[] values) => Score(Plan, values);

    // ---- item validation ----

    [Fact]
    public void Score_CodeInsideTheRangeButNoOption_IsInvalid_AndTheMessageListsTheOptions()
    {
        var result = ScoreEdge(3, 4, 4, null);

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.True(result.HasErrors);
        Assert.True(double.IsNaN(result.GetItemValue(0)));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2001");
        Assert.Equal(0, d.Item);
        Assert.Equal(3, d.Value);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Item 'a': 3 is not one of its response options (1, 2, 4); counted as missing", result.FormatMessage(d));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Score_EveryOptionOfAScaleWithAGap_IsValid(int a)
    {
        var result = ScoreEdge(a, 4, 4, null);

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal(a, result.GetItemValue(0));
        Assert.Equal(a + 0 + 4, result.GetScore("total"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Score_CodeJustOutsideTheRange_IsInvalid(int a)
    {
        var result = ScoreEdge(a, 4, 4, null);

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(0, Assert.Single(result.Diagnostics.ToArray(), d => d.Id == "RSP2001").Item);
        Assert.Equal((0 + 4) / 2.0 * 3, result.GetScore("total")); // counted as missing: prorated from b' and c, never summed
    }

    [Fact]
    public void Score_NonIntegerNumber_IsInvalid_EvenBetweenTwoOptions()
    {
        var result = Plan.CreateResult();
        Plan.Score([ResponseValue.FromNumber(1.5), ResponseValue.FromInteger(4), ResponseValue.FromInteger(4), ResponseValue.Missing], result);

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2001");
        Assert.Equal(1.5, d.Value);
        Assert.Equal((0 + 4) / 2.0 * 3, result.GetScore("total")); // counted as missing: prorated, never summed
        Assert.Equal("Item 'a': 1.5 is not one of its response options (1, 2, 4); counted as missing", result.FormatMessage(d));
    }

    [Fact]
    public void Score_DecimalTextOfAnOption_IsThatOption()
    {
        var result = Score(Plan, "4.0", "0", "2.0", "");

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal(4 + 4 + 2, result.GetScore("total"));
    }

    [Theory]
    [InlineData(-99)]
    [InlineData(999)]
    public void Score_EachMissingCode_IsMissingNotInvalid(int code)
    {
        var result = ScoreEdge(code, 4, 4, null);

        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.False(result.HasErrors);
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2006");
        Assert.Equal(0, d.Item);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal($"Item 'a': missing code {code} (not answered)", result.FormatMessage(d));
    }

    [Fact]
    public void Score_MissingCodeAsADecimal_IsNotAMissingCode()
    {
        var result = Plan.CreateResult();
        Plan.Score([ResponseValue.FromNumber(-99.5), ResponseValue.FromInteger(4), ResponseValue.FromInteger(4), ResponseValue.Missing], result);

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(-99.5, Assert.Single(result.Diagnostics.ToArray(), d => d.Id == "RSP2001").Value);
        Assert.DoesNotContain("RSP2006", Ids(result));
    }

    // ---- optional items and status ----

    [Fact]
    public void Score_OptionalItemUnanswered_IsNotReported_AndTheResponseIsComplete()
    {
        var result = ScoreEdge(2, 1, 3, null);

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Empty(Ids(result));
        Assert.True(double.IsNaN(result.GetItemValue(3)));
    }

    [Fact]
    public void Score_OptionalItemWithAMissingCode_IsReported_ButTheResponseStaysComplete()
    {
        var result = ScoreEdge(2, 1, 3, -99);

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal(["RSP2006"], Ids(result));
    }

    [Fact]
    public void Score_OptionalItemWithAnInvalidValue_IsInvalid()
    {
        var result = ScoreEdge(2, 1, 3, 7);

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(3, Assert.Single(result.Diagnostics.ToArray()).Item);
    }

    [Theory]
    [InlineData("RSP2001", 7, ResponseStatus.Complete)]  // optional item: a lowered error leaves nothing missing
    [InlineData("RSP2002", -1, ResponseStatus.Complete)]
    public void Score_LoweredErrorOnAnOptionalItem_LeavesTheResponseComplete(string id, int code, ResponseStatus expected)
    {
        var plan = ScoringPlan.Create(Plan.Definition, options: DiagnosticOptions.Default.WithSeverity(id, ReportSeverity.Warning)).Plan!;
        var result = plan.CreateResult();
        var o = code < 0 ? ResponseValue.NonNumeric : ResponseValue.FromInteger(code);
        plan.Score([ResponseValue.FromInteger(2), ResponseValue.FromInteger(1), ResponseValue.FromInteger(3), o], result);

        Assert.Equal(expected, result.Status);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics.ToArray()).Severity);
    }

    [Theory]
    [InlineData("RSP2001")]
    [InlineData("RSP2002")]
    public void Score_LoweredErrorOnARequiredItem_CountsItAsMissing_SoThePartialStatusSaysSo(string id)
    {
        var plan = ScoringPlan.Create(Plan.Definition, options: DiagnosticOptions.Default.WithSeverity(id, ReportSeverity.Warning)).Plan!;
        var result = plan.CreateResult();
        var c = id == "RSP2001" ? ResponseValue.FromInteger(9) : ResponseValue.NonNumeric;
        plan.Score([ResponseValue.FromInteger(2), ResponseValue.FromInteger(1), c, ResponseValue.Missing], result);

        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Score_RequiredItemUnanswered_IsPartial_WithRsp2004NamingIt()
    {
        var result = ScoreEdge(2, null, 3, 1);

        Assert.Equal(ResponseStatus.Partial, result.Status);
        var d = result.Diagnostics[0];
        Assert.Equal("RSP2004", d.Id);
        Assert.Equal(1, d.Item);
        Assert.Equal(-1, d.Score);
        Assert.Equal(-1, d.Flag);
        Assert.Equal("Item 'b' was not answered", result.FormatMessage(d));
    }

    // ---- reverse keys ----

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(4, 0)]
    public void Score_ReverseKeyOnAZeroBasedScale_IsMinPlusMaxMinusValue_AndTheItemKeepsItsRawValue(int b, int keyed)
    {
        var result = ScoreEdge(1, b, 0, null);

        Assert.Equal(1 + keyed + 0, result.GetScore("total"));
        Assert.Equal((keyed + 0) / 2.0, result.GetScore("avg"));
        Assert.Equal(b, result.GetItemValue(1));
    }

    // ---- missing rules ----

    [Fact]
    public void Score_LastMissingItemTheRuleAllows_IsProrated_FromTheMeanOfTheAnswered()
    {
        var result = ScoreEdge(4, null, 3, null);

        var sum = Plan.IndexOfScore("total");
        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.Equal((4 + 3) / 2.0 * 3, result.GetScore(sum));
        Assert.True(result.IsProrated(sum));
        Assert.Equal(2, result.GetAnsweredCount(sum));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2011");
        Assert.Equal(sum, d.Score);
        Assert.Equal(2, d.Count);
        Assert.Equal(10.5, d.Value);
        Assert.Equal("Score 'total' prorated from 2 of its 3 items (mean of answered items x 3, not rounded)", result.FormatMessage(d));
    }

    [Fact]
    public void Score_FirstMissingItemTheRuleDoesNotAllow_GivesNoScore_AndSaysHowManyWereMissing()
    {
        var result = ScoreEdge(4, null, null, null);

        var sum = Plan.IndexOfScore("total");
        Assert.Null(result.GetScore(sum));
        Assert.True(double.IsNaN(result.GetScoreValue(sum)));
        Assert.False(result.IsProrated(sum));
        Assert.Equal(-1, result.GetBandIndex(sum));
        Assert.Null(result.GetBand(sum));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2005" && x.Score == sum);
        Assert.Equal(1, d.Count);
        Assert.Equal("Score 'total' not computed: 2 of its 3 items missing, at most 1 allowed", result.FormatMessage(d));
    }

    [Fact]
    public void Score_MeanWithOneItemMissing_IsTheMeanOfTheOthers_NotProrated_AndNotReported()
    {
        var result = ScoreEdge(1, null, 3, null);

        var avg = Plan.IndexOfScore("avg");
        Assert.Equal(3, result.GetScore(avg));
        Assert.False(result.IsProrated(avg));
        Assert.Equal(1, result.GetAnsweredCount(avg));
        Assert.DoesNotContain(result.Diagnostics.ToArray(), d => d.Score == avg);
    }

    [Fact]
    public void Score_AllAnswered_CountsEveryItem_AndIsNotProrated()
    {
        var result = ScoreEdge(1, 4, 3, null);

        Assert.Equal(3, result.GetAnsweredCount(0));
        Assert.Equal(2, result.GetAnsweredCount(1));
        Assert.Equal(0, result.GetAnsweredCount(2)); // expression scores count nothing
        Assert.False(result.IsProrated(0));
        Assert.Equal(1 + 0 + 3, result.GetScore(0));
    }

    // ---- bands ----

    [Theory]
    [InlineData(1, 4, 0, 1, 0, "Low")]     // sum 1: lowest value
    [InlineData(2, 2, 0, 4, 0, "Low")]     // sum 4: top edge of Low
    [InlineData(2, 0, 0, 6, 1, "High")]    // sum 6: bottom edge of High
    [InlineData(4, 0, 4, 12, 1, "High")]   // sum 12: top edge of High
    public void Score_SumAtABandEdge_GetsThatBand(int a, int b, int c, double sum, int band, string label)
    {
        var result = ScoreEdge(a, b, c, null);

        Assert.Equal(sum, result.GetScore(0));
        Assert.Equal(band, result.GetBandIndex(0));
        Assert.Equal(label, result.GetBand(0));
        Assert.DoesNotContain("RSP2007", Ids(result));
    }

    [Fact]
    public void Score_SumBetweenTwoBands_GetsNoBand_AndRsp2007WithTheValue()
    {
        var result = ScoreEdge(1, 2, 2, null); // 1 + (4 - 2) + 2 = 5

        Assert.Equal(5, result.GetScore(0));
        Assert.Equal(-1, result.GetBandIndex(0));
        Assert.Null(result.GetBand(0));
        Assert.Equal(ResponseStatus.Complete, result.Status); // a warning
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2007");
        Assert.Equal(0, d.Score);
        Assert.Equal(5, d.Value);
        Assert.Equal("Score 'total' = 5 lies in no band (between 'Low' (0 to 4) and 'High' (6 to 12)); no label given", result.FormatMessage(d));
    }

    [Fact]
    public void Score_MeanAtTheTopEdgeOfTheLowerBand_GetsIt()
    {
        var result = ScoreEdge(1, 3, 1, null); // b' = 1, c = 1: mean 1

        var avg = Plan.IndexOfScore("avg");
        Assert.Equal(1, result.GetScore(avg));
        Assert.Equal(0, result.GetBandIndex(avg));
        Assert.Equal("Low", result.GetBand(avg));
    }

    [Fact]
    public void Score_MeanOfOneAndAHalf_FallsBetweenBands_WithTheExactValueInTheMessage()
    {
        var result = ScoreEdge(1, 2, 1, null); // b' = 2, c = 1: mean 1.5

        var avg = Plan.IndexOfScore("avg");
        Assert.Equal(1.5, result.GetScore(avg));
        Assert.Equal(-1, result.GetBandIndex(avg));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2007" && x.Score == avg);
        Assert.Equal("Score 'avg' = 1.5 lies in no band (between 'Low' (0 to 1) and 'High' (2 to 4)); no label given", result.FormatMessage(d));
    }

    [Fact]
    public void Score_MeanAtTheBottomEdgeOfTheUpperBand_GetsIt()
    {
        var result = ScoreEdge(1, 2, 2, null); // b' = 2, c = 2: mean 2

        var avg = Plan.IndexOfScore("avg");
        Assert.Equal(2, result.GetScore(avg));
        Assert.Equal(1, result.GetBandIndex(avg));
        Assert.Equal("High", result.GetBand(avg));
    }

    // ---- expression scores ----

    [Fact]
    public void Score_ExpressionDividingByZero_IsNotComputed_AndSaysTheResultIsUndefined()
    {
        var result = ScoreEdge(2, 4, 0, null);

        var ratio = Plan.IndexOfScore("ratio");
        Assert.Null(result.GetScore(ratio));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2009");
        Assert.Equal(ratio, d.Score);
        Assert.Equal("Score 'ratio' not computed: the result is undefined (for example a division by zero)", result.FormatMessage(d));
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    [Fact]
    public void Score_ExpressionWithOneInputMissing_NamesIt()
    {
        var result = ScoreEdge(null, 4, 2, null);

        var both = Plan.IndexOfScore("both");
        Assert.Null(result.GetScore(both));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2009" && x.Score == both);
        Assert.Equal("Score 'both' not computed: 'a' is missing", result.FormatMessage(d));
    }

    [Fact]
    public void Score_ExpressionWithTwoInputsMissing_NamesBothInOrder()
    {
        var result = ScoreEdge(null, 4, null, null);

        var both = Plan.IndexOfScore("both");
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2009" && x.Score == both);
        Assert.Equal("Score 'both' not computed: 'a', 'c' are missing", result.FormatMessage(d));
    }

    [Fact]
    public void Score_ExpressionOverAScoreThatWasNotComputed_NamesTheScore()
    {
        var result = ScoreEdge(null, null, 2, null); // sum: 2 of 3 missing

        var ratio = Plan.IndexOfScore("ratio");
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2009" && x.Score == ratio);
        Assert.Equal("Score 'ratio' not computed: 'total' is missing", result.FormatMessage(d));
    }

    [Fact]
    public void Score_ExpressionWithEveryInput_IsComputed()
    {
        var result = ScoreEdge(4, 3, 2, null); // sum = 4 + 1 + 2 = 7

        Assert.Equal(3.5, result.GetScore("ratio"));
        Assert.Equal(6, result.GetScore("both"));
        Assert.Equal(0, result.GetAnsweredCount(Plan.IndexOfScore("both")));
        Assert.False(result.IsProrated(Plan.IndexOfScore("both"))); // an expression score is never prorated
    }

    // ---- flags ----

    [Theory]
    [InlineData(4, FlagState.Raised)]
    [InlineData(2, FlagState.NotRaised)]
    [InlineData(null, FlagState.Unknown)]
    public void Score_FlagOnOneItem_HasThreeStates(int? a, FlagState expected)
    {
        var result = ScoreEdge(a, 4, 0, null);

        Assert.Equal(expected, result.GetFlag(0));
        Assert.Equal(expected == FlagState.Unknown, result.Diagnostics.ToArray().Any(d => d.Id == "RSP2008" && d.Flag == 0));
    }

    [Fact]
    public void Score_FlagThatCannotBeEvaluated_SaysWhichInputIsMissing()
    {
        var result = ScoreEdge(null, 4, 0, null);

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2008" && x.Flag == 0);
        Assert.Equal(-1, d.Item);
        Assert.Equal(-1, d.Score);
        Assert.Equal("Flag 'high_a' could not be evaluated: 'a' is missing; check it by hand", result.FormatMessage(d));
    }

    [Theory]
    [InlineData(null, 4, FlagState.Raised)]       // unknown || true = true: no diagnostic
    [InlineData(null, 0, FlagState.Unknown)]      // unknown || false = unknown
    [InlineData(1, 0, FlagState.NotRaised)]
    [InlineData(4, null, FlagState.Raised)]
    public void Score_FlagWithOr_FollowsThreeValuedLogic(int? a, int? c, FlagState expected)
    {
        var result = ScoreEdge(a, 4, c, null);

        Assert.Equal(expected, result.GetFlag(1));
        Assert.Equal(expected == FlagState.Unknown, result.Diagnostics.ToArray().Any(d => d.Id == "RSP2008" && d.Flag == 1));
    }

    [Fact]
    public void Score_FlagWithBothInputsMissing_NamesBoth()
    {
        var result = ScoreEdge(null, 4, null, null);

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2008" && x.Flag == 1);
        Assert.Equal("Flag 'either' could not be evaluated: 'a', 'c' are missing; check it by hand", result.FormatMessage(d));
    }

    // ---- diagnostics order ----

    [Fact]
    public void Score_Diagnostics_ComeInTheOrderItemsScoresFlags()
    {
        var result = ScoreEdge(null, null, 9, 7);

        Assert.Equal(
            ["RSP2004", "RSP2004", "RSP2001", "RSP2001", "RSP2005", "RSP2005", "RSP2009", "RSP2009", "RSP2008", "RSP2008"],
            Ids(result));
        Assert.Equal([0, 1, 2, 3], result.Diagnostics.ToArray().Take(4).Select(d => d.Item));
        Assert.Equal([0, 1, 2, 3], result.Diagnostics.ToArray().Skip(4).Take(4).Select(d => d.Score));
        Assert.Equal([0, 1], result.Diagnostics.ToArray().Skip(8).Select(d => d.Flag));
    }

    [Theory]
    [InlineData(new[] { 0, 2 }, 1)]       // two options, one gap: as many options as max + min
    [InlineData(new[] { 0, 3 }, 1)]       // two gaps: as many options as max - min - 1
    [InlineData(new[] { 0, 3 }, 2)]
    [InlineData(new[] { -1, 1 }, 0)]
    public void Score_CodeInTheGapOfATwoOptionScale_IsInvalid(int[] options, int code)
    {
        var definition = new Definitions.InstrumentDefinition
        {
            Id = "gap",
            Version = "1.0.0",
            Title = "Gap",
            License = new Definitions.LicenseInfo { Name = "test" },
            ResponseScales = [new Definitions.ResponseScale { Id = "s", Options = [.. options.Select(v => new Definitions.ResponseOption { Value = v, Label = "v" + v })] }],
            Items = [new Definitions.ItemDefinition { Id = "x", Scale = "s" }],
            Scores = [new Definitions.ScoreDefinition { Id = "t", Method = Definitions.ScoreMethod.Sum, Items = ["x"] }],
        };
        var plan = ScoringPlan.Create(definition).Plan!;
        var result = plan.CreateResult();

        plan.Score([ResponseValue.FromInteger(code)], result);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Null(result.GetScore(0));

        plan.Score([ResponseValue.FromInteger(options[1])], result);
        Assert.Equal(options[1], result.GetScore(0));
    }

    [Fact]
    public void Score_ExpressionScoreWithBands_GetsItsBand_AndOneWithoutBandsHasNone()
    {
        var both = Plan.IndexOfScore("both");
        var ratio = Plan.IndexOfScore("ratio");

        var low = ScoreEdge(1, 4, 2, null);   // a + c = 3
        var high = ScoreEdge(4, 4, 4, null);  // a + c = 8

        Assert.Equal("Low", low.GetBand(both));
        Assert.Equal(1, high.GetBandIndex(both));
        Assert.Equal("High", high.GetBand(both));
        Assert.Equal(-1, high.GetBandIndex(ratio));
        Assert.Null(high.GetBand(ratio));
        Assert.Equal(-1, ScoreEdge(null, 4, 4, null).GetBandIndex(both)); // not computed: no band, and no RSP2007
        Assert.DoesNotContain("RSP2007", Ids(ScoreEdge(null, 4, 4, null)));
    }

    // ---- what each diagnostic is about ----

    private static void AssertAbout(ResponseDiagnostic d, int item, int score, int flag)
    {
        Assert.True((item, score, flag) == (d.Item, d.Score, d.Flag), $"{d.Id}: expected item/score/flag {(item, score, flag)}, got {(d.Item, d.Score, d.Flag)}");
    }

    [Fact]
    public void Score_EachDiagnostic_NamesTheItemScoreOrFlagItIsAbout_AndMinusOneForTheOthers()
    {
        var total = Plan.IndexOfScore("total");
        var avg = Plan.IndexOfScore("avg");
        var ratio = Plan.IndexOfScore("ratio");
        var both = Plan.IndexOfScore("both");

        var broken = ScoreEdge(null, null, 9, 7).Diagnostics.ToArray();
        AssertAbout(broken[0], 0, -1, -1);     // RSP2004
        AssertAbout(broken[1], 1, -1, -1);     // RSP2004
        AssertAbout(broken[2], 2, -1, -1);     // RSP2001
        AssertAbout(broken[3], 3, -1, -1);     // RSP2001
        AssertAbout(broken[4], -1, total, -1); // RSP2005
        AssertAbout(broken[5], -1, avg, -1);   // RSP2005
        AssertAbout(broken[6], -1, ratio, -1); // RSP2009
        AssertAbout(broken[7], -1, both, -1);  // RSP2009
        AssertAbout(broken[8], -1, -1, 0);     // RSP2008
        AssertAbout(broken[9], -1, -1, 1);     // RSP2008

        var result = Score(Plan, "x", "-99", "2", "");
        var diagnostics = result.Diagnostics.ToArray();
        AssertAbout(Assert.Single(diagnostics, d => d.Id == "RSP2002"), 0, -1, -1);
        AssertAbout(Assert.Single(diagnostics, d => d.Id == "RSP2006"), 1, -1, -1);

        var prorated = ScoreEdge(4, null, 3, null).Diagnostics.ToArray();
        AssertAbout(Assert.Single(prorated, d => d.Id == "RSP2011"), -1, total, -1);

        var between = ScoreEdge(1, 2, 2, null).Diagnostics.ToArray();
        AssertAbout(Assert.Single(between, d => d.Id == "RSP2007" && d.Score == total), -1, total, -1);

        var undefined = ScoreEdge(2, 4, 0, null).Diagnostics.ToArray();
        AssertAbout(Assert.Single(undefined, d => d.Id == "RSP2009"), -1, ratio, -1);
    }

    [Fact]
    public void ReportedFromOutsideTheItems_UnknownItemAndMalformedRow_AreAboutNoItemScoreOrFlag()
    {
        var result = ScoreEdge(1, 1, 1, null);
        ScoringPlan.ReportUnknownItem(result, "zz");
        AssertAbout(result.Diagnostics[^1], -1, -1, -1);

        var fromDictionary = Plan.Score(new Dictionary<string, string?> { ["a"] = "2", ["b"] = "2", ["c"] = "2", ["zz"] = "1" });
        AssertAbout(Assert.Single(fromDictionary.Diagnostics.ToArray()), -1, -1, -1);

        Plan.ScoreMalformed(result, 3, "broken");
        AssertAbout(Assert.Single(result.Diagnostics.ToArray()), -1, -1, -1);
    }
}
