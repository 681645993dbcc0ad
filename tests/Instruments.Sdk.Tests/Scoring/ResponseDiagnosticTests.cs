using Instruments.Compiler;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Plugins;
using Instruments.Scoring;
using Instruments.Tests.Shared;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>Response diagnostics: severities from <see cref="DiagnosticOptions"/>, typed payloads, nothing dropped, non-finite scores.</summary>
public sealed class ResponseDiagnosticTests
{
    private static readonly ScoringPlan Swls = ShippedPlan("wellbeing/instruments/swls.yaml");

    // Two items 1-5; a sum, an expression score calling a function, a flag calling a function.
    private const string WithFunctions = """
        instrument: fx
        version: 1.0.0
        title: Functions (test fixture)
        license: { name: free, texts: restricted }
        response_scales:
          five: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" } ] }
        items:
          - { id: a, scale: five }
          - { id: b, scale: five }
        scores:
          - { id: total, items: [a, b], method: sum }
          - id: derived
            expression: "f(total)"
        flags:
          - { id: check, when: "g(a) >= 1" }
        """;

    private static ScoringPlan PlanWith(ScoringFunctionBody f, ScoringFunctionBody? g = null, DiagnosticOptions? options = null)
    {
        var functions = ScoringFunctions.Empty
            .Add(new ScoringFunction("f", 1, 1, f) { Owner = "norms" })
            .Add(new ScoringFunction("g", 1, 1, g ?? (args => args[0])) { Owner = "norms" });
        var compilation = InstrumentCompiler.Compile(WithFunctions, "fx.yaml", functions: functions);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return ScoringPlan.Create(Assert.Single(compilation.Definitions), functions, options).Plan!;
    }

    private static ScoreResult ScoreWith(ScoringPlan plan, params int?[] values)
    {
        var result = plan.CreateResult();
        plan.Score([.. values.Select(v => v is null ? ResponseValue.Missing : ResponseValue.FromInteger(v.Value))], result);
        return result;
    }

    private static string[] Ids(ScoreResult result) => [.. result.Diagnostics.ToArray().Select(d => d.Id)];

    // ---- severities ----

    [Fact]
    public void SuppressedRsp_IsNotReported_ButTheStatusStillSaysWhatHappened()
    {
        var options = DiagnosticOptions.Default.WithSeverity("RSP2004", ReportSeverity.Suppress);
        var plan = ScoringPlan.Create(Swls.Definition, options: options).Plan!;

        var result = Score(plan, "5", "", "5", "5", "5");

        Assert.DoesNotContain("RSP2004", Ids(result));
        Assert.Contains("RSP2005", Ids(result));
        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.Same(options, plan.Options);
    }

    [Fact]
    public void RaisedRsp_CarriesItsNewSeverity_AndMakesTheResponseInvalid()
    {
        var plan = ScoringPlan.Create(Swls.Definition, options: DiagnosticOptions.Default.WithSeverity("RSP2005", ReportSeverity.Error)).Plan!;

        var result = Score(plan, "5", "", "5", "5", "5");

        var d = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2005");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(ResponseStatus.Partial, Score(Swls, "5", "", "5", "5", "5").Status);
    }

