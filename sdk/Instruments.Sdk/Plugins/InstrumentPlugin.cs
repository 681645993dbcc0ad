using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Plugins;

/// <summary>
/// The base class of a compiled plugin, as <c>DiagnosticAnalyzer</c> is for Roslyn analyzers: declare the
/// diagnostics the plugin may report in <see cref="SupportedDiagnostics"/>, and register what it brings through the
/// context in <see cref="Initialize"/>. Plugins are stateless: the context is the only way in.
/// </summary>
/// <remarks>
/// A plugin assembly references this SDK with <c>Private=false</c> and <c>ExcludeAssets=runtime</c> and is built with
/// <c>EnableDynamicLoading</c>; the host loads it in its own load context and shares only this assembly with it.
/// See <c>docs/plugin-authoring.md</c>.
/// </remarks>
public abstract class InstrumentPlugin
{
    /// <summary>Every diagnostic the plugin may report (from definition analyzers or response checks).</summary>
    public virtual ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [];

    /// <summary>Registers the plugin's instruments, functions, analyzers, response checks and templates.</summary>
    public abstract void Initialize(PluginContext context);
}

/// <summary>What a plugin can register. Implemented by the host; valid only during <see cref="InstrumentPlugin.Initialize"/>.</summary>
public abstract class PluginContext
{
    /// <summary>The plugin's id (from its manifest).</summary>
    public abstract string PluginId { get; }

    /// <summary>The plugin's folder (where its manifest is), for files it ships (tables, instruments, templates).</summary>
    public abstract string PluginDirectory { get; }

    /// <summary>Adds an instrument from a YAML file of the plugin (path relative to <see cref="PluginDirectory"/>).</summary>
    public abstract void RegisterInstrumentFile(string relativePath);

    /// <summary>Adds an instrument built in C#; it is checked like a YAML one (see <see cref="InstrumentDefinition.Validate"/>).</summary>
    public abstract void RegisterInstrument(InstrumentDefinition definition);

    /// <summary>Adds a function that YAML expressions of every loaded instrument can call.</summary>
    public abstract void RegisterFunction(ScoringFunction function);

    /// <summary>Adds a check that runs over every loaded definition and may report the plugin's own diagnostics.</summary>
    public abstract void RegisterDefinitionAnalyzer(Action<DefinitionAnalysisContext> analyzer);

    /// <summary>Adds a check that runs after each response of <paramref name="instrumentId"/> is scored.</summary>
    public abstract void RegisterResponseCheck(string instrumentId, ResponseCheck check);

    /// <summary>Adds a report template (path relative to <see cref="PluginDirectory"/>) under a name.</summary>
    public abstract void RegisterTemplate(string name, string relativePath);
}

/// <summary>One definition under analysis by a plugin's analyzer.</summary>
public sealed class DefinitionAnalysisContext
{
    private readonly Func<string, Location> _locate;
    private readonly Action<Diagnostic> _report;

    internal DefinitionAnalysisContext(InstrumentDefinition definition, Func<string, Location> locate, Action<Diagnostic> report)
    {
        Definition = definition;
        _locate = locate;
        _report = report;
    }

    /// <summary>The definition.</summary>
    public InstrumentDefinition Definition { get; }

    /// <summary>
    /// The source location of a part of the definition by path: <c>instrument</c>, <c>items[2]</c>, <c>items[2].text</c>,
    /// <c>scores[0].bands[1]</c>, <c>flags[0].when</c> ... (<see cref="Location.None"/> for definitions built in C#).
    /// </summary>
    public Location GetLocation(string path) => _locate(path);

    /// <summary>Reports a diagnostic; its descriptor must be one of the plugin's <see cref="InstrumentPlugin.SupportedDiagnostics"/>.</summary>
    public void ReportDiagnostic(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        _report(diagnostic);
    }

    /// <summary>Creates and reports a diagnostic at the location of <paramref name="path"/>.</summary>
    public void ReportDiagnostic(DiagnosticDescriptor descriptor, string path, params object?[] arguments) =>
        ReportDiagnostic(Diagnostic.Create(descriptor, GetLocation(path), arguments));
}

/// <summary>A check over one scored response; report problems with <see cref="ResponseCheckContext.Report"/>.</summary>
public delegate void ResponseCheck(ResponseCheckContext context);

/// <summary>One scored response, as seen by a plugin's response check. Reused for every response a buffer scores.</summary>
public sealed class ResponseCheckContext
{
    private readonly Func<DiagnosticDescriptor, bool> _isDeclared;

    internal ResponseCheckContext(ScoreResult result, Func<DiagnosticDescriptor, bool> isDeclared)
    {
        Result = result;
        _isDeclared = isDeclared;
    }

    /// <summary>The result being checked (read it; do not keep it).</summary>
    public ScoreResult Result { get; }

    /// <summary>
    /// Reports a diagnostic on the response, optionally about an item (index into the definition's items) and with a
    /// text that fills the descriptor's first placeholder. The descriptor must be declared by the plugin.
    /// </summary>
    public void Report(DiagnosticDescriptor descriptor, int item = -1, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!_isDeclared(descriptor))
        {
            throw new InvalidOperationException($"Diagnostic '{descriptor.Id}' is not among the plugin's SupportedDiagnostics.");
        }

        Result.Add(new ResponseDiagnostic(descriptor, item, -1, -1, double.NaN, text));
    }
}

/// <summary>A response check as registered by a plugin: the check, who owns it and which diagnostics it may report.</summary>
internal sealed record RegisteredResponseCheck(ResponseCheck Check, string Owner, Func<DiagnosticDescriptor, bool> IsDeclared);
