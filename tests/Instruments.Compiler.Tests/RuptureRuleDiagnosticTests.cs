using Instruments.Definitions;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Rupture-and-repair rules (<c>change: ruptures:</c>) in YAML: what is read, and every mistake (INS1120-INS1124, and the
/// shared INS1014, INS1070) with its exact line and column (marked with ‸).
/// </summary>
public sealed class RuptureRuleDiagnosticTests
{
    private static string WithRuptures(string ruptures, string direction = "direction: higher-is-better", string examples = "") => Doc(flags: examples, scores: """
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: sum
            change:

        """ + string.Join("\n", (direction + "\nruptures:\n" + ruptures).Split('\n').Select(l => "      " + l)));

    [Fact]
    public void Rules_AreRead()
    {
        var compilation = Compile(WithRuptures("""
              - { id: client-2, k: 2, sd: client, sources: [a] }
              - { id: stated, k: 1.5, sd: 4.25, repair_within: 3, sources: [b] }
              - { id: points, points: 2, sources: [c] }
            """));
        Assert.Empty(compilation.Diagnostics);
        var rules = compilation.Definitions[0].Scores[0].Change!.Ruptures;
        Assert.Equal(3, rules.Length);
        Assert.Equal(("client-2", 2.0, true, (double?)null, (double?)null, (int?)null), (rules[0].Id, rules[0].K!.Value, rules[0].ClientSd, rules[0].Sd, rules[0].Points, rules[0].RepairWithin));
        Assert.Equal((1.5, false, 4.25, 3), (rules[1].K!.Value, rules[1].ClientSd, rules[1].Sd!.Value, rules[1].RepairWithin!.Value));
        Assert.Equal((null, 2.0, false), (rules[2].K, rules[2].Points!.Value, rules[2].ClientSd));
        Assert.Equal("c", Assert.Single(rules[2].Sources));
    }

    [Theory]
    [InlineData("  - ‸{ id: r, k: 2, points: 3, sources: [x] }", "both")]
    [InlineData("  - ‸{ id: r, sources: [x] }", "neither")]
    public void INS1120_BothOrNeitherOfKAndPoints(string rule, string which)
    {
        var d = ExpectOneAt(WithRuptures(rule), "INS1120", "INS1122");
        Assert.Equal($"Score 'total': rupture rule 'r' must give exactly one of 'k' (standard deviations, with 'sd') and 'points'; it gives {which}", d.Message);
    }

    [Theory]
    [InlineData("  - { id: r, k: ‸0, sd: client, sources: [x] }", "'k' is 0")]
    [InlineData("  - { id: r, k: ‸-1, sd: client, sources: [x] }", "'k' is -1")]
    [InlineData("  - { id: r, points: ‸0, sources: [x] }", "'points' is 0")]
    public void INS1121_ThresholdNotPositive(string rule, string what)
    {
        var d = ExpectOneAt(WithRuptures(rule), "INS1121");
        Assert.Equal($"Score 'total': rupture rule 'r': {what}; it must be a positive number", d.Message);
    }

    [Theory]
    [InlineData("  - { id: r, k: 2, sd: ‸own, sources: [x] }", "'sd' is 'own'; it must be 'client'")]
    [InlineData("  - { id: r, k: 2, sd: ‸0, sources: [x] }", "'sd' is 0; it must be 'client'")]
    [InlineData("  - { id: r, k: 2, sd: ‸-3, sources: [x] }", "'sd' is -3; it must be 'client'")]
    [InlineData("  - ‸{ id: r, k: 2, sources: [x] }", "'sd' is missing")]
    [InlineData("  - { id: r, points: 2, sd: ‸client, sources: [x] }", "a 'points' rule takes no 'sd'")]
    public void INS1122_SdNotClientNorAPositiveNumber(string rule, string start)
    {
        var d = ExpectOneAt(WithRuptures(rule), "INS1122");
        Assert.StartsWith("Score 'total': rupture rule 'r': " + start, d.Message);
    }

    [Theory]
    [InlineData("‸0", "0")]
    [InlineData("‸-2", "-2")]
    [InlineData("‸1.5", "'1.5'")]
    [InlineData("‸soon", "'soon'")]
    public void INS1123_RepairWindowNotAWholeNumberOfAtLeastOne(string within, string shown)
    {
        var d = ExpectOneAt(WithRuptures($"  - {{ id: r, k: 2, sd: client, repair_within: {within}, sources: [x] }}"), "INS1123");
        Assert.StartsWith($"Score 'total': rupture rule 'r': 'repair_within' is {shown}; it must be a whole number of administrations, at least 1", d.Message);
    }

    [Fact]
    public void INS1124_DuplicateId()
    {
        var d = ExpectOneAt(WithRuptures("""
              - { id: r, k: 2, sd: client, sources: [x] }
              - { id: ‸r, k: 1, sd: client, sources: [x] }
            """), "INS1124");
        Assert.Equal("Score 'total': rupture rule id 'r' is already used by rule 1", d.Message);
    }

    [Fact]
    public void INS1070_RuleWithoutSources()
    {
        var d = ExpectOneAt(WithRuptures("  - { id: ‸r, k: 2, sd: client }"), "INS1070");
        Assert.Equal("Rupture rule 'r' of score 'total' without a source; add 'sources' citing where it comes from", d.Message);
    }

    [Fact]
    public void INS1014_InvalidId()
    {
        ExpectOneAt(WithRuptures("  - { id: ‸Stiles.2004, k: 2, sd: client, sources: [x] }"), "INS1014");
    }

    [Fact]
    public void INS1011_RupturesWithoutDirection()
    {
        // 'direction' is required in every change block, so ruptures always know which way is worse.
        ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                change:
                  ‸ruptures: [ { id: r, k: 2, sd: client, sources: [x] } ]
            """), "INS1011");
    }

    [Fact]
    public void INS1010_UnknownKeyInARule()
    {
        ExpectOneAt(WithRuptures("  - { id: r, k: 2, sd: client, ‸repair_window: 2, sources: [x] }"), "INS1010");
    }

    // ---- series examples: ruptures, repairs and early_slope expectations ----

    private const string TwoRules = """
          - { id: strict, k: 2, sd: client, sources: [x] }
          - { id: lenient, k: 1, sd: client, sources: [x] }
        """;

    [Fact]
    public void SeriesExample_RuptureExpectations_AreRead()
    {
        var compilation = Compile(WithRuptures(TwoRules, examples: """
            examples:
              - name: dip
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { ruptures: { strict: [], lenient: ["2"] }, repairs: { lenient: null }, early_slope: -1.5 }
            """));
        Assert.DoesNotContain(compilation.Diagnostics, d => d.IsError);
        var expect = compilation.Definitions[0].CourseExamples[0].Expect["total"];
        Assert.Empty(expect.Ruptures["strict"]);
        Assert.Equal(["2"], expect.Ruptures["lenient"].AsEnumerable());
        Assert.Empty(expect.Repairs["lenient"]);
        Assert.Equal(-1.5, expect.EarlySlope.Value);
    }

    [Fact]
    public void INS1076_RuptureExpectationsTheScoreCannotGive()
    {
        ExpectAt(WithRuptures(TwoRules, examples: """
            examples:
              - name: wrong
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { ruptures: { ‸strikt: ["2"], lenient: [‸"9"] }, repairs: { ‸other: [] } }
            """), "INS1076");
        ExpectAt(Doc(flags: """
            examples:
              - name: no rules
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { ruptures: { ‸r: [] }, early_slope: ‸0 }
            """), "INS1076");
    }

    [Fact]
    public void INS1012_RuptureExpectationOfTheWrongShape()
    {
        ExpectOneAt(WithRuptures(TwoRules, examples: """
            examples:
              - name: wrong
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { ruptures: { strict: ‸"2" } }
            """), "INS1012");
    }
}