    [Fact]
    public void WarningsAsErrors_AppliesToResponseWarnings_ButAnExplicitChoiceWins()
    {
        var options = DiagnosticOptions.Default.WithWarningsAsErrors(true).WithSeverity("RSP2004", ReportSeverity.Warning);
        var plan = ScoringPlan.Create(Swls.Definition, options: options).Plan!;

        var result = Score(plan, "5", "", "5", "5", "5");

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2004").Severity);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2005").Severity);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    [Fact]
    public void LoweredError_OnAValueStoredWhole_ChangesSeverityAndStatus()
    {
        // RSP2002 is stored whole (it has a text); lowered, the response is no longer invalid, but the item still counts as missing.
        var plan = ScoringPlan.Create(Swls.Definition, options: DiagnosticOptions.Default.WithSeverity("RSP2002", ReportSeverity.Warning)).Plan!;

        var result = Score(plan, "5", "n/a", "5", "5", "5");

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2002").Severity);
        Assert.Equal(ResponseStatus.Partial, result.Status);
    }

    [Fact]
    public void SuppressedRsp_AddedFromOutsideThePlan_IsNotReported()
    {
        var plan = ScoringPlan.Create(Swls.Definition, options: DiagnosticOptions.Default.WithSeverity("RSP2003", ReportSeverity.Suppress)).Plan!;
        var result = Score(plan, "5", "5", "5", "5", "5");

        ScoringPlan.ReportUnknownItem(result, "swls6");

        Assert.Empty(Ids(result));
    }

    [Fact]
    public void MalformedRow_StaysInvalid_EvenWhenRsp2010IsLowered()
    {
        var plan = ScoringPlan.Create(Swls.Definition, options: DiagnosticOptions.Default.WithSeverity("RSP2010", ReportSeverity.Info)).Plan!;
        var result = plan.CreateResult();

        plan.ScoreMalformed(result, 3, "broken");

        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(result.Diagnostics.ToArray()).Severity);
    }

    [Fact]
    public void ResponseCheckDiagnostics_FollowTheOptionsToo()
    {
        var declared = new DiagnosticDescriptor("TST0001", "Test", "Test {0}", "Response", DiagnosticSeverity.Warning);
        RegisteredResponseCheck check = new(c => c.Report(declared, 0, "x"), "tests", d => d == declared);
        var plan = ScoringPlan.Create(Swls.Definition, null, [check], DiagnosticOptions.Default.WithSeverity("TST0001", ReportSeverity.Error)).Plan!;

        var result = Score(plan, "5", "5", "5", "5", "5");

        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(result.Diagnostics.ToArray()).Severity);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    // ---- nothing dropped ----

    [Fact]
    public void MoreDiagnosticsThanTheEstimate_AreAllKept()
    {
        // One item, one sum, three flags whose function throws on a missing input: each flag logs RSP2012 and RSP2008,
        // so a missing answer gives 2 + 3 x 2 = 8 diagnostics, more than items + 2 x scores + flags = 6.
        var yaml = WithFunctions
            .Replace("  - { id: b, scale: five }\n", string.Empty, StringComparison.Ordinal)
            .Replace("items: [a, b]", "items: [a]", StringComparison.Ordinal)
            .Replace("  - id: derived\n    expression: \"f(total)\"\n", string.Empty, StringComparison.Ordinal)
            .Replace("  - { id: check, when: \"g(a) >= 1\" }", "  - { id: c1, when: \"g(a) >= 1\" }\n  - { id: c2, when: \"g(a) >= 2\" }\n  - { id: c3, when: \"g(a) >= 3\" }", StringComparison.Ordinal);
        var plan = Plan(yaml, "many.yaml", ScoringFunctions.Empty.Add(new ScoringFunction("g", 1, 1, _ => throw new InvalidOperationException("g broke"))));
        Assert.Equal((1, 1, 3), (plan.ItemCount, plan.ScoreCount, plan.FlagCount));
        var result = plan.CreateResult();

        plan.Score([ResponseValue.Missing], result);
        var first = Ids(result);
        plan.Score([ResponseValue.Missing], result); // again, into the grown buffer

        Assert.Equal(["RSP2004", "RSP2005", "RSP2012", "RSP2008", "RSP2012", "RSP2008", "RSP2012", "RSP2008"], first);
        Assert.Equal(first, Ids(result));
        Assert.Equal([0, 0, 1, 1, 2, 2], result.Diagnostics[2..].ToArray().Select(d => d.Flag));
    }

    [Fact]
    public void ManyDiagnosticsFromAResponseCheck_AreAllKept()
    {
        var declared = new DiagnosticDescriptor("TST0002", "Test", "Test {0}", "Response", DiagnosticSeverity.Info);
        RegisteredResponseCheck check = new(c =>
        {
            for (var k = 0; k < 50; k++)
            {
                c.Report(declared, -1, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }, "tests", d => d == declared);
        var plan = ScoringPlan.Create(Swls.Definition, null, [check]).Plan!;

        var result = Score(plan, "5", "", "5", "5", "5");

        Assert.Equal(52, result.Diagnostics.Length);
        Assert.Equal("49", result.Diagnostics[^1].Text);
    }

    [Fact]
    public void Score_WithAResponseCheckAndReusedBuffer_AllocatesNothing_AndTheCheckSeesEachResponse()
    {
        // The check's context belongs to the result buffer: created once, then reused for every response.
        var seen = new List<double?>(capacity: 20_000);
        RegisteredResponseCheck check = new(c => seen.Add(c.Result.GetScore(0)), "tests", _ => false);
        var plan = ScoringPlan.Create(Swls.Definition, null, [check]).Plan!;
        ResponseValue[] values = [.. Enumerable.Repeat(ResponseValue.FromInteger(4), 5)];
        var result = plan.CreateResult();
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                plan.Score(values, result);
            }
        }));
        Assert.True(seen.Count >= 4_000 && seen.Count % 2_000 == 0, $"the check ran {seen.Count} times");
        Assert.All(seen, v => Assert.Equal(20, v));
    }

    // ---- RSP2012: typed payload, one line, no misleading RSP2009 ----

    [Fact]
    public void FunctionFailure_NamesTheScore_OnOneLine_AndIsNotFollowedByAGuess()
    {
        var plan = PlanWith(_ => throw new InvalidOperationException("first line\nsecond line\r\nthird"));

        var result = ScoreWith(plan, 2, 3);

        Assert.Equal(["RSP2012"], Ids(result));
        var d = result.Diagnostics[0];
        Assert.Equal(plan.IndexOfScore("derived"), d.Score);
        Assert.Equal(-1, d.Flag);
        Assert.NotNull(d.Failure);
        Assert.Equal("norms", d.Failure.Plugin);
        Assert.Equal("f", d.Failure.Function);
        Assert.Equal("InvalidOperationException: first line second line third", d.Failure.Error);
        Assert.Equal(
            "Function 'f' (plugin 'norms') failed: InvalidOperationException: first line second line third; its result was taken as missing",
            result.FormatMessage(d));
        Assert.Null(result.GetScore(1));
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    [Fact]
    public void FunctionFailure_InAFlag_NamesTheFlag_AndIsNotFollowedByAGuess()
    {
        var plan = PlanWith(x => x[0], _ => throw new InvalidOperationException("g broke"));

        var result = ScoreWith(plan, 2, 3);

        Assert.Equal(["RSP2012"], Ids(result));
        Assert.Equal(0, result.Diagnostics[0].Flag);
        Assert.Equal(-1, result.Diagnostics[0].Score);
        Assert.Equal(FlagState.Unknown, result.GetFlag(0));
    }

    [Fact]
    public void FunctionReturningNaN_ExplainsThatAFunctionMayHaveReturnedNoValue()
    {
        var plan = PlanWith(_ => double.NaN);

        var result = ScoreWith(plan, 2, 3);

        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2009", d.Id);
        Assert.Equal("Score 'derived' not computed: the result is undefined (a division by zero, or a function that returned no value)", result.FormatMessage(d));
    }

    [Fact]
    public void ResponseCheckFailure_CarriesThePluginAndTheErrorTyped()
    {
        RegisteredResponseCheck check = new(_ => throw new InvalidOperationException("check\nbroke"), "badcheck", _ => false);
        var plan = ScoringPlan.Create(Swls.Definition, null, [check]).Plan!;

        var result = Score(plan, "5", "5", "5", "5", "5");

        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2013", d.Id);
        Assert.Equal("badcheck", d.Failure!.Plugin);
        Assert.Null(d.Failure.Function);
        Assert.Null(d.Text);
        Assert.Equal("A response check of plugin 'badcheck' failed: InvalidOperationException: check broke", result.FormatMessage(d));
    }

    // ---- non-finite results ----

    [Theory]
    [InlineData(double.PositiveInfinity, "+Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void InfiniteResult_IsMissing_WithRsp2014_AndTheResponseIsNotComplete(double infinity, string shown)
    {
        var plan = PlanWith(_ => infinity);

        var result = ScoreWith(plan, 2, 3);

        Assert.Null(result.GetScore(1));
        Assert.True(double.IsNaN(result.GetScoreValue(1)));
        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2014", d.Id);
        Assert.Equal(1, d.Score);
        Assert.Equal($"Score 'derived' not computed: its expression gave {shown}, which is not a finite number; taken as missing", result.FormatMessage(d));
        Assert.NotEqual(ResponseStatus.Complete, result.Status);
        Assert.Equal(5, result.GetScore(0));
    }

    [Fact]
    public void ExpressionOverflowingToInfinity_IsMissing_WithRsp2014()
    {
        // The function returns a large finite number; the expression's own multiplication overflows to +Infinity.
        var overflow = Plan(WithFunctions.Replace("f(total)", "f(total) * f(total)", StringComparison.Ordinal)
            .Replace("g(a) >= 1", "a >= 1", StringComparison.Ordinal), "overflow.yaml", ScoringFunctions.Empty.Add(new ScoringFunction("f", 1, 1, x => x[0] * 1e200)));

        var result = ScoreWith(overflow, 2, 3);

        Assert.Null(result.GetScore(1));
        Assert.Equal(["RSP2014"], Ids(result));
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    private static ScoringPlan Plan(string yaml, string path, ScoringFunctions functions)
    {
        var compilation = InstrumentCompiler.Compile(yaml, path, functions: functions);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return ScoringPlan.Create(Assert.Single(compilation.Definitions), functions).Plan!;
    }
}
