using ApprovalTests;
using ApprovalTests.Reporters;
using ApprovalTests.Writers;

namespace Instruments.Reports.Tests;

/// <summary>
/// The built-in Markdown and HTML reports of the shipped SWLS and PHQ-9 definitions, compared with the approved files
/// beside this class (<c>SnapshotTests.*.approved.md|html</c>). A difference, or a missing approved file, fails the
/// test and leaves a <c>.received.</c> file to review; nothing is approved automatically and no diff tool starts.
/// </summary>
[UseReporter(typeof(QuietReporter))]
public sealed class SnapshotTests
{
    private static readonly ReportRenderer Renderer = new(null, TestData.Clock);

    // PHQ-9: a complete, flagged response (item 9 endorsed); a partial one (one item missing: prorated);
    // one with an invalid value; one whose row could not be read.
    private static ReportModel Phq9Combined() => TestData.Model(TestData.Phq9,
        TestData.Response(TestData.Phq9, 1, "3,3,3,3,2,3,3,2,2,3", ("respondent_id", "p106"), ("visit", "week4"), ("date", "2024-05-30")),
        TestData.Response(TestData.Phq9, 2, "1,1,2,,1,1,0,1,0,1", ("respondent_id", "p103"), ("visit", "baseline"), ("date", "2024-05-03")),
        TestData.Response(TestData.Phq9, 3, "1,7,1,1,0,1,0,0,0,", ("respondent_id", "p105"), ("visit", "week4"), ("date", "2024-05-30")),
        TestData.Malformed(TestData.Phq9, 4, 5, "expected 13 cells, found 7"));

    // One PHQ-9 response, flagged and partial at once: the per-row report a clinician reads.
    private static ReportModel Phq9FlaggedPartial() => TestData.Model(TestData.Phq9,
        TestData.Response(TestData.Phq9, 1, "2,3,,2,1,2,1,1,1,2", ("respondent_id", "p201"), ("visit", "week 6"), ("date", "2024-06-03")));

    // SWLS: complete; partial (an item missing: SWLS allows none, so no total); a missing code; text that is not a number.
    private static ReportModel SwlsCombined() => TestData.Model(TestData.Swls,
        TestData.Response(TestData.Swls, 1, "6,5,6,6,4", ("respondent_id", "r003"), ("session", "1")),
        TestData.Response(TestData.Swls, 2, "4,4,,5,3", ("respondent_id", "r005"), ("session", "1")),
        TestData.Response(TestData.Swls, 3, "6,6,7,5,-99", ("respondent_id", "r006"), ("session", "2")),
        TestData.Response(TestData.Swls, 4, "3,4,four,3,2", ("respondent_id", "r009"), ("session", "2")));

    [Fact]
    public void Phq9_Combined_Markdown() => Verify(Phq9Combined(), ReportFormat.Markdown);

    [Fact]
    public void Phq9_Combined_Html() => Verify(Phq9Combined(), ReportFormat.Html);

    [Fact]
    public void Phq9_FlaggedPartial_Markdown() => Verify(Phq9FlaggedPartial(), ReportFormat.Markdown);

    [Fact]
    public void Phq9_FlaggedPartial_Html() => Verify(Phq9FlaggedPartial(), ReportFormat.Html);

    [Fact]
    public void Swls_Combined_Markdown() => Verify(SwlsCombined(), ReportFormat.Markdown);

    [Fact]
    public void Swls_Combined_Html() => Verify(SwlsCombined(), ReportFormat.Html);

    private static void Verify(ReportModel model, ReportFormat format)
    {
        var rendering = Renderer.Render(Renderer.GetBuiltIn(format), model);
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));
        Approvals.Verify(new ApprovalTextWriter(rendering.Text, format.Extension()));
    }
}
