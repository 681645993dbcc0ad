using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Testing;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The library features of the format: <c>sources</c> (INS1070), worked <c>examples</c> (INS1071-INS1073) and texts
/// files for restricted instruments (INS1061-INS1064). Each diagnostic test checks the ID and the exact line and column
/// (marked with ‸).
/// </summary>
public sealed class LibraryFormatTests
{
    private const string SourcedBands = """
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: sum
            sources: ["Test manual (2024), p. 3"]
            bands:
              - { min: 0, max: 2, label: Low }
              - { min: 3, max: 6, label: High }
        """;

    private const string RiskFlag = """
        flags:
          - id: risk
            when: "sleep >= 2"
            sources: ["Test manual (2024), p. 4"]
        """;

    private static string WithExamples(string examples) => Doc(scores: SourcedBands, flags: RiskFlag + "\n" + examples);

    // ---- sources ----

    [Fact]
    public void Sources_AreReadIntoTheModel()
    {
        var compilation = Compile(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing: { max: 1, prorate: true, sources: [Rule paper (2020)] }
                sources: [Manual (2024), https://example.org/bands]
                bands: [{ min: 0, max: 6, label: All }]
            """, flags: RiskFlag));
        Assert.True(compilation.Diagnostics.All(d => d.Id == "INS1053"), string.Join("\n", compilation.Diagnostics));
        var def = Assert.Single(compilation.Definitions);
        Assert.Equal<string>(["Manual (2024)", "https://example.org/bands"], def.Scores[0].Sources);
        Assert.Equal<string>(["Rule paper (2020)"], def.Scores[0].Missing.Sources);
        Assert.Equal<string>(["Test manual (2024), p. 4"], def.Flags[0].Sources);
    }

    [Fact]
    public void INS1070_BandsWithoutSources_IsAWarningAtTheBandList()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                bands: ‸[{ min: 0, max: 6, label: All }]
            """), "INS1070");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("The bands of score 'total' without a source; add 'sources' citing where it comes from", d.Message);
    }

