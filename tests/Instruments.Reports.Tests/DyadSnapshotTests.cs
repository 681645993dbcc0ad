using ApprovalTests;
using ApprovalTests.Reporters;
using ApprovalTests.Writers;

namespace Instruments.Reports.Tests;

/// <summary>
/// The built-in dyad and service-summary reports (<c>dyad.*.scriban</c>, <c>service.*.scriban</c>) over the fixed run
/// of <see cref="DyadData"/>, compared with the approved files beside this class. A difference, or a missing approved
/// file, fails the test and leaves a <c>.received.</c> file to review; nothing is approved automatically.
/// </summary>
[UseReporter(typeof(QuietReporter))]
public sealed class DyadSnapshotTests
{
    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    [Fact]
    public void Dyad_Markdown() => Verify(Renderer.Render(Renderer.GetBuiltInDyad(ReportFormat.Markdown), DyadData.Build().Dyads[0]), ReportFormat.Markdown);

    [Fact]
    public void Dyad_Html() => Verify(Renderer.Render(Renderer.GetBuiltInDyad(ReportFormat.Html), DyadData.Build().Dyads[0]), ReportFormat.Html);

    /// <summary>A dyad with one client session and no therapist rating: no pair, rules not evaluable.</summary>
    [Fact]
    public void Dyad_NoPair_Markdown() => Verify(Renderer.Render(Renderer.GetBuiltInDyad(ReportFormat.Markdown), DyadData.Build().Dyads[2]), ReportFormat.Markdown);

    [Fact]
    public void Service_Markdown() => Verify(Renderer.Render(Renderer.GetBuiltInService(ReportFormat.Markdown), DyadData.Build().Service), ReportFormat.Markdown);

    [Fact]
    public void Service_Html() => Verify(Renderer.Render(Renderer.GetBuiltInService(ReportFormat.Html), DyadData.Build().Service), ReportFormat.Html);

    private static void Verify(ReportRendering rendering, ReportFormat format)
    {
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));
        Approvals.Verify(new ApprovalTextWriter(rendering.Text, format.Extension()));
    }
}
