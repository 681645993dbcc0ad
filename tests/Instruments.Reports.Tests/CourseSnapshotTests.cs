using ApprovalTests;
using ApprovalTests.Reporters;
using ApprovalTests.Writers;

namespace Instruments.Reports.Tests;

/// <summary>
/// The built-in course-of-care reports (<c>course.md.scriban</c>, <c>course.html.scriban</c>) compared with the
/// approved files beside this class (<c>CourseSnapshotTests.*.approved.md|html</c>). A difference, or a missing
/// approved file, fails the test and leaves a <c>.received.</c> file to review; nothing is approved automatically.
/// </summary>
[UseReporter(typeof(QuietReporter))]
public sealed class CourseSnapshotTests
{
    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    [Fact]
    public void Realistic_Markdown() => Verify(CourseData.RealisticClient(), ReportFormat.Markdown);

    [Fact]
    public void Realistic_Html() => Verify(CourseData.RealisticClient(), ReportFormat.Html);

    [Fact]
    public void OneUsable_Markdown() => Verify(CourseData.OneUsable(), ReportFormat.Markdown);

    [Fact]
    public void OneUsable_Html() => Verify(CourseData.OneUsable(), ReportFormat.Html);

    [Fact]
    public void NoRules_Markdown() => Verify(CourseData.NoRules(), ReportFormat.Markdown);

    [Fact]
    public void NoRules_Html() => Verify(CourseData.NoRules(), ReportFormat.Html);

    [Fact]
    public void HigherIsBetter_Markdown() => Verify(CourseData.HigherIsBetter(), ReportFormat.Markdown);

    [Fact]
    public void HigherIsBetter_Html() => Verify(CourseData.HigherIsBetter(), ReportFormat.Html);

    [Fact]
    public void Ruptures_Markdown() => Verify(CourseData.Ruptures(), ReportFormat.Markdown);

    [Fact]
    public void Ruptures_Html() => Verify(CourseData.Ruptures(), ReportFormat.Html);

    private static void Verify(CourseReportModel model, ReportFormat format)
    {
        var rendering = Renderer.Render(Renderer.GetBuiltInCourse(format), model);
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));
        Approvals.Verify(new ApprovalTextWriter(rendering.Text, format.Extension()));
    }
}
