using System.Collections;
using ApprovalTests;
using ApprovalTests.Reporters;
using ApprovalTests.Writers;
using Instruments.Compiler;
using Instruments.Definitions;

namespace Instruments.Reports.Tests;

/// <summary>
/// Rounding and between-band values in the report model and both default templates: a prorated total rounded as the
/// definition states shows the rounded value and the unrounded one; a value in no band names the bands around it.
/// The snapshots (<c>RoundingReportTests.*.approved.md|html</c>) show the whole report of the fixture below.
/// </summary>
[UseReporter(typeof(QuietReporter))]
public sealed class RoundingReportTests
{
    // Four items 0-3. total: sum, prorated from 3 answered and rounded to the nearest whole number (halves up);
    // avg: mean of the four with a gap between its bands (a half-open one below the gap), so 1.5 lies in no band.
    private const string Yaml = """
        instrument: four
        version: 1.0.0
        title: Four items (test fixture)
        license: { name: free, texts: restricted }
        response_scales:
          z3: { options: [ { value: 0, label: never }, { value: 1, label: sometimes }, { value: 2, label: often }, { value: 3, label: always } ] }
        items:
          - { id: i1, scale: z3 }
          - { id: i2, scale: z3 }
          - { id: i3, scale: z3 }
          - { id: i4, scale: z3 }
        scores:
          - id: total
            items: [i1, i2, i3, i4]
            method: sum
            missing:
              max: 1
              prorate: true
              rounding: { method: nearest, ties: half-up, sources: [test] }
              sources: [test]
            sources: [test]
            bands:
              - { min: 0, max: 3, label: Low }
              - { min: 4, max: 7, label: Mid }
              - { min: 8, max: 12, label: High }
          - id: avg
            items: [i1, i2, i3, i4]
            method: mean
            sources: [test]
            bands:
              - { min: 0, below: 1, label: Low }
              - { min: 2, max: 3, label: High }
        """;

    private static readonly InstrumentDefinition Four = Compile();

    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    // Row 1: complete, total 6 (Mid), avg 1.5 (between Low and High). Row 2: i4 missing, total 5 x 4 / 3 = 6.67 -> 7.
    private static ReportModel Model() => TestData.Model(Four,
        TestData.Response(Four, 1, "1,1,2,2", ("respondent_id", "f1")),
        TestData.Response(Four, 2, "1,2,2,", ("respondent_id", "f2")));

    private static InstrumentDefinition Compile()
    {
        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromText(Yaml, "four.yaml")]);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Definitions[0];
    }

    private static IReadOnlyDictionary<string, object?> Score(ReportModel model, int response, string id) =>
        ((IList)((IReadOnlyDictionary<string, object?>)((IList)model.Data["responses"]!)[response]!)["scores"]!)
            .Cast<IReadOnlyDictionary<string, object?>>().Single(s => (string)s["id"]! == id);

    [Fact]
    public void ARoundedProratedTotal_KeepsItsUnroundedValue_InTheModel()
    {
        var model = Model();
        var rounded = Score(model, 1, "total");
        Assert.Equal(7d, rounded["value"]);
        Assert.Equal("7", rounded["value_text"]);
        Assert.Equal(true, rounded["rounded"]);
        Assert.Equal(5d * 4 / 3, (double)rounded["unrounded"]!, 12);
        Assert.Equal("6.67", rounded["unrounded_text"]);
        Assert.Equal("Mid", ((IReadOnlyDictionary<string, object?>)rounded["band"]!)["label"]);   // bands read the rounded value
        Assert.Null(rounded["between"]);

        var whole = Score(model, 0, "total");                   // complete: nothing to round
        Assert.Equal(6d, whole["value"]);
        Assert.Equal(false, whole["rounded"]);
        Assert.Null(whole["unrounded"]);
        Assert.Null(whole["unrounded_text"]);
    }

    [Fact]
    public void AValueInNoBand_NamesTheBandsAroundIt_InTheModel()
    {
        var model = Model();
        var avg = Score(model, 0, "avg");
        Assert.Equal(1.5, avg["value"]);
        Assert.Null(avg["band"]);
        Assert.Equal("between Low (0 to below 1) and High (2 to 3)", avg["between"]);
        var bands = ((IList)avg["bands"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Equal([true, false], bands.Select(b => (bool)b["upper_exclusive"]!));

        Assert.Null(Score(model, 1, "avg")["between"]);        // not computed (an item missing): no value, no text
        Assert.Null(Score(model, 0, "total")["between"]);      // in a band
    }

    [Fact]
    public void TheMarkdownReport_ShowsTheRoundingAndTheNeighbourBands()
    {
        var text = Render(ReportFormat.Markdown);
        Assert.Contains("| total | 7 (prorated, rounded from 6.67) | Mid |", text, StringComparison.Ordinal);
        Assert.Contains("(exact value 6.666666666666667, rounded to 7 as the definition states).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not rounded", text, StringComparison.Ordinal);
        Assert.Contains("| avg | 1.5 | none: between Low (0 to below 1) and High (2 to 3) |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHtmlReport_ShowsTheRoundingAndTheNeighbourBands()
    {
        var text = Render(ReportFormat.Html);
        Assert.Contains("<span class=\"value\">7</span> <small>rounded from 6.67</small> <small>prorated from 3 of 4 items</small>", text, StringComparison.Ordinal);
        Assert.Contains("(exact value 6.666666666666667, rounded to 7 as the definition states).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not rounded", text, StringComparison.Ordinal);
        Assert.Contains("<small>in no band: between Low (0 to below 1) and High (2 to 3)</small>", text, StringComparison.Ordinal);
        Assert.Contains("<li>Low (0 to below 1)</li>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown() => Verify(ReportFormat.Markdown);

    [Fact]
    public void Html() => Verify(ReportFormat.Html);

    private static string Render(ReportFormat format)
    {
        var rendering = Renderer.Render(Renderer.GetBuiltIn(format), Model());
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));
        return rendering.Text!;
    }

    private static void Verify(ReportFormat format) =>
        Approvals.Verify(new ApprovalTextWriter(Render(format), format.Extension()));
}
