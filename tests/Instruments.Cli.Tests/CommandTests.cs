using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary>validate, list, describe, help and usage errors: in process, except those that print paths relative to a working directory.</summary>
public sealed class CommandTests
{
    private const string BrokenYaml = """
        instrument: demo
        version: 1.0.0
        title: Demo
        colour: blue
        license: { name: MIT, texts: shipped }
        response_scales:
          s: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
        items:
          - { id: q1, scale: s }
        scores:
          - { id: total, items: [q1], method: sum }
        """;

    // Valid, with one warning (INS1054: no band covers 2).
    private const string WarningYaml = """
        instrument: demo2
        version: 1.0.0
        title: Demo 2
        license: { name: MIT, texts: shipped }
        response_scales:
          s: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
        items:
          - { id: q1, scale: s }
          - { id: q2, scale: s }
        scores:
          - id: total
            items: [q1, q2]
            method: sum
            bands:
              - { min: 0, max: 1, label: Low }
            sources: [Test manual]
        """;

    // ---- validate ----

    [Fact]
    public async Task Validate_text_prints_compiler_style_lines_and_exits_1()
    {
        using var dir = new TempDir();
        dir.File("broken.yaml", BrokenYaml);
        var r = await Host.RunAsync(["validate", "broken.yaml"], null, dir.Path);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.StdoutLines);
        Assert.StartsWith("broken.yaml(4,1): error INS1010: Unknown key 'colour'", line, StringComparison.Ordinal);
        Assert.Contains("1 error", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_valid_files_exit_0()
    {
        var r = await InProcess.RunAsync("validate", Path.Combine(Host.RepoRoot, "plugins/wellbeing/instruments/swls.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Validate_folder_compiles_every_yaml_below_it()
    {
        var r = await InProcess.RunAsync("validate", Path.Combine(Host.RepoRoot, "plugins"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("14 valid", r.Stderr, StringComparison.Ordinal); // the twelve shipped instruments, the NHS Talking Therapies and the alliance-and-symptoms protocols
    }

    [Fact]
    public async Task Validate_json()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.yaml", BrokenYaml);
        var r = await InProcess.RunAsync(["validate", path, "--format", "json"], null);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var d = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("INS1010", d.GetProperty("id").GetString());
        Assert.Equal("error", d.GetProperty("severity").GetString());
        Assert.Equal(path, d.GetProperty("path").GetString());
        Assert.Equal(4, d.GetProperty("line").GetInt32());
        Assert.Equal(1, d.GetProperty("column").GetInt32());
        Assert.StartsWith("Unknown key 'colour'", d.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_sarif()
    {
        using var dir = new TempDir();
        dir.File("defs/broken.yaml", BrokenYaml);
        var r = await Host.RunAsync(["validate", "defs", "--format", "sarif"], null, dir.Path);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-schema-2.1.0", root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("instruments", driver.GetProperty("name").GetString());
        var rule = Assert.Single(driver.GetProperty("rules").EnumerateArray());
        Assert.Equal("INS1010", rule.GetProperty("id").GetString());
        Assert.Equal("Unknown key", rule.GetProperty("shortDescription").GetProperty("text").GetString());
        // docs/diagnostics.md#ins1010 is relative, and SARIF allows only an absolute helpUri: the link goes in the help text.
        Assert.False(rule.TryGetProperty("helpUri", out _));
        Assert.Contains("docs/diagnostics.md#ins1010", rule.GetProperty("help").GetProperty("text").GetString(), StringComparison.Ordinal);
        var result = Assert.Single(run.GetProperty("results").EnumerateArray());
        Assert.Equal("INS1010", result.GetProperty("ruleId").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        Assert.StartsWith("Unknown key", result.GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        var physical = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
        Assert.Equal("defs/broken.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(4, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(1, physical.GetProperty("region").GetProperty("startColumn").GetInt32());
    }

    [Fact]
    public async Task Validate_warnings_pass_unless_warnaserror()
    {
        using var dir = new TempDir();
        dir.File("warn.yaml", WarningYaml);
        var plain = await Host.RunAsync(["validate", "warn.yaml"], null, dir.Path);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.StartsWith("warn.yaml(15,7): warning INS1054:", Assert.Single(plain.StdoutLines), StringComparison.Ordinal);

        var strict = await Host.RunAsync(["validate", "warn.yaml", "--warnaserror"], null, dir.Path);
        Assert.Equal(1, strict.ExitCode);
        Assert.StartsWith("warn.yaml(15,7): error INS1054:", Assert.Single(strict.StdoutLines), StringComparison.Ordinal);

        var sarif = await Host.RunAsync(["validate", "warn.yaml", "--format", "sarif"], null, dir.Path);
        using var doc = JsonDocument.Parse(sarif.Stdout);
        Assert.Equal("warning", doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("level").GetString());
    }

    [Fact]
    public async Task Validate_missing_path_exits_2()
    {
        var r = await InProcess.RunAsync("validate", "no/such/file.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["instruments: error: 'no/such/file.yaml' does not exist"], r.StderrLines);
    }

    // ---- list and describe ----

    [Fact]
    public async Task List_text_and_json()
    {
        var text = await InProcess.RunAsync("list");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.StartsWith("ID", text.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains(text.StdoutLines, l => l.StartsWith("swls ", StringComparison.Ordinal) && l.Contains("Satisfaction With Life Scale", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, l => l.StartsWith("phq-9 ", StringComparison.Ordinal));

        var json = await InProcess.RunAsync("list", "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var swls = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "swls");
        Assert.Equal("1.0.0", swls.GetProperty("version").GetString());
        Assert.Equal(5, swls.GetProperty("item_count").GetInt32());
        Assert.Equal(["total"], swls.GetProperty("scores").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("client", swls.GetProperty("respondent").GetString());
        Assert.StartsWith("Free for use", swls.GetProperty("license").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_json_has_items_and_scores_in_definition_order()
    {
        var r = await InProcess.RunAsync("describe", "phq-9", "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(
            ["phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8", "phq9_9", "phq9_10"],
            root.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var total = Assert.Single(root.GetProperty("scores").EnumerateArray());
        Assert.Equal("total", total.GetProperty("id").GetString());
        Assert.Equal("sum", total.GetProperty("method").GetString());
        Assert.Equal(2, total.GetProperty("missing").GetProperty("max").GetInt32());
        Assert.True(total.GetProperty("missing").GetProperty("prorate").GetBoolean());
        Assert.Equal(5, total.GetProperty("bands").GetArrayLength());
        Assert.Equal("item9_positive", root.GetProperty("flags")[0].GetProperty("id").GetString());
        Assert.Contains("Kroenke", root.GetProperty("citation").GetString(), StringComparison.Ordinal);
        Assert.Equal("shipped", root.GetProperty("license").GetProperty("texts").GetString());
    }

    [Fact]
    public async Task Describe_text()
    {
        var r = await InProcess.RunAsync("describe", "swls");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("swls 1.0.0: Satisfaction With Life Scale", r.StdoutLines[0]);
        Assert.Contains("  swls1  [agree7]  In most ways my life is close to my ideal.", r.StdoutLines);
        Assert.Contains("    31-35   Extremely satisfied", r.StdoutLines);
    }

    [Fact]
    public async Task Describe_text_shows_change_rules_with_thresholds_cutoffs_and_sources()
    {
        var r = await InProcess.RunAsync("describe", "core-10");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("    change (lower-is-better):", r.StdoutLines);
        Assert.Contains("      caseness: a score of 11 or more is a case", r.StdoutLines);
        // 1.96 x 7.7 x sqrt(2) x sqrt(1 - .90) = 6.749...; c = (4.8 x 19.7 + 7.7 x 4.7) / 12.5 = 10.46; a = 19.7 - 2 x 7.7 = 4.3.
        Assert.Contains(r.StdoutLines, l => l.StartsWith("      reliable change 'jt' (Jacobson-Truax): sd 7.7, reliability 0.9, critical 1.96: S_diff 3.44; a change of more than 6.75 points", StringComparison.Ordinal));
        Assert.Contains(r.StdoutLines, l => l.StartsWith("        cut-off a = 4.3, c = 10.46; uses c: functional = below 10.46; categories use rule 'jt'", StringComparison.Ordinal));
        Assert.Contains(r.StdoutLines, l => l.StartsWith("        sources: https://valanthelp", StringComparison.Ordinal));

        var phq = await InProcess.RunAsync("describe", "phq-9");
        Assert.Contains("      reliable change 'nhs-talking-therapies' (fixed): a change of at least 6 points, either way", phq.StdoutLines);
    }

    [Fact]
    public async Task Describe_text_shows_rounding_rules_and_half_open_bands_and_json_carries_them()
    {
        var r = await InProcess.RunAsync("describe", "dsm5-specific-phobia-adult");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("    a prorated value: rounded to the nearest whole number, tie rule not stated by the source (a tie is left unrounded)", r.StdoutLines);
        Assert.Contains(r.StdoutLines, l => l.StartsWith("    rounding sources: APA DSM-5-TR severity measures", StringComparison.Ordinal));
        Assert.Contains("    2       Moderate", r.StdoutLines);

        using var dir = new TempDir();
        var yaml = dir.File("h.yaml", """
            instrument: half-open-demo
            version: 1.0.0
            title: Half-open
            license: { name: free, texts: restricted }
            response_scales:
              s: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" } ] }
            items:
              - { id: q1, scale: s }
              - { id: q2, scale: s }
            scores:
              - id: avg
                items: [q1, q2]
                method: mean
                rounding: { method: nearest, ties: half-even, digits: 1, sources: [test] }
                sources: [test]
                bands:
                  - { min: 0, below: 1, label: Low }
                  - { min: 1, max: 2, label: High }
            """);
        var h = await InProcess.RunAsync("describe", yaml);
        Assert.True(h.ExitCode == 0, h.ToString());
        Assert.Contains("    every value: rounded to the nearest 0.1, halves to even", h.StdoutLines);
        Assert.Contains("    0-<1    Low", h.StdoutLines);
        Assert.Contains("    1-2     High", h.StdoutLines);

        var json = await InProcess.RunAsync("describe", yaml, "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var score = doc.RootElement.GetProperty("scores")[0];
        Assert.Equal("half-even", score.GetProperty("rounding").GetProperty("ties").GetString());
        Assert.Equal(1, score.GetProperty("rounding").GetProperty("digits").GetInt32());
        Assert.Equal(1, score.GetProperty("bands")[0].GetProperty("below").GetDouble());
        Assert.False(score.GetProperty("bands")[0].TryGetProperty("max", out _));
        Assert.Equal(JsonValueKind.Null, score.GetProperty("missing").GetProperty("rounding").ValueKind);
    }

    [Fact]
    public async Task Describe_json_has_change_rules_with_point_thresholds()
    {
        var r = await InProcess.RunAsync("describe", "gad-7", "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var change = doc.RootElement.GetProperty("scores")[0].GetProperty("change");
        Assert.Equal(8, change.GetProperty("caseness").GetProperty("min").GetDouble());
        var rules = change.GetProperty("reliable_change");
        Assert.Equal(4, rules[0].GetProperty("point_threshold").GetDouble());
        Assert.Equal(3.22, Math.Round(rules[1].GetProperty("point_threshold").GetDouble(), 2));
    }

    [Fact]
    public async Task Describe_restricted_texts_says_so()
    {
        using var dir = new TempDir();
        var yaml = dir.File("r.yaml", """
            instrument: restricted-demo
            version: 1.0.0
            title: Restricted
            license: { name: Commercial, texts: restricted }
            response_scales:
              s: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
            items:
              - { id: q1, scale: s }
            scores:
              - { id: total, items: [q1], method: sum }
            """);
        var r = await InProcess.RunAsync("describe", yaml);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("licensed separately", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_marks_kept_items_in_text_and_json()
    {
        using var dir = new TempDir();
        var yaml = dir.File("k.yaml", """
            instrument: kept-demo
            version: 1.0.0
            title: Kept
            license: { name: MIT, texts: shipped }
            response_scales:
              s: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
            items:
              - { id: situation, scale: s, keep: true }
              - { id: q1, scale: s }
            scores:
              - { id: total, items: [q1], method: sum }
            """);
        var r = await InProcess.RunAsync("describe", yaml);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  situation  [s, kept (not scored)]", r.StdoutLines);
        Assert.Contains(r.StdoutLines, l => l.TrimEnd() == "  q1         [s]");

        var json = await InProcess.RunAsync("describe", yaml, "--format", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal([true, false], doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("keep").GetBoolean()));
    }

    [Fact]
    public async Task Describe_unknown_instrument_exits_2_with_suggestion()
    {
        var r = await InProcess.RunAsync("describe", "phq9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean 'phq-9'?", r.Stderr, StringComparison.Ordinal);
    }

    // ---- help and usage ----

    [Theory]
    [InlineData("list")]
    [InlineData("describe")]
    [InlineData("validate")]
    [InlineData("score")]
    [InlineData("report")]
    [InlineData("test")]
    public async Task Help_works_on_every_command(string command)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var r = await InProcess.RunAsync(command, flag);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.StartsWith("usage: instruments " + command, r.Stdout, StringComparison.Ordinal);
            Assert.Contains("--help", r.Stdout, StringComparison.Ordinal);
            Assert.Equal(string.Empty, r.Stderr);
        }
    }

    [Fact]
    public async Task Top_level_help_and_errors()
    {
        var help = await InProcess.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("score", help.Stdout, StringComparison.Ordinal);

        var none = await InProcess.RunAsync();
        Assert.Equal(2, none.ExitCode);

        var unknown = await InProcess.RunAsync("scroe");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("did you mean 'score'?", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_argument_exits_2_with_usage()
    {
        var r = await InProcess.RunAsync("score", "swls");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--input", r.StderrLines[0], StringComparison.Ordinal);
        Assert.StartsWith("usage: instruments score", r.StderrLines[1], StringComparison.Ordinal);
    }
}
