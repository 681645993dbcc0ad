using System.Globalization;
using System.Text;
using Instruments.Cli.Scoring;
using Instruments.Definitions;
using Instruments.Reports;
using Instruments.Scoring;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments report &lt;instrument&gt; --input FILE|-</c>: scores every row like <c>score</c> and renders a Markdown
/// or HTML report through a Scriban template, one file per row in a folder, or one combined report.
/// </summary>
internal static class ReportCommand
{
    public static readonly CommandSpec Spec = new(
        "report",
        "Score every response of an input file and write Markdown or HTML reports through a template.",
        "<instrument>",
        1,
        1,
        [
            InputFiles.InputOption,
            new("output", 'o', "PATH", "folder for one report per row; with --combined a file (or '-' for standard output, the default)"),
            new("format", 'f', "FORMAT", "md or html (default: from the template's or the output file's name, else md)", Allowed: ["md", "html"]),
            new("template", 't', "NAME|PATH", "a template of the instrument's plugin, 'default', or a .scriban file"),
            new("combined", 'c', null, "one report of all rows instead of one per row"),
            InputFiles.InputFormatOption,
            new("quiet", 'q', null, "no summary on stderr"),
            new("plugins", null, "DIR", "also load instruments from DIR (repeatable)", Repeatable: true),
        ],
        """
        <instrument> is the id of a loaded instrument (see 'instruments list') or the path of a .yaml file.
        Inputs are read as by 'instruments score'; a row that cannot be read appears as an invalid response.

        Templates: without --template, the plugin's templates/<instrument>.<md|html>.scriban, else the built-in
        default. Per-row reports are named <row>-<respondent id or row>.<md|html> (see docs/templates.md).
        Without --output the combined report goes to standard output.

        exit codes: 0 every row scored without error, 1 reports written but some rows invalid,
                    2 nothing written (usage error, unknown instrument or template, template errors)
        """);

    public static int Run(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        var input = args.Get("input") ?? throw new CliException("'report' needs --input FILE (use '-' for standard input)", showUsage: true);
        var output = args.Get("output");
        var quiet = args.Has("quiet");
        var combined = args.Has("combined") || output is null or "-";
        var templateOption = args.Get("template");
        var format = ReportFormats.Parse(args.Get("format"))
                     ?? (templateOption is not null && TemplateCatalog.LooksLikePath(templateOption) ? ReportFormats.FromTemplateFileName(templateOption) : null)
                     ?? (combined && output is not null && output != "-" ? ReportFormats.Parse(Path.GetExtension(output).TrimStart('.')) : null)
                     ?? ReportFormat.Markdown;

        var entry = InstrumentCatalog.Resolve(args.Positionals[0], args.GetAll("plugins"), stderr);
        var definition = entry.Definition;
        var renderer = new ReportRenderer();
        var template = TemplateCatalog.Resolve(renderer, definition.Id, entry.SourcePath, templateOption, format, entry.Templates);
        foreach (var d in template.Diagnostics)
        {
            stderr.WriteLine(d.ToString());
        }

        if (template.HasErrors)
        {
            throw new CliException($"template '{template.Path}' has errors; no report was written");
        }

        var inputFormat = InputFiles.Format(input, args.Get("input-format"));
        string? folder = null;
        if (!combined)
        {
            folder = PrepareFolder(output!);
        }
        else if (output is not null && output != "-" && Directory.Exists(output))
        {
            output = Path.Combine(output, definition.Id + "-report." + format.Extension());
        }

        using var inputStream = InputFiles.Open(input);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var plan = entry.Plan; // with the plugins' functions and response checks
            var counts = new int[3];
            var responses = new List<ReportResponse>();
            var written = 0;
            using (var reader = InputFiles.OpenReader(inputFormat, inputStream, plan, stderr))
            {
                var row = new InputRow(plan.ItemCount);
                var result = plan.CreateResult();
                var rowNumber = 0;
                while (reader.Read(row))
                {
                    cancel.Token.ThrowIfCancellationRequested();
                    rowNumber = checked(rowNumber + 1);
                    if (row.Malformed is { } reason)
                    {
                        plan.ScoreMalformed(result, row.Line, reason);
                    }
                    else
                    {
                        plan.Score(row.Values, row.Texts, result);
                    }

                    counts[(int)result.Status]++;
                    var response = ReportResponse.Create(result, rowNumber, row.Values, row.Fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)), row.Line);
                    if (combined)
                    {
                        responses.Add(response);
                        continue;
                    }

                    var text = Render(renderer, template, ReportModel.Create(definition, [response], combined: false), stderr, $"row {rowNumber}", cancel.Token);
                    var path = Path.Combine(folder!, FileName(rowNumber, response.RespondentId, format));
                    Write(path, text);
                    written++;
                }
            }

            if (counts.Sum() == 0)
            {
                throw new CliException($"input '{input}' has no rows; no report was written");
            }

            if (combined)
            {
                var text = Render(renderer, template, ReportModel.Create(definition, responses, combined: true), stderr, "the combined report", cancel.Token);
                Write(output ?? "-", text);
                written = 1;
            }

            if (!quiet)
            {
                var where = combined ? (output is null or "-" ? "standard output" : output) : folder;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"instruments: {written:N0} {(written == 1 ? "report" : "reports")} ({template.Path}) to {where}: {counts.Sum():N0} {(counts.Sum() == 1 ? "row" : "rows")}: {counts[0]:N0} complete, {counts[1]:N0} partial, {counts[2]:N0} invalid"));
            }

            return counts[(int)ResponseStatus.Invalid] > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            throw new CliException("interrupted; the report being written was not kept", ExitCodes.Interrupted);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string Render(ReportRenderer renderer, ReportTemplate template, ReportModel model, TextWriter stderr, string what, CancellationToken cancel)
    {
        var rendering = renderer.Render(template, model, cancel);
        if (rendering.Text is { } text)
        {
            return text;
        }

        foreach (var d in rendering.Diagnostics)
        {
            stderr.WriteLine(d.ToString());
        }

        throw new CliException($"template '{template.Path}' failed on {what}; that report was not written");
    }

    private static void Write(string path, string text)
    {
        using var target = OutputTarget.Open(path);
        using (var writer = new StreamWriter(target.Stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            writer.Write(text);
        }

        target.Commit();
    }

    /// <summary>The per-row output folder: created when missing (its parent must exist); an existing file is an error.</summary>
    private static string PrepareFolder(string output)
    {
        if (File.Exists(output))
        {
            throw new CliException($"output '{output}' is a file; per-row reports need a folder (or use --combined)");
        }

        if (!Directory.Exists(output))
        {
            var parent = Path.GetDirectoryName(Path.GetFullPath(output));
            if (parent is null || !Directory.Exists(parent))
            {
                throw new CliException($"the parent folder of '{output}' does not exist");
            }

            Directory.CreateDirectory(output);
        }

        return output;
    }

    /// <summary><c>&lt;row&gt;-&lt;respondent id or row&gt;.&lt;ext&gt;</c>, with only letters, digits, '.', '-' and '_' from the id.</summary>
    internal static string FileName(int row, string? respondentId, ReportFormat format)
    {
        var id = Sanitize(respondentId);
        return string.Create(CultureInfo.InvariantCulture, $"{row}-{(id.Length > 0 ? id : row.ToString(CultureInfo.InvariantCulture))}.{format.Extension()}");
    }

    internal static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(Math.Min(text.Length, 64));
        foreach (var c in text)
        {
            if (sb.Length == 64)
            {
                break;
            }

            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
            if (ok)
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }
        }

        return sb.ToString().Trim('.', '_', '-');
    }
}
