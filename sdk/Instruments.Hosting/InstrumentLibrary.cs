using System.Collections.Immutable;
using Instruments.Compiler;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Hosting;

/// <summary>Where an <see cref="InstrumentLibrary"/> looks for plugins and instruments.</summary>
public sealed record InstrumentLibraryOptions
{
    /// <summary>The built-in plugins folder, loaded first; skipped when null or missing.</summary>
    /// <value>Defaults to null.</value>
    public string? BuiltInFolder { get; init; }

    /// <summary>
    /// Folders loaded before the built-in folder, so that their instruments win over built-in ones of the same id (the
    /// first registration wins, PLG3013): for example a working copy of a built-in plugin being tested. A missing one
    /// is PLG3021.
    /// </summary>
    /// <value>Defaults to none.</value>
    public ImmutableArray<string> PriorityFolders { get; init; } = [];

    /// <summary>Folders the user named (<c>--plugins DIR</c>), loaded after the built-in folder; a missing one is PLG3021.</summary>
    /// <value>Defaults to none.</value>
    public ImmutableArray<string> PluginFolders { get; init; } = [];

    /// <summary>A search-path value in the <see cref="PluginSearchPath.EnvironmentVariable"/> syntax; its folders load last.</summary>
    /// <value>Defaults to null (none).</value>
    public string? SearchPath { get; init; }

    /// <summary>Severity overrides applied to every diagnostic.</summary>
    /// <value>Defaults to <see cref="DiagnosticOptions.Default"/>.</value>
    public DiagnosticOptions DiagnosticOptions { get; init; } = DiagnosticOptions.Default;

    /// <summary>Every folder after the built-in one, in load order: <see cref="PluginFolders"/>, then <see cref="SearchPath"/>'s.</summary>
    public ImmutableArray<string> SearchFolders => [.. PluginFolders, .. PluginSearchPath.Parse(SearchPath)];
}

/// <summary>What a plugin or file problem cost: what was skipped because of it, if anything.</summary>
public enum LoadProblemKind
{
    /// <summary>Nothing was skipped as a whole (a registration, a report, a later duplicate was dropped); the diagnostic says what.</summary>
    Reported = 0,

    /// <summary>An instrument file did not load: <see cref="LoadProblem.Path"/> is the file.</summary>
    InstrumentFileSkipped,

    /// <summary>A plugin did not load: <see cref="LoadProblem.Path"/> is its folder.</summary>
    PluginSkipped,
}

/// <summary>
/// One problem of loading, told the way a user needs it: what was skipped (a file, a plugin, or nothing as a whole)
/// and the first diagnostic that caused it, with the count of the others about the same thing.
/// </summary>
public sealed class LoadProblem
{
    internal LoadProblem(LoadProblemKind kind, string path, ImmutableArray<Diagnostic> diagnostics)
    {
        Kind = kind;
        Path = path;
        Diagnostics = diagnostics;
    }

    /// <summary>What was skipped.</summary>
    public LoadProblemKind Kind { get; }

    /// <summary>The file or plugin folder that was skipped; for <see cref="LoadProblemKind.Reported"/>, the diagnostic's path (may be empty).</summary>
    public string Path { get; }

    /// <summary>The diagnostics about it, in load order (one for <see cref="LoadProblemKind.Reported"/>).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The first of <see cref="Diagnostics"/>.</summary>
    public Diagnostic First => Diagnostics[0];
}

/// <summary>The outcome of looking an instrument up: the instrument, or the diagnostics that say why there is none.</summary>
public sealed class InstrumentResolution
{
    internal InstrumentResolution(LoadedInstrument? instrument, ImmutableArray<Diagnostic> diagnostics, InstrumentLibrary? library)
    {
        Instrument = instrument;
        Diagnostics = diagnostics;
        Library = library;
    }

    /// <summary>The instrument; null when it could not be resolved.</summary>
    public LoadedInstrument? Instrument { get; }

    /// <summary>
    /// The diagnostics of the lookup: a YAML file's compiler diagnostics (warnings too, when it compiled),
    /// PLG3021 for a path that does not exist, PLG3022 for an unknown id.
    /// </summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>
    /// The library that was loaded for the lookup; null when a YAML file compiled on its own without it. When an id was
    /// found, it holds every plugin (functions, templates) but only the definitions that id needs (the instrument, or
    /// a protocol and its instruments): use <see cref="InstrumentLibrary.Load(InstrumentLibraryOptions)"/> for the whole library.
    /// </summary>
    public InstrumentLibrary? Library { get; }

