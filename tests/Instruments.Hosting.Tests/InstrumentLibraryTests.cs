using Instruments.Diagnostics;

namespace Instruments.Hosting.Tests;

public sealed class InstrumentLibraryTests : IDisposable
{
    private const string Sdk = "sdk: \">=0.1.0 <1.0.0\"\n";
    private readonly PluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static string Yaml(string id) => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test {{id}}
        license: { name: test, texts: restricted }
        response_scales:
          s: { options: [ { value: 0, label: x }, { value: 1, label: y } ] }
        items:
          - { id: a, scale: s }
        scores:
          - { id: total, items: [a], method: sum }
        """;

    private InstrumentLibrary LoadWith(params string[] folders) =>
        InstrumentLibrary.Load(new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins, PluginFolders = [.. folders] });

    [Fact]
    public void Parse_SplitsAtThePathSeparator_TrimsAndDropsEmptyEntries()
    {
        var sep = Path.PathSeparator;

        Assert.Equal(["/a", "/b c", "/d"], PluginSearchPath.Parse($" /a {sep}{sep}/b c{sep} {sep}/d{sep}").ToArray());
        Assert.Empty(PluginSearchPath.Parse(null));
        Assert.Empty(PluginSearchPath.Parse("   "));
    }

    [Fact]
    public void Classify_TellsPluginFromCollectionFromLooseFilesFromMissing()
    {
        var plugin = _folders.Files("one", ("plugin.yaml", "id: one\n"));
        var loose = _folders.Files("loose", ("x.yaml", Yaml("x")), ("instruments/y.yaml", Yaml("y")));

        Assert.Equal(PluginFolderKind.Plugin, PluginSearchPath.Classify(plugin));
        Assert.Equal(PluginFolderKind.PluginCollection, PluginSearchPath.Classify(PluginFolders.BuiltInPlugins));
        Assert.Equal(PluginFolderKind.InstrumentFiles, PluginSearchPath.Classify(loose));
        Assert.Equal(PluginFolderKind.Missing, PluginSearchPath.Classify(Path.Combine(loose, "nope")));
        Assert.Equal([Path.Combine(loose, "instruments", "y.yaml"), Path.Combine(loose, "x.yaml")], PluginSearchPath.InstrumentFiles(loose).ToArray()); // ordinal by path
    }

    [Fact]
    public void Load_PriorityFolders_LoadBeforeTheBuiltInOnes_SoTheirInstrumentWins()
    {
        var copy = _folders.Files("copy", ("swls.yaml", Yaml("swls")));
        var missing = Path.Combine(copy, "nope");

        var library = InstrumentLibrary.Load(new InstrumentLibraryOptions
        {
            BuiltInFolder = PluginFolders.BuiltInPlugins,
            PriorityFolders = [copy, missing],
        });

        Assert.Equal("Test swls", Assert.Single(library.Host.Instruments, i => i.Definition.Id == "swls").Definition.Title);
        Assert.Contains(library.SearchPathDiagnostics, d => d.Id == "PLG3021" && d.Message.Contains("nope", StringComparison.Ordinal));
        Assert.Contains(library.Host.Instruments, i => i.Definition.Id == "phq-9"); // the built-in ones still load
    }

    [Fact]
    public void Load_FoldersOfEveryKind_InOrder_BuiltInFirst_ThenFolders_ThenSearchPath_FirstWins()
    {
        var loose = _folders.Files("loose", ("mine.yaml", Yaml("mine")), ("swls.yaml", Yaml("swls")));
        var fromPath = _folders.Files("env", ("plugin.yaml", $"id: env\nversion: 1.0.0\n{Sdk}"), ("instruments/mine.yaml", Yaml("mine")));

        var library = InstrumentLibrary.Load(new InstrumentLibraryOptions
        {
            BuiltInFolder = PluginFolders.BuiltInPlugins,
            PluginFolders = [loose],
            SearchPath = fromPath,
        });

        Assert.Equal("wellbeing", library.Host.Find("swls")!.PluginId); // built-in before --plugins
        Assert.Equal(string.Empty, library.Host.Find("mine")!.PluginId); // --plugins before the search path
        var duplicates = library.Diagnostics.Where(d => d.Id == "PLG3013").ToList();
        Assert.Equal(2, duplicates.Count);
        Assert.Contains(duplicates, d => d.Location.Path.EndsWith("swls.yaml", StringComparison.Ordinal) && d.Location.Path.StartsWith(loose, StringComparison.Ordinal));
        Assert.Contains(duplicates, d => d.Message.StartsWith("Plugin 'env' registers instrument 'mine'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingFolder_IsPLG3021_NotAnException()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-plugins-" + Guid.NewGuid().ToString("N"));

        var library = InstrumentLibrary.Load(new InstrumentLibraryOptions { SearchPath = missing });

        var d = Assert.Single(library.SearchPathDiagnostics);
        Assert.Equal("PLG3021", d.Id);
        Assert.Equal($"The plugins folder '{missing}' does not exist", d.Message);
        Assert.Contains(d, library.Diagnostics);
    }

    [Fact]
    public void Resolve_ById_ByPath_UnknownId_MissingFile()
    {
        var options = new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins };
        var file = _folders.Files("loose", ("mine.yaml", Yaml("mine")));

        var byId = InstrumentLibrary.Resolve("PHQ-9", options); // exact first, then ignoring case
        Assert.Equal("phq-9", byId.Instrument!.Definition.Id);
        Assert.NotNull(byId.Library);

        var byPath = InstrumentLibrary.Resolve(Path.Combine(file, "mine.yaml"), options);
        Assert.Equal("mine", byPath.Instrument!.Definition.Id);
        Assert.Null(byPath.Library); // compiled on its own: no plugin was loaded

        var unknown = InstrumentLibrary.Resolve("phq9", options);
        Assert.False(unknown.Succeeded);
        var d = Assert.Single(unknown.Diagnostics);
        Assert.Equal("PLG3022", d.Id);
        Assert.StartsWith("Unknown instrument 'phq9'; did you mean 'phq-9'?; available: core-10, ", d.Message, StringComparison.Ordinal);

        var missing = InstrumentLibrary.Resolve("no/such.yaml", options);
        Assert.Equal("The instrument file 'no/such.yaml' does not exist", Assert.Single(missing.Diagnostics).Message);
    }

    [Fact]
    public void Resolve_ById_CompilesOnlyWhatTheIdNeeds_AndFindsWhatAFullLoadFinds()
    {
        // A folder after the built-in one: an instrument with the wanted id (the built-in one wins, as
        // in a full load: PLG3013), an unrelated broken file (not compiled, so not reported), a file broken before its
        // id (compiled, and reported: its id cannot be read without the compiler) and a protocol naming two instruments.
        var folder = _folders.Files("mixed",
            ("again.yaml", Yaml("phq-9")),
            ("other.yaml", Yaml("other")),
            ("broken.yaml", "instrument: broken\nversion: [oops\n"),
            ("unreadable-head.yaml", "version: [oops\ninstrument: unreadable\n"),
            ("pair.yaml", """
                protocol: pair
                version: 1.0.0
                title: Pair
                measures:
                  - { id: one, instrument: phq-9, score: total }
                  - { id: two, instrument: other, score: total }
                outcomes: []
                """));
        var options = new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins, PluginFolders = [folder] };
        var full = InstrumentLibrary.Load(options);

        var phq9 = InstrumentLibrary.Resolve("phq-9", options);
        Assert.Equal(full.Find("phq-9").Instrument!.SourcePath, phq9.Instrument!.SourcePath);
        var compiled = phq9.Library!.Host.Instruments.Select(i => i.Definition.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["phq-9"], compiled);
        Assert.Contains(phq9.Library.Diagnostics, d => d.Location.Path?.EndsWith("unreadable-head.yaml", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(phq9.Library.Diagnostics, d => d.Location.Path?.EndsWith("broken.yaml", StringComparison.Ordinal) == true);
        Assert.Contains(full.Diagnostics, d => d.Location.Path?.EndsWith("broken.yaml", StringComparison.Ordinal) == true);
        Assert.Contains(phq9.Library.Diagnostics, d => d.Id == "PLG3013"); // the second PHQ-9, as in the full load
        Assert.Contains(full.Diagnostics, d => d.Id == "PLG3013");
        Assert.Empty(phq9.Library.Host.Protocols);

        var pair = InstrumentLibrary.Resolve("pair", options);
        Assert.False(pair.Succeeded); // a protocol is not an instrument ...
        var protocol = pair.Library!.FindProtocol("pair"); // ... but its library holds it, with its instruments
        Assert.NotNull(protocol);
        Assert.Equal(full.FindProtocol("pair")!.Definition.Measures.Length, protocol.Definition.Measures.Length);
        Assert.Equal(["other", "phq-9"], pair.Library.Host.Instruments.Select(i => i.Definition.Id).Order(StringComparer.Ordinal));

        var unknown = InstrumentLibrary.Resolve("nothing-like-it", options); // found nowhere: the whole library answers
        Assert.Equal(full.Host.Instruments.Length, unknown.Library!.Host.Instruments.Length);
        Assert.Contains("available: core-10, ", Assert.Single(unknown.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EitherFormOfAPair_CompilesBothForms_AndNothingElse()
    {
        // The client form declares the pairing; naming either form compiles both (agree pairs them), and an unrelated
        // instrument, or a file that only mentions the word, brings in neither.
        string Form(string id, string respondent, string pairing) =>
            Yaml(id).Replace("response_scales:", $"respondent: {respondent}\n{pairing}response_scales:", StringComparison.Ordinal);
        var folder = _folders.Files("paired",
            ("client.yaml", Form("form-c", "client", "counterpart: { instrument: form-t, scores: { total: total } }\n")),
            ("therapist.yaml", Form("form-t", "therapist", string.Empty)),
            ("other.yaml", Yaml("other").Replace("title: Test other", "title: Test other (no counterpart)", StringComparison.Ordinal)));
        var options = new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins, PluginFolders = [folder] };
        foreach (var name in new[] { "form-t", "form-c", "FORM-T" })
        {
            var resolution = InstrumentLibrary.Resolve(name, options);
            Assert.True(resolution.Succeeded, name);
            Assert.Equal(["form-c", "form-t"], resolution.Library!.Host.Instruments.Select(i => i.Definition.Id).Order(StringComparer.Ordinal));
            Assert.NotNull(Instruments.Alliance.InstrumentPairing.Resolve(resolution.Instrument!.Plan, resolution.Library.Host.Instruments.Select(i => i.Plan)).Pairing);
        }

        Assert.Equal(["other"], InstrumentLibrary.Resolve("other", options).Library!.Host.Instruments.Select(i => i.Definition.Id));
    }

    [Fact]
    public void Resolve_FileCallingAPluginFunction_IsCompiledWithThePlugins()
    {
        var file = _folders.Files("loose", ("t.yaml", Yaml("t").Replace("method: sum }", "method: sum }\n  - { id: tw, expression: \"phq9_t_women(total)\" }", StringComparison.Ordinal)));

        var resolution = InstrumentLibrary.Resolve(Path.Combine(file, "t.yaml"), new InstrumentLibraryOptions { BuiltInFolder = PluginFolders.BuiltInPlugins });

        Assert.True(resolution.Succeeded, string.Join("\n", resolution.Diagnostics));
        Assert.NotNull(resolution.Library);
    }

    [Fact]
    public void Problems_SayExactlyWhatWasSkipped_AndKeepWhatSkippedNothing()
    {
        var broken = _folders.Compiled("Misbehaving",
            $"id: broken\nversion: 1.0.0\n{Sdk}assembly: bin/Instruments.TestPlugins.Misbehaving.dll\ntype: Instruments.TestPlugins.Misbehaving.Broken\ninstruments: []\ntemplates: []\n", "broken");
        var badFile = _folders.Files("files", ("bad.yaml", Yaml("bad").Replace("scale: s }", "scale: s, revers: true }", StringComparison.Ordinal)));
        var badPlugin = _folders.Files("badplugin", ("plugin.yaml", "id: Bad Id\nversion: 1\n"));

        var library = LoadWith(broken, badFile, badPlugin);

        Assert.NotNull(library.Host.Find("phq-9"));
        var byId = library.Problems.GroupBy(p => p.First.Id).ToDictionary(g => g.Key, g => g.ToList());

        // PLG3012 and PLG3016 are about phq-9.yaml, which loaded: reported, never "skipped".
        Assert.Equal(LoadProblemKind.Reported, Assert.Single(byId["PLG3012"]).Kind);
        var analyzer = Assert.Single(byId["PLG3016"]); // a warning, and still shown
        Assert.Equal(LoadProblemKind.Reported, analyzer.Kind);
        Assert.Equal(DiagnosticSeverity.Warning, analyzer.First.Severity);
        Assert.Equal(LoadProblemKind.Reported, Assert.Single(byId["PLG3015"]).Kind); // the plugin loaded; one function was ignored
        Assert.DoesNotContain(library.Problems, p => p.Kind != LoadProblemKind.Reported && p.Path.EndsWith("phq-9.yaml", StringComparison.Ordinal));

        var file = Assert.Single(library.Problems, p => p.Kind == LoadProblemKind.InstrumentFileSkipped);
        Assert.Equal(Path.Combine(badFile, "bad.yaml"), file.Path);
        Assert.Equal("INS1010", file.First.Id);

        var plugin = Assert.Single(library.Problems, p => p.Kind == LoadProblemKind.PluginSkipped);
        Assert.Equal(badPlugin, plugin.Path);
        Assert.True(plugin.Diagnostics.Length >= 3, string.Join("\n", plugin.Diagnostics)); // bad id, bad version, missing sdk: one entry
    }
}
