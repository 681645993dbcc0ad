using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Diagnostics;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments validate &lt;path&gt;...</c>: compiles definition files and prints every diagnostic.</summary>
internal static class ValidateCommand
{
    public const string SarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public static readonly CommandSpec Spec = new(
        "validate",
        "Compile instrument definition files and print every diagnostic.",
        "<path>...",
        1,
        int.MaxValue,
        [
            new("format", 'f', "FORMAT", "text (default), json or sarif (SARIF 2.1.0)", Allowed: ["text", "json", "sarif"]),
            new("warnaserror", null, null, "report warnings as errors"),
        ],
        """
        Each <path> is a .yaml file or a folder (every *.yaml below it). The files are compiled together, so an
        instrument id defined twice is reported. Text output prints one 'path(line,col): error INS1010: message'
        line per diagnostic on stdout and a summary on stderr.

        exit codes: 0 no errors, 1 errors found, 2 usage error (for example a path that does not exist)
        """);

    public static int Run(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        foreach (var path in args.Positionals)
        {
            if (Directory.Exists(path))
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

        var options = DiagnosticOptions.Default.WithWarningsAsErrors(args.Has("warnaserror"));
        var compilation = InstrumentCompiler.Compile(files.Select(InstrumentSource.FromFile).ToList(), options);
        var diagnostics = compilation.Diagnostics;
        switch (args.Get("format"))
        {
            case "json":
                stdout.WriteLine(Json(diagnostics));
                break;
            case "sarif":
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
        stderr.WriteLine($"instruments: {Plural(files.Count, "file")} checked, {compilation.Definitions.Length} valid: {Plural(errors, "error")}, {Plural(warnings, "warning")}");
        return errors > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
    }

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
