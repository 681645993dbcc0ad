using System.Collections.Immutable;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Hosting;
using Instruments.Scoring;

namespace Instruments.Cli;

/// <summary>A loaded instrument, the file it came from, and its scoring plan (with the plugins' functions and checks).</summary>
internal sealed record CatalogEntry(InstrumentDefinition Definition, string SourcePath)
{
    /// <summary>The scoring plan built by the plugin host.</summary>
    public required ScoringPlan Plan { get; init; }

    /// <summary>The plugin that registered the instrument (empty for loose files).</summary>
    public string PluginId { get; init; } = string.Empty;

    /// <summary>Report templates registered by that plugin (its manifest's <c>templates</c> patterns and <c>RegisterTemplate</c>).</summary>
    public ImmutableArray<TemplateRegistration> Templates { get; init; } = [];
}

/// <summary>
/// The host's shell over <see cref="InstrumentLibrary"/> (the SDK resolves instruments from the built-in plugins folder,
/// <c>AppContext.BaseDirectory/plugins</c>, each <c>--plugins</c> folder and the <c>INSTRUMENTS_PLUGINS</c> search
/// path): it turns the library's diagnostics into <see cref="CliException"/>s (exit 2) and warning lines.
/// </summary>
internal sealed class InstrumentCatalog
{
    public const string EnvironmentVariable = PluginSearchPath.EnvironmentVariable;

    private InstrumentCatalog(InstrumentLibrary library)
    {
        Library = library;
        Entries = [.. library.Host.Instruments.Select(i => Entry(i, library.Host))];
    }

    /// <summary>The SDK's library.</summary>
    public InstrumentLibrary Library { get; }

    /// <summary>The plugin host (plugins, functions, templates, diagnostics).</summary>
    public InstrumentHost Host => Library.Host;

    /// <summary>Loaded instruments, sorted by id.</summary>
    public ImmutableArray<CatalogEntry> Entries { get; }

    /// <summary>Errors and warnings of plugins and instrument files (broken ones are skipped).</summary>
    public ImmutableArray<Diagnostic> Problems => Host.Diagnostics;

    /// <summary>The built-in plugins folder.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Loads the built-in folder, then <paramref name="pluginDirs"/>: the <c>--plugins</c> folders followed by those of
    /// the environment variable (<see cref="CliOptions.PluginFolders"/> gathers both; this method reads no environment).
    /// <paramref name="first"/> folders load before the built-in one, so that a copy of a built-in plugin is the one used.
    /// </summary>
    public static InstrumentCatalog Load(IEnumerable<string> pluginDirs, IEnumerable<string>? first = null)
    {
        var library = InstrumentLibrary.Load(Options(pluginDirs) with { PriorityFolders = [.. first ?? []] });
        ThrowOnSearchPathErrors(library.SearchPathDiagnostics);
        return new InstrumentCatalog(library);
    }

    /// <summary>
    /// As <see cref="Load"/>, but compiling only the files <paramref name="name"/> may need (the instrument or protocol
    /// with that id and what it names, both forms of a pair: <see cref="InstrumentLibrary.Resolve"/>); a name found
    /// nowhere loads the whole library, so that <see cref="Get"/> lists every instrument there is.
    /// </summary>
    public static InstrumentCatalog LoadFor(string name, IEnumerable<string> pluginDirs)
    {
        if (LooksLikePath(name))
        {
            return Load(pluginDirs);
        }

        var resolution = InstrumentLibrary.Resolve(name, Options(pluginDirs));
        if (resolution.Library is not { } library)
        {
            return Load(pluginDirs);
        }

        ThrowOnSearchPathErrors(library.SearchPathDiagnostics);
        return new InstrumentCatalog(library);
    }