    /// <summary>True when <see cref="Instrument"/> is set.</summary>
    public bool Succeeded => Instrument is not null;
}

/// <summary>
/// The instruments of a search path, loaded through <see cref="InstrumentHostBuilder"/>: the built-in plugins folder,
/// then each folder the user named, then those of the <c>INSTRUMENTS_PLUGINS</c> search path. A folder is a plugin, a
/// folder of plugins, or loose instrument files (<see cref="PluginFolderKind"/>); when two of them register the same
/// instrument id, the first loaded wins (PLG3013). Mistakes are diagnostics, never exceptions.
/// </summary>
/// <example>
/// <code>
/// var library = InstrumentLibrary.Load(new InstrumentLibraryOptions { BuiltInFolder = "plugins", PluginFolders = ["/opt/acme"] });
/// var phq9 = library.Find("phq-9");
/// if (!phq9.Succeeded) foreach (var d in phq9.Diagnostics) Console.Error.WriteLine(d);
/// </code>
/// </example>
public sealed class InstrumentLibrary
{
    private InstrumentLibrary(InstrumentHost host, ImmutableArray<Diagnostic> searchPathDiagnostics, DiagnosticOptions options)
    {
        Host = host;
        SearchPathDiagnostics = searchPathDiagnostics;
        Diagnostics = [.. searchPathDiagnostics, .. host.Diagnostics];
        Options = options;
        Problems = ClassifyProblems(host);
    }

    /// <summary>The plugin host: plugins, instruments, functions, templates.</summary>
    public InstrumentHost Host { get; }

    /// <summary>Problems of the search path itself (PLG3021 for a folder that does not exist).</summary>
    public ImmutableArray<Diagnostic> SearchPathDiagnostics { get; }

    /// <summary>Every diagnostic: the search path's, then the host's.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>
    /// The host's errors and plugin warnings (PLGxxxx), told by what they cost: one entry per skipped file or plugin
    /// (with every diagnostic about it), and one per diagnostic that skipped nothing as a whole (an ignored duplicate
    /// function, a dropped undeclared report, a failed analyzer ...). Instrument warnings (INS) are left to validation.
    /// </summary>
    public ImmutableArray<LoadProblem> Problems { get; }

    private DiagnosticOptions Options { get; }

    /// <summary>Loads the built-in folder, then <see cref="InstrumentLibraryOptions.SearchFolders"/>.</summary>
    public static InstrumentLibrary Load(InstrumentLibraryOptions options) => Load(options, selectFor: null);

    // With selectFor, only the definition files that name may need are compiled (InstrumentHostBuilder.SelectFor).
    private static InstrumentLibrary Load(InstrumentLibraryOptions options, string? selectFor)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new InstrumentHostBuilder().WithDiagnosticOptions(options.DiagnosticOptions);
        if (selectFor is not null)
        {
            builder.SelectFor(selectFor);
        }

        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        void AddAll(IEnumerable<string> folders)
        {
            foreach (var folder in folders)
            {
                if (!AddFolder(builder, folder))
                {
                    problems.Add(Diagnostic.Create(PluginDiagnostics.PathNotFound, Location.None, "plugins folder", folder));
                }
            }
        }

        AddAll(options.PriorityFolders);
        if (options.BuiltInFolder is { } builtIn && Directory.Exists(builtIn))
        {
            builder.AddPluginsFrom(builtIn);
        }

