using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Every key of the format ends up in the definition it belongs to, with its value as written: what the
/// reports, the example runner and plugins read back from a compiled definition.
/// </summary>
public sealed class DefinitionReadingTests
{
    private const string Full = """
        instrument: full
        version: 2.1.0
        title: Every key (test fixture)
        citation: Someone (2020). A journal.
        license:
          name: CC BY 4.0
          texts: shipped
          url: https://example.org/licence
          notice: Texts on request.
        respondent: therapist
        language: en-GB
        instructions: Answer every item.
        notes: Notes for the reader.
        missing_codes: [-99, 999]
        response_scales:
          agree:
            options:
              - { value: 1, label: Disagree }
              - { value: 2, label: Neutral }
              - { value: 3, label: Agree }
        items:
          - { id: q1, scale: agree, text: First item }
          - { id: q2, scale: agree, reverse: true }
          - { id: q3, scale: agree, optional: true, reverse: false }
        scores:
          - id: total
            title: Total score
            items: [q1, q2]
            method: sum
            missing: { max: 1, prorate: true, sources: [Manual p. 3] }
            bands:
              - { min: 2, max: 3.5, label: Low, description: Below the cut-off }
              - { min: 4, max: 6, label: High }
            sources: [Manual p. 2, https://example.org/bands]
          - id: average
            items: [q1, q2]
            method: mean
          - id: double
            expression: "total * 2"
        flags:
          - { id: agrees, when: "q1 == 3", severity: critical, message: Check this., sources: [Manual p. 4] }
          - { id: quiet, when: "q1 == 1" }
        examples:
          - name: all agree
            source: computed
            responses: { q1: 3, q2: ~, q3: 'null' }
            expect:
              status: partial
              scores: { total: 6, average: ~ }
              bands: { total: High, average: null }
              flags: [agrees]
              unevaluated_flags: []
              prorated: [total]
              diagnostics: [RSP2004]
        """;

    private static InstrumentDefinition Read()
    {
        var compilation = InstrumentCompiler.Compile(Full, "full.yaml");
        Assert.DoesNotContain(compilation.Diagnostics, d => d.IsError);
        return Assert.Single(compilation.Definitions);
    }

    [Fact]
    public void Compile_TopLevelKeys_EndUpInTheDefinition()
    {
        var d = Read();

        Assert.Equal("full", d.Id);
        Assert.Equal("2.1.0", d.Version);
        Assert.Equal("Every key (test fixture)", d.Title);
        Assert.Equal("Someone (2020). A journal.", d.Citation);
        Assert.Equal(Respondent.Therapist, d.Respondent);
        Assert.Equal("en-GB", d.Language);
        Assert.Equal("Answer every item.", d.Instructions);
        Assert.Equal("Notes for the reader.", d.Notes);
        Assert.Equal([-99, 999], d.MissingCodes.AsEnumerable());
        Assert.Equal("CC BY 4.0", d.License.Name);
        Assert.Equal(TextLicense.Shipped, d.License.Texts);
        Assert.Equal("https://example.org/licence", d.License.Url);
        Assert.Equal("Texts on request.", d.License.Notice);
    }

    [Fact]
    public void Compile_ScalesAndItems_KeepEveryOptionAndFlag()
    {
        var d = Read();

        var scale = Assert.Single(d.ResponseScales);
        Assert.Equal("agree", scale.Id);
        Assert.Equal([(1, "Disagree"), (2, "Neutral"), (3, "Agree")], scale.Options.Select(o => (o.Value, o.Label)));
        Assert.Equal(["q1", "q2", "q3"], d.Items.Select(i => i.Id));
        Assert.All(d.Items, i => Assert.Equal("agree", i.Scale));
        Assert.Equal("First item", d.Items[0].Text);
        Assert.Null(d.Items[1].Text);
        Assert.Equal([false, true, false], d.Items.Select(i => i.Reverse));
        Assert.Equal([false, false, true], d.Items.Select(i => i.Optional));
    }

    [Fact]
    public void Compile_Scores_KeepMethodMissingRuleBandsAndSources()
    {
        var d = Read();

        var total = d.Scores[0];
        Assert.Equal("total", total.Id);
        Assert.Equal("Total score", total.Title);
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Equal(["q1", "q2"], total.Items.AsEnumerable());
        Assert.Null(total.Expression);
        Assert.Equal(1, total.Missing.MaxMissing);
        Assert.True(total.Missing.Prorate);
        Assert.Equal(["Manual p. 3"], total.Missing.Sources.AsEnumerable());
        Assert.Equal(["Manual p. 2", "https://example.org/bands"], total.Sources.AsEnumerable());
        Assert.Equal([(2.0, 3.5, "Low", "Below the cut-off"), (4.0, 6.0, "High", null)],
            total.Bands.Select(b => (b.Min, b.Max, b.Label, b.Description)));

        Assert.Equal(ScoreMethod.Mean, d.Scores[1].Method);
        Assert.Null(d.Scores[1].Title);
        Assert.Equal(0, d.Scores[1].Missing.MaxMissing);
        Assert.False(d.Scores[1].Missing.Prorate);
        Assert.Empty(d.Scores[1].Bands);

        Assert.Equal(ScoreMethod.Expression, d.Scores[2].Method);
        Assert.Equal("total * 2", d.Scores[2].Expression);
        Assert.Empty(d.Scores[2].Items);
    }