    /// <summary>Adds each folder with <see cref="InstrumentLibrary.AddFolder"/>; a folder that does not exist is a user error.</summary>
    internal static void AddFolders(InstrumentHostBuilder builder, IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            if (!InstrumentLibrary.AddFolder(builder, folder))
            {
                throw new CliException($"plugins folder '{folder}' does not exist");
            }
        }
    }

    /// <summary>
    /// The instrument a command names: the id of a loaded instrument, or the path of a YAML file (compiled with the
    /// plugins' functions; its diagnostics go to <paramref name="stderr"/> and errors stop the command with exit 2).
    /// See <see cref="InstrumentLibrary.Resolve"/>.
    /// </summary>
    public static CatalogEntry Resolve(string name, IReadOnlyList<string> plugins, TextWriter stderr)
    {
        var resolution = InstrumentLibrary.Resolve(name, Options(plugins));
        ThrowOnSearchPathErrors(resolution.Diagnostics);
        if (resolution.Instrument is { } found)
        {
            foreach (var d in resolution.Diagnostics)
            {
                stderr.WriteLine(Commands.TerminalText.Escape(d.ToString()));
            }

            return resolution.Library is { } library ? Entry(found, library.Host) : Entry(found, null);
        }

        if (resolution.Diagnostics.FirstOrDefault(d => d.Id == PluginDiagnostics.UnknownInstrument.Id) is { } unknown)
        {
            // The instrument may be in a file that was skipped because of errors: say which files those are.
            if (resolution.Library is { } library)
            {
                new InstrumentCatalog(library).ReportProblems(stderr);
            }

            throw Unknown(unknown);
        }

        foreach (var d in resolution.Diagnostics)
        {
            stderr.WriteLine(Commands.TerminalText.Escape(d.ToString()));
        }

        throw new CliException($"'{name}' has errors; nothing was scored");
    }

    /// <summary>
    /// What <c>score</c> names: an instrument (as <see cref="Resolve"/>), or a protocol: the id of a loaded one, or the
    /// path of a protocol file (compiled against the loaded instruments; its diagnostics go to <paramref name="stderr"/>
    /// and errors stop the command with exit 2). Exactly one of the two is set.
    /// </summary>
    public static (ScoringPlan? Plan, ProtocolPlan? Protocol) ResolveForScoring(string name, IReadOnlyList<string> plugins, TextWriter stderr)
    {
        if (LooksLikePath(name) && InstrumentLibrary.IsProtocolFile(name))
        {
            var library = InstrumentLibrary.Load(Options(plugins));
            ThrowOnSearchPathErrors(library.SearchPathDiagnostics);
            var compilation = library.CompileProtocolFile(name);
            foreach (var d in compilation.Diagnostics)
            {
                stderr.WriteLine(Commands.TerminalText.Escape(d.ToString()));
            }

            return compilation.Plan is { } compiled ? (null, compiled) : throw new CliException($"'{name}' has errors; nothing was scored");
        }

        if (!LooksLikePath(name))
        {
            var resolution = InstrumentLibrary.Resolve(name, Options(plugins));
            ThrowOnSearchPathErrors(resolution.Diagnostics);
            if (resolution.Instrument is { } found)
            {
                foreach (var d in resolution.Diagnostics)
                {
                    stderr.WriteLine(Commands.TerminalText.Escape(d.ToString()));
                }

                return (found.Plan, null);
            }

            if (resolution.Library?.FindProtocol(name) is { } protocol)
            {
                return (null, protocol.Plan);
            }
        }

        return (Resolve(name, plugins, stderr).Plan, null);
    }

    /// <summary>True when a command's instrument argument names a YAML file rather than a loaded instrument's id.</summary>
    public static bool LooksLikePath(string name) => InstrumentLibrary.LooksLikePath(name);

    /// <summary>
    /// Writes one line per problem, saying exactly what it cost: <c>skipped FILE</c> for an instrument file that did not
    /// load, <c>skipped plugin FOLDER</c> for a plugin that did not load, and the diagnostic itself when nothing was
    /// skipped as a whole (its message says what was ignored).
    /// </summary>
    public void ReportProblems(TextWriter stderr)
    {
        foreach (var problem in Library.Problems)
        {
            var first = problem.First;
            var more = problem.Diagnostics.Length > 1 ? $" (and {problem.Diagnostics.Length - 1} more; run 'instruments validate {problem.Path}')" : string.Empty;
            switch (problem.Kind)
            {
                case LoadProblemKind.InstrumentFileSkipped:
                    stderr.WriteLine(Commands.TerminalText.Escape($"instruments: warning: skipped {problem.Path}: {first.Id}: {first.Message}{more}"));
                    break;
                case LoadProblemKind.PluginSkipped:
                    stderr.WriteLine(Commands.TerminalText.Escape($"instruments: warning: skipped plugin {problem.Path}: {first.Id}: {first.Message}{more}"));
                    break;
                default:
                    stderr.WriteLine(Commands.TerminalText.Escape("instruments: " + first));
                    break;
            }
        }
    }

    /// <summary>Finds an instrument by id, or throws a <see cref="CliException"/> naming close matches and the ids there are.</summary>
    public CatalogEntry Get(string id)
    {
        var resolution = Library.Find(id);
        return resolution.Instrument is { } found ? Entry(found, Host) : throw Unknown(resolution.Diagnostics[0]);
    }

    // The folders come from CliOptions.PluginFolders, which has already added those of INSTRUMENTS_PLUGINS (read from
    // the command's context, not the process), so the library is given no search path of its own.
    private static InstrumentLibraryOptions Options(IEnumerable<string> pluginDirs) =>
        new() { BuiltInFolder = BuiltInFolder, PluginFolders = [.. pluginDirs] };

    private static CatalogEntry Entry(LoadedInstrument i, InstrumentHost? host) =>
        new(i.Definition, i.SourcePath ?? $"(plugin '{i.PluginId}')")
        {
            Plan = i.Plan,
            PluginId = i.PluginId,
            Templates = host is null || i.PluginId.Length == 0 ? [] : [.. host.Templates.Where(t => t.PluginId == i.PluginId)],
        };

    private static void ThrowOnSearchPathErrors(IEnumerable<Diagnostic> diagnostics)
    {
        if (diagnostics.FirstOrDefault(d => d.Id == PluginDiagnostics.PathNotFound.Id) is { } missing)
        {
            throw new CliException($"{missing.Arguments[0]} '{missing.Arguments[1]}' does not exist");
        }
    }

    private static CliException Unknown(Diagnostic d) =>
        new($"unknown instrument '{d.Arguments[0]}'{d.Arguments[1]} ({d.Arguments[2]}; or give the path of a .yaml file)");
}
