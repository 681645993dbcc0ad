using Instruments.Definitions;
using Instruments.Scoring;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The emit step: a plan comes from the compilation (no second binding), and a definition with mistakes gives
/// diagnostics, never an exception, on every path that builds a plan.
/// </summary>
public sealed class CompilationPlanTests
{
    [Fact]
    public void CreatePlan_ById_ScoresWithTheCompiledDefinition()
    {
        var compilation = Compile(Doc());
        var result = compilation.CreatePlan("demo");
        Assert.True(result.Success);
        Assert.Empty(result.Diagnostics);
        Assert.Same(compilation.Definitions[0], result.Plan.Definition);
        Assert.Equal(4, result.Plan.Score(new Dictionary<string, string?> { ["mood"] = "2", ["sleep"] = "1", ["energy"] = "1" }).GetScore(0));
        Assert.Same(compilation.Definitions[0], compilation.CreatePlan(compilation.Definitions[0]).Definition);
    }

    [Fact]
    public void CreatePlan_AppliesTheCompilationsSeverityChoicesToResponseDiagnostics()
    {
        var options = Instruments.Diagnostics.DiagnosticOptions.Default.WithSeverity("RSP2004", Instruments.Diagnostics.ReportSeverity.Suppress);
        var compilation = InstrumentCompiler.Compile(Doc(), CompilerTestYaml.Path, options);
        var response = new Dictionary<string, string?> { ["mood"] = "2", ["sleep"] = null, ["energy"] = "1" };

        Assert.Same(options, compilation.Options);
        Assert.DoesNotContain(compilation.CreatePlan("demo").Plan!.Score(response).Diagnostics.ToArray(), d => d.Id == "RSP2004");
        Assert.DoesNotContain(compilation.CreatePlan(compilation.Definitions[0]).Score(response).Diagnostics.ToArray(), d => d.Id == "RSP2004");
        Assert.Contains(Compile(Doc()).CreatePlan("demo").Plan!.Score(response).Diagnostics.ToArray(), d => d.Id == "RSP2004");
    }

    [Fact]
    public void CreatePlan_ForADefinitionWithErrors_GivesItsDiagnostics_NotAnException()
    {
        var compilation = Compile(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - { id: sleep, scale: frq }
              - { id: energy, scale: freq }
            """));
        var result = compilation.CreatePlan("demo");
        Assert.False(result.Success);
        Assert.Null(result.Plan);
        var d = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("INS1030", d.Id);
        Assert.Equal(CompilerTestYaml.Path, d.Location.Path);
    }

    [Fact]
    public void CreatePlan_ForAnIdNoSourceDefines_IsUnsuccessful()
    {
        var result = Compile(Doc()).CreatePlan("nope");
        Assert.False(result.Success);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void CreatePlan_ForADefinitionFromElsewhere_IsAProgrammingError()
    {
        var other = Assert.Single(Compile(Doc()).Definitions);
        Assert.Throws<ArgumentException>(() => Compile(Doc()).CreatePlan(other));
    }

    [Fact]
    public void ScoringPlanCreate_ForACSharpDefinitionWithErrors_GivesDiagnostics_NotAnException()
    {
        var broken = new InstrumentDefinition
        {
            Id = "x", Version = "1.0.0", Title = "x", License = new LicenseInfo { Name = "x" },
            Items = [new ItemDefinition { Id = "a", Scale = "nope" }],
            Scores = [new ScoreDefinition { Id = "t", Method = ScoreMethod.Sum, Items = ["a", "b"] }],
        };
        var result = ScoringPlan.Create(broken);
        Assert.False(result.Success);
        Assert.Equal(["INS1030", "INS1031"], result.Diagnostics.Where(d => d.IsError).Select(d => d.Id).Order());
    }

    [Fact]
    public void ExampleRunner_ForADefinitionWithErrors_FailsEachExample_WithTheErrors()
    {
        var broken = new InstrumentDefinition
        {
            Id = "x", Version = "1.0.0", Title = "x", License = new LicenseInfo { Name = "x" },
            Items = [new ItemDefinition { Id = "a", Scale = "nope" }],
            Examples = [new InstrumentExample { Name = "e", Source = "s", Responses = ImmutableDictionaryOf("a", "1"), Expect = new ExampleExpectation() }],
        };
        var outcome = Assert.Single(Testing.ExampleRunner.Run(broken));
        Assert.False(outcome.Passed);
        Assert.Contains(outcome.Failures, f => f.Contains("INS1030", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanRange_IsTheRangeTheBandChecksUse()
    {
        // total is 0..6; a band set 0..5 leaves 6 uncovered (INS1054), and the plan reports the same 0..6.
        var compilation = Compile(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                bands: [{ min: 0, max: 5, label: Low }]
              - id: pct
                expression: "total * 50 / 3"
            """));
        Assert.Contains(compilation.Diagnostics, d => d.Id == "INS1054" && d.Message.Contains("0 to 6", StringComparison.Ordinal));
        var plan = compilation.CreatePlan("demo").Plan!;
        Assert.Equal(new ScoreRange(0, 6, true), plan.GetScoreRange(0));
        var pct = plan.GetScoreRange(1);
        Assert.Equal((0d, 100d), (pct.Min, pct.Max));
        Assert.False(pct.IsIntegral);
    }

    private static System.Collections.Immutable.ImmutableDictionary<string, string?> ImmutableDictionaryOf(string key, string value) =>
        System.Collections.Immutable.ImmutableDictionary<string, string?>.Empty.Add(key, value);
}
