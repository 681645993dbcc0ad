using System.Diagnostics;
using Xunit.Abstractions;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments track --report md|html --output DIR</c>: one course-of-care report per client, written atomically,
/// template errors as TPL diagnostics; the HTML written by the host checked in headless Chromium.
/// </summary>
public sealed class TrackReportTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("track-report-");

    private static string Sample => Host.Sample("phq-9-course.csv");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Folder => Path.Combine(_dir.FullName, "reports");

    private static string[] Files(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task Html_OneFilePerClient_WithTheChartAndTheRules()
    {
        var r = await InProcess.RunAsync("track", "phq-9", "--input", Sample, "--report", "html", "--output", Folder);

        // Exit 1: the sample has an invalid administration and a duplicated occasion (RSP2030, RSP2031).
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.Equal(["c001.html", "c002.html", "c003.html", "c004.html"], Files(Folder));
        Assert.Contains($"instruments: 4 reports (builtin:course.html.scriban) to {Folder}: tracked 4 clients from 17 rows", r.Stderr, StringComparison.Ordinal);

        var c001 = File.ReadAllText(Path.Combine(Folder, "c001.html"));
        Assert.Contains("<svg class=\"course-chart\"", c001, StringComparison.Ordinal);
        Assert.Contains("class=\"caseness\"", c001, StringComparison.Ordinal);
        Assert.Contains("class=\"rc rc-0\"", c001, StringComparison.Ordinal);
        Assert.Contains("class=\"gap\"", c001, StringComparison.Ordinal);       // session 5 is invalid
        Assert.Contains("class=\"recovery\"", c001, StringComparison.Ordinal);  // 18 -> 5
        Assert.Contains("Caseness: a score of 10 or more is a case.", c001, StringComparison.Ordinal);
        Assert.Contains("PMC8411661", c001, StringComparison.Ordinal);          // the rules' sources
        Assert.Contains("a change of more than 6.6 points is reliable", c001, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protocol_WithReport_IsAUsageError_NamingItsInstruments_AndWritesNothing()
    {
        var r = await InProcess.RunAsync("track", "nhs-talking-therapies", "--input", Sample, "--report", "html", "--output", Folder);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is a protocol: run 'track <instrument> --report' for each of its instruments (phq-9, gad-7)", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder) && Directory.EnumerateFileSystemEntries(Folder).Any());
    }

    [Fact]
    public async Task Markdown_TellsTheCourse_DuplicatesAndOneAdministration()
    {
        var r = await InProcess.RunAsync("track", "phq-9", "--input", Sample, "--report", "markdown", "--output", Folder, "--quiet");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.Equal(["c001.md", "c002.md", "c003.md", "c004.md"], Files(Folder));

        var c001 = File.ReadAllText(Path.Combine(Folder, "c001.md"));
        Assert.Contains("- From 18 at occasion 1 to 5 at occasion 8: change -13.", c001, StringComparison.Ordinal);
        Assert.Contains("### Rules applied", c001, StringComparison.Ordinal);
        Assert.Contains("Reliable change, rule nhs-talking-therapies (fixed): a change of at least 6 points", c001, StringComparison.Ordinal);
        Assert.Contains("RSP2030", c001, StringComparison.Ordinal);

        // c002: occasion 3 given twice (lines 12 and 13): one row, set aside, naming both lines.
        var c002 = File.ReadAllText(Path.Combine(Folder, "c002.md"));
        Assert.Contains("| 3 | 12 | complete | – |  |  |  | not used: 2 administrations at this occasion (lines 12, 13): none is used (RSP2031) |", c002, StringComparison.Ordinal);

        var c004 = File.ReadAllText(Path.Combine(Folder, "c004.md"));
        Assert.Contains("RSP2032", c004, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateParseError_IsATplDiagnostic_AndNothingIsWritten()
    {
        var template = Path.Combine(_dir.FullName, "broken.md.scriban");
        File.WriteAllText(template, "{{ if }}\n");
        var r = await InProcess.RunAsync("track", "phq-9", "--input", Sample, "--report", "md", "--output", Folder, "--template", template);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("TPL", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("has errors; no report was written", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Folder));
    }

    [Fact]
    public async Task TemplateRuntimeError_IsATplDiagnostic_AndAnOlderReportStaysWhole()
    {
        // Fails on c002 only (an unknown variable under strict variables); c001's report is written first.
        var template = Path.Combine(_dir.FullName, "partial.md.scriban");
        File.WriteAllText(template, "{{ if client == \"c002\"; no_such_variable; end }}course of {{ client }}\n");
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, "c002.md"), "the older report\n");

        var r = await InProcess.RunAsync("track", "phq-9", "--input", Sample, "--report", "md", "--output", Folder, "--template", template);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("TPL", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed on client 'c002'; that report was not written", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("course of c001\n", File.ReadAllText(Path.Combine(Folder, "c001.md")));
        Assert.Equal("the older report\n", File.ReadAllText(Path.Combine(Folder, "c002.md")));
        Assert.Equal(["c001.md", "c002.md"], Files(Folder)); // no temporary file left behind
    }

    [Fact]
    public async Task ClientIdsGivingOneFileName_GetDistinctFiles()
    {
        var input = Path.Combine(_dir.FullName, "in.csv");
        File.WriteAllText(input, "client_id,session,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n"
            + "a b,1,1,1,1,1,1,1,1,1,1\na_b,1,2,2,2,2,2,2,2,2,2\n../x,1,0,0,0,0,0,0,0,0,0\n");
        var r = await InProcess.RunAsync("track", "phq-9", "--input", input, "--report", "md", "--output", Folder, "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([".._x.md", "a_b-2.md", "a_b.md"], Files(Folder));
        Assert.Contains("Client **a_b**", File.ReadAllText(Path.Combine(Folder, "a_b-2.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--report", "md")]
    [InlineData("--report", "md", "--output", "-")]
    [InlineData("--template", "default", "--output", "x.csv")]
    [InlineData("--report", "html", "--output", "DIR", "--occasions")]
    public async Task UsageMistakes_ExitTwo_NothingWritten(params string[] more)
    {
        var args = more.Select(a => a == "DIR" ? Folder : a == "x.csv" ? Path.Combine(_dir.FullName, "x.csv") : a);
        var r = await InProcess.RunAsync(["track", "phq-9", "--input", Sample, .. args]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.FullName));
    }

    [SkippableFact]
    public async Task HtmlWrittenByTheHost_RendersInChromium_WithTheChart()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (Debian: apt-get install -y chromium); the headless-browser check did not run");

        var input = Path.Combine(_dir.FullName, "hostile.csv");
        File.WriteAllText(input, File.ReadAllText(Sample).Replace("c001,", "<script>alert(1)</script>,", StringComparison.Ordinal));
        var r = await Host.RunAsync("track", "phq-9", "--input", input, "--report", "html", "--output", Folder, "--quiet");
        Assert.True(r.ExitCode == 1, r.ToString());
        var html = Path.Combine(Folder, "_script_alert_1___script_.html");
        Assert.True(File.Exists(html), string.Join(", ", Files(Folder)));

        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(Host.RepoRoot, "docs", "scripts", "check-html-report.sh"), "--html", html, "--screenshot", Path.Combine(_dir.FullName, "c.png") })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var part in new[] { "<svg class=\"course-chart\"", "<polyline class=\"series\"", "class=\"caseness\"", "class=\"rc rc-0\"", "class=\"gap\"",
                     "class=\"recovery\"", "<h3>Administrations</h3>", "&lt;script&gt;alert(1)&lt;/script&gt;", "About the instrument" })
        {
            psi.ArgumentList.Add("--expect");
            psi.ArgumentList.Add(part);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(4)), "chromium did not finish");
        output.WriteLine(await stdout);
        var errors = string.Join('\n', (await stderr).Split('\n').Where(l => !l.Contains(":ERROR:dbus", StringComparison.Ordinal)).Take(40));
        Assert.True(process.ExitCode == 0, $"check-html-report.sh exited {process.ExitCode}:\n{errors}");
        Assert.True(new FileInfo(Path.Combine(_dir.FullName, "c.png")).Length > 10_000, "the screenshot is missing or empty");
    }
}
