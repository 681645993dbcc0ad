using Instruments.Definitions;
using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The change rules of a score (<c>change:</c>) in YAML: what is read, and every mistake with its ID and the exact
/// line and column (marked with ‸). The template score <c>total</c> ranges from 0 to 6 (three items scored 0-2).
/// </summary>
public sealed class ChangeRuleDiagnosticTests
{
    private const string Src = "sources: [test]";

    /// <summary>The template score with <paramref name="change"/> (indented under the score) as its change rules.</summary>
    private static string WithChange(string change) => Doc(scores: """
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: sum
            change:

        """ + string.Join("\n", change.Split('\n').Select(l => "      " + l)));

    private const string Full = """
        direction: lower-is-better
        caseness: { min: 3, sources: [case source] }
        reliable_change:
          - { id: fixed-rule, method: fixed, threshold: 2, sources: [fixed source] }
          - { id: jt, method: jacobson-truax, sd: 1.5, reliability: .8, critical: 1.96, sources: [jt source] }
        clinical_significance:
          functional: { mean: 1, sd: 1 }
          dysfunctional: { mean: 4, sd: 1.5 }
          cutoff: a
          reliable_change: jt
          sources: [norm source]
        sudden_gains: { reliable_change: jt, relative: 0.3, stability: false, sources: [gain source] }
        """;

    [Fact]
    public void FullChangeBlock_CompilesWithoutDiagnostics_AndEveryValueIsRead()
    {
        var compilation = Compile(WithChange(Full));
        Assert.Empty(compilation.Diagnostics);
        var change = Assert.Single(compilation.Definitions).Scores[0].Change!;
        Assert.Equal(ChangeDirection.LowerIsBetter, change.Direction);
        Assert.Equal(3, change.Caseness!.Min);
        Assert.Null(change.Caseness.Max);
        Assert.Equal("case source", Assert.Single(change.Caseness.Sources));
        Assert.Equal(2, change.ReliableChange.Length);
        var fixedRule = change.ReliableChange[0];
        Assert.Equal(("fixed-rule", ReliableChangeMethod.Fixed, 2.0), (fixedRule.Id, fixedRule.Method, fixedRule.Threshold!.Value));
        Assert.Null(fixedRule.Sd);
        var jt = change.ReliableChange[1];
        Assert.Equal((ReliableChangeMethod.JacobsonTruax, 1.5, 0.8, 1.96), (jt.Method, jt.Sd!.Value, jt.Reliability!.Value, jt.Critical));
        Assert.Equal("jt source", Assert.Single(jt.Sources));
        var cs = change.ClinicalSignificance!;
        Assert.Equal((1.0, 1.0, 4.0, 1.5, ClinicalCutoff.A, "jt"),
            (cs.FunctionalMean, cs.FunctionalSd, cs.DysfunctionalMean, cs.DysfunctionalSd, cs.Cutoff, cs.ReliableChange));
        var sg = change.SuddenGains!;
        Assert.Equal((null, "jt", 0.3, false), (sg.Cutoff, sg.ReliableChange, sg.Relative, sg.Stability));
        Assert.Equal("gain source", Assert.Single(sg.Sources));
    }

    [Fact]
    public void Defaults_CriticalCutoffRelativeStability()
    {
        var compilation = Compile(WithChange($$"""
            direction: higher-is-better
            reliable_change: [ { id: jt, method: jacobson-truax, sd: 1, reliability: 0.5, {{Src}} } ]
            clinical_significance: { functional: { mean: 5, sd: 1 }, dysfunctional: { mean: 2, sd: 1 }, reliable_change: jt, {{Src}} }
            sudden_gains: { cutoff: 2, {{Src}} }
            """));
        Assert.Empty(compilation.Diagnostics);
        var change = compilation.Definitions[0].Scores[0].Change!;
        Assert.Equal(ChangeDirection.HigherIsBetter, change.Direction);
        Assert.Null(change.Caseness);
        Assert.Equal(1.96, change.ReliableChange[0].Critical);
        Assert.Equal(ClinicalCutoff.C, change.ClinicalSignificance!.Cutoff);
        Assert.Equal((2.0, null, 0.25, true), (change.SuddenGains!.Cutoff!.Value, change.SuddenGains.ReliableChange, change.SuddenGains.Relative, change.SuddenGains.Stability));
    }

