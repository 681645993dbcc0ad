using Instruments.Compiler;
using Instruments.Diagnostics;
using Instruments.Hosting;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments validate &lt;path&gt;...</c>: compiles definition files and prints every diagnostic.</summary>
internal static class ValidateCommand
{
    public static readonly CommandSpec Spec = new(
        "validate",
        "Compile instrument definition files and print every diagnostic.",
        "<path>...",
        1,
        int.MaxValue,
        [
            new("format", 'f', "FORMAT", "text (default), json or sarif (SARIF 2.1.0)", Allowed: ["text", "json", "sarif"]),
            new("warnaserror", null, null, "report warnings as errors"),
            new("nowarn", null, "ID", "do not report diagnostic ID (repeatable), as the C# compiler's -nowarn", Repeatable: true),
        ],
        """
        Each <path> is a .yaml file, a folder of .yaml files (every *.yaml below it), or a plugin folder (one with a
        plugin.yaml, or holding plugin folders): plugins are loaded as the host would load them, and their manifest,
        assembly, instrument and analyzer diagnostics are printed. Loose files are compiled together, so an
        instrument id defined twice is reported. Text output prints one 'path(line,col): error INS1010: message'
        line per diagnostic on stdout and a summary on stderr.

        exit codes: 0 no errors, 1 errors found, 2 usage error (for example a path that does not exist)
        """);

    public static int Run(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        var pluginFolders = new List<string>();
        foreach (var path in args.Positionals)
        {
            if (Directory.Exists(path) && IsPluginFolder(path))
            {
                pluginFolders.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*.yaml", SearchOption.AllDirectories)
                    .Concat(Directory.EnumerateFiles(path, "*.yml", SearchOption.AllDirectories))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    stderr.WriteLine($"instruments: warning: no .yaml files in '{path}'");
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"'{path}' does not exist");
            }
        }

        // Report templates (*.scriban) are parsed, not compiled; their TPL4xxx diagnostics join the others.
        var templates = files.Where(f => f.EndsWith(".scriban", StringComparison.OrdinalIgnoreCase)).ToList();
        files.RemoveAll(templates.Contains);
        var options = DiagnosticOptions.Default.WithWarningsAsErrors(args.Has("warnaserror"));
        foreach (var id in args.GetAll("nowarn"))
        {
            options = options.WithSeverity(id, ReportSeverity.Suppress);
        }

        // Plugin folders go through the plugin host (manifest, assembly, instruments, analyzers), next to the built-in
        // plugins so that functions they bring resolve; only the diagnostics of the folders asked about are printed.
        // The folders asked about load first, so that validating a copy of a built-in plugin checks the copy.
        var builder = new InstrumentHostBuilder().WithDiagnosticOptions(options);
        foreach (var folder in pluginFolders)
        {
            builder.AddPluginsFrom(folder);
        }

        if (Directory.Exists(InstrumentCatalog.BuiltInFolder))
        {
            builder.AddPluginsFrom(InstrumentCatalog.BuiltInFolder);
        }

        var host = builder.Build();
        var roots = pluginFolders.Select(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        var pluginDiagnostics = host.Diagnostics
            .Where(d => d.Location.HasPath && roots.Any(r => (Path.GetFullPath(d.Location.Path) + Path.DirectorySeparatorChar).StartsWith(r, StringComparison.Ordinal)))
            .ToList();
        var pluginInstruments = host.Instruments.Count(i => i.SourcePath is not null
            && roots.Any(r => Path.GetFullPath(i.SourcePath).StartsWith(r, StringComparison.Ordinal)));

        var compilation = InstrumentCompiler.Compile(files.Select(InstrumentSource.FromFile).ToList(), options, host.Functions);
        var templateDiagnostics = TemplateDiagnostics(templates, options, out var validTemplates);
        var diagnostics = pluginDiagnostics.Concat(compilation.Diagnostics).Concat(templateDiagnostics).ToList();
        switch (args.Get("format"))
        {
            case "json":
                stdout.WriteLine(DiagnosticWriters.ToJson(diagnostics));
                break;
            case "sarif":
                stdout.WriteLine(SarifLogWriter.ToJson(diagnostics, new SarifOptions { ToolVersion = typeof(ValidateCommand).Assembly.GetName().Version?.ToString(3) }));
                break;
            default:
                DiagnosticWriters.WriteText(stdout, diagnostics);
                break;
        }

        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        var what = Plural(files.Count + templates.Count, "file") + (pluginFolders.Count > 0 ? " and " + Plural(pluginFolders.Count, "plugin folder") : string.Empty);
        stderr.WriteLine($"instruments: {what} checked, {compilation.Definitions.Length + pluginInstruments + validTemplates} valid: {Plural(errors, "error")}, {Plural(warnings, "warning")}");
        return errors > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
    }

    /// <summary>Parses report templates (format from the name: x.html.scriban is HTML) and returns their diagnostics.</summary>
    private static List<Diagnostic> TemplateDiagnostics(List<string> templates, DiagnosticOptions options, out int valid)
    {
        var renderer = new Reports.ReportRenderer();
        var parsed = templates.Select(t => renderer.Load(t)).ToList();
        valid = parsed.Count(t => !t.HasErrors);
        return [.. options.Apply(parsed.SelectMany(t => t.Diagnostics))];
    }

    /// <summary>A plugin, or a folder of plugins: it or one of its subfolders has a plugin.yaml.</summary>
    private static bool IsPluginFolder(string path) =>
        PluginSearchPath.Classify(path) is PluginFolderKind.Plugin or PluginFolderKind.PluginCollection;

    private static string Plural(int n, string word) => n + " " + word + (n == 1 ? string.Empty : "s");
}
