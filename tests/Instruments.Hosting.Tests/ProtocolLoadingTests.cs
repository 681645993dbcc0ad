using Instruments.Compiler;

namespace Instruments.Hosting.Tests;

/// <summary>
/// Protocol files are found where instrument files are (a plugin's <c>instruments</c> patterns, a folder of loose
/// files, text added to the builder), told apart by their top-level <c>protocol</c> key, and compiled against every
/// loaded instrument.
/// </summary>
public sealed class ProtocolLoadingTests
{
    private const string Instrument = """
        instrument: solo
        version: 1.0.0
        title: Solo
        license: { name: test, texts: restricted }
        response_scales:
          yn: { options: [ { value: 0, label: "no" }, { value: 1, label: "yes" } ] }
        items:
          - { id: s1, scale: yn }
        scores:
          - { id: total, items: [s1], method: sum }
        """;

    private static string Protocol(string id, string instrument2 = "phq-9") => $$"""
        protocol: {{id}}
        version: 1.0.0
        title: With the built-in PHQ-9
        measures:
          - { id: solo, instrument: solo, score: total }
          - { id: mood, instrument: {{instrument2}}, score: total }
        """;

    private static InstrumentLibrary Load(params string[] folders) =>
        InstrumentLibrary.Load(new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins, PluginFolders = [.. folders] });

    [Fact]
    public void TheShippedNhsTalkingTherapiesProtocol_Loads_WithOnlyItsConfirmedOutcomes()
    {
        var library = Load();
        var protocol = library.FindProtocol("nhs-talking-therapies");
        Assert.NotNull(protocol);
        Assert.Equal("symptoms", protocol.PluginId);
        Assert.Equal(["phq-9", "gad-7"], protocol.Plan.Instruments.Select(p => p.Definition.Id));
        Assert.Equal(["depression", "anxiety"], protocol.Plan.Members.Select(m => m.Id));
        Assert.Equal(["caseness", "recovered"], protocol.Definition.Outcomes.Select(o => o.Id));
        Assert.All(protocol.Definition.Outcomes, o => Assert.NotEmpty(o.Sources));
        Assert.Contains("reliable improvement", protocol.Definition.Notes, StringComparison.Ordinal);
        Assert.DoesNotContain(library.Diagnostics, d => d.IsError && d.Location.Path.EndsWith("nhs-talking-therapies.yaml", StringComparison.Ordinal));
        Assert.Null(library.Host.Find("nhs-talking-therapies"));
        Assert.True(InstrumentLibrary.IsProtocolFile(protocol.SourcePath!));
        Assert.False(InstrumentLibrary.IsProtocolFile(library.Host.Find("phq-9")!.SourcePath!));
    }

    [Fact]
    public void APluginsProtocol_IsFoundThroughItsInstrumentPatterns_AndMayUseAnotherPluginsInstruments()
    {
        using var folders = new PluginFolders();
        var plugin = folders.Files("mine",
            ("plugin.yaml", "id: mine\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\ninstruments: [\"instruments/*.yaml\", \"protocols/*.yaml\"]\n"),
            ("instruments/solo.yaml", Instrument),
            ("protocols/pair.yaml", Protocol("pair")));
        var library = Load(plugin);
        var pair = library.FindProtocol("PAIR");
        Assert.NotNull(pair);
        Assert.Equal("mine", pair.PluginId);
        Assert.Equal(["solo", "phq-9"], pair.Plan.Instruments.Select(p => p.Definition.Id));
        Assert.Same(library.Host.Find("phq-9")!.Plan, pair.Plan.Instruments[1]);
        Assert.Contains(library.Host.Instruments, i => i.Definition.Id == "solo");
    }

    [Fact]
    public void ALooseFolder_AndText_CarryProtocolsToo()
    {
        using var folders = new PluginFolders();
        var loose = folders.Files("loose", ("solo.yaml", Instrument), ("pair.yaml", Protocol("pair")));
        Assert.NotNull(Load(loose).FindProtocol("pair"));

        var builder = new InstrumentHostBuilder()
            .AddInstrument(InstrumentSource.FromText(Instrument, "solo.yaml"))
            .AddInstrument(InstrumentSource.FromText(Protocol("pair", "solo"), "pair.yaml"));
        var host = builder.Build();
        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("INS1106", d.Id);
        Assert.Equal("pair.yaml", d.Location.Path);
        Assert.Empty(host.Protocols);
    }

    [Fact]
    public void INS1113_AProtocolIdTakenByAnInstrumentOrAnEarlierProtocol()
    {
        using var folders = new PluginFolders();
        var loose = folders.Files("loose", ("solo.yaml", Instrument), ("a.yaml", Protocol("solo")), ("b.yaml", Protocol("pair")), ("c.yaml", Protocol("pair")));
        var library = Load(loose);
        var duplicates = library.Diagnostics.Where(d => d.Id == "INS1113").ToList();
        Assert.Equal(2, duplicates.Count);
        Assert.Contains(duplicates, d => d.Location.Path.EndsWith("a.yaml", StringComparison.Ordinal) && d.Location.Line == 1 && d.Message.Contains("instrument 'solo'", StringComparison.Ordinal));
        Assert.Contains(duplicates, d => d.Location.Path.EndsWith("c.yaml", StringComparison.Ordinal) && d.Message.Contains("b.yaml", StringComparison.Ordinal));
        Assert.Single(library.Host.Protocols, p => p.SourcePath!.StartsWith(loose, StringComparison.Ordinal));
        Assert.EndsWith("b.yaml", library.FindProtocol("pair")!.SourcePath, StringComparison.Ordinal);
    }

    [Fact]
    public void CompileProtocolFile_ReportsMistakesAgainstTheLoadedInstruments()
    {
        using var folders = new PluginFolders();
        var file = Path.Combine(folders.Files("f", ("p.yaml", Protocol("p", "phq9"))), "p.yaml");
        var compilation = Load().CompileProtocolFile(file);
        Assert.Null(compilation.Plan);
        var unknown = compilation.Diagnostics.Where(d => d.Id == "INS1100").ToList();
        Assert.Equal(2, unknown.Count); // solo is not loaded here; phq9 is close to phq-9
        Assert.Contains(unknown, d => d.Message.Contains("did you mean 'phq-9'", StringComparison.Ordinal) && d.Location.Line == 6);
    }
}
