using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Protocol files: every INS11xx diagnostic (and the structure diagnostics the protocol reader shares with instruments)
/// at its exact line and column, marked with ‸ as in <see cref="CompilerDiagnosticTests"/>.
/// </summary>
public sealed class ProtocolDiagnosticTests
{
    private const string File = "battery.yaml";

    private const string Head = """
        protocol: battery
        version: 1.0.0
        title: Battery
        """;

    private const string Measures = """
        measures:
          - { id: dep, instrument: dep, score: total, reliable_change: rc }
          - { id: anx, instrument: anx, score: total, reliable_change: rc }
        """;

    private static string Outcomes(string when, string sources = "\n    sources: [test]") => $"""
        outcomes:
          - id: o1
            when: {when}{sources}
        """;

    private static ProtocolCompilation Compile(string text) =>
        ProtocolCompiler.Compile(InstrumentSource.FromText(text, File), ProtocolTestInstruments.All);

    /// <summary>Compiles the marked text; asserts <paramref name="id"/> once per caret, there, and nothing else but <paramref name="alsoAllowed"/>.</summary>
    private static List<Diagnostic> ExpectAt(string marked, string id, params string[] alsoAllowed)
    {
        var (text, marks) = Strip(marked);
        var compilation = Compile(text);
        var all = string.Join("\n", compilation.Diagnostics);
        var found = compilation.Diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        Assert.True(found.Count == marks.Count, $"expected {marks.Count} x {id}, got:\n{all}");
        for (var i = 0; i < marks.Count; i++)
        {
            Assert.Equal(File, found[i].Location.Path);
            Assert.True(marks[i] == (found[i].Location.Line, found[i].Location.Column), $"expected {id} at {marks[i]}, got:\n{all}");
        }

        Assert.True(compilation.Diagnostics.All(d => d.Id == id || alsoAllowed.Contains(d.Id)), "unexpected diagnostics:\n" + all);
        if (found.Any(d => d.IsError))
        {
            Assert.Null(compilation.Plan);
        }

        return found;
    }

    [Fact]
    public void ValidProtocol_CompilesWithoutDiagnostics()
    {
        var c = Compile(Head + "\n" + Measures + "\n" + Outcomes("dep_case_first or anx_case_first"));
        Assert.Empty(c.Diagnostics);
        Assert.NotNull(c.Plan);
        Assert.Equal(["dep", "anx"], c.Plan.Members.Select(m => m.Id));
        Assert.Equal(0, c.Plan.Members[0].ReliableChangeIndex);
    }

    [Fact]
    public void IsProtocol_LooksOnlyAtTheTopLevelKeys()
    {
        Assert.True(ProtocolCompiler.IsProtocol(Head));
        Assert.True(ProtocolCompiler.IsProtocol("title: x\nmeasures: [{ id: a }]\nprotocol: p\n"));
        Assert.False(ProtocolCompiler.IsProtocol("instrument: demo\nnotes: { protocol: x }\nitems: [protocol]\n"));
        Assert.False(ProtocolCompiler.IsProtocol("- protocol\n"));
        Assert.False(ProtocolCompiler.IsProtocol("[unclosed\n"), "text that is not YAML is not a protocol");

        // A syntax error after the key: it is a protocol, and the protocol compiler says what is wrong.
        Assert.True(ProtocolCompiler.IsProtocol("protocol: \"unterminated\n"));
        Assert.Equal("INS1001", Assert.Single(Compile("protocol: \"unterminated\n").Diagnostics).Id);
        Assert.False(ProtocolCompiler.IsProtocol(Doc()));
    }

    // ---- structure (shared IDs) ----

