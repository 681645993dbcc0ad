using System.Collections.Immutable;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Hosting;

/// <summary>A loaded plugin: its manifest facts.</summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(string id, string version, string? description, string directory, string? assemblyPath)
    {
        Id = id;
        Version = version;
        Description = description;
        Directory = directory;
        AssemblyPath = assemblyPath;
    }

    /// <summary>The plugin id.</summary>
    public string Id { get; }

    /// <summary>The plugin version.</summary>
    public string Version { get; }

    /// <summary>What the plugin brings.</summary>
    public string? Description { get; }

    /// <summary>The plugin folder.</summary>
    public string Directory { get; }

    /// <summary>The compiled assembly, for compiled plugins.</summary>
    public string? AssemblyPath { get; }
}

/// <summary>A loaded instrument: its definition, where it came from, and its scoring plan.</summary>
public sealed class LoadedInstrument
{
    internal LoadedInstrument(InstrumentDefinition definition, string? sourcePath, string pluginId, ScoringPlan plan)
    {
        Definition = definition;
        SourcePath = sourcePath;
        PluginId = pluginId;
        Plan = plan;
    }

    /// <summary>The definition.</summary>
    public InstrumentDefinition Definition { get; }

    /// <summary>The YAML file it was compiled from; null for instruments built in C#.</summary>
    public string? SourcePath { get; }

    /// <summary>The plugin that registered it (empty for loose files added to the host).</summary>
    public string PluginId { get; }

    /// <summary>The scoring plan (with the plugins' functions and response checks); immutable and thread-safe.</summary>
    public ScoringPlan Plan { get; }
}

/// <summary>A loaded protocol (paired measures, a battery): its definition, where it came from, and its plan.</summary>
public sealed class LoadedProtocol
{
    internal LoadedProtocol(ProtocolPlan plan, string? sourcePath, string pluginId)
    {
        Plan = plan;
        SourcePath = sourcePath;
        PluginId = pluginId;
    }

    /// <summary>The definition.</summary>
    public ProtocolDefinition Definition => Plan.Definition;

    /// <summary>The protocol file it was compiled from.</summary>
    public string? SourcePath { get; }

    /// <summary>The plugin whose folder holds it (empty for loose files).</summary>
    public string PluginId { get; }

    /// <summary>The plan, over the loaded instruments' plans; immutable and thread-safe.</summary>
    public ProtocolPlan Plan { get; }
}

/// <summary>A report template registered by a plugin.</summary>
/// <param name="PluginId">The plugin that registered it.</param>
/// <param name="Name">Its name (by convention <c>&lt;instrument&gt;.md</c> or <c>&lt;instrument&gt;.html</c>).</param>
/// <param name="Path">The template file.</param>
/// <param name="TemplateDirectory">The folder includes are resolved in (never outside it).</param>
public sealed record TemplateRegistration(string PluginId, string Name, string Path, string TemplateDirectory);

/// <summary>
/// Everything the plugins brought, loaded and checked: instruments with their scoring plans, functions, templates,
/// and every diagnostic. Immutable; create with <see cref="InstrumentHostBuilder"/>.
/// </summary>
public sealed class InstrumentHost
{
    internal InstrumentHost(ImmutableArray<LoadedPlugin> plugins, ImmutableArray<LoadedInstrument> instruments,
        ScoringFunctions functions, ImmutableArray<TemplateRegistration> templates, ImmutableArray<Diagnostic> diagnostics)
    {
        Plugins = plugins;
        Instruments = instruments;
        Functions = functions;
        Templates = templates;
        Diagnostics = diagnostics;
    }

    /// <summary>The SDK version plugins are checked against (the version of the <c>Instruments.Sdk</c> assembly).</summary>
    public static Version SdkVersion { get; } = typeof(InstrumentDefinition).Assembly.GetName().Version is { } v
        ? new Version(v.Major, v.Minor, Math.Max(v.Build, 0))
        : new Version(0, 0, 0);

    /// <summary>Plugins that loaded, in load order.</summary>
    public ImmutableArray<LoadedPlugin> Plugins { get; }

    /// <summary>Instruments that loaded without errors, by id.</summary>
    public ImmutableArray<LoadedInstrument> Instruments { get; }

    /// <summary>
    /// Protocols that loaded without errors, by id: files with a top-level <c>protocol</c> key found where instrument
    /// files are (a plugin's <c>instruments</c> patterns, a folder of loose files, or text added to the builder).
    /// </summary>
    public ImmutableArray<LoadedProtocol> Protocols { get; internal init; } = [];

    /// <summary>Functions registered by plugins.</summary>
    public ScoringFunctions Functions { get; }

    /// <summary>Templates registered by plugins, in load order.</summary>
    public ImmutableArray<TemplateRegistration> Templates { get; }

    /// <summary>Every diagnostic of plugins, manifests, instrument files and analyzers, in load order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when any diagnostic is an error (something was not loaded).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The protocol with this id, or null.</summary>
    public LoadedProtocol? FindProtocol(string id) =>
        Protocols.FirstOrDefault(p => string.Equals(p.Definition.Id, id, StringComparison.Ordinal));

    /// <summary>The instrument with this id, or null.</summary>
    public LoadedInstrument? Find(string id) =>
        Instruments.FirstOrDefault(i => string.Equals(i.Definition.Id, id, StringComparison.Ordinal));
}
