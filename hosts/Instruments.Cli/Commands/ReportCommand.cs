using System.CommandLine;
using System.Globalization;
using System.Text;
using Instruments.Cli.Scoring;
using Instruments.Data;
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
    private const string Details = """
        <instrument> is the id of a loaded instrument (see 'instruments list') or the path of a .yaml file.
        Inputs are read as by 'instruments score'; a row that cannot be read appears as an invalid response.

        Templates: without --template, the plugin's templates/<instrument>.<md|html>.scriban, else the built-in
        default. Per-row reports are named <row>-<respondent id or row>.<md|html> (see docs/templates.md).
        Without --output the combined report goes to standard output.

        exit codes: 0 every row scored without error, 1 reports written but some rows invalid,
                    2 nothing written (usage error, unknown instrument or template, template errors, output is the
                    input file), 128 + signal interrupted (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP)
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("report", "Score every response of an input file and write Markdown or HTML reports through a template.", "<instrument>", Details);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var input = InputFiles.InputOption();
        var output = CliOptions.Text("--output", "-o", "PATH", "folder for one report per row; with --combined a file (or '-' for standard output, the default)");
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "md or html (default: from the template's or the output file's name, else md)",
            [("md", ReportFormat.Markdown), ("html", ReportFormat.Html)]);
        var template = CliOptions.Text("--template", "-t", "NAME|PATH", "a template of the instrument's plugin, 'default', or a .scriban file");
        var combined = CliOptions.Switch("--combined", "-c", "one report of all rows instead of one per row");
        var inputFormat = InputFiles.InputFormatOption();
        var quiet = CliOptions.Switch("--quiet", "-q", "no summary on stderr");
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(instrument);
        foreach (var option in new Option[] { input, output, format, template, combined, inputFormat, quiet, plugins })
        {
            command.Options.Add(option);
        }

        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(
            new ReportSettings(r.GetValue(instrument)!, r.GetValue(input), r.GetValue(output), r.GetValue(format), r.GetValue(template), r.GetValue(combined),
                r.GetValue(inputFormat), r.GetValue(quiet), CliOptions.PluginFolders(r, plugins, context)),
            context));
        return command;
    }

    public static int Run(ReportSettings args, CliContext context)
    {
        var stderr = context.Error;
        var input = args.Input ?? throw new CliException("'report' needs --input FILE (use '-' for standard input)", showUsage: true);
        var output = args.Output;
        var quiet = args.Quiet;
        var combined = args.Combined || output is null or "-";
        var templateOption = args.Template;
        var format = args.Format
                     ?? (templateOption is not null && TemplateCatalog.LooksLikePath(templateOption) ? ReportFormats.FromTemplateFileName(templateOption) : null)
                     ?? (combined && output is not null && output != "-" ? ReportFormats.Parse(Path.GetExtension(output).TrimStart('.')) : null)
                     ?? ReportFormat.Markdown;

        var entry = InstrumentCatalog.Resolve(args.Instrument, args.Plugins, stderr);
        var definition = entry.Definition;
        var renderer = new ReportRenderer(null, context.Time);
        var template = TemplateCatalog.Resolve(renderer, definition.Id, entry.SourcePath, templateOption, format, entry.Templates);
        foreach (var d in template.Diagnostics)
        {
            stderr.WriteLine(d.ToString());
        }

        if (template.HasErrors)
        {
            throw new CliException($"template '{template.Path}' has errors; no report was written");
        }

        var inputFormat = InputFiles.Format(input, args.InputFormat);
        string? folder = null;
        if (!combined)
        {
            folder = PrepareFolder(output!);
        }
        else if (output is not null && output != "-" && Directory.Exists(output))
        {
            output = Path.Combine(output, definition.Id + "-report." + format.Extension());
        }

        if (combined && output is not null)
        {
            InputFiles.RefuseToOverwrite(input, output);
        }

        using var inputStream = InputFiles.Open(input, context);
        var cancel = context.Cancellation;
        try
        {
            var plan = entry.Plan; // with the plugins' functions and response checks
            var counts = new int[3];
            var responses = new List<ReportResponse>();
            var written = 0;
            using (var reader = InputFiles.OpenReader(inputFormat, inputStream, plan, stderr))
            {
                var row = new ResponseRow(plan);
                var result = plan.CreateResult();
                var rowNumber = 0;
                while (reader.Read(row))
                {
                    cancel.ThrowIfCancellationRequested();
                    rowNumber = checked(rowNumber + 1);
                    row.Score(plan, result);

                    counts[(int)result.Status]++;
                    var response = ReportResponse.Create(result, rowNumber, row.Values, row.Fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)), row.Line);
                    if (combined)
                    {
                        responses.Add(response);
                        continue;
                    }

                    var text = Render(renderer, template, ReportModel.Create(plan, [response], combined: false), stderr, $"row {rowNumber}", cancel);
                    var path = Path.Combine(folder!, FileName(rowNumber, response.RespondentId, format));
                    InputFiles.RefuseToOverwrite(input, path); // a per-row name can collide with the input's
                    Write(path, text, context);
                    written++;
                }
            }

            if (counts.Sum() == 0)
            {
                throw new CliException($"input '{input}' has no rows; no report was written");
            }

            if (combined)
            {
                var text = Render(renderer, template, ReportModel.Create(plan, responses, combined: true), stderr, "the combined report", cancel);
                Write(output ?? "-", text, context);
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

    private static void Write(string path, string text, CliContext context)
    {
        using var target = OutputTarget.Open(path, context);
        using (var writer = new StreamWriter(target.Stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            writer.Write(text);
        }

        target.Commit();
    }

    /// <summary>The per-row output folder: created when missing (its parent must exist); an existing file is an error.</summary>
    internal static string PrepareFolder(string output)
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

/// <summary>The arguments of <c>instruments report</c>.</summary>
internal sealed record ReportSettings(
    string Instrument,
    string? Input,
    string? Output,
    ReportFormat? Format,
    string? Template,
    bool Combined,
    DataFormat? InputFormat,
    bool Quiet,
    IReadOnlyList<string> Plugins);
