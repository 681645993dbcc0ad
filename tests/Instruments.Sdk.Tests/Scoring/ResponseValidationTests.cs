using Instruments.Scoring;
using Instruments.Tests.Shared;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

public sealed class ResponseValidationTests
{
    private static readonly ScoringPlan Swls = ShippedPlan("wellbeing/instruments/swls.yaml");
    private static readonly ScoringPlan Phq9 = ShippedPlan("symptoms/instruments/phq-9.yaml");

    [Theory]
    [InlineData("8")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("4.5")]
    public void OutOfRangeValue_IsAnErrorNamingItemAndValue_AndNeverEntersTheSum(string bad)
    {
        var result = Score(Swls, "5", "5", bad, "5", "5");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Null(result.GetScore(0)); // counted as missing; SWLS allows none
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2001");
        Assert.Equal(2, d.Item);
        Assert.Equal($"Item 'swls3': {bad} is not one of its response options (1 to 7); counted as missing", result.FormatMessage(d));
    }

    [Fact]
    public void OutOfRangeValue_InAProratedScore_IsTreatedAsMissing_NotSummed()
    {
        // 9 is outside 0-3: it must not inflate the total; the other 8 items are prorated.
        var result = Score(Phq9, "1", "1", "1", "1", "1", "1", "1", "9", "1", "0");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(9, result.GetScore(0));
        Assert.True(result.IsProrated(0));
    }

    [Theory]
    [InlineData("three")]
    [InlineData("n/a")]
    [InlineData("5x")]
    public void NonNumericValue_IsAnErrorWithTheOriginalText(string bad)
    {
        var result = Score(Swls, "5", bad, "5", "5", "5");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Equal($"Item 'swls2': '{bad}' is not a number; counted as missing", result.FormatMessage(d));
    }

    [Fact]
    public void MissingCode_CountsAsMissing_NotInvalid_AndIsReported()
    {
        var result = Score(Phq9, "1", "1", "-99", "1", "1", "1", "1", "1", "1", "0");

        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.Equal(9, result.GetScore(0));
        Assert.True(result.IsProrated(0));
        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2006");
        Assert.Equal("Item 'phq9_3': missing code -99 (not answered)", result.FormatMessage(d));
        Assert.DoesNotContain("RSP2001", Ids(result));
    }

    [Fact]
    public void EmptyAndWhiteSpaceCells_AreMissing()
    {
        var result = Score(Swls, "5", " ", "", "5", "5");

        Assert.Equal(["RSP2004", "RSP2004", "RSP2005"], Ids(result));
        Assert.Equal(ResponseStatus.Partial, result.Status);
    }

    [Fact]
    public void DictionaryApi_ReportsKeysThatAreNotItems()
    {
        var result = Swls.Score(new Dictionary<string, string?>
        {
            ["swls1"] = "7", ["swls2"] = "7", ["swls3"] = "7", ["swls4"] = "7", ["swls5"] = "7", ["swsl6"] = "1",
        });

        Assert.Equal(35, result.GetScore("total"));
        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2003", d.Id);
        Assert.Equal("'swsl6' is not an item of this instrument; its value was ignored", result.FormatMessage(d));
        Assert.Equal(ResponseStatus.Complete, result.Status); // a warning, not an error
    }

    [Fact]
    public void MalformedRow_IsInvalidWithItsLine_AndNoScores()
    {
        var result = Swls.CreateResult();
        Swls.Score([.. Enumerable.Repeat(ResponseValue.FromNumber(7), 5)], result);

        Swls.ScoreMalformed(result, 42, "unterminated quoted field");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Null(result.GetScore(0));
        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("Line 42: unterminated quoted field", result.FormatMessage(d));
    }

    [Fact]
    public void ResultBufferIsFullyOverwritten_ByTheNextResponse()
    {
        var result = Phq9.CreateResult();
        Phq9.Score([.. Parse("1", "x", "", "1", "1", "1", "1", "1", "1", "9")], result);
        Assert.Equal(ResponseStatus.Invalid, result.Status);

        Phq9.Score([.. Parse("0", "0", "0", "0", "0", "0", "0", "0", "0", "0")], result);

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal(0, result.GetScore(0));
        Assert.Equal("Minimal", result.GetBand(0));
        Assert.False(result.IsProrated(0));
        Assert.Equal(FlagState.NotRaised, result.GetFlag(0));
        Assert.True(result.Diagnostics.IsEmpty);
    }

