using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Sdk.Tests.Validation;

/// <summary>
/// Change rules on definitions built in C#: <see cref="InstrumentDefinition.Validate"/> runs the same checks as the
/// compiler (INS1080-INS1093, INS1070), including the mistakes that only C# can make (an undefined enum value, a
/// non-default critical value on a fixed rule, NaN). Definitions built in C# have no source file: the location is none.
/// </summary>
public sealed class ChangeRuleValidationTests
{
    private static readonly string[] Src = ["test source"];

    /// <summary>Three items scored 0-2 and a sum score 'total' (0 to 6) with <paramref name="change"/>.</summary>
    private static InstrumentDefinition With(ChangeRules change) => new()
    {
        Id = "demo",
        Version = "1.0.0",
        Title = "Demo",
        License = new LicenseInfo { Name = "test", Texts = TextLicense.Shipped },
        ResponseScales = [new ResponseScale { Id = "f", Options = [new() { Value = 0, Label = "a" }, new() { Value = 1, Label = "b" }, new() { Value = 2, Label = "c" }] }],
        Items = [new() { Id = "i1", Scale = "f" }, new() { Id = "i2", Scale = "f" }, new() { Id = "i3", Scale = "f" }],
        Scores = [new() { Id = "total", Items = ["i1", "i2", "i3"], Method = ScoreMethod.Sum, Change = change }],
    };

    private static ReliableChangeRule Jt(string id = "jt", double sd = 1.5, double r = 0.8) =>
        new() { Id = id, Method = ReliableChangeMethod.JacobsonTruax, Sd = sd, Reliability = r, Sources = [.. Src] };

    private static ReliableChangeRule Fixed(string id = "fixed", double threshold = 2) =>
        new() { Id = id, Method = ReliableChangeMethod.Fixed, Threshold = threshold, Sources = [.. Src] };

    private static List<Diagnostic> Validate(ChangeRules change) => [.. With(change).Validate()];

    private static Diagnostic One(ChangeRules change, string id)
    {
        var all = Validate(change);
        var d = Assert.Single(all);
        Assert.True(d.Id == id, string.Join("\n", all));
        Assert.Equal(Location.None, d.Location);
        return d;
    }

    [Fact]
    public void AFullSetOfRules_IsValid()
    {
        Assert.Empty(Validate(new ChangeRules
        {
            Direction = ChangeDirection.LowerIsBetter,
            Caseness = new CasenessRule { Min = 3, Sources = [.. Src] },
            ReliableChange = [Fixed(), Jt()],
            ClinicalSignificance = new ClinicalSignificanceRule
            {
                FunctionalMean = 1, FunctionalSd = 1, DysfunctionalMean = 4, DysfunctionalSd = 1.5, ReliableChange = "jt", Sources = [.. Src],
            },
            SuddenGains = new SuddenGainRule { ReliableChange = "fixed", Sources = [.. Src] },
        }));
    }

    [Fact]
    public void INS1016_UndefinedDirection()
    {
        var d = One(new ChangeRules { Direction = (ChangeDirection)7 }, "INS1016");
        Assert.Equal("'7' is not a valid value for 'direction'; expected one of: lower-is-better, higher-is-better", d.Message);
    }