        AddAll(options.SearchFolders);
        return new InstrumentLibrary(builder.Build(), [.. options.DiagnosticOptions.Apply(problems)], options.DiagnosticOptions);
    }

    /// <summary>
    /// Adds one folder to <paramref name="builder"/> as the library would: a plugin (it has a <c>plugin.yaml</c>), a
    /// folder of plugins, or a folder of loose instrument files (its own <c>*.yaml</c> and those in <c>instruments/</c>).
    /// </summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="folder">The folder.</param>
    /// <returns>False when the folder does not exist (nothing is added).</returns>
    public static bool AddFolder(InstrumentHostBuilder builder, string folder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(folder);
        switch (PluginSearchPath.Classify(folder))
        {
            case PluginFolderKind.Missing:
                return false;
            case PluginFolderKind.Plugin or PluginFolderKind.PluginCollection:
                builder.AddPluginsFrom(folder);
                return true;
            default:
                foreach (var file in PluginSearchPath.InstrumentFiles(folder))
                {
                    builder.AddInstrumentFile(file);
                }

                return true;
        }
    }

    /// <summary>
    /// The instrument a user names: the id of a loaded instrument, or the path of a YAML file (see
    /// <see cref="LooksLikePath"/>). A file given without <see cref="InstrumentLibraryOptions.PluginFolders"/> that
    /// compiles cleanly on its own is used without loading any plugin (loading every plugin costs more start-up than
    /// scoring 100,000 rows); otherwise it is compiled with the plugins' functions. An id compiles only the files it
    /// may need (every plugin still loads), for the same reason; an id found nowhere loads the whole library, so that
    /// its PLG3022 lists every instrument there is. A protocol id is not an instrument (PLG3022), but the
    /// resolution's library holds it (<see cref="InstrumentLibrary.FindProtocol"/>).
    /// </summary>
    public static InstrumentResolution Resolve(string nameOrPath, InstrumentLibraryOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        ArgumentNullException.ThrowIfNull(options);
        if (LooksLikePath(nameOrPath))
        {
            if (!File.Exists(nameOrPath))
            {
                return new InstrumentResolution(null, [Diagnostic.Create(PluginDiagnostics.PathNotFound, Location.None, "instrument file", nameOrPath)], null);
            }

            if (options.PluginFolders.IsEmpty)
            {
                var alone = InstrumentCompiler.Compile([InstrumentSource.FromFile(nameOrPath)], options.DiagnosticOptions);
                if (!alone.HasErrors && alone.Definitions.Length > 0)
                {
                    var definition = alone.Definitions[0];
                    return new InstrumentResolution(new LoadedInstrument(definition, nameOrPath, string.Empty, alone.CreatePlan(definition)), alone.Diagnostics, null);
                }
            }

            var library = Load(options);
            return library.SearchPathDiagnostics.Any(d => d.IsError)
                ? new InstrumentResolution(null, library.SearchPathDiagnostics, library)
                : library.CompileFile(nameOrPath);
        }

        // Only the files this name may need are compiled; a name found nowhere is looked up again in the whole library,
        // so that the answer lists every instrument there is.
        var selected = Load(options, nameOrPath);
        if (selected.SearchPathDiagnostics.Any(d => d.IsError))
        {
            return new InstrumentResolution(null, selected.SearchPathDiagnostics, selected);
        }

        var resolution = selected.Find(nameOrPath);
        if (resolution.Succeeded || selected.FindProtocol(nameOrPath) is not null)
        {
            return resolution;
        }

        var loaded = Load(options);
        return loaded.SearchPathDiagnostics.Any(d => d.IsError)
            ? new InstrumentResolution(null, loaded.SearchPathDiagnostics, loaded)
            : loaded.Find(nameOrPath);
    }

    /// <summary>True when an instrument argument names a YAML file (<c>.yaml</c>/<c>.yml</c>, or a path separator) rather than an id.</summary>
    public static bool LooksLikePath(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal);
    }

    /// <summary>
    /// The loaded instrument with this id (ordinal first, then ignoring case), or PLG3022 naming close matches and the
    /// ids there are.
    /// </summary>
    public InstrumentResolution Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = Host.Find(id) ?? Host.Instruments.FirstOrDefault(i => string.Equals(i.Definition.Id, id, StringComparison.OrdinalIgnoreCase));
        if (found is not null)
        {
            return new InstrumentResolution(found, [], this);
        }

        var ids = Host.Instruments.Select(i => i.Definition.Id).ToList();
        var close = NameSuggester.Closest(id, ids);
        var hint = close.Count == 0 ? string.Empty : "; did you mean " + string.Join(" or ", close.Select(c => "'" + c + "'")) + "?";
        var available = ids.Count == 0 ? "no instruments are loaded" : "available: " + string.Join(", ", ids);
        return new InstrumentResolution(null, [Diagnostic.Create(PluginDiagnostics.UnknownInstrument, Location.None, id, hint, available)], this);
    }

    /// <summary>The loaded protocol with this id (ordinal first, then ignoring case), or null.</summary>
    public LoadedProtocol? FindProtocol(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Host.FindProtocol(id) ?? Host.Protocols.FirstOrDefault(p => string.Equals(p.Definition.Id, id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// True when <paramref name="path"/> is a protocol file (its top-level mapping has a <c>protocol</c> key, see
    /// <see cref="ProtocolCompiler.IsProtocol"/>); false for anything else, including a file that cannot be read.
    /// </summary>
    public static bool IsProtocolFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.Exists(path) && ProtocolCompiler.IsProtocol(InstrumentSource.FromFile(path).Text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Compiles a protocol file against the loaded instruments (PLG3021 when the file does not exist).</summary>
    public ProtocolCompilation CompileProtocolFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        InstrumentSource source;
        try
        {
            source = InstrumentSource.FromFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            source = new InstrumentSource(path, string.Empty)
            {
                ReadDiagnostics = [Diagnostic.Create(PluginDiagnostics.PathNotFound, Location.None, "protocol file", path)],
            };
        }

        return ProtocolCompiler.Compile(source, Host.Instruments.Select(i => i.Plan), Options);
    }

    /// <summary>Compiles a YAML instrument file with the plugins' functions; its first definition, or the errors.</summary>
    public InstrumentResolution CompileFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            return new InstrumentResolution(null, [Diagnostic.Create(PluginDiagnostics.PathNotFound, Location.None, "instrument file", path)], this);
        }

        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(path)], Options, Host.Functions);
        if (compilation.HasErrors || compilation.Definitions.Length == 0)
        {
            return new InstrumentResolution(null, compilation.Diagnostics, this);
        }

        var definition = compilation.Definitions[0];
        return new InstrumentResolution(new LoadedInstrument(definition, path, string.Empty, compilation.CreatePlan(definition)),
            compilation.Diagnostics, this);
    }

    private static ImmutableArray<LoadProblem> ClassifyProblems(InstrumentHost host)
    {
        static string Full(string p) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p));
        var loadedFiles = host.Instruments.Where(i => i.SourcePath is not null).Select(i => Full(i.SourcePath!)).ToHashSet(StringComparer.Ordinal);
        var loadedPlugins = host.Plugins.Select(p => Full(p.Directory)).ToHashSet(StringComparer.Ordinal);

        var result = new List<LoadProblem>();
        var skipped = new Dictionary<(LoadProblemKind, string), List<Diagnostic>>();
        foreach (var d in host.Diagnostics.Where(d => d.IsError || DiagnosticIdPrefix(d.Id) == "PLG"))
        {
            var kind = LoadProblemKind.Reported;
            var path = d.Location.Path;
            if (d.IsError && d.Location.HasPath)
            {
                // A manifest's problem, or one placed on a plugin folder, is about the plugin; any other about its file.
                var pluginFolder = string.Equals(Path.GetFileName(path), PluginManifest.FileName, StringComparison.Ordinal) ? Path.GetDirectoryName(path)
                    : Directory.Exists(path) ? path
                    : null;
                if (pluginFolder is not null)
                {
                    if (!loadedPlugins.Contains(Full(pluginFolder)))
                    {
                        (kind, path) = (LoadProblemKind.PluginSkipped, pluginFolder);
                    }
                }
                else if (!loadedFiles.Contains(Full(path)))
                {
                    kind = LoadProblemKind.InstrumentFileSkipped;
                }
            }

            if (kind == LoadProblemKind.Reported)
            {
                result.Add(new LoadProblem(kind, path, [d]));
                continue;
            }

            if (!skipped.TryGetValue((kind, path), out var list))
            {
                skipped[(kind, path)] = list = [];
                result.Add(new LoadProblem(kind, path, [])); // placeholder, keeps load order
            }

            list.Add(d);
        }

        return [.. result.Select(p => p.Kind == LoadProblemKind.Reported ? p : new LoadProblem(p.Kind, p.Path, [.. skipped[(p.Kind, p.Path)]]))];
    }

    private static string DiagnosticIdPrefix(string id) => new([.. id.TakeWhile(char.IsAsciiLetter)]);
}
