namespace Instruments.Cli.Tests;

/// <summary>End-to-end tests of <c>instruments report</c> and of <c>instruments validate</c> on templates.</summary>
public sealed class ReportCommandTests
{
    private const string Phq9Header = "respondent_id,visit,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_10";

    [Fact]
    public async Task Report_PerRow_WritesOneFilePerRow_NamedByRowAndRespondent_Exit1WithInvalidRows()
    {
        using var dir = new TempDir();
        var r = await Host.RunAsync("report", "phq-9", "--input", Host.Sample("phq-9.csv"), "--format", "html", "--output", dir["out"]);
        Assert.True(r.ExitCode == 1, r.ToString());   // p105 has an invalid value
        var files = Directory.GetFiles(dir["out"]).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["1-p101.html", "2-p102.html", "3-p103.html", "4-p104.html", "5-p105.html", "6-p106.html", "7-p107.html"], files);
        var p102 = File.ReadAllText(Path.Combine(dir["out"], "2-p102.html"));
        Assert.StartsWith("<!DOCTYPE html>", p102, StringComparison.Ordinal);
        Assert.Contains("CRITICAL: item9_positive", p102, StringComparison.Ordinal);
        Assert.Contains("7 reports", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Report_Combined_GoesToStdout_Exit0()
    {
        var r = await Host.RunAsync("report", "swls", "--input", Host.Sample("swls.csv"), "--combined", "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("# Satisfaction With Life Scale", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("8 responses: 6 complete, 2 partial, 0 invalid", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stderr);
    }

    [Fact]
    public async Task Report_Combined_ToAFile_FormatFromItsExtension()
    {
        using var dir = new TempDir();
        var r = await Host.RunAsync("report", "swls", "--input", Host.Sample("swls.json"), "--combined", "--output", dir["r.html"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("<svg class=\"bar\"", File.ReadAllText(dir["r.html"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_UntrustedRespondentId_IsEscaped_AndCannotEscapeTheFolder()
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv", Phq9Header + "\n\"../../<script>alert(1)</script>\",v,d,0,0,0,0,0,0,0,0,0,0\nbroken,row\n");
        var r = await Host.RunAsync("report", "phq-9", "--input", input, "--format", "html", "--output", dir["out"]);
        Assert.True(r.ExitCode == 1, r.ToString());   // the malformed row is an invalid response
        var files = Directory.GetFiles(dir["out"]).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["1-script_alert_1_script.html", "2-2.html"], files);   // a row that cannot be read has no respondent id
        var html = File.ReadAllText(Path.Combine(dir["out"], files[0]));
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("../../&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("could not be read", File.ReadAllText(Path.Combine(dir["out"], files[1])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_PluginTemplate_OverridesTheDefault_AndNamedTemplatesAreFound()
    {
        using var dir = new TempDir();
        var yaml = File.ReadAllText(Path.Combine(Host.RepoRoot, "plugins", "wellbeing", "instruments", "swls.yaml"));
        var def = dir.File("myplugin/instruments/swls.yaml", yaml);
        dir.File("myplugin/templates/swls.md.scriban", "OWN {{ instrument.id }}{{ for r in responses }} {{ r.respondent_id }}{{ end }}\n");
        dir.File("myplugin/templates/brief.md.scriban", "BRIEF {{ include 'partials/line' }}\n");
        dir.File("myplugin/templates/partials/line.scriban", "{{ summary.responses }} rows");

        var own = await Host.RunAsync("report", def, "--input", Host.Sample("swls.csv"), "--combined");
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Equal("OWN swls r001 r002 r003 r004 r005 r006 r007 r008\n", own.Stdout);

        var brief = await Host.RunAsync("report", def, "--input", Host.Sample("swls.csv"), "--combined", "--template", "brief");
        Assert.Equal("BRIEF 8 rows\n", brief.Stdout);

        var builtIn = await Host.RunAsync("report", def, "--input", Host.Sample("swls.csv"), "--combined", "--template", "default");
        Assert.StartsWith("# Satisfaction With Life Scale", builtIn.Stdout, StringComparison.Ordinal);

        var unknown = await Host.RunAsync("report", def, "--input", Host.Sample("swls.csv"), "--template", "breif");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown md template 'breif' for 'swls' (available: default, brief, swls;", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_TemplateWithErrors_PrintsTplDiagnostics_Exit2_WritesNothing()
    {
        using var dir = new TempDir();
        var template = dir.File("bad.html.scriban", "<p>\n{{ if }}\n");
        var r = await Host.RunAsync(["report", "swls", "--input", Host.Sample("swls.csv"), "--template", "bad.html.scriban", "--output", "out"], null, dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("bad.html.scriban(2,7): error TPL4001: Template syntax error:", r.StderrLines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["out"]) && Directory.EnumerateFiles(dir["out"]).Any());

        dir.File("typo.md.scriban", "{{ instrument.titel }}");
        var typo = await Host.RunAsync(["report", "swls", "--input", Host.Sample("swls.csv"), "--template", "typo.md.scriban", "--combined"], null, dir.Path);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("typo.md.scriban(1,15): error TPL4002:", typo.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, typo.Stdout);
    }

    [Fact]
    public async Task Report_NeedsInput_AndAKnownInstrument()
    {
        Assert.Equal(2, (await Host.RunAsync("report", "swls")).ExitCode);
        var r = await Host.RunAsync("report", "swl", "--input", Host.Sample("swls.csv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean 'swls'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ScribanFiles_ReportsTemplateParseErrors()
    {
        using var dir = new TempDir();
        dir.File("good.md.scriban", "{{ instrument.title }}");
        dir.File("bad.md.scriban", "ok\n{{ for x in }}");
        var r = await Host.RunAsync(["validate", "good.md.scriban", "bad.md.scriban"], null, dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.All(r.StdoutLines, l => Assert.StartsWith("bad.md.scriban(2,", l, StringComparison.Ordinal));
        Assert.Contains(r.StdoutLines, l => l.Contains("error TPL4001", StringComparison.Ordinal));
        Assert.Contains("2 files checked, 1 valid", r.Stderr, StringComparison.Ordinal);
    }
}