    [Fact]
    public void UnknownKey_IsINS1010_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, ‸scor: total }
            """, "INS1010", "INS1011");
        Assert.Contains("did you mean 'score'?", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingKey_IsINS1011_AtTheMapping()
    {
        ExpectAt("‸protocol: battery\nversion: 1.0.0\nmeasures: []\n", "INS1011");
    }

    [Fact]
    public void WrongType_IsINS1012()
    {
        ExpectAt(Head + "\nmeasures: ‸{ id: dep }\n", "INS1012");
    }

    [Fact]
    public void InvalidIds_AreINS1014()
    {
        ExpectAt("protocol: ‸Battery!\nversion: 1.0.0\ntitle: B\n" + """
            measures:
              - { id: ‸dep-1, instrument: dep, score: total }
            outcomes:
              - { id: ‸2x, when: "true", sources: [s] }
            """, "INS1014");
    }

    // ---- INS114x: alliance_outcome ----

    private const string AllianceMeasures = """
        measures:
          - { id: ally, instrument: ally, score: total }
          - { id: dep, instrument: dep, score: total, reliable_change: rc }
          - { id: plain, instrument: plain, score: total }
        """;

    [Fact]
    public void AllianceOutcome_Valid_ResolvesTheMembers_WithThreeSessionsByDefault()
    {
        var c = Compile(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ally, outcome: dep }\n");
        Assert.Empty(c.Diagnostics);
        var pairing = c.Plan!.AllianceOutcome!;
        Assert.Equal("ally", pairing.Alliance.Id);
        Assert.Equal("dep", pairing.Outcome.Id);
        Assert.Equal(3, pairing.EarlySessions);
        Assert.Equal(3, c.Definition!.AllianceOutcome!.EarlySessions);

        var five = Compile(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ally, outcome: plain, early_sessions: 5 }\n");
        Assert.Empty(five.Diagnostics);
        Assert.Equal(5, five.Plan!.AllianceOutcome!.EarlySessions);
        Assert.Null(Compile(Head + "\n" + AllianceMeasures).Plan!.AllianceOutcome);
    }

    [Fact]
    public void AllianceOutcome_Structure_IsINS1010_INS1011_INS1012()
    {
        ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ally, outcome: dep, ‸early: 3 }\n", "INS1010");
        ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: ‸{ alliance: ally }\n", "INS1011");
        ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: ‸[ally, dep]\n", "INS1012");
    }

    [Fact]
    public void INS1140_UnknownMeasure_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + AllianceMeasures + "\n" + """
            alliance_outcome:
              alliance: ‸aly
              outcome: ‸depression
            """, "INS1140");
        Assert.Contains("'alliance' names measure 'aly'", d[0].Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'ally'?", d[0].Message, StringComparison.Ordinal);
        Assert.Contains("'outcome' names measure 'depression'", d[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1141_TheSameMeasureTwice()
    {
        ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ally, outcome: ‸ally }\n", "INS1141");
    }

    [Theory]
    [InlineData("0", "'0'")]
    [InlineData("-2", "'-2'")]
    [InlineData("2.5", "'2.5'")]
    [InlineData("three", "'three'")]
    [InlineData("'3'", "'3'")]
    public void INS1142_EarlySessionsNotAWholeNumberOfAtLeastOne(string value, string shown)
    {
        var d = ExpectAt(Head + "\n" + AllianceMeasures + $"\nalliance_outcome: {{ alliance: ally, outcome: dep, early_sessions: ‸{value} }}\n", "INS1142");
        Assert.Contains($"'early_sessions' is {shown};", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1142_One_IsAccepted()
    {
        Assert.Empty(Compile(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ally, outcome: dep, early_sessions: 1 }\n").Diagnostics);
    }

    [Fact]
    public void INS1143_AllianceNotHigherIsBetter()
    {
        var lower = ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ‸dep, outcome: ally }\n", "INS1143");
        Assert.Contains("is lower-is-better", lower[0].Message, StringComparison.Ordinal);
        var none = ExpectAt(Head + "\n" + AllianceMeasures + "\nalliance_outcome: { alliance: ‸plain, outcome: dep }\n", "INS1143");
        Assert.Contains("declares no change rules", none[0].Message, StringComparison.Ordinal);
    }

    // ---- INS110x ----

    [Fact]
    public void INS1100_UnknownInstrument_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: ‸depp, score: total }
            """, "INS1100");
        Assert.Contains("did you mean 'dep'?", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1101_UnknownScore_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, score: ‸totl }
            """, "INS1101");
        Assert.Contains("did you mean 'total'?", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1102_UnknownReliableChangeRule_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, score: total, reliable_change: ‸rcc }
            """, "INS1102");
        Assert.Contains("did you mean 'rc'?", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1103_FactsWithoutRules_AreWarnings_AndThePlanStillBuilds()
    {
        var (text, _) = Strip(Head);
        var found = ExpectAt(Head + "\n" + """
            measures:
              - { id: p, instrument: plain, score: total, reliable_change: ‸rc }
              - { id: d, instrument: dep, score: total }
            outcomes:
              - id: o1
                when: ‸p_case_first or ‸d_improved or d_case_first
                sources: [s]
            """, "INS1103");
        Assert.All(found, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains("declares no change rules, so 'p_improved' is always unknown", found[0].Message, StringComparison.Ordinal);
        Assert.Contains("'p_case_first'", found[1].Message, StringComparison.Ordinal);
        Assert.Contains("give the measure 'reliable_change'", found[2].Message, StringComparison.Ordinal);
        Assert.NotNull(Compile(Strip(Head + "\nmeasures:\n  - { id: p, instrument: plain, score: total }\noutcomes:\n  - { id: o1, when: p_case_first, sources: [s] }\n").Text).Plan);
        Assert.NotEmpty(text);
    }

    [Fact]
    public void INS1104_DuplicateMeasureId()
    {
        ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, score: total }
              - { id: ‸dep, instrument: anx, score: total }
            """, "INS1104");
    }

    [Fact]
    public void INS1105_DuplicateOutcomeId_OrAFactName()
    {
        var d = ExpectAt(Head + "\n" + Measures + "\n" + """
            outcomes:
              - { id: o1, when: "true", sources: [s] }
              - { id: ‸o1, when: "true", sources: [s] }
              - { id: ‸dep_improved, when: "true", sources: [s] }
            """, "INS1105");
        Assert.Contains("a fact of measure 'dep'", d[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1106_TheSameScoreOfTheSameInstrumentTwice()
    {
        ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, score: total }
              - ‸{ id: dep2, instrument: dep, score: total }
            """, "INS1106");
    }

    [Fact]
    public void INS1107_AnItemIdOfTwoInstruments()
    {
        var d = ExpectAt(Head + "\n" + """
            measures:
              - { id: dep, instrument: dep, score: total }
              - { id: c, instrument: ‸clash, score: total }
            """, "INS1107");
        Assert.Contains("Item 'd1' belongs to both 'dep' (measure 'dep') and 'clash' (measure 'c')", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1108_OutcomeConditionSyntax_PointsInsideTheValue()
    {
        ExpectAt(Head + "\n" + Measures + "\n" + Outcomes("dep_case_first or ‸)"), "INS1108");
    }

    [Fact]
    public void INS1109_UnknownVariable_WithDidYouMean()
    {
        var d = ExpectAt(Head + "\n" + Measures + "\n" + Outcomes("‸dep_case_frist or anx_case_first"), "INS1109");
        Assert.Contains("did you mean 'dep_case_first'", d[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1110_AnOutcomeUsingItselfOrALaterOne()
    {
        var d = ExpectAt(Head + "\n" + Measures + "\n" + """
            outcomes:
              - { id: o1, when: ‸o2 and dep_case_first, sources: [s] }
              - { id: o2, when: o1 or ‸o2, sources: [s] }
            """, "INS1110");
        Assert.Contains("defined after it", d[0].Message, StringComparison.Ordinal);
        Assert.Contains("this outcome itself", d[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1111_OutcomeWithoutSources_IsAWarning()
    {
        var d = ExpectAt(Head + "\n" + Measures + "\n" + """
            outcomes:
              - ‸{ id: o1, when: dep_case_first }
            """, "INS1111");
        Assert.Equal(DiagnosticSeverity.Warning, d[0].Severity);
    }

    [Fact]
    public void INS1112_NoMeasures()
    {
        ExpectAt(Head + "\nmeasures: ‸[]\n", "INS1112");
    }

    [Fact]
    public void INS1113_ProtocolIdTakenByAnInstrument_IsReportedByTheHost()
    {
        // The compiler sees one file; the plugin host knows every id (see the hosting tests). Here: the descriptor's text.
        Assert.Equal("Protocol id 'dep' is already used by instrument 'dep'",
            InstrumentDiagnostics.DuplicateProtocolId.FormatMessage(["dep", "instrument 'dep'"]));
    }
}
