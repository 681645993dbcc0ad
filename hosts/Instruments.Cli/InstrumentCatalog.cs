using System.Collections.Immutable;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Text;

namespace Instruments.Cli;

/// <summary>A loaded instrument and the file it came from.</summary>
internal sealed record CatalogEntry(InstrumentDefinition Definition, string SourcePath);

/// <summary>
/// The instruments the host knows: every <c>instruments/*.yaml</c> (or <c>*.yaml</c>) of the built-in plugins
/// folder (<c>AppContext.BaseDirectory/plugins</c>), of each <c>--plugins</c> folder and of each folder in the
/// <c>INSTRUMENTS_PLUGINS</c> environment variable, compiled together (an id defined twice: the first wins).
/// This is the one place that decides what "loaded" means; the plugin system will replace it.
/// </summary>
internal sealed class InstrumentCatalog
{
    public const string EnvironmentVariable = "INSTRUMENTS_PLUGINS";

    private InstrumentCatalog(ImmutableArray<CatalogEntry> entries, ImmutableArray<Diagnostic> problems)
    {
        Entries = entries;
        Problems = problems;
    }

    /// <summary>Loaded instruments, sorted by id.</summary>
    public ImmutableArray<CatalogEntry> Entries { get; }

    /// <summary>Errors and warnings of the files that were found (broken files are skipped).</summary>
    public ImmutableArray<Diagnostic> Problems { get; }

    public IEnumerable<string> Ids => Entries.Select(e => e.Definition.Id);

    /// <summary>The built-in plugins folder.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Loads the built-in folder, then <paramref name="pluginDirs"/>, then the environment variable's folders.</summary>
    public static InstrumentCatalog Load(IEnumerable<string> pluginDirs)
    {
        var folders = new List<(string Path, bool Explicit)> { (BuiltInFolder, false) };
        folders.AddRange(pluginDirs.Select(p => (p, true)));
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            folders.AddRange(env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (p, true)));
        }

        var sources = new List<InstrumentSource>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, isExplicit) in folders)
        {
            if (!Directory.Exists(folder))
            {
                if (isExplicit)
                {
                    throw new CliException($"plugins folder '{folder}' does not exist");
                }

                continue;
            }

            foreach (var file in FindDefinitionFiles(folder))
            {
                if (seenFiles.Add(Path.GetFullPath(file)))
                {
                    sources.Add(InstrumentSource.FromFile(file));
                }
            }
        }

        // Each file compiled on its own, so that every definition stays paired with its file; the first of two
        // files defining the same id wins (INS1008 on the second).
        var entries = new List<CatalogEntry>();
        var problems = new List<Diagnostic>();
        var firstPath = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var compilation = InstrumentCompiler.Compile([source]);
            problems.AddRange(compilation.Diagnostics);
            if (compilation.HasErrors || compilation.Definitions.Length != 1)
            {
                continue;
            }

            var def = compilation.Definitions[0];
            if (firstPath.TryGetValue(def.Id, out var first))
            {
                problems.Add(Diagnostic.Create(InstrumentDiagnostics.DuplicateInstrumentId, Location.InFile(source.Path), def.Id, first));
                continue;
            }

            firstPath[def.Id] = source.Path;
            entries.Add(new CatalogEntry(def, source.Path));
        }

        return new InstrumentCatalog([.. entries.OrderBy(e => e.Definition.Id, StringComparer.Ordinal)], [.. problems]);
    }

    /// <summary>The YAML files of one plugin folder: <c>instruments/*.yaml</c> of each plugin below it, or its own <c>*.yaml</c>.</summary>
    private static IEnumerable<string> FindDefinitionFiles(string folder)
    {
        var files = new List<string>();
        files.AddRange(Directory.EnumerateFiles(folder, "*.yaml", SearchOption.TopDirectoryOnly));
        var own = Path.Combine(folder, "instruments");
        if (Directory.Exists(own))
        {
            files.AddRange(Directory.EnumerateFiles(own, "*.yaml", SearchOption.TopDirectoryOnly));
        }

        foreach (var plugin in Directory.EnumerateDirectories(folder))
        {
            var instruments = Path.Combine(plugin, "instruments");
            if (Directory.Exists(instruments))
            {
                files.AddRange(Directory.EnumerateFiles(instruments, "*.yaml", SearchOption.TopDirectoryOnly));
            }
        }

        return files.Order(StringComparer.Ordinal);
    }

    /// <summary>Writes one warning line per file that was skipped because of errors.</summary>
    public void ReportProblems(TextWriter stderr)
    {
        foreach (var group in Problems.Where(d => d.IsError).GroupBy(d => d.Location.Path))
        {
            var first = group.First();
            var more = group.Count() > 1 ? $" (and {group.Count() - 1} more; run 'instruments validate {group.Key}')" : string.Empty;
            stderr.WriteLine($"instruments: warning: skipped {group.Key}: {first.Id}: {first.Message}{more}");
        }
    }

    /// <summary>Finds an instrument by id, or throws a <see cref="CliException"/> naming close matches and the ids there are.</summary>
    public CatalogEntry Get(string id)
    {
        var entry = Entries.FirstOrDefault(e => e.Definition.Id == id)
                    ?? Entries.FirstOrDefault(e => string.Equals(e.Definition.Id, id, StringComparison.OrdinalIgnoreCase));
        if (entry is not null)
        {
            return entry;
        }

        var close = NameSuggester.Closest(id, Ids);
        var hint = close.Count == 0 ? string.Empty : "; did you mean " + string.Join(" or ", close.Select(c => "'" + c + "'")) + "?";
        var available = Entries.Length == 0 ? "no instruments are loaded" : "available: " + string.Join(", ", Ids);
        throw new CliException($"unknown instrument '{id}'{hint} ({available}; or give the path of a .yaml file)");
    }
}