    [Fact]
    public void Score_WithReusedBuffer_AllocatesNothing()
    {
        var values = Parse("2", "2", "-99", "2", "x", "2", "2", "2", "1", "");
        var result = Phq9.CreateResult();
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                Phq9.Score(values, result);
            }
        }));
    }

    [Fact]
    public void Score_WithTextsAndReusedBuffer_AllocatesNothing()
    {
        string[] cells = ["2", "2", "-99", "2", "x", "2", "2", "2", "1", ""];
        var values = Parse(cells);
        var result = Phq9.CreateResult();
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                Phq9.Score(values, cells, result);
            }
        }));
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Id == "RSP2002" && d.Text == "x");
    }

    [Fact]
    public void Diagnostics_ReadBeforeAndAfterAHostAddsOne_KeepOrderDescriptorsAndTexts_AndAReusedResultForgetsThem()
    {
        // The plan logs its own diagnostics compactly and builds them when read; texts and host diagnostics are
        // stored whole. Reading in between must not lose or reorder anything.
        var result = Phq9.CreateResult();
        string[] cells = ["2", "", "7", "2", "x", "2", "2", "2", "1", "1"];
        Phq9.Score(Parse(cells), cells, result);
        Assert.Equal(["RSP2004", "RSP2001", "RSP2002", "RSP2005"], result.Diagnostics.ToArray().Select(d => d.Id).Take(4));
        var first = result.Diagnostics.Length;

        ScoringPlan.ReportUnknownItem(result, "phq10");
        var all = result.Diagnostics.ToArray();
        Assert.Equal(first + 1, all.Length);
        Assert.Equal(1, all[0].Item);
        Assert.Same(Instruments.Diagnostics.InstrumentDiagnostics.ItemMissing, all[0].Descriptor);
        Assert.Equal(7, all[1].Value);
        Assert.Equal("x", all[2].Text);
        Assert.Equal("phq10", all[^1].Text);
        Assert.Equal("RSP2003", all[^1].Id);

        Phq9.Score(Parse("1", "1", "1", "1", "1", "1", "1", "1", "1", "1"), result);
        Assert.Empty(result.Diagnostics.ToArray());
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("n/a")]
    [InlineData("2.5")]
    [InlineData("4")]
    public void PlainAssignment_OverAnyPreviousValue_EqualsFromInteger(string? previous)
    {
        // A reader overwrites a reused row by plain assignment; whatever the slot held, it must end up the plain integer.
        var row = new ResponseValue[1];
        row[0] = previous is null ? ResponseValue.Missing : ResponseValue.Parse(previous.AsSpan());
        row[0] = ResponseValue.FromInteger(3);
        Assert.Equal(ResponseValue.FromNumber(3), row[0]);
        Assert.Equal(ResponseValueKind.Number, row[0].Kind);
        Assert.Equal(3, row[0].Number);
    }

    [Fact]
    public void ResponseValue_HoldsNoReference_SoStoringOneNeedsNoWriteBarrier()
    {
        Assert.False(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<ResponseValue>());
    }

    [Theory]
    [InlineData("n/a")]
    [InlineData("three")]
    [InlineData("1e5x")]
    public void Parse_NonNumericText_IsTheNonNumericMarker_WhateverTheText(string text)
    {
        Assert.Equal(ResponseValue.NonNumeric, ResponseValue.Parse(text.AsSpan()));
        Assert.Equal(ResponseValue.NonNumeric, ResponseValue.Parse(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal(ResponseValueKind.NonNumeric, ResponseValue.NonNumeric.Kind);
        Assert.True(double.IsNaN(ResponseValue.NonNumeric.Number));
    }

    [Fact]
    public void NonNumericValue_WithoutTexts_IsStillReported_WithAPlaceholder()
    {
        var result = Swls.CreateResult();
        Swls.Score(Parse("5", "x", "5", "5", "5"), result);

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Null(d.Text);
        Assert.Equal("Item 'swls2': '?' is not a number; counted as missing", result.FormatMessage(d));
    }

    [Fact]
    public void Texts_AreReadOnlyWhereTheValueIsNonNumeric()
    {
        // A reused texts array keeps stale texts beside numbers; they must not turn up in any diagnostic.
        var result = Swls.CreateResult();
        Swls.Score(Parse("5", "x", "5", "5", "5"), ["stale", "n/a", "stale", "stale", "stale"], result);

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Equal(1, d.Item);
        Assert.Equal("n/a", d.Text);
        Assert.Throws<ArgumentException>(() => Swls.Score(Parse("5", "5", "5", "5", "5"), ["5"], result));
    }

    [Fact]
    public void DictionaryApi_KeepsTheTextOfANonNumericAnswer()
    {
        var result = Swls.Score(new Dictionary<string, string?> { ["swls1"] = "5", ["swls2"] = "often", ["swls3"] = "5", ["swls4"] = "5", ["swls5"] = "5" });

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002");
        Assert.Equal("Item 'swls2': 'often' is not a number; counted as missing", result.FormatMessage(d));
    }

    [Fact]
    public void Plan_RejectsADefinitionWithErrors()
    {
        var broken = new Definitions.InstrumentDefinition
        {
            Id = "x",
            Version = "1.0.0",
            Title = "x",
            License = new Definitions.LicenseInfo { Name = "x" },
            Items = [new Definitions.ItemDefinition { Id = "a", Scale = "nope" }],
        };

        var result = ScoringPlan.Create(broken);
        Assert.False(result.Success);
        Assert.Null(result.Plan);
        Assert.Contains(result.Diagnostics, d => d.Id == "INS1030" && d.IsError);
        Assert.Contains(broken.Validate(), d => d.Id == "INS1030");
    }

    private static ResponseValue[] Parse(params string[] cells) => [.. cells.Select(c => ResponseValue.Parse(c.AsSpan()))];
}