    [Fact]
    public void INS1070_MissingRuleWithoutSources_AtTheRule()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing: ‸{ max: 1, prorate: true }
            """), "INS1070");
        Assert.Contains("missing-data rule of score 'total'", d.Message, StringComparison.Ordinal);

        // max 0 needs no source: nothing is assumed.
        Assert.Empty(Compile(Doc(scores: Scores.Replace("method: sum", "method: sum\n    missing: { max: 0 }", StringComparison.Ordinal))).Diagnostics);
    }

    [Fact]
    public void INS1070_FlagWithoutSources_AtTheFlagId()
    {
        var d = ExpectOneAt(Doc(flags: """
            flags:
              - id: ‸risk
                when: "sleep >= 2"
            """), "INS1070");
        Assert.Equal("Flag 'risk' without a source; add 'sources' citing where it comes from", d.Message);
    }

    [Fact]
    public void Sources_MustBeAList()
    {
        ExpectOneAt(Doc(flags: """
            flags:
              - id: risk
                when: "sleep >= 2"
                sources: ‸Test manual
            """), "INS1012", "INS1070");
    }

    // ---- examples ----

    [Fact]
    public void Examples_AreReadIntoTheModel_AndRunThroughTheScoringPlan()
    {
        var compilation = Compile(WithExamples("""
            examples:
              - name: all high
                source: computed from the rule in the test manual
                responses: { mood: 2, sleep: 2, energy: 2 }
                expect:
                  status: complete
                  scores: { total: 6 }
                  bands: { total: High }
                  flags: [risk]
                  unevaluated_flags: []
                  prorated: []
              - name: sleep missing
                source: computed from the rule in the test manual
                responses: { mood: 2, sleep: null, energy: "2" }
                expect:
                  status: partial
                  scores: { total: null }
                  bands: { total: null }
                  flags: []
                  unevaluated_flags: [risk]
                  diagnostics: [RSP2004, RSP2008]
            """));
        Assert.Empty(compilation.Diagnostics);
        var def = Assert.Single(compilation.Definitions);
        Assert.Equal(2, def.Examples.Length);
        var second = def.Examples[1];
        Assert.Null(second.Responses["sleep"]);
        Assert.Equal("2", second.Responses["energy"]);
        Assert.Equal(ResponseStatus.Partial, second.Expect.Status);
        Assert.Null(second.Expect.Scores["total"]);
        Assert.Empty(def.Examples[0].Expect.Diagnostics);
        Assert.Equal<string>(["risk"], second.Expect.UnevaluatedFlags!.Value);
        Assert.Null(second.Expect.Prorated);

        var outcomes = ExampleRunner.Run(def);
        Assert.All(outcomes, o => Assert.True(o.Passed, o + ": " + string.Join("; ", o.Failures)));
        Assert.Equal("PASS demo \u203a all high", outcomes[0].ToString());
    }

    [Fact]
    public void ExampleRunner_ReportsEveryMismatch()
    {
        var compilation = Compile(WithExamples("""
            examples:
              - name: wrong on purpose
                source: test
                responses: { mood: 2, sleep: 2, energy: 2 }
                expect:
                  status: partial
                  scores: { total: 5 }
                  bands: { total: Low }
                  flags: []
                  unevaluated_flags: [risk]
                  prorated: [total]
                  diagnostics: [RSP2005]
            """));
        var outcome = Assert.Single(ExampleRunner.Run(Assert.Single(compilation.Definitions)));
        Assert.False(outcome.Passed);
        Assert.Equal("FAIL demo \u203a wrong on purpose", outcome.ToString());
        Assert.Equal<string>(
            [
                "status: expected partial, got complete",
                "score 'total': expected 5, got 6",
                "band of 'total': expected 'Low', got 'High'",
                "flags raised: expected [], got [risk]",
                "flags not evaluated: expected [risk], got []",
                "prorated scores: expected [total], got []",
                "diagnostic RSP2005: expected, not reported (reported: )",
            ],
            outcome.Failures);
    }

    [Fact]
    public void Examples_NeedANameASourceAndAnExpectation()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - ‸name: no source
                responses: { mood: 1 }
                expect: { status: partial }
            """), "INS1011");
    }

    [Fact]
    public void INS1071_ExampleAnswersAnUnknownItem()
    {
        var d = ExpectOneAt(WithExamples("""
            examples:
              - name: typo
                source: test
                responses: { mood: 1, ‸slep: 1, energy: 1 }
                expect: { status: complete }
            """), "INS1071");
        Assert.Equal("Example 'typo': 'slep' is not an item of this instrument; did you mean 'sleep'?", d.Message);
    }

    [Fact]
    public void INS1072_ExampleExpectsUnknownScoresBandsFlagsAndDiagnostics()
    {
        var found = ExpectAt(WithExamples("""
            examples:
              - name: typos
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect:
                  scores: { ‸totl: 3 }
                  bands: { total: ‸Hgh }
                  flags: [‸rsk]
                  unevaluated_flags: [‸riks]
                  prorated: [‸mood]
                  diagnostics: [‸INS1010]
            """), "INS1072");
        Assert.Equal("Example 'typos': 'totl' is not a score of this instrument; did you mean 'total'?", found[0].Message);
        Assert.Equal("Example 'typos': 'Hgh' is not a band of score 'total'; did you mean 'High'?", found[1].Message);
        Assert.Equal("Example 'typos': 'rsk' is not a flag of this instrument; did you mean 'risk'?", found[2].Message);
        Assert.StartsWith("Example 'typos': 'INS1010' is not a response diagnostic ID (RSP2xxx)", found[5].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1072_WrongBandLabel_PointsAtTheLabel_InBlockAndQuotedStyle()
    {
        // The score id is right and the label is wrong: the diagnostic points at the label, not at the key.
        var found = ExpectAt(WithExamples("""
            examples:
              - name: block
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect:
                  bands:
                    total:   ‸Hgh
              - name: quoted
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect: { bands: { total: ‸"Hihg" } }
            """), "INS1072");
        Assert.Contains("'Hgh' is not a band of score 'total'", found[0].Message, StringComparison.Ordinal);
        Assert.Contains("'Hihg' is not a band of score 'total'", found[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1072_UnknownScoreInBands_StillPointsAtTheKey()
    {
        var d = ExpectOneAt(WithExamples("""
            examples:
              - name: typo
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect: { bands: { ‸totl: High } }
            """), "INS1072");
        Assert.StartsWith("Example 'typo': 'totl' is not a score of this instrument", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1072_ExpectedValuesHaveTypes()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: bad value
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect:
                  scores: { total: ‸three }
                  status: complete
            """), "INS1012");
        ExpectOneAt(WithExamples("""
            examples:
              - name: bad status
                source: test
                responses: { mood: 1, sleep: 1, energy: 1 }
                expect:
                  status: ‸done
            """), "INS1016");
    }

    [Fact]
    public void INS1073_DuplicateExampleName()
    {
        var d = ExpectOneAt(WithExamples("""
            examples:
              - name: same
                source: test
                expect: { status: partial }
              - name: ‸same
                source: test
                expect: { status: partial }
            """), "INS1073");
        Assert.Equal("Example name 'same' is already used by example 1", d.Message);
    }

    // ---- texts files ----

    private const string Restricted = """
        instrument: demo
        version: 1.0.0
        title: Demo
        license:
          name: Licensed separately
          texts: restricted
        response_scales:
          freq:
            options:
              - { value: 0, label: Never }
              - { value: 1, label: Often }
        items:
          - { id: mood, scale: freq }
          - { id: sleep, scale: freq }
        scores:
          - { id: total, items: [mood, sleep], method: sum }
        """;

    private static InstrumentDefinition RestrictedDefinition() => Assert.Single(Compile(Restricted).Definitions);

    private static TextsApplication ApplyAt(string marked, out List<(int Line, int Column)> marks)
    {
        var (text, m) = Strip(marked);
        marks = m;
        return InstrumentTexts.Apply(RestrictedDefinition(), text, "texts.yaml");
    }

    private static Diagnostic ExpectTextsDiagnostic(string marked, string id)
    {
        var result = ApplyAt(marked, out var marks);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal("texts.yaml", d.Location.Path);
        Assert.Equal(Assert.Single(marks), (d.Location.Line, d.Location.Column));
        return d;
    }

    [Fact]
    public void Texts_AreApplied_AndTheDefinitionStillScores()
    {
        var result = InstrumentTexts.Apply(RestrictedDefinition(), """
            instrument: demo
            version: 1.0.0
            instructions: Think of the last week.
            texts:
              mood: I felt low.
              sleep: "I slept badly: often."
            """, "texts.yaml");
        Assert.Empty(result.Diagnostics);
        var def = result.Definition!;
        Assert.Equal(["I felt low.", "I slept badly: often."], def.Items.Select(i => i.Text));
        Assert.Equal("Think of the last week.", def.Instructions);
        Assert.Equal("texts.yaml", def.License.TextsSource);
        Assert.Equal(TextLicense.Restricted, def.License.Texts);

        // A restricted definition with licensed texts is valid (no INS1060) and scores as before.
        Assert.Empty(def.Validate());
        Assert.Equal(1, ScoringPlan.Create(def).Plan!.Score(new Dictionary<string, string?> { ["mood"] = "1", ["sleep"] = "0" }).GetScore(0));
        Assert.All(RestrictedDefinition().Items, i => Assert.Null(i.Text));
    }

    [Fact]
    public void INS1061_TextsForAnotherInstrument()
    {
        var d = ExpectTextsDiagnostic("""
            instrument: ‸other
            texts: { mood: x, sleep: y }
            """, "INS1061");
        Assert.Equal("The texts file is for instrument 'other', not 'demo'; no text was applied", d.Message);
    }

    [Fact]
    public void INS1062_TextForUnknownItem()
    {
        var result = ApplyAt("""
            instrument: demo
            texts:
              mood: x
              sleep: y
              ‸slep: z
            """, out var marks);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("INS1062", marks[0]), (d.Id, (d.Location.Line, d.Location.Column)));
        Assert.Equal("'slep' is not an item of instrument 'demo'; did you mean 'sleep'?", d.Message);
        Assert.True(result.HasErrors);
        Assert.Null(result.Definition);
    }

    [Fact]
    public void INS1063_ItemWithoutText_IsAWarning()
    {
        var d = ExpectTextsDiagnostic("""
            instrument: demo
            texts:
              ‸mood: x
            """, "INS1063");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("The texts file has no text for item 'sleep'", d.Message);
        var result = InstrumentTexts.Apply(RestrictedDefinition(), "instrument: demo\ntexts: { mood: x }\n", "t.yaml");
        Assert.Null(result.Definition!.Items[1].Text);
    }

    [Fact]
    public void INS1064_TextsForAnotherVersion_IsAWarning()
    {
        var d = ExpectTextsDiagnostic("""
            instrument: demo
            version: ‸2.0.0
            texts: { mood: x, sleep: y }
            """, "INS1064");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.StartsWith("The texts file was written for version 2.0.0 of 'demo'; the definition is version 1.0.0", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextsFile_UnknownKeysAndYamlSafetyRules_AreDiagnostics()
    {
        ExpectTextsDiagnostic("""
            instrument: demo
            ‸txts: { mood: x, sleep: y }
            texts: { mood: x, sleep: y }
            """, "INS1010");
        var aliased = InstrumentTexts.Apply(RestrictedDefinition(), "instrument: demo\ntexts:\n  mood: &a x\n  sleep: *a\n", "t.yaml");
        Assert.Contains(aliased.Diagnostics, d => d.Id == "INS1005");
        Assert.Null(aliased.Definition);
    }

    [Fact]
    public void ShippedRestrictedInstrument_AcceptsATextsFile()
    {
        var wai = InstrumentLibraryTests.Load("alliance/instruments/wai-sr.yaml");
        var texts = "instrument: wai-sr\nversion: 1.0.0\ntexts:\n" + string.Concat(wai.Items.Select(i => $"  {i.Id}: placeholder text of {i.Id}\n"));
        var result = InstrumentTexts.Apply(wai, texts, "wai-texts.yaml");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("placeholder text of wai7", result.Definition!.FindItem("wai7")!.Text);
        Assert.All(ExampleRunner.Run(result.Definition), o => Assert.True(o.Passed, o.ToString()));
    }
}
