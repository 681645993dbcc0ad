using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;
using static Instruments.Sdk.Tests.Course.CourseTestSupport;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// <see cref="ScoringPlan.WithSuddenGains"/> / <see cref="InstrumentDefinition.WithSuddenGains"/>: the sudden-gain cut-off a
/// user states (<c>track --sudden-gains</c>) on an instrument that declares none.
/// </summary>
public sealed class WithSuddenGainsTests
{
    private static InstrumentDefinition Definition() => new()
    {
        Id = "t",
        Version = "1.0.0",
        Title = "T",
        License = new LicenseInfo { Name = "test" },
        ResponseScales = [new ResponseScale { Id = "s", Options = [new() { Value = 0, Label = "0" }, new() { Value = 20, Label = "20" }] }],
        Items = [new ItemDefinition { Id = "a", Scale = "s" }],
        Scores =
        [
            new ScoreDefinition { Id = "total", Method = ScoreMethod.Sum, Items = ["a"], Change = Rules(reliable: [Fixed(6, "nhs")]) },
            new ScoreDefinition { Id = "plain", Method = ScoreMethod.Sum, Items = ["a"] },
            new ScoreDefinition { Id = "other", Method = ScoreMethod.Sum, Items = ["a"], Change = Rules(reliable: [Fixed(3, "x")]) },
        ],
    };

    private static ScoringPlan Plan() => ScoringPlan.Create(Definition()).Plan!;

    [Fact]
    public void RuleId_GoesToTheScoresWithThatRule_OnlyThem_AndTheVariantFindsGains()
    {
        var rule = new SuddenGainRule { ReliableChange = "nhs", Sources = ["stated"] };
        var result = Plan().WithSuddenGains(rule);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var scores = result.Plan.Definition.Scores;
        Assert.Same(rule, scores[0].Change!.SuddenGains);
        Assert.Null(scores[1].Change);
        Assert.Null(scores[2].Change!.SuddenGains);
        Assert.Null(Plan().Definition.Scores[0].Change!.SuddenGains); // the original is unchanged

        // 16, 16, 16 then 8, 8, 8: a gain of 8 >= 6, >= 25% of 16, and stable.
        var course = CourseAnalyzer.Create(scores[0]).Analyze(16, 16, 16, 8, 8, 8);
        var gain = Assert.Single(course.SuddenGains);
        Assert.Equal(2, gain.PregainPosition);
        Assert.Equal(8, gain.Magnitude);
    }

    [Fact]
    public void Points_GoToEveryScoreWithChangeRules()
    {
        var result = Plan().WithSuddenGains(Gains(5));

        Assert.True(result.Success);
        Assert.Equal([true, false, true], result.Plan.Definition.Scores.Select(s => s.Change?.SuddenGains is not null));
        var course = CourseAnalyzer.Create(result.Plan.Definition.Scores[0]).Analyze(16, 16, 16, 11, 11, 11);
        Assert.Equal(5, Assert.Single(course.SuddenGains).Magnitude);
    }

    [Fact]
    public void UnknownRule_OrNoChangeRules_IsAnArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Plan().WithSuddenGains(new SuddenGainRule { ReliableChange = "jt", Sources = ["s"] }));
        var plain = ScoringPlan.Create(new InstrumentDefinition
        {
            Id = "p", Version = "1.0.0", Title = "P", License = new LicenseInfo { Name = "test" },
            ResponseScales = Definition().ResponseScales, Items = Definition().Items,
            Scores = [new ScoreDefinition { Id = "plain", Method = ScoreMethod.Sum, Items = ["a"] }],
        }).Plan!;
        Assert.Throws<ArgumentException>(() => plain.WithSuddenGains(Gains(5)));
    }

    [Theory]
    [InlineData(-3, 0.25, "INS1091")]
    [InlineData(5, 1.5, "INS1091")]
    public void BadNumbers_AreTheDefinitionDiagnostics_NotAPlan(double cutoff, double relative, string id)
    {
        var result = Plan().WithSuddenGains(Gains(cutoff, relative: relative));

        Assert.False(result.Success);
        Assert.Null(result.Plan);
        Assert.Contains(result.Diagnostics, d => d.Id == id && d.IsError);
    }

    [Fact]
    public void NoSources_IsINS1070()
    {
        var result = Plan().WithSuddenGains(new SuddenGainRule { Cutoff = 5 });

        Assert.Contains(result.Diagnostics, d => d.Id == "INS1070");
    }
}
