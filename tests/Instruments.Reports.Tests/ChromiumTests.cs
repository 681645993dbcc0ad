using System.Diagnostics;
using Xunit.Abstractions;

namespace Instruments.Reports.Tests;

/// <summary>
/// The built-in HTML report, opened in headless Chromium, renders without console messages (docs/scripts/check-html-report.sh).
/// Runs only where /usr/bin/chromium exists (CI installs it); elsewhere it is reported as skipped.
/// </summary>
public sealed class ChromiumTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public void HtmlReport_RendersInChromium_WithoutConsoleErrors()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (Debian: apt-get install -y chromium); the headless-browser check did not run");

        var renderer = new ReportRenderer(null, TestData.Clock);
        var model = TestData.Model(TestData.Phq9,
            TestData.Response(TestData.Phq9, 1, "2,3,,2,1,2,1,1,1,2", ("respondent_id", "<script>alert(1)</script>"), ("visit", "week 6")),
            TestData.Response(TestData.Phq9, 2, "0,1,0,1,0,0,0,0,0,0", ("respondent_id", "p102")));
        var rendering = renderer.Render(renderer.GetBuiltIn(ReportFormat.Html), model);
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));

        Check(rendering.Text!);
    }

    [SkippableFact]
    public void CourseReport_RendersInChromium_WithTheChart_WithoutConsoleErrors()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (Debian: apt-get install -y chromium); the headless-browser check did not run");

        var renderer = new ReportRenderer(null, TestData.Clock);
        var rendering = renderer.Render(renderer.GetBuiltInCourse(ReportFormat.Html), CourseData.RealisticClient("<script>alert(1)</script>"));
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));

        // In the DOM as Chromium built it: the chart (an inline SVG with its title, the line, the caseness line, the
        // reliable-change bands, the sudden gain, the gap), the table, and the hostile client id as text.
        Check(rendering.Text!, "<svg class=\"course-chart\"", "<title id=\"chart-0-title\">", "<polyline class=\"series\"",
            "class=\"caseness\"", "class=\"rc rc-0\"", "class=\"gain\"", "class=\"gap\"", "class=\"recovery\"", "<h3>Administrations</h3>",
            "&lt;script&gt;alert(1)&lt;/script&gt;", "About the instrument");
    }

    [SkippableFact]
    public void CourseReport_WithRuptures_RendersInChromium_WithTheMarkersAndTheirLegend()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (Debian: apt-get install -y chromium); the headless-browser check did not run");

        var renderer = new ReportRenderer(null, TestData.Clock);
        var rendering = renderer.Render(renderer.GetBuiltInCourse(ReportFormat.Html), CourseData.Ruptures());
        Assert.True(rendering.Succeeded, string.Join("\n", rendering.Diagnostics));
        Check(rendering.Text!, "class=\"mark rupture rule-0\"", "class=\"mark repair rule-0\"", "class=\"mark rupture rule-1\"",
            "class=\"mark repair rule-1\"", "rupture (rule one-sd)", "<h3>Ruptures and repairs</h3>", "Repaired at occasion");
    }

    [SkippableFact]
    public void DyadAndServiceReports_RenderInChromium_WithBothSeriesAndTheMarkers_WithoutConsoleErrors()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (Debian: apt-get install -y chromium); the headless-browser check did not run");

        var renderer = new ReportRenderer(null, TestData.Clock);
        var (dyads, service) = DyadData.Build();
        var dyad = renderer.Render(renderer.GetBuiltInDyad(ReportFormat.Html), dyads[0]);
        Assert.True(dyad.Succeeded, string.Join("\n", dyad.Diagnostics));

        // Both raters' lines, their points, a rupture and a repair marker, the legend and the agreement table.
        Check(dyad.Text!, "<svg class=\"dyad-chart\"", "<title id=\"chart-0-title\">", "<polyline class=\"series-0\"", "<polyline class=\"series-1\"",
            "class=\"point-0\"", "class=\"point-1\"", "class=\"rupture marker-0\"", "class=\"repair marker-1\"", "class=\"key therapist\"",
            "<h3>Agreement by session</h3>");

        var hostile = renderer.Render(renderer.GetBuiltInDyad(ReportFormat.Html), dyads[1]);
        Check(hostile.Text!, "<svg class=\"dyad-chart\"", "c2 &lt;b&gt;");

        var summary = renderer.Render(renderer.GetBuiltInService(ReportFormat.Html), service);
        Assert.True(summary.Succeeded, string.Join("\n", summary.Diagnostics));
        Check(summary.Text!, "<h2>Agreement across dyads</h2>", "<h2>Ruptures per 100 sessions</h2>", "mean r = .36");
    }

    private void Check(string text, params string[] expect)
    {
        var dir = Path.Combine(Path.GetTempPath(), "instruments-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var html = Path.Combine(dir, "report.html");
            File.WriteAllText(html, text);
            var psi = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Path.Combine(TestData.RepoRoot, "docs", "scripts", "check-html-report.sh"));
            psi.ArgumentList.Add("--html");
            psi.ArgumentList.Add(html);
            psi.ArgumentList.Add("--screenshot");
            psi.ArgumentList.Add(Path.Combine(dir, "report.png"));
            foreach (var part in expect)
            {
                psi.ArgumentList.Add("--expect");
                psi.ArgumentList.Add(part);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(4)), "chromium did not finish");
            output.WriteLine(stdout.Result);
            var errors = string.Join('\n', stderr.Result.Split('\n').Where(l => !l.Contains(":ERROR:dbus", StringComparison.Ordinal)).Take(40));
            Assert.True(process.ExitCode == 0, $"check-html-report.sh exited {process.ExitCode}:\n{errors}");
            Assert.True(new FileInfo(Path.Combine(dir, "report.png")).Length > 10_000, "the screenshot is missing or empty");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
