using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary><c>instruments test</c>, the shipped library in <c>list</c> and <c>describe</c>, and <c>--texts</c>.</summary>
public sealed class LibraryCommandTests
{
    private static readonly string[] Library = ["core-10", "dsm5-panic-adult", "dsm5-specific-phobia-adult", "flourishing", "gad-7", "k10", "oci-r", "phq-9", "shs", "swls", "wai-sr", "who-5"];

    [Fact]
    public async Task Test_without_arguments_runs_every_example_of_every_shipped_instrument_and_exits_0()
    {
        var r = await Host.RunAsync("test");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("PASS phq-9 \u203a item 9 endorsed with minimal total", r.StdoutLines);
        Assert.DoesNotContain(r.StdoutLines, l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.StartsWith("NONE", StringComparison.Ordinal));
        foreach (var id in Library)
        {
            Assert.Contains(r.StdoutLines, l => l.StartsWith("PASS " + id + " \u203a ", StringComparison.Ordinal));
        }

        Assert.Matches(@"^PASSED: 12 instruments, \d+ examples: \d+ passed, 0 failed$", r.StdoutLines[^1]);
    }

    [Fact]
    public async Task Test_runs_the_series_examples_of_the_shipped_change_rules()
    {
        var r = await InProcess.RunAsync("test", "phq-9", "gad-7", "core-10");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var line in new[]
                 {
                     "PASS phq-9 \u203a course: a drop of exactly 6 is reliable under nhs-talking-therapies (inclusive) but not under jt (6.60)",
                     "PASS phq-9 \u203a course: an invalid first and a not-computed last administration are skipped",
                     "PASS phq-9 \u203a course: one usable administration gives no change",
                     "PASS gad-7 \u203a course: a drop of exactly 4 is reliable (inclusive); 8 is still a case",
                     "PASS core-10 \u203a course: 20 to 10 is clinically significant recovery",
                     "PASS core-10 \u203a course: 14 to 8 crosses the cut-off without reliable change",
                 })
        {
            Assert.Contains(line, r.StdoutLines);
        }

        Assert.True(r.StdoutLines.Count(l => l.Contains(" \u203a course: ", StringComparison.Ordinal)) >= 21, r.Stdout);
    }

    [Fact]
    public async Task Test_json_names_each_example()
    {
        var r = await Host.RunAsync("test", "swls", "plugins/alliance/instruments/wai-sr.yaml", "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var instruments = doc.RootElement.GetProperty("instruments");
        Assert.Equal(["swls", "wai-sr"], instruments.EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.All(instruments.EnumerateArray().SelectMany(i => i.GetProperty("examples").EnumerateArray()),
            e => Assert.True(e.GetProperty("passed").GetBoolean()));
        Assert.Equal(0, doc.RootElement.GetProperty("summary").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Test_a_failing_example_prints_FAIL_with_the_mismatch_and_exits_1()
    {
        using var dir = new TempDir();
        dir.File("demo.yaml", """
            instrument: demo
            version: 1.0.0
            title: Demo
            license: { name: MIT, texts: shipped }
            response_scales:
              s: { options: [ { value: 0, label: No }, { value: 1, label: Yes } ] }
            items:
              - { id: q1, scale: s }
              - { id: q2, scale: s }
            scores:
              - { id: total, items: [q1, q2], method: sum }
            examples:
              - name: right
                source: computed
                responses: { q1: 1, q2: 1 }
                expect: { status: complete, scores: { total: 2 } }
              - name: wrong
                source: computed
                responses: { q1: 1, q2: 0 }
                expect: { status: complete, scores: { total: 2 } }
            """);
        var r = await Host.RunAsync(["test", "demo.yaml"], null, dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("PASS demo \u203a right", r.StdoutLines[0]);
        Assert.Equal("FAIL demo \u203a wrong", r.StdoutLines[1]);
        Assert.Equal("     score 'total': expected 2, got 1", r.StdoutLines[2]);
        Assert.Equal("FAILED: 1 instrument, 2 examples: 1 passed, 1 failed", r.StdoutLines[^1]);
    }

    [Fact]
    public async Task Test_unknown_instrument_is_a_usage_error()
    {
        var r = await Host.RunAsync("test", "phq9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean 'phq-9'?", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_the_ten_instruments_with_machine_readable_licences()
    {
        var text = await Host.RunAsync("list");
        Assert.True(text.ExitCode == 0, text.ToString());
        foreach (var id in Library)
        {
            Assert.Contains(text.StdoutLines, l => l.StartsWith(id + " ", StringComparison.Ordinal));
        }

        var json = await Host.RunAsync("list", "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var byId = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.Equal("restricted", byId["wai-sr"].GetProperty("texts").GetString());
        Assert.Equal("shipped", byId["phq-9"].GetProperty("texts").GetString());
        Assert.Contains("Pfizer", byId["gad-7"].GetProperty("license_notice").GetString(), StringComparison.Ordinal);
        Assert.True(byId["core-10"].GetProperty("example_count").GetInt32() > 0);
    }

    [Fact]
    public async Task Describe_wai_sr_shows_the_subscales_and_says_texts_are_licensed_separately()
    {
        var r = await Host.RunAsync("describe", "wai-sr");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  (item texts are licensed separately; supply them with --texts <file>)", r.StdoutLines);
        Assert.Contains("  task (Task): sum of wai1, wai2, wai10, wai12", r.StdoutLines);
        Assert.Contains("  bond (Bond): sum of wai3, wai5, wai7, wai9", r.StdoutLines);
        Assert.Contains("  goal (Goal): sum of wai4, wai6, wai8, wai11", r.StdoutLines);
    }

    [Fact]
    public async Task Describe_with_texts_shows_the_licensed_texts()
    {
        using var dir = new TempDir();
        var texts = dir.File("wai-texts.yaml", "instrument: wai-sr\nversion: 1.0.0\ntexts:\n"
            + string.Concat(Enumerable.Range(1, 12).Select(i => $"  wai{i}: Licensed text {i}\n")));
        var r = await Host.RunAsync("describe", "wai-sr", "--texts", texts);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  wai7   [frequency5]  Licensed text 7", r.StdoutLines);
        Assert.Contains(r.StdoutLines, l => l.StartsWith("  (item texts licensed separately, from ", StringComparison.Ordinal));
        Assert.Equal(string.Empty, r.Stderr);

        var json = await Host.RunAsync("describe", "wai-sr", "--texts", texts, "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("Licensed text 1", doc.RootElement.GetProperty("items")[0].GetProperty("text").GetString());
        Assert.Equal(texts, doc.RootElement.GetProperty("license").GetProperty("texts_source").GetString());
    }

    [Fact]
    public async Task Describe_with_a_wrong_texts_file_prints_the_diagnostic_and_exits_2()
    {
        using var dir = new TempDir();
        dir.File("texts.yaml", "instrument: wai-sr\ntexts:\n  wai13: no such item\n");
        var r = await Host.RunAsync(["describe", "wai-sr", "--texts", "texts.yaml"], null, dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("texts.yaml(3,3): error INS1062: 'wai13' is not an item of instrument 'wai-sr'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_works_for_test()
    {
        var r = await Host.RunAsync("test", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("usage: instruments test", r.Stdout, StringComparison.Ordinal);
    }
}
