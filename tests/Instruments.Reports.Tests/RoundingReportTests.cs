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
    private static string Yaml(string avgRounding = "") => $$"""
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
        {{avgRounding}}
            sources: [test]
            bands:
              - { min: 0, below: 1, label: Low }
              - { min: 2, max: 3, label: High }
        """;

    private static readonly InstrumentDefinition Four = Compile(Yaml());

    // The same, with avg rounded to whole numbers and no tie rule: its 1.5 is a tie the source does not settle.
    private static readonly InstrumentDefinition FourUnstated =
        Compile(Yaml("    rounding: { method: nearest, ties: unstated, sources: [test] }"));

    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    // Row 1: complete, total 6 (Mid), avg 1.5 (between Low and High). Row 2: i4 missing, total 5 x 4 / 3 = 6.67 -> 7.
    private static ReportModel Model() => TestData.Model(Four,
        TestData.Response(Four, 1, "1,1,2,2", ("respondent_id", "f1")),
        TestData.Response(Four, 2, "1,2,2,", ("respondent_id", "f2")));

    private static InstrumentDefinition Compile(string yaml)
    {
        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromText(yaml, "four.yaml")]);
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
    public void ATieTheSourceDoesNotSettle_IsShownAsLeftUnrounded()
    {
        var model = TestData.Model(FourUnstated, TestData.Response(FourUnstated, 1, "1,1,2,2"), TestData.Response(FourUnstated, 2, "1,2,2,3"));
        var tie = Score(model, 0, "avg");
        Assert.Equal(1.5, tie["value"]);
        Assert.Equal(false, tie["rounded"]);
        Assert.Null(tie["unrounded"]);
        Assert.Equal(true, tie["unsettled_tie"]);
        Assert.Equal("between Low (0 to below 1) and High (2 to 3)", tie["between"]);
        var notTie = Score(model, 1, "avg");                     // 2 exactly: nothing to settle
        Assert.Equal(2d, notTie["value"]);
        Assert.Equal(false, notTie["unsettled_tie"]);
        Assert.Equal(false, Score(model, 0, "total")["unsettled_tie"]);

        var renderer = new ReportRenderer(null, TestData.Clock);
        Assert.Contains("| avg | 1.5 (a tie left unrounded) | none: between Low (0 to below 1) and High (2 to 3) |",
            renderer.Render(renderer.GetBuiltIn(ReportFormat.Markdown), model).Text, StringComparison.Ordinal);
        Assert.Contains("<span class=\"value\">1.5</span> <small>a tie left unrounded</small>",
            renderer.Render(renderer.GetBuiltIn(ReportFormat.Html), model).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AProratedTie_InTheShippedSpecificPhobiaMeasure_IsSaidToBeLeftUnrounded()
    {
        // samples/dsm5-specific-phobia.csv, client c02: 8 of 10 items answered, sum 26 x 10 / 8 = 32.5, and the APA
        // publishes no tie rule, so the total stays 32.5 (RSP2015) and the report says why.
        var phobia = TestData.Load("plugins/symptoms/instruments/dsm5-specific-phobia-adult.yaml");
        var model = TestData.Model(phobia, TestData.Response(phobia, 1, "4,4,4,3,3,,4,3,3,,2"));
        var total = Score(model, 0, "total");
        Assert.Equal(32.5, total["value"]);
        Assert.Equal(true, total["unsettled_tie"]);
        var renderer = new ReportRenderer(null, TestData.Clock);
        var text = renderer.Render(renderer.GetBuiltIn(ReportFormat.Markdown), model).Text;
        Assert.Contains("32.5 (prorated, a tie left unrounded)", text, StringComparison.Ordinal);
        Assert.Contains("(exact value 32.5, left unrounded: it lies exactly halfway and the source of the rounding rule does not say which way a tie goes).", text, StringComparison.Ordinal);
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