    [Fact]
    public void Compile_Flags_KeepSeverityMessageAndSources_AndDefaultToWarning()
    {
        var d = Read();

        Assert.Equal("agrees", d.Flags[0].Id);
        Assert.Equal("q1 == 3", d.Flags[0].When);
        Assert.Equal(FlagSeverity.Critical, d.Flags[0].Severity);
        Assert.Equal("Check this.", d.Flags[0].Message);
        Assert.Equal(["Manual p. 4"], d.Flags[0].Sources.AsEnumerable());
        Assert.Equal(FlagSeverity.Warning, d.Flags[1].Severity);
        Assert.Null(d.Flags[1].Message);
        Assert.Empty(d.Flags[1].Sources);
    }

    [Fact]
    public void Compile_Examples_KeepResponsesAndEveryExpectation_NullsAsNull_QuotedNullAsText()
    {
        var example = Assert.Single(Read().Examples);

        Assert.Equal("all agree", example.Name);
        Assert.Equal("computed", example.Source);
        Assert.Equal("3", example.Responses["q1"]);
        Assert.Null(example.Responses["q2"]);
        Assert.Equal("null", example.Responses["q3"]);
        var expect = example.Expect;
        Assert.Equal(ResponseStatus.Partial, expect.Status);
        Assert.Equal(6, expect.Scores["total"]);
        Assert.True(expect.Scores.ContainsKey("average"));
        Assert.Null(expect.Scores["average"]);
        Assert.Equal("High", expect.Bands["total"]);
        Assert.Null(expect.Bands["average"]);
        Assert.Equal(["agrees"], expect.Flags!.Value.AsEnumerable());
        Assert.Empty(expect.UnevaluatedFlags!.Value);
        Assert.Equal(["total"], expect.Prorated!.Value.AsEnumerable());
        Assert.Equal(["RSP2004"], expect.Diagnostics.AsEnumerable());
    }

    [Fact]
    public void Compile_ExpectationWithoutLists_LeavesThemUnset_SoTheyAreNotChecked()
    {
        var yaml = Full[..Full.IndexOf("      flags: [agrees]", StringComparison.Ordinal)];

        var compilation = InstrumentCompiler.Compile(yaml, "full.yaml");

        var expect = Assert.Single(Assert.Single(compilation.Definitions).Examples).Expect;
        Assert.Null(expect.Flags);
        Assert.Null(expect.UnevaluatedFlags);
        Assert.Null(expect.Prorated);
        Assert.Empty(expect.Diagnostics.AsEnumerable());
    }

    [Theory]
    [InlineData("client", Respondent.Client)]
    [InlineData("observer", Respondent.Observer)]
    [InlineData("other", Respondent.Other)]
    public void Compile_EveryRespondent_IsRead(string name, Respondent expected)
    {
        var compilation = InstrumentCompiler.Compile(Full.Replace("respondent: therapist", "respondent: " + name, StringComparison.Ordinal), "full.yaml");

        Assert.Equal(expected, Assert.Single(compilation.Definitions).Respondent);
    }

    [Theory]
    [InlineData("complete", ResponseStatus.Complete)]
    [InlineData("invalid", ResponseStatus.Invalid)]
    public void Compile_EveryExpectedStatus_IsRead(string name, ResponseStatus expected)
    {
        var compilation = InstrumentCompiler.Compile(Full.Replace("status: partial", "status: " + name, StringComparison.Ordinal), "full.yaml");

        Assert.Equal(expected, Assert.Single(Assert.Single(compilation.Definitions).Examples).Expect.Status);
    }

    [Fact]
    public void Compile_RestrictedTextsAndInfoFlag_AreRead()
    {
        var yaml = Full.Replace("texts: shipped", "texts: restricted", StringComparison.Ordinal)
            .Replace(", text: First item", string.Empty, StringComparison.Ordinal)
            .Replace("severity: critical", "severity: info", StringComparison.Ordinal);

        var d = Assert.Single(InstrumentCompiler.Compile(yaml, "full.yaml").Definitions);

        Assert.Equal(TextLicense.Restricted, d.License.Texts);
        Assert.Equal(FlagSeverity.Info, d.Flags[0].Severity);
    }
}
