using System.CommandLine;
using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Diagnostics;
using Instruments.Hosting;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments validate &lt;path&gt;...</c>: compiles definition files and prints every diagnostic.</summary>
internal static class ValidateCommand
{
    public const string SarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    private const string Details = """
        Each <path> is a .yaml file, a folder of .yaml files (every *.yaml below it), or a plugin folder (one with a
        plugin.yaml, or holding plugin folders): plugins are loaded as the host would load them, and their manifest,
        assembly, instrument and analyzer diagnostics are printed. Loose files are compiled together, so an
        instrument id defined twice is reported. Text output prints one 'path(line,col): error INS1010: message'
        line per diagnostic on stdout and a summary on stderr. Functions of the --plugins folders (and of those in
        INSTRUMENTS_PLUGINS) are available to the files checked; only the diagnostics of the paths given are printed.

        exit codes: 0 no errors, 1 errors found, 2 usage error (for example a path that does not exist)
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("validate", "Compile instrument definition files and print every diagnostic.", "<path>...", Details);
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.ZeroOrMore };
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "text (default), json or sarif (SARIF 2.1.0)",
            [("text", ValidateFormat.Text), ("json", ValidateFormat.Json), ("sarif", ValidateFormat.Sarif)]);
        var warnAsError = CliOptions.Switch("--warnaserror", null, "report warnings as errors");
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(paths);
        command.Options.Add(format);
        command.Options.Add(warnAsError);
        command.Options.Add(plugins);
        command.RequireArguments(paths, 1);
        command.SetAction(r => Run(
            new ValidateSettings(r.GetValue(paths) ?? [], r.GetValue(format) ?? ValidateFormat.Text, r.GetValue(warnAsError), CliOptions.PluginFolders(r, plugins, context)),
            context.Out,
            context.Error));
        return command;
    }

    public static int Run(ValidateSettings args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        var pluginFolders = new List<string>();
        foreach (var path in args.Paths)
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
        var options = DiagnosticOptions.Default.WithWarningsAsErrors(args.WarningsAsErrors);

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

        InstrumentCatalog.AddFolders(builder, args.Plugins);

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
        switch (args.Format)
        {
            case ValidateFormat.Json:
                stdout.WriteLine(Json(diagnostics));
                break;
            case ValidateFormat.Sarif:
                stdout.WriteLine(Sarif(diagnostics));
                break;
            default:
                foreach (var d in diagnostics)
                {
                    stdout.WriteLine(d.ToString());
                }

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
        File.Exists(Path.Combine(path, "plugin.yaml")) || Directory.EnumerateDirectories(path).Any(d => File.Exists(Path.Combine(d, "plugin.yaml")));

    private static string Plural(int n, string word) => n + " " + word + (n == 1 ? string.Empty : "s");

    private static string Json(IEnumerable<Diagnostic> diagnostics)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CatalogCommands.JsonOptions))
        {
            w.WriteStartArray();
            foreach (var d in diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteString("severity", Diagnostic.SeverityName(d.Severity));
                w.WriteString("message", d.Message);
                w.WriteString("path", d.Location.HasPath ? d.Location.Path : null);
                w.WriteNumber("line", d.Location.Line);
                w.WriteNumber("column", d.Location.Column);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Sarif(IReadOnlyList<Diagnostic> diagnostics)
    {
        var rules = diagnostics.Select(d => d.Descriptor).DistinctBy(d => d.Id).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CatalogCommands.JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SarifSchema);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "instruments");
            w.WriteString("version", typeof(ValidateCommand).Assembly.GetName().Version?.ToString(3));
            w.WriteStartArray("rules");
            foreach (var r in rules)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("name", ToPascal(r.Title));
                w.WriteStartObject("shortDescription");
                w.WriteString("text", r.Title);
                w.WriteEndObject();
                w.WriteString("helpUri", r.HelpLink);
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", Level(r.DefaultSeverity));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var d in diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", d.Id);
                w.WriteNumber("ruleIndex", ruleIndex[d.Id]);
                w.WriteString("level", Level(d.Severity));
                w.WriteStartObject("message");
                w.WriteString("text", d.Message);
                w.WriteEndObject();
                w.WriteStartArray("locations");
                if (d.Location.HasPath)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("physicalLocation");
                    w.WriteStartObject("artifactLocation");
                    w.WriteString("uri", ToUri(d.Location.Path));
                    w.WriteEndObject();
                    if (d.Location.HasPosition)
                    {
                        w.WriteStartObject("region");
                        w.WriteNumber("startLine", d.Location.Line);
                        w.WriteNumber("startColumn", d.Location.Column);
                        if (d.Location.EndLine >= d.Location.Line && d.Location.EndColumn > d.Location.Column || d.Location.EndLine > d.Location.Line)
                        {
                            w.WriteNumber("endLine", d.Location.EndLine);
                            w.WriteNumber("endColumn", d.Location.EndColumn);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Level(DiagnosticSeverity s) => s switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    private static string ToPascal(string title) =>
        string.Concat(title.Split([' ', '-', '\''], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>A relative path as a relative URI (forward slashes, escaped segments); an absolute path as a file URI.</summary>
    internal static string ToUri(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return new Uri(Path.GetFullPath(path)).AbsoluteUri;
        }

        return string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
    }
}

/// <summary>What <c>instruments validate</c> prints.</summary>
internal enum ValidateFormat
{
    Text,
    Json,
    Sarif,
}

/// <summary>The arguments of <c>instruments validate</c>.</summary>
/// <param name="Paths">Files and folders to check.</param>
/// <param name="Format">Output format.</param>
/// <param name="WarningsAsErrors">Report warnings as errors.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record ValidateSettings(IReadOnlyList<string> Paths, ValidateFormat Format, bool WarningsAsErrors, IReadOnlyList<string> Plugins);
