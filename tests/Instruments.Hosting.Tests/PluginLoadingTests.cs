using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Hosting.Tests;

public sealed class PluginLoadingTests : IDisposable
{
    private const string Sdk = "sdk: \">=0.1.0 <1.0.0\"\n";
    private readonly PluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static string Manifest(string id, string type) =>
        $"id: {id}\nversion: 1.0.0\n{Sdk}assembly: bin/Instruments.TestPlugins.Misbehaving.dll\ntype: Instruments.TestPlugins.Misbehaving.{type}\ninstruments: []\ntemplates: []\n";

    private static string[] Ids(InstrumentHost host) => [.. host.Diagnostics.Select(d => d.Id)];

    [Fact]
    public void BuiltInPlugins_LoadThroughTheSamePathAsThirdParties()
    {
        var host = new InstrumentHostBuilder().AddPluginsFrom(PluginFolders.BuiltInPlugins).Build();

        Assert.DoesNotContain(host.Diagnostics, d => d.IsError);
        Assert.Contains(host.Plugins, p => p.Id == "wellbeing");
        Assert.Contains(host.Plugins, p => p.Id == "norms" && p.AssemblyPath is not null);
        Assert.Equal("wellbeing", host.Find("swls")!.PluginId);
        Assert.Equal("symptoms", host.Find("phq-9")!.PluginId);
        Assert.NotNull(host.Functions.Find("phq9_t_women"));
    }

    [Fact]
    public void RepositoryPlugins_WithWarningsAsErrors_HaveNoDiagnosticAtAll()
    {
        // The shipped manifests once listed templates/*.scriban without shipping a template (PLG3006 three times).
        // INS1053 (a prorated total between integer bands) is the one warning the library accepts on purpose.
        var host = new InstrumentHostBuilder()
            .WithDiagnosticOptions(DiagnosticOptions.Default.WithWarningsAsErrors(true).WithSeverity("INS1053", ReportSeverity.Suppress))
            .AddPluginsFrom(PluginFolders.BuiltInPlugins)
            .Build();

        Assert.Empty(host.Diagnostics);
    }

    [Fact]
    public void CompiledPlugin_NotReferencedByTheHost_LoadsScoresWithItsFunctionAndReportsItsDiagnostics()
    {
        var folder = _folders.Compiled("Misbehaving", Manifest("good", "Good"));

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).Build();

        // Its analyzer's own diagnostic, declared in SupportedDiagnostics, about its own C# instrument.
        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("TST0001", d.Id);
        Assert.Equal("Instrument 'two-items' has no citation", d.Message);

        var instrument = host.Find("two-items")!;
        Assert.Equal("good", instrument.PluginId);
        var result = instrument.Plan.Score(new Dictionary<string, string?> { ["a"] = "5", ["b"] = "5" });
        Assert.Equal(10, result.GetScore("total"));
        Assert.Equal(20, result.GetScore("doubled")); // double_it(total), the plugin's function
        Assert.Equal(ResponseStatus.Complete, result.Status);

