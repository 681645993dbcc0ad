namespace Instruments.Cli.Tests;

/// <summary>The host process with plugins: built-in ones loaded without flags, a YAML plugin from --plugins, validate on plugin folders.</summary>
public sealed class PluginCommandTests
{
    private const string Manifest = "id: acme\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\n";

    private const string Mood = """
        instrument: acme.mood
        version: 1.0.0
        title: Mood (test)
        license: { name: test, texts: restricted }
        response_scales:
          f: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d } ] }
        items:
          - { id: m1, scale: f }
          - { id: m2, scale: f }
        scores:
          - { id: total, items: [m1, m2], method: sum }
          - { id: t, expression: "phq9_t_women(total)" }
        """;

    [Fact]
    public async Task ValidatePluginFolder_ReportsManifestDiagnosticsWithPositions_AndExitsOne()
    {
        using var dir = new TempDir();
        dir.File("bad/plugin.yaml", "id: bad\nversion: 1.0\nsdk: \">=0.1.0\"\ninstrumnets: []\n");

        var run = await Host.RunAsync("validate", dir["bad"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{Path.Combine(dir["bad"], "plugin.yaml")}(4,1): error PLG3002: Unknown key 'instrumnets' in plugin.yaml; did you mean 'instruments'?", run.StdoutLines);
        Assert.Contains($"{Path.Combine(dir["bad"], "plugin.yaml")}(2,10): error PLG3004: 'version' in plugin.yaml must be a semantic version such as 1.0.0, not '1.0'", run.StdoutLines);
    }

    [Fact]
    public async Task ValidateTheRepositorysOwnPlugins_WithWarningsAsErrors_IsClean()
    {
        // INS1053 (a prorated total between integer bands) is the one warning the library accepts on purpose.
        // TEMPORARY (branch wt-protocol): INS1103 is the NHS Talking Therapies protocol waiting for the PHQ-9's and GAD-7's
        // change rules (branch wt-format); remove "--nowarn INS1103" after that merge.
        var run = await Host.RunAsync("validate", "plugins", "--warnaserror", "--nowarn", "INS1053", "--nowarn", "INS1103");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.EndsWith("0 errors, 0 warnings", run.StderrLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidatePluginFolder_ReportsInstrumentDiagnosticsInsideIt()
    {
        using var dir = new TempDir();
        dir.File("acme/plugin.yaml", Manifest);
        dir.File("acme/instruments/mood.yaml", Mood.Replace("scale: f }", "scale: f, revers: true }", StringComparison.Ordinal));

        var run = await Host.RunAsync("validate", dir["acme"], "--format", "json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\"id\": \"INS1010\"", run.Stdout);
        Assert.Contains("mood.yaml", run.Stdout);
    }

    [Fact]
    public async Task ScoreWithAYamlPluginFromPluginsFlag_UsesTheBuiltInCompiledPluginsFunction()
    {
        using var dir = new TempDir();
        dir.File("acme/plugin.yaml", Manifest);
        dir.File("acme/instruments/mood.yaml", Mood);
        var input = dir.File("in.csv", "id,m1,m2\nr1,3,2\n");

        var run = await Host.RunAsync("score", "acme.mood", "--input", input, "--plugins", dir["acme"]);

        Assert.Equal(0, run.ExitCode);
        // total 5 -> T (women, Kocalevent et al. 2013 norms; plugins/norms/tables) = 50 + 10 * (5 - 3.1) / 3.5 = 55.4
        Assert.Equal(["id,status,total,t,flags,diagnostics", "r1,complete,5,55.4,,"], run.StdoutLines);
    }

    [Fact]
    public async Task List_WithABrokenPlugin_NamesExactlyWhatWasSkipped()
    {
        using var dir = new TempDir();
        dir.File("plugins/bad/plugin.yaml", "id: bad\nversion: 1.0\nsdk: \">=0.1.0 <1.0.0\"\n");
        dir.File("plugins/bad/instruments/phq-9.yaml", Mood.Replace("acme.mood", "phq-9", StringComparison.Ordinal));
        dir.File("plugins/acme/plugin.yaml", Manifest);
        dir.File("plugins/acme/instruments/mood.yaml", Mood.Replace("scale: f }", "scale: f, revers: true }", StringComparison.Ordinal));

        var run = await Host.RunAsync("list", "--plugins", dir["plugins"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("phq-9 ", StringComparison.Ordinal));
        Assert.Contains($"instruments: warning: skipped plugin {dir["plugins/bad"]}: PLG3004: 'version' in plugin.yaml must be a semantic version such as 1.0.0, not '1.0'", run.StderrLines);
        Assert.Contains(run.StderrLines, l => l.StartsWith($"instruments: warning: skipped {dir["plugins/acme/instruments/mood.yaml"]}: INS1010:", StringComparison.Ordinal));
        Assert.DoesNotContain(run.StderrLines, l => l.Contains("skipped " + Path.Combine("symptoms", "instruments", "phq-9.yaml"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_ShowsTheBuiltInInstrumentsWithoutAnyFlag()
    {
        var run = await Host.RunAsync("list", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        foreach (var id in new[] { "swls", "phq-9", "gad-7", "who-5", "flourishing", "wai-sr", "core-10", "oci-r", "k10", "shs" })
        {
            Assert.Contains($"\"id\": \"{id}\"", run.Stdout);
        }
    }
}
