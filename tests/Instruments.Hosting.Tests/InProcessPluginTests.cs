using System.Collections.Immutable;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Plugins;
using Instruments.Scoring;

namespace Instruments.Hosting.Tests;

/// <summary><see cref="InstrumentHostBuilder.AddPlugin"/> and <see cref="InstrumentHostBuilder.AddInstrument"/>: an application's own plugin object and YAML text.</summary>
public sealed class InProcessPluginTests
{
    private static readonly DiagnosticDescriptor NoCitation = new("APP0001", "No citation", "Instrument '{0}' cites no source", "App", DiagnosticSeverity.Warning);
    private static readonly DiagnosticDescriptor Undeclared = new("APP0002", "Undeclared", "Not declared", "App", DiagnosticSeverity.Warning);
    private static readonly DiagnosticDescriptor HighTotal = new("APP0003", "High", "Total is high: {0}", "App", DiagnosticSeverity.Info);
    private static readonly DiagnosticDescriptor Reserved = new("INS1999", "Reserved", "Reserved", "App", DiagnosticSeverity.Warning);

    private static string Yaml(string id, string extraScore = "") => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test {{id}}
        license: { name: test, texts: restricted }
        response_scales:
          s: { options: [ { value: 0, label: x }, { value: 1, label: y }, { value: 2, label: z } ] }
        items:
          - { id: a, scale: s }
          - { id: b, scale: s }
        scores:
          - { id: total, items: [a, b], method: sum }
        {{extraScore}}
        """;

    private const string PercentScore = "  - { id: percent, expression: \"percent_of(total, 4)\" }";

    /// <summary>A function, an analyzer and a response check, as an application's own plugin registers them.</summary>
    private sealed class AppPlugin(Action<PluginContext>? more = null, params DiagnosticDescriptor[] extra) : InstrumentPlugin
    {
        public static readonly ScoringFunction PercentOf = new("percent_of", 2, 2, a => a[0] * 100 / a[1], resultMin: 0, resultMax: 100);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [NoCitation, HighTotal, .. extra];

        public override void Initialize(PluginContext context)
        {
            context.RegisterFunction(PercentOf);
            context.RegisterDefinitionAnalyzer(c =>
            {
                if (c.Definition.Citation is null)
                {
                    c.ReportDiagnostic(NoCitation, "instrument", c.Definition.Id);
                }
            });
            context.RegisterResponseCheck("mood", c =>
            {
                if (c.Result.GetScore("total") >= 3)
                {
                    c.Report(HighTotal, text: "3+");
                }
            });
            more?.Invoke(context);
        }
    }

    private sealed class Throwing : InstrumentPlugin
    {
        public override void Initialize(PluginContext context) => throw new InvalidOperationException("no");
    }

    private static InstrumentDefinition Compiled(string yaml)
    {
        var compilation = InstrumentCompiler.Compile(yaml, "code.yaml");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Definitions[0];
    }

    [Fact]
    public void AddPluginAndAddInstrument_CompileTheTextWithThePluginsFunction_AndRunItsAnalyzerAndResponseCheck()
    {
        var host = new InstrumentHostBuilder()
            .AddPlugin(new AppPlugin(), "app", "2.1.0")
            .AddInstrument(InstrumentSource.FromText(Yaml("mood", PercentScore), "mood.yaml"))
            .Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal(("APP0001", "mood.yaml", 1, 13), (d.Id, d.Location.Path, d.Location.Line, d.Location.Column)); // 'instrument: mood'
        var plugin = Assert.Single(host.Plugins);
        Assert.Equal(("app", "2.1.0", Path.GetFullPath(AppContext.BaseDirectory)), (plugin.Id, plugin.Version, plugin.Directory));
        Assert.Equal(typeof(AppPlugin).Assembly.Location, plugin.AssemblyPath);

        var mood = host.Find("mood")!;
        Assert.Equal(("mood.yaml", string.Empty), (mood.SourcePath, mood.PluginId));
        var result = mood.Plan.Score(new Dictionary<string, string?> { ["a"] = "2", ["b"] = "1" });
        Assert.Equal(75, result.GetScore("percent"));
        var check = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("Total is high: 3+", result.FormatMessage(check));
    }

    [Fact]
    public void AddInstrument_WithoutThePlugin_IsAnUnknownFunctionAtItsPosition()
    {
        var host = new InstrumentHostBuilder().AddInstrument(InstrumentSource.FromText(Yaml("mood", PercentScore), "mood.yaml")).Build();

        Assert.True(host.HasErrors);
        Assert.Null(host.Find("mood"));
        Assert.All(host.Diagnostics.Where(x => x.IsError), x => Assert.Equal("mood.yaml", x.Location.Path));
    }

    [Fact]
    public void AddPlugin_ReportingAnUndeclaredDiagnostic_OrDeclaringAReservedId_IsAPluginDiagnostic_AsForALoadedPlugin()
    {
        var host = new InstrumentHostBuilder()
            .AddPlugin(new AppPlugin(c => c.RegisterDefinitionAnalyzer(a => a.ReportDiagnostic(Undeclared, "instrument")), Reserved), "app")
            .AddInstrument(InstrumentSource.FromText(Yaml("mood"), "mood.yaml"))
            .Build();

        Assert.Equal(["PLG3020", "APP0001", "PLG3012"], host.Diagnostics.Select(x => x.Id));
        Assert.Equal("mood.yaml", host.Diagnostics[2].Location.Path);
        Assert.NotNull(host.Find("mood"));
    }

    [Fact]
    public void AddPlugin_WhoseInitializeThrows_IsPlg3011_AndTheHostGoesOn()
    {
        var host = new InstrumentHostBuilder()
            .AddPlugin(new Throwing(), "throws")
            .AddInstrument(InstrumentSource.FromText(Yaml("mood"), "mood.yaml"))
            .Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3011", d.Id);
        Assert.Contains("Throwing.Initialize", d.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: no", d.Message, StringComparison.Ordinal);
        Assert.Empty(host.Plugins);
        Assert.NotNull(host.Find("mood"));
    }

    [Fact]
    public void SourcesLoadInTheOrderAdded_TheFirstRegistrationOfAnIdWins_Plg3013()
    {
        var fromCode = new AppPlugin(c => c.RegisterInstrument(Compiled(Yaml("mood").Replace("Test mood", "From code", StringComparison.Ordinal))));
        var text = InstrumentSource.FromText(Yaml("mood"), "mood.yaml");

        var textFirst = new InstrumentHostBuilder().AddInstrument(text).AddPlugin(fromCode, "app").Build();
        var pluginFirst = new InstrumentHostBuilder().AddPlugin(fromCode, "app").AddInstrument(text).Build();

        Assert.Equal("Test mood", textFirst.Find("mood")!.Definition.Title);
        Assert.Equal("Plugin 'app' registers instrument 'mood', already registered by mood.yaml; the later one was ignored",
            Assert.Single(textFirst.Diagnostics, x => x.Id == "PLG3013").Message);
        Assert.Equal("From code", pluginFirst.Find("mood")!.Definition.Title);
        Assert.Equal("app", pluginFirst.Find("mood")!.PluginId);
        var duplicate = Assert.Single(pluginFirst.Diagnostics, x => x.Id == "PLG3013");
        Assert.Equal(("mood.yaml", 1), (duplicate.Location.Path, duplicate.Location.Line));
    }

    [Fact]
    public void AddPlugin_TwiceWithOneId_IsPlg3014_AndItsFunctionsAreRegisteredOnce()
    {
        var host = new InstrumentHostBuilder().AddPlugin(new AppPlugin(), "app").AddPlugin(new AppPlugin(), "app").Build();

        Assert.Equal(["PLG3014"], host.Diagnostics.Select(x => x.Id));
        Assert.Single(host.Plugins);
        Assert.Equal("app", host.Functions.Find("percent_of")!.Owner);
    }

    [Fact]
    public void AddPlugin_RegisteringAFileOutsideItsDirectory_IsPlg3019()
    {
        var host = new InstrumentHostBuilder().AddPlugin(new AppPlugin(c => c.RegisterInstrumentFile("../x.yaml")), "app").Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3019", d.Id);
        Assert.False(d.Location.HasPath);
    }

    [Theory]
    [InlineData("App")]
    [InlineData("my plugin")]
    public void AddPlugin_WithAnIdAManifestWouldReject_Throws(string id) =>
        Assert.Throws<ArgumentException>(() => new InstrumentHostBuilder().AddPlugin(new AppPlugin(), id));

    [Fact]
    public void AddPlugin_WithAnInvalidVersion_Throws() =>
        Assert.Throws<ArgumentException>(() => new InstrumentHostBuilder().AddPlugin(new AppPlugin(), "app", "one"));
}
