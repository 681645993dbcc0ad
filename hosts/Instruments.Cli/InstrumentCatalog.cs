using System.Collections.Immutable;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Hosting;
using Instruments.Scoring;
using Instruments.Text;

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
/// The instruments the host knows, loaded through the plugin host (<see cref="InstrumentHostBuilder"/>): the built-in
/// plugins folder (<c>AppContext.BaseDirectory/plugins</c>), each <c>--plugins</c> folder and each folder in the
/// <c>INSTRUMENTS_PLUGINS</c> environment variable. A folder is a plugin (it has a <c>plugin.yaml</c>), a folder of
/// plugins, or a folder of loose <c>*.yaml</c> instrument files.
/// </summary>
internal sealed class InstrumentCatalog
{
    public const string EnvironmentVariable = "INSTRUMENTS_PLUGINS";

    private InstrumentCatalog(InstrumentHost host, ImmutableArray<CatalogEntry> entries)
    {
        Host = host;
        Entries = entries;
    }

    /// <summary>The plugin host (plugins, functions, templates, diagnostics).</summary>
    public InstrumentHost Host { get; }

    /// <summary>Loaded instruments, sorted by id.</summary>
    public ImmutableArray<CatalogEntry> Entries { get; }

    /// <summary>Errors and warnings of plugins and instrument files (broken ones are skipped).</summary>
    public ImmutableArray<Diagnostic> Problems => Host.Diagnostics;

    public IEnumerable<string> Ids => Entries.Select(e => e.Definition.Id);

    /// <summary>The built-in plugins folder.</summary>
    public static string BuiltInFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Loads the built-in folder, then <paramref name="pluginDirs"/>: the <c>--plugins</c> folders followed by those of
    /// the environment variable (<see cref="CliOptions.PluginFolders"/> gathers both; this method reads no environment).
    /// <paramref name="first"/> folders load before the built-in one, so that a copy of a built-in plugin is the one used.
    /// </summary>
    public static InstrumentCatalog Load(IEnumerable<string> pluginDirs, IEnumerable<string>? first = null)
    {
        var builder = new InstrumentHostBuilder();
        AddFolders(builder, first ?? []);
        if (Directory.Exists(BuiltInFolder))
        {
            builder.AddPluginsFrom(BuiltInFolder);
        }

        AddFolders(builder, pluginDirs);

        var host = builder.Build();
        var entries = host.Instruments
            .Select(i => new CatalogEntry(i.Definition, i.SourcePath ?? $"(plugin '{i.PluginId}')")
            {
                Plan = i.Plan,
                PluginId = i.PluginId,
                Templates = [.. host.Templates.Where(t => t.PluginId == i.PluginId)],
            })
            .ToImmutableArray();
        return new InstrumentCatalog(host, entries);
    }

    /// <summary>Adds each folder with <see cref="AddFolder"/>; a folder that does not exist is a user error.</summary>
    internal static void AddFolders(InstrumentHostBuilder builder, IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new CliException($"plugins folder '{folder}' does not exist");
            }

            AddFolder(builder, folder);
        }
    }

    /// <summary>Adds a folder: a plugin, a folder of plugins, or loose YAML files (its own and those in <c>instruments/</c>).</summary>
    internal static void AddFolder(InstrumentHostBuilder builder, string folder)
    {
        if (File.Exists(Path.Combine(folder, "plugin.yaml")) || Directory.EnumerateDirectories(folder).Any(d => File.Exists(Path.Combine(d, "plugin.yaml"))))
        {
            builder.AddPluginsFrom(folder);
            return;
        }

        var loose = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.TopDirectoryOnly);
        var own = Path.Combine(folder, "instruments");
        if (Directory.Exists(own))
        {
            loose = loose.Concat(Directory.EnumerateFiles(own, "*.yaml", SearchOption.TopDirectoryOnly));
        }

        foreach (var file in loose.Order(StringComparer.Ordinal))
        {
            builder.AddInstrumentFile(file);
        }
    }

    /// <summary>
    /// The instrument a command names: the id of a loaded instrument, or the path of a YAML file (compiled with the
    /// plugins' functions; its diagnostics go to <paramref name="stderr"/> and errors stop the command with exit 2).
    /// </summary>
    /// <remarks>
    /// A YAML file given without <c>--plugins</c> that compiles cleanly on its own is used without loading the plugins
    /// (start-up counts when scoring a file: loading every plugin takes longer than scoring 100,000 rows); one that
    /// does not (it may call a plugin's function) is compiled again with the plugins loaded.
    /// </remarks>
    public static CatalogEntry Resolve(string name, IReadOnlyList<string> plugins, TextWriter stderr)
    {
        if (LooksLikePath(name))
        {
            if (!File.Exists(name))
            {
                throw new CliException($"instrument file '{name}' does not exist");
            }

            if (plugins.Count == 0)
            {
                var alone = InstrumentCompiler.Compile([InstrumentSource.FromFile(name)]);
                if (!alone.HasErrors && alone.Definitions.Length > 0)
                {
                    foreach (var d in alone.Diagnostics)
                    {
                        stderr.WriteLine(d.ToString());
                    }

                    return new CatalogEntry(alone.Definitions[0], name) { Plan = ScoringPlan.Create(alone.Definitions[0]) };
                }
            }
        }

        var catalog = Load(plugins);
        if (LooksLikePath(name))
        {
            var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(name)], functions: catalog.Host.Functions);
            foreach (var d in compilation.Diagnostics)
            {
                stderr.WriteLine(d.ToString());
            }

            if (compilation.HasErrors || compilation.Definitions.Length == 0)
            {
                throw new CliException($"'{name}' has errors; nothing was scored");
            }

            var definition = compilation.Definitions[0];
            return new CatalogEntry(definition, name) { Plan = ScoringPlan.Create(definition, catalog.Host.Functions) };
        }

        try
        {
            return catalog.Get(name);
        }
        catch (CliException)
        {
            // The instrument may be in a file that was skipped because of errors: say which files those are.
            catalog.ReportProblems(stderr);
            throw;
        }
    }

    /// <summary>True when a command's instrument argument names a YAML file rather than a loaded instrument's id.</summary>
    public static bool LooksLikePath(string name) =>
        name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal);

    /// <summary>Writes one warning line per file or plugin that was skipped because of errors.</summary>
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