        // Its response check reports its own declared diagnostic on the result.
        var check = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "TST0003");
        Assert.Equal("Total is high: 10", result.FormatMessage(check));
    }

    [Fact]
    public void PluginFunctionThatThrowsDuringScoring_IsCaughtAtThePluginBoundary_AndReportedOnTheResult()
    {
        var host = new InstrumentHostBuilder().AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("good", "Good"))).Build();
        var plan = host.Find("two-items")!.Plan;

        var result = plan.Score(new Dictionary<string, string?> { ["a"] = "0", ["b"] = "5" });

        Assert.Null(result.GetScore("fragile")); // explode(a) throws for a < 1
        Assert.Equal(5, result.GetScore("total"));
        var failure = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2012");
        Assert.Equal("Function 'explode' (plugin 'good') failed: InvalidOperationException: boom; its result was taken as missing", result.FormatMessage(failure));
        Assert.Equal(plan.IndexOfScore("fragile"), failure.Score); // so writers print RSP2012:fragile
        Assert.Equal("explode", failure.Failure!.Function);
        Assert.DoesNotContain(result.Diagnostics.ToArray(), x => x.Id == "RSP2009"); // no guess at division by zero
        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    [Fact]
    public void HostDiagnosticOptions_ReachTheScoringPlans()
    {
        var host = new InstrumentHostBuilder()
            .WithDiagnosticOptions(Instruments.Diagnostics.DiagnosticOptions.Default.WithSeverity("RSP2012", Instruments.Diagnostics.ReportSeverity.Warning))
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("good", "Good"))).Build();
        var plan = host.Find("two-items")!.Plan;

        var result = plan.Score(new Dictionary<string, string?> { ["a"] = "0", ["b"] = "5" });

        Assert.Equal(Instruments.Diagnostics.DiagnosticSeverity.Warning, Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2012").Severity);
        Assert.NotEqual(ResponseStatus.Invalid, result.Status);
    }

    [Fact]
    public void PluginThatThrowsInInitialize_IsADiagnostic_AndNothingItRegisteredIsKept_OthersStillLoad()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("thrower", "ThrowsInInitialize"), "thrower"))
            .AddPluginsFrom(PluginFolders.BuiltInPlugins)
            .Build();

        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3011");
        Assert.Contains("Plugin 'thrower' failed in ThrowsInInitialize.Initialize: InvalidOperationException: cannot start", d.Message);
        Assert.EndsWith("plugin.yaml", d.Location.Path);
        Assert.Null(host.Functions.Find("never_kept"));
        Assert.DoesNotContain(host.Plugins, p => p.Id == "thrower");
        Assert.NotNull(host.Find("swls"));
    }

    [Fact]
    public void PluginBuiltForAnotherSdkVersion_IsNotLoaded()
    {
        var manifest = Manifest("future", "Good").Replace(Sdk, "sdk: \">=2.0.0 <3.0.0\"\n", StringComparison.Ordinal);
        var folder = _folders.Compiled("Misbehaving", manifest, "future");

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3008", d.Id);
        Assert.Equal($"Plugin 'future' requires SDK >=2.0.0 <3.0.0; this host has SDK {InstrumentHost.SdkVersion.ToString(3)}; the plugin was not loaded", d.Message);
        Assert.Equal((3, 6), (d.Location.Line, d.Location.Column));
        Assert.Empty(host.Instruments);
    }

    [Fact]
    public void PluginBuiltAgainstAnotherSdkMajorVersion_IsRefusedBeforeItsTypesAreTouched()
    {
        // The manifest claims this SDK, but the assembly was compiled against "Instruments.Sdk" 9.0.0.
        var folder = _folders.Compiled("OldSdk/OldSdkPlugin", $"id: old\nversion: 1.0.0\n{Sdk}assembly: bin/OldSdkPlugin.dll\n", "old");

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).AddPluginsFrom(PluginFolders.BuiltInPlugins).Build();

        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3017");
        Assert.Equal($"Plugin 'old' was built against Instruments.Sdk 9.0.0, but this host has {InstrumentHost.SdkVersion.ToString(3)}; rebuild it against this SDK", d.Message);
        Assert.Equal((4, 11), (d.Location.Line, d.Location.Column));
        Assert.DoesNotContain(host.Plugins, p => p.Id == "old");
        Assert.NotNull(host.Find("swls"));
    }

    [Fact]
    public void PluginAssemblyThatCannotLoad_IsADiagnosticNamingThePlugin()
    {
        var folder = _folders.Files("broken",
            ("plugin.yaml", $"id: broken\nversion: 1.0.0\n{Sdk}assembly: bin/Broken.dll\n"),
            ("bin/Broken.dll", "this is not an assembly"));

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).AddPluginsFrom(PluginFolders.BuiltInPlugins).Build();

        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3009");
        Assert.StartsWith("Plugin 'broken': assembly 'bin/Broken.dll' could not be loaded: ", d.Message);
        Assert.Equal((4, 11), (d.Location.Line, d.Location.Column));
        Assert.NotNull(host.Find("phq-9"));
    }

    [Fact]
    public void PluginThatReportsAnUndeclaredDiagnostic_GetsPLG3012_AndTheReportIsDropped()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("sloppy", "ReportsUndeclared"), "sloppy"))
            .AddPluginsFrom(PluginFolders.BuiltInPlugins)
            .Build();

        Assert.DoesNotContain(host.Diagnostics, d => d.Id == "TST0002");
        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3012" && x.Location.Path.EndsWith("swls.yaml", StringComparison.Ordinal));
        Assert.Equal("Plugin 'sloppy' reported 'TST0002', which is not among its SupportedDiagnostics; the report was dropped", d.Message);
        Assert.Equal((5, 13), (d.Location.Line, d.Location.Column)); // 'instrument: swls' in swls.yaml (line 1 is the schema modeline)
    }

    [Fact]
    public void ResponseCheckThatReportsAnUndeclaredDiagnostic_Fails_AndTheReportNeverReachesTheResult()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("good", "Good"), "good"))
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("sneaky", "ChecksUndeclared"), "sneaky"))
            .Build();

        var result = host.Find("two-items")!.Plan.Score(new Dictionary<string, string?> { ["a"] = "0", ["b"] = "0" });

        // Without the undeclared-descriptor check in ResponseCheckContext.Report, TST0002 would be on the result.
        Assert.DoesNotContain(result.Diagnostics.ToArray(), x => x.Id == "TST0002");
        var failure = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2013");
        Assert.Equal("A response check of plugin 'sneaky' failed: InvalidOperationException: Diagnostic 'TST0002' is not among the plugin's SupportedDiagnostics.",
            result.FormatMessage(failure));
    }

    [Fact]
    public void PluginDeclaringIdsInTheEnginesRanges_GetsPLG3020PerId_AndCannotReportThem_ItsOwnIdStillWorks()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginsFrom(PluginFolders.BuiltInPlugins)
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("squatter", "DeclaresReserved"), "squatter"))
            .Build();

        var reserved = host.Diagnostics.Where(d => d.Id == "PLG3020").ToList();
        Assert.Equal(["INS1999", "TPL4999"], reserved.Select(d => (string)d.Arguments[1]!));
        Assert.Equal("Plugin 'squatter' declares diagnostic 'INS1999', an ID in the ranges reserved for the engine (INS, RSP, PLG, TPL); the declaration was ignored, so the plugin cannot report it",
            reserved[0].Message);
        Assert.All(reserved, d => Assert.Equal((4, 11), (d.Location.Line, d.Location.Column))); // the manifest's assembly: value
        Assert.DoesNotContain(host.Diagnostics, d => d.Id == "INS1999");
        Assert.Contains(host.Diagnostics, d => d.Id == "PLG3012" && (string)d.Arguments[1]! == "INS1999");
        Assert.Contains(host.Diagnostics, d => d.Id == "TST0001" && d.Location.Path.EndsWith("swls.yaml", StringComparison.Ordinal));
        Assert.Contains(host.Plugins, p => p.Id == "squatter");
    }

    [Fact]
    public void InstrumentIdRegisteredByTwoPlugins_FirstWins_SecondIsADiagnostic()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginsFrom(PluginFolders.BuiltInPlugins)
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("copycat", "RegistersSwls"), "copycat"))
            .Build();

        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3013");
        Assert.Equal("Plugin 'copycat' registers instrument 'swls', already registered by plugin 'wellbeing'; the later one was ignored", d.Message);
        Assert.Equal("1.0.0", host.Find("swls")!.Definition.Version);
        Assert.Equal("wellbeing", host.Find("swls")!.PluginId);
    }

    [Fact]
    public void ResponseCheckThatThrows_IsCaught_AndAFunctionNameTakenTwiceIsADiagnostic()
    {
        var host = new InstrumentHostBuilder()
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("good", "Good"), "good"))
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("badcheck", "BadCheck"), "badcheck"))
            .Build();

        var duplicate = Assert.Single(host.Diagnostics, x => x.Id == "PLG3015");
        Assert.Equal("Plugin 'badcheck' registers function 'double_it', which plugin 'good' already registered; this registration was ignored, the plugin's others were kept", duplicate.Message);

        var result = host.Find("two-items")!.Plan.Score(new Dictionary<string, string?> { ["a"] = "0", ["b"] = "0" });
        var failure = Assert.Single(result.Diagnostics.ToArray(), x => x.Id == "RSP2013");
        Assert.Equal("A response check of plugin 'badcheck' failed: InvalidOperationException: check broke", result.FormatMessage(failure));
        Assert.Equal(0, result.GetScore("total"));
    }

    [Fact]
    public void TwoPluginsDependingOnDifferentVersionsOfOnePackage_LoadSideBySide()
    {
        var v12 = _folders.Compiled("JsonV12", $"id: json12\nversion: 1.0.0\n{Sdk}assembly: bin/Instruments.TestPlugins.JsonV12.dll\n");
        var v13 = _folders.Compiled("JsonV13", $"id: json13\nversion: 1.0.0\n{Sdk}assembly: bin/Instruments.TestPlugins.JsonV13.dll\n");
        var yaml = _folders.Files("uses-both",
            ("plugin.yaml", $"id: uses-both\nversion: 1.0.0\n{Sdk}"),
            ("instruments/versions.yaml", """
                instrument: versions
                version: 1.0.0
                title: Package versions
                license: { name: test, texts: restricted }
                response_scales:
                  s: { options: [ { value: 0, label: x } ] }
                items:
                  - { id: a, scale: s }
                scores:
                  - { id: total, items: [a], method: sum }
                  - { id: v12, expression: "json12_major() + a" }
                  - { id: v13, expression: "json13_major() + a" }
                """));

        var host = new InstrumentHostBuilder().AddPluginFolder(v12).AddPluginFolder(v13).AddPluginFolder(yaml).Build();

        Assert.Empty(host.Diagnostics);
        var result = host.Find("versions")!.Plan.Score(new Dictionary<string, string?> { ["a"] = "0" });
        Assert.Equal(12, result.GetScore("v12"));
        Assert.Equal(13, result.GetScore("v13"));
    }

    // A PHQ-9 whose T-score (women) comes from the norms plugin's function: it binds only once that plugin is loaded.
    private static readonly string PhqWithTScores = $$"""
        instrument: phq-9-t
        version: 1.0.0
        title: PHQ-9 with T-scores
        license: { name: test, texts: restricted }
        response_scales:
          f: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d } ] }
        items:
        {{string.Join("\n", Enumerable.Range(1, 9).Select(i => $"  - {{ id: phq9_{i}, scale: f }}"))}}
        scores:
          - { id: total, items: [phq9_1, phq9_2, phq9_3, phq9_4, phq9_5, phq9_6, phq9_7, phq9_8, phq9_9], method: sum, missing: { max: 2, prorate: true } }
          - { id: t_women, expression: "phq9_t_women(total)" }
        """;

    [Theory]
    [InlineData(null)]
    [InlineData("phq-9-t")]
    public void ParsingAhead_WhileACompiledPluginLoads_ChangesNothing(string? selectFor)
    {
        // With a compiled plugin to load, the listed instrument files are parsed on another thread meanwhile. The host
        // must come out exactly as when each file is read and parsed at its turn: the same diagnostics in the same order
        // (a reader error, a binder error, a plugin analyzer's warning), the same instruments, the same scores.
        var folder = _folders.Files("parsed-ahead",
            ("plugin.yaml", $"id: parsed-ahead\nversion: 1.0.0\n{Sdk}"),
            ("instruments/phq-9-t.yaml", PhqWithTScores),
            ("instruments/broken.yaml", "instrument: broken\nversion: 1.0.0\ntitle: x\nlicense: { name: test }\nitems: [ { id: a, scale: nope } ]\nunknown_key: 1\n"),
            ("instruments/unreadable.yaml", "instrument: [unclosed\n"));

        InstrumentHost Build(bool ahead)
        {
            var builder = new InstrumentHostBuilder { ParseAhead = ahead }.AddPluginFolder(Path.Combine(PluginFolders.BuiltInPlugins, "norms")).AddPluginFolder(folder);
            return (selectFor is null ? builder : builder.SelectFor(selectFor)).Build();
        }

        var ahead = Build(ahead: true);
        var atItsTurn = Build(ahead: false);
        Assert.Equal(atItsTurn.Diagnostics.Select(d => d.ToString()), ahead.Diagnostics.Select(d => d.ToString()));
        Assert.Contains(ahead.Diagnostics, d => d.Id == "NRM0001");
        Assert.Contains(ahead.Diagnostics, d => d.IsError);
        Assert.Equal(atItsTurn.Instruments.Select(i => i.Definition.Id), ahead.Instruments.Select(i => i.Definition.Id));
        var response = Enumerable.Range(1, 9).ToDictionary(i => $"phq9_{i}", i => (string?)(i <= 5 ? "2" : "0"));
        Assert.Equal(69.7, ahead.Find("phq-9-t")!.Plan.Score(response).GetScore("t_women"));
        Assert.Equal(atItsTurn.Find("phq-9-t")!.Plan.Score(response).GetScore("t_women"), ahead.Find("phq-9-t")!.Plan.Score(response).GetScore("t_women"));
    }

    [Fact]
    public void NormsPlugin_MapsRawTotalsToTScoresThroughItsTable_AndChecksProratedInputs()
    {
        var instrument = _folders.Files("uses-norms",
            ("plugin.yaml", $"id: uses-norms\nversion: 1.0.0\n{Sdk}"),
            ("instruments/phq-9-t.yaml", PhqWithTScores));

        var host = new InstrumentHostBuilder().AddPluginFolder(Path.Combine(PluginFolders.BuiltInPlugins, "norms")).AddPluginFolder(instrument).Build();

        // NRM0001: the PHQ-9 total can be prorated, and the table only holds whole totals.
        var warning = Assert.Single(host.Diagnostics, d => d.Id == "NRM0001");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.EndsWith("phq-9-t.yaml", warning.Location.Path);
        var plan = host.Find("phq-9-t")!.Plan;

        // Raw 10 -> T = 50 + 10 * (10 - 3.1) / 3.5 = 69.71... -> 69.7 in the shipped table (Kocalevent et al. 2013 women).
        var result = plan.Score(Enumerable.Range(1, 9).ToDictionary(i => $"phq9_{i}", i => (string?)(i <= 5 ? "2" : "0")));
        Assert.Equal(10, result.GetScore("total"));
        Assert.Equal(69.7, result.GetScore("t_women"));

        // A prorated (non-integer) total has no row in the table: no T-score, and the response says why.
        var prorated = plan.Score(new Dictionary<string, string?> { ["phq9_1"] = "1", ["phq9_2"] = "1", ["phq9_3"] = "1", ["phq9_4"] = "1", ["phq9_5"] = "1", ["phq9_6"] = "1", ["phq9_7"] = "2", ["phq9_8"] = "1" }); // 9 / 8 * 9 = 10.125
        Assert.True(prorated.IsProrated(0));
        Assert.Null(prorated.GetScore("t_women"));
        Assert.Contains(prorated.Diagnostics.ToArray(), d => d.Id == "RSP2009");
    }
}