    [Fact]
    public void INS1016_UndefinedMethod()
    {
        var rule = new ReliableChangeRule { Id = "r", Method = (ReliableChangeMethod)9, Sources = [.. Src] };
        Assert.Equal("'9' is not a valid value for 'method'; expected one of: fixed, jacobson-truax",
            One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [rule] }, "INS1016").Message);
    }

    [Fact]
    public void INS1080_CasenessWithBoth()
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, Caseness = new CasenessRule { Min = 3, Max = 4, Sources = [.. Src] } }, "INS1080");
    }

    [Fact]
    public void INS1081_NaNCaseness_MakesNoValueACase()
    {
        var d = One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, Caseness = new CasenessRule { Min = double.NaN, Sources = [.. Src] } }, "INS1081");
        Assert.Contains("no value the score can take (0 to 6) would be a case", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1082_LowerIsBetterWithMax()
    {
        var d = One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, Caseness = new CasenessRule { Max = 3, Sources = [.. Src] } }, "INS1082");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void INS1083_DuplicateId()
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [Fixed("r"), Jt("r")] }, "INS1083");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.0)]
    public void INS1084_FixedThresholdNotPositiveFinite(double threshold)
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [Fixed(threshold: threshold)] }, "INS1084");
    }

    [Theory]
    [InlineData(double.NaN, 0.8)]
    [InlineData(double.PositiveInfinity, 0.8)]
    [InlineData(1.0, double.NaN)]
    [InlineData(1.0, 1.0)]
    public void INS1085_JacobsonTruaxSdOrReliability(double sd, double r)
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [Jt(sd: sd, r: r)] }, "INS1085");
    }

    [Fact]
    public void INS1086_FixedRuleWithANonDefaultCritical_OnlyCSharpCanSayThat()
    {
        var rule = new ReliableChangeRule { Id = "r", Method = ReliableChangeMethod.Fixed, Threshold = 2, Critical = 2.58, Sources = [.. Src] };
        var d = One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [rule] }, "INS1086");
        Assert.Contains("does not take 'critical'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1087_PointThresholdThatOverflows()
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, ReliableChange = [Jt(sd: double.MaxValue, r: 0)] }, "INS1087");
    }

    [Fact]
    public void INS1087_ClinicalCutoffThatOverflows()
    {
        var d = One(new ChangeRules
        {
            Direction = ChangeDirection.LowerIsBetter,
            ReliableChange = [Jt()],
            ClinicalSignificance = new ClinicalSignificanceRule
            {
                FunctionalMean = 1, FunctionalSd = double.MaxValue, DysfunctionalMean = 4, DysfunctionalSd = double.MaxValue,
                ReliableChange = "jt", Sources = [.. Src],
            },
        }, "INS1087");
        Assert.StartsWith("Score 'total': clinical-significance cut-off c works out to ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1088_NaNMean()
    {
        var d = One(new ChangeRules
        {
            Direction = ChangeDirection.LowerIsBetter,
            ReliableChange = [Jt()],
            ClinicalSignificance = new ClinicalSignificanceRule
            {
                FunctionalMean = double.NaN, FunctionalSd = 1, DysfunctionalMean = 4, DysfunctionalSd = 1, ReliableChange = "jt", Sources = [.. Src],
            },
        }, "INS1088");
        Assert.Equal("Score 'total': clinical significance: 'functional.mean' is NaN; it must be a finite number", d.Message);
    }

    [Fact]
    public void INS1089_And_INS1090_SuddenGainsWithNeitherCutoff()
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, SuddenGains = new SuddenGainRule { Sources = [.. Src] } }, "INS1090");
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, SuddenGains = new SuddenGainRule { ReliableChange = "x", Sources = [.. Src] } }, "INS1089");
    }

    private static ChangeRules Ruptures(params RuptureRule[] rules) => new() { Direction = ChangeDirection.HigherIsBetter, Ruptures = [.. rules] };

    [Fact]
    public void Ruptures_Valid()
    {
        Assert.Empty(Validate(Ruptures(
            new RuptureRule { Id = "a", K = 2, ClientSd = true, Sources = [.. Src] },
            new RuptureRule { Id = "b", K = 1, Sd = 3, RepairWithin = 1, Sources = [.. Src] },
            new RuptureRule { Id = "c", Points = 2, Sources = [.. Src] })));
    }

    [Fact]
    public void INS1122_ClientSdAndAStatedSdAtOnce()
    {
        var d = One(Ruptures(new RuptureRule { Id = "r", K = 2, ClientSd = true, Sd = 3, Sources = [.. Src] }), "INS1122");
        Assert.Equal("Score 'total': rupture rule 'r': it takes the client's SD and a stated 'sd' at once; give one", d.Message);
    }

    [Fact]
    public void INS1121_NaNK_And_INS1123_ZeroWindow_And_INS1124_Duplicate()
    {
        One(Ruptures(new RuptureRule { Id = "r", K = double.NaN, ClientSd = true, Sources = [.. Src] }), "INS1121");
        One(Ruptures(new RuptureRule { Id = "r", Points = 1, RepairWithin = 0, Sources = [.. Src] }), "INS1123");
        One(Ruptures(new RuptureRule { Id = "r", Points = 1, Sources = [.. Src] }, new RuptureRule { Id = "r", Points = 2, Sources = [.. Src] }), "INS1124");
        One(Ruptures(new RuptureRule { Id = "r", Sources = [.. Src] }), "INS1120");
    }

    [Fact]
    public void INS1091_NaNRelative()
    {
        One(new ChangeRules { Direction = ChangeDirection.LowerIsBetter, SuddenGains = new SuddenGainRule { Cutoff = 2, Relative = double.NaN, Sources = [.. Src] } }, "INS1091");
    }

    [Fact]
    public void INS1093_HigherIsBetterWithTheFunctionalMeanBelow()
    {
        One(new ChangeRules
        {
            Direction = ChangeDirection.HigherIsBetter,
            ReliableChange = [Jt()],
            ClinicalSignificance = new ClinicalSignificanceRule
            {
                FunctionalMean = 1, FunctionalSd = 1, DysfunctionalMean = 4, DysfunctionalSd = 1, ReliableChange = "jt", Sources = [.. Src],
            },
        }, "INS1093");
    }

    [Fact]
    public void INS1070_RulesWithoutSources_AreWarnings_AndTheDefinitionStillBinds()
    {
        var def = With(new ChangeRules
        {
            Direction = ChangeDirection.LowerIsBetter,
            Caseness = new CasenessRule { Min = 3 },
            ReliableChange = [new ReliableChangeRule { Id = "r", Method = ReliableChangeMethod.Fixed, Threshold = 2 }],
            ClinicalSignificance = new ClinicalSignificanceRule { FunctionalMean = 1, FunctionalSd = 1, DysfunctionalMean = 4, DysfunctionalSd = 1, ReliableChange = "r" },
            SuddenGains = new SuddenGainRule { Cutoff = 2 },
        });
        var all = def.Validate();
        Assert.Equal(4, all.Length);
        Assert.All(all, d => Assert.Equal(("INS1070", DiagnosticSeverity.Warning), (d.Id, d.Severity)));
        Assert.NotNull(Instruments.Scoring.ScoringPlan.Create(def).Plan);
    }
}