    [Fact]
    public void DirectionAlone_IsValid_AndAScoreWithoutChange_HasNone()
    {
        var compilation = Compile(WithChange("direction: higher-is-better"));
        Assert.Empty(compilation.Diagnostics);
        Assert.Empty(compilation.Definitions[0].Scores[0].Change!.ReliableChange);
        Assert.Null(Compile(Doc()).Definitions[0].Scores[0].Change);
    }

    // ---- structure: the generic INS101x diagnostics ----

    [Fact]
    public void INS1011_DirectionMissing_PointsAtTheChangeMapping()
    {
        var d = ExpectOneAt(WithChange($"‸caseness: {{ min: 3, {Src} }}"), "INS1011");
        Assert.Equal("Missing required key 'direction' in the change rules of score 'total'", d.Message);
    }

    [Theory]
    [InlineData("direction: ‸lower-is-worse", "'lower-is-worse' is not a valid value for 'direction'; expected one of: lower-is-better, higher-is-better")]
    [InlineData("direction: lower-is-better\nreliable_change: [ { id: r, method: ‸jacobson, sd: 1, reliability: .5 } ]", "'jacobson' is not a valid value for 'method'; expected one of: fixed, jacobson-truax")]
    public void INS1016_UnknownDirectionOrMethod(string change, string message)
    {
        Assert.Equal(message, ExpectOneAt(WithChange(change), "INS1016").Message);
    }

    [Fact]
    public void INS1016_UnknownCutoff()
    {
        var d = ExpectOneAt(WithChange($$"""
            direction: lower-is-better
            reliable_change: [ { id: jt, method: jacobson-truax, sd: 1, reliability: .5, {{Src}} } ]
            clinical_significance: { functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 4, sd: 1 }, cutoff: ‸b, reliable_change: jt, {{Src}} }
            """), "INS1016");
        Assert.Equal("'b' is not a valid value for 'cutoff'; expected one of: a, c", d.Message);
    }

    [Fact]
    public void INS1010_UnknownKeyInARule_SuggestsTheKey()
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change: [ { id: r, method: fixed, ‸treshold: 2, sources: [x] } ]"), "INS1010", "INS1084");
        Assert.Contains("did you mean 'threshold'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1012_ThresholdThatIsNotANumber()
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change: [ { id: r, method: fixed, threshold: ‸six, sources: [x] } ]"), "INS1012");
        Assert.Equal("'threshold' must be a number, not 'six'", d.Message);
    }

    [Fact]
    public void INS1011_ClinicalSignificanceWithoutDysfunctionalNorms()
    {
        ExpectOneAt(WithChange($"direction: lower-is-better\nclinical_significance: ‸{{ functional: {{ mean: 1, sd: 1 }}, reliable_change: jt, {Src} }}"),
            "INS1011");
    }

    [Fact]
    public void INS1014_InvalidRuleId()
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change: [ { id: ‸NHS.rule, method: fixed, threshold: 2, sources: [x] } ]"), "INS1014");
        Assert.StartsWith("Reliable-change rule id 'NHS.rule' is invalid", d.Message, StringComparison.Ordinal);
    }

    // ---- INS1080-INS1082: caseness ----

    [Theory]
    [InlineData("caseness: ‸{ min: 3, max: 4, sources: [x] }", "both")]
    [InlineData("caseness: ‸{ sources: [x] }", "neither")]
    public void INS1080_CasenessWithBothOrNeitherBoundary(string caseness, string gives)
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\n" + caseness), "INS1080");
        Assert.Equal($"Score 'total': caseness must give exactly one of 'min' (a score of min or more is a case) and 'max' (a score of max or less is a case); it gives {gives}", d.Message);
    }

    [Theory]
    [InlineData("min: ‸7", "no")]
    [InlineData("min: ‸0", "every")]
    [InlineData("min: ‸-1", "every")]
    public void INS1081_CasenessOutsideTheRange(string boundary, string which)
    {
        var d = ExpectOneAt(WithChange($"direction: lower-is-better\ncaseness: {{ {boundary}, {Src} }}"), "INS1081");
        Assert.EndsWith($"{which} value the score can take (0 to 6) would be a case", d.Message, StringComparison.Ordinal);
        Assert.True(d.IsError);
    }

    [Fact]
    public void INS1081_AtTheRangeEdgesButNotBeyond_IsFine()
    {
        // min 6: only the top value is a case; min 1: every value but 0 is. Both leave cases and non-cases.
        Assert.Empty(Compile(WithChange($"direction: lower-is-better\ncaseness: {{ min: 6, {Src} }}")).Diagnostics);
        Assert.Empty(Compile(WithChange($"direction: lower-is-better\ncaseness: {{ min: 1, {Src} }}")).Diagnostics);
        Assert.Empty(Compile(WithChange($"direction: higher-is-better\ncaseness: {{ max: 5, {Src} }}")).Diagnostics);
    }

    [Fact]
    public void INS1081_MaxOutsideTheRange()
    {
        var d = ExpectOneAt(WithChange($"direction: higher-is-better\ncaseness: {{ max: ‸6, {Src} }}"), "INS1081");
        Assert.Equal("Score 'total': with caseness 'max: 6', every value the score can take (0 to 6) would be a case", d.Message);
    }

    [Theory]
    [InlineData("lower-is-better", "max: ‸2", "Score 'total' is lower-is-better, yet caseness 'max: 2' makes the low (better) scores the cases; a case is normally on the worse side ('min'): check the caseness and the direction")]
    [InlineData("higher-is-better", "min: ‸2", "Score 'total' is higher-is-better, yet caseness 'min: 2' makes the high (better) scores the cases; a case is normally on the worse side ('max'): check the caseness and the direction")]
    public void INS1082_CasenessOnTheBetterSide_IsAWarning(string direction, string boundary, string message)
    {
        var marked = WithChange($"direction: {direction}\ncaseness: {{ {boundary}, {Src} }}");
        var d = ExpectOneAt(marked, "INS1082");
        Assert.Equal(message, d.Message);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Single(Compile(Strip(marked).Text).Definitions);
    }

    // ---- INS1083-INS1087: reliable change ----

    [Fact]
    public void INS1083_DuplicateRuleId_PointsAtTheSecond()
    {
        var d = ExpectOneAt(WithChange("""
            direction: lower-is-better
            reliable_change:
              - { id: r, method: fixed, threshold: 2, sources: [x] }
              - { id: ‸r, method: fixed, threshold: 3, sources: [x] }
            """), "INS1083");
        Assert.Equal("Score 'total': reliable-change rule id 'r' is already used by rule 1", d.Message);
    }

    [Theory]
    [InlineData("‸{ id: r, method: fixed, sources: [x] }", "it has none")]
    [InlineData("{ id: r, method: fixed, threshold: ‸0, sources: [x] }", "it is 0")]
    [InlineData("{ id: r, method: fixed, threshold: ‸-2, sources: [x] }", "it is -2")]
    public void INS1084_FixedRuleWithoutAPositiveThreshold(string rule, string detail)
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change:\n  - " + rule), "INS1084");
        Assert.Equal($"Score 'total': fixed reliable-change rule 'r' needs a 'threshold' that is a positive number of points; {detail}", d.Message);
    }

    [Theory]
    [InlineData("‸{ id: r, method: jacobson-truax, reliability: .8, sources: [x] }", "'sd' is missing")]
    [InlineData("{ id: r, method: jacobson-truax, sd: ‸0, reliability: .8, sources: [x] }", "'sd' is 0; it must be a positive number")]
    [InlineData("{ id: r, method: jacobson-truax, sd: ‸-3, reliability: .8, sources: [x] }", "'sd' is -3; it must be a positive number")]
    [InlineData("‸{ id: r, method: jacobson-truax, sd: 3, sources: [x] }", "'reliability' is missing")]
    [InlineData("{ id: r, method: jacobson-truax, sd: 3, reliability: ‸1, sources: [x] }", "'reliability' is 1; it must be at least 0 and below 1")]
    [InlineData("{ id: r, method: jacobson-truax, sd: 3, reliability: ‸-0.1, sources: [x] }", "'reliability' is -0.1; it must be at least 0 and below 1")]
    [InlineData("{ id: r, method: jacobson-truax, sd: 3, reliability: .8, critical: ‸0, sources: [x] }", "'critical' is 0; it must be a positive number")]
    public void INS1085_JacobsonTruaxParameters(string rule, string detail)
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change:\n  - " + rule), "INS1085");
        Assert.StartsWith("Score 'total': Jacobson-Truax rule 'r': " + detail, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1085_ReliabilityZero_IsAllowed()
    {
        Assert.Empty(Compile(WithChange("direction: lower-is-better\nreliable_change: [ { id: r, method: jacobson-truax, sd: 3, reliability: 0, sources: [x] } ]")).Diagnostics);
    }

    [Theory]
    [InlineData("{ id: r, method: fixed, threshold: 2, sd: ‸3, sources: [x] }", "fixed", "sd", "jacobson-truax")]
    [InlineData("{ id: r, method: fixed, threshold: 2, reliability: ‸.8, sources: [x] }", "fixed", "reliability", "jacobson-truax")]
    [InlineData("{ id: r, method: fixed, threshold: 2, critical: ‸1.96, sources: [x] }", "fixed", "critical", "jacobson-truax")]
    [InlineData("{ id: r, method: jacobson-truax, threshold: ‸2, sd: 3, reliability: .8, sources: [x] }", "jacobson-truax", "threshold", "fixed")]
    public void INS1086_ParameterOfTheOtherMethod(string rule, string method, string key, string other)
    {
        var d = ExpectOneAt(WithChange("direction: lower-is-better\nreliable_change:\n  - " + rule), "INS1086");
        Assert.Equal($"Score 'total': reliable-change rule 'r' uses method '{method}', which does not take '{key}'; remove '{key}' or use method '{other}'", d.Message);
    }

    [Fact]
    public void INS1087_JacobsonTruaxThresholdThatOverflows()
    {
        // 1e308 as digits (the format reads no exponents): finite, but critical x sd x sqrt(2) overflows.
        var huge = "1" + new string('0', 308);
        var d = ExpectOneAt(WithChange($"direction: lower-is-better\nreliable_change:\n  - ‸{{ id: r, method: jacobson-truax, sd: {huge}, reliability: 0, sources: [x] }}"), "INS1087");
        Assert.StartsWith("Score 'total': the point threshold of Jacobson-Truax rule 'r'", d.Message, StringComparison.Ordinal);
        Assert.Contains("which is not a finite number", d.Message, StringComparison.Ordinal);
    }

    // ---- INS1088, INS1089, INS1092, INS1093: clinical significance ----

    private static string Clinical(string norms, string rest = "reliable_change: jt") => $$"""
        direction: lower-is-better
        reliable_change: [ { id: jt, method: jacobson-truax, sd: 1, reliability: .5, {{Src}} } ]
        clinical_significance: { {{norms}}, {{rest}}, {{Src}} }
        """;

    [Theory]
    [InlineData("functional: { mean: 1, sd: ‸0 }, dysfunctional: { mean: 4, sd: 1 }", "functional.sd", "0")]
    [InlineData("functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 4, sd: ‸-1 }", "dysfunctional.sd", "-1")]
    public void INS1088_NonPositiveSd(string norms, string key, string value)
    {
        var d = ExpectOneAt(WithChange(Clinical(norms)), "INS1088");
        Assert.Equal($"Score 'total': clinical significance: '{key}' is {value}; it must be a positive number", d.Message);
    }

    [Fact]
    public void INS1089_ClinicalSignificanceNamesAnUnknownRule_SuggestsTheClosest()
    {
        var d = ExpectOneAt(WithChange(Clinical("functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 4, sd: 1 }", "reliable_change: ‸jtt")), "INS1089");
        Assert.Equal("Score 'total': clinical_significance.reliable_change names reliable-change rule 'jtt', which the score does not declare; did you mean 'jt'?", d.Message);
    }

    [Fact]
    public void INS1089_SuddenGainsNameARuleOfAScoreWithoutRules()
    {
        var d = ExpectOneAt(WithChange($"direction: lower-is-better\nsudden_gains: {{ reliable_change: ‸jt, {Src} }}"), "INS1089");
        Assert.EndsWith("which the score does not declare; the score declares no reliable-change rule", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1093_FunctionalMeanOnTheWorseSide()
    {
        var d = ExpectOneAt(WithChange($$"""
            direction: lower-is-better
            reliable_change: [ { id: jt, method: jacobson-truax, sd: 1, reliability: .5, {{Src}} } ]
            clinical_significance: ‸{ functional: { mean: 4, sd: 1 }, dysfunctional: { mean: 1, sd: 1 }, reliable_change: jt, {{Src}} }
            """), "INS1093");
        Assert.Equal("Score 'total' is lower-is-better, but the functional mean 4 is not lower than the dysfunctional mean 1; the cut-offs would be meaningless: check the norms and the direction", d.Message);
    }

    [Theory]
    [InlineData("functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 30, sd: 1 }", "cutoff: ‸c, reliable_change: jt", "c", "15.5", "every")]
    [InlineData("functional: { mean: -5, sd: 1 }, dysfunctional: { mean: 1, sd: 1 }", "cutoff: ‸c, reliable_change: jt", "c", "-2", "no")]
    [InlineData("functional: { mean: -9, sd: 1 }, dysfunctional: { mean: 1, sd: 1 }", "cutoff: ‸a, reliable_change: jt", "a", "-1", "no")]
    public void INS1092_CutoffOutsideTheRange_IsAWarning(string norms, string rest, string name, string value, string which)
    {
        var d = ExpectOneAt(WithChange(Clinical(norms, rest)), "INS1092");
        Assert.Equal($"Score 'total': clinical-significance cut-off {name} = {value} lies outside the values the score can take (0 to 6), so {which} value would be functional", d.Message);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void INS1092_WithoutACutoffKey_PointsAtTheMapping()
    {
        ExpectOneAt(WithChange($$"""
            direction: lower-is-better
            reliable_change: [ { id: jt, method: jacobson-truax, sd: 1, reliability: .5, {{Src}} } ]
            clinical_significance: ‸{ functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 30, sd: 1 }, reliable_change: jt, {{Src}} }
            """), "INS1092");
    }

    // ---- INS1090, INS1091: sudden gains ----

    [Theory]
    [InlineData("sudden_gains: ‸{ cutoff: 2, reliable_change: r, sources: [x] }", "both")]
    [InlineData("sudden_gains: ‸{ relative: .25, sources: [x] }", "neither")]
    public void INS1090_SuddenGainCutoffBothOrNeither(string sudden, string gives)
    {
        var d = ExpectOneAt(WithChange($"direction: lower-is-better\nreliable_change: [ {{ id: r, method: fixed, threshold: 2, {Src} }} ]\n{sudden}"), "INS1090");
        Assert.EndsWith("it gives " + gives, d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cutoff: ‸-2", "cutoff", "-2")]
    [InlineData("cutoff: ‸0", "cutoff", "0")]
    [InlineData("cutoff: 2, relative: ‸1.5", "relative", "1.5")]
    [InlineData("cutoff: 2, relative: ‸0", "relative", "0")]
    public void INS1091_SuddenGainParameterOutOfRange(string values, string key, string value)
    {
        var d = ExpectOneAt(WithChange($"direction: lower-is-better\nsudden_gains: {{ {values}, {Src} }}"), "INS1091");
        Assert.StartsWith($"Score 'total': sudden gains: '{key}' is {value}; it must be ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1091_RelativeOfOne_IsAllowed()
    {
        Assert.Empty(Compile(WithChange($"direction: lower-is-better\nsudden_gains: {{ cutoff: 2, relative: 1, {Src} }}")).Diagnostics);
    }

    // ---- INS1070: every change rule with numbers cites its source ----

    [Fact]
    public void INS1070_EveryChangeRuleWithoutSources()
    {
        var ds = ExpectAtIncludingSources("""
            direction: lower-is-better
            caseness: ‸{ min: 3 }
            reliable_change:
              - { id: ‸r, method: fixed, threshold: 2 }
            clinical_significance: ‸{ functional: { mean: 1, sd: 1 }, dysfunctional: { mean: 4, sd: 1 }, reliable_change: r }
            sudden_gains: ‸{ cutoff: 2 }
            """);
        Assert.Equal(
            ["The caseness of score 'total' without a source; add 'sources' citing where it comes from",
             "Reliable-change rule 'r' of score 'total' without a source; add 'sources' citing where it comes from",
             "The clinical significance of score 'total' without a source; add 'sources' citing where it comes from",
             "The sudden-gain rule of score 'total' without a source; add 'sources' citing where it comes from"],
            ds.Select(d => d.Message));
    }

    /// <summary>Like <see cref="CompilerTestYaml.ExpectAt"/> for INS1070, which that helper leaves aside.</summary>
    private static List<Diagnostic> ExpectAtIncludingSources(string change)
    {
        var (text, marks) = Strip(WithChange(change));
        var compilation = Compile(text);
        var all = string.Join("\n", compilation.Diagnostics);
        Assert.True(compilation.Diagnostics.All(d => d.Id == "INS1070"), all);
        var found = compilation.Diagnostics.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        Assert.Equal(marks, found.Select(d => (d.Location.Line, d.Location.Column)).ToList());
        return found;
    }
}
