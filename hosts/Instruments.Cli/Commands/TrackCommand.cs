using System.CommandLine;
using System.Globalization;
using Instruments.Cli.Scoring;
using Instruments.Data;
using Instruments.Reports;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments track &lt;instrument&gt; --input FILE|-</c>: every client's course across administrations (first,
/// last, change, caseness, reliable change, clinical significance, sudden gains, ruptures and repairs), one row per client or, with
/// <c>--occasions</c>, per administration. A shell over <see cref="TrackingPipeline"/>.
/// </summary>
internal static class TrackCommand
{
    private const string Details = """
        <instrument> is the id of a loaded instrument (see 'instruments list') or the path of a .yaml file; its
        scores' change rules (direction, caseness, reliable change, clinical significance, sudden gains) are applied.
        A protocol (id or file) tracks each of its instruments from the same rows and adds its outcomes per client;
        one with an alliance_outcome block (such as alliance-and-symptoms) adds each client's early alliance and
        symptom change, and their correlation across clients (JSON/NDJSON: "summary"; CSV: one line on stderr).

        Input: CSV, JSON or NDJSON as for 'score', one row per administration, in any order, clients interleaved.
        Each row names its client (--client, default client_id) and its occasion (--occasion, default session): a
        number or an ISO date yyyy-MM-dd, the same kind throughout the file. Each client's administrations are
        ordered by occasion; invalid ones, scores beyond their missing rule, two rows at one occasion, bad occasions
        and empty client ids are diagnostics naming the input line (RSP2030-RSP2034; see docs/change.md).

        Output: one row per client (first, last, change, case_first, case_last, recovered, reliable_change,
        category, sudden_gains, sudden_losses per score; for scores with rupture rules, such as the WAI-SR's,
        the early-alliance slope and per rule the ruptures, repaired, unrepaired and V shape; and diagnostics),
        or with --occasions one row per administration (value, change from the previous and from the first,
        events such as rupture:<rule> and repair:<rule>). Written atomically as for 'score'.

        Reports: --report md|html --output DIR writes one course-of-care report per client into DIR (created when
        missing) instead of the table: a chart per score (HTML), the table of administrations and every rule used
        with its sources. Files are named <client>.<md|html> (only letters, digits, '.', '-' and '_' of the id;
        a clash gets -2, -3, ...), each written atomically. --template is a .scriban file, 'default' (the
        built-in course template) or a template of the instrument's plugin; template errors are TPL diagnostics
        (see docs/templates.md, docs/change.md).

        Memory: a file grouped by client is streamed one client at a time (read once when the output is a file;
        with standard output or --report, after a cheap pre-scan): memory grows with the number of clients.
        Otherwise (interleaved, or standard input) every administration is held compactly until the end (about 48
        bytes + 8 per score each).

        exit codes: 0 every administration used, 1 output written but some rows not used (diagnostics),
                    2 nothing written (usage error, unknown instrument, definition errors, unreadable input,
                    no client or occasion column, template errors), 128 + signal interrupted, no output file (130 Ctrl+C,
                    143 SIGTERM, 129 SIGHUP), 141 standard output closed early
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("track", "Follow each client's scores across administrations: change, recovery, sudden gains.", "<instrument>", Details);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var input = InputFiles.InputOption();
        var client = CliOptions.Text("--client", null, "COL", "column (or JSON key) of the client id (default: client_id)");
        var occasion = CliOptions.Text("--occasion", null, "COL", "column (or JSON key) of the occasion: a number or yyyy-MM-dd (default: session)");
        var output = CliOptions.Text("--output", "-o", "FILE", "output file (written atomically), or '-' for standard output (default)");
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "output format: csv, json or ndjson (default: from the output extension, else csv)", InputFiles.TextFormats);
        var occasions = CliOptions.Switch("--occasions", null, "one row per administration (value, changes, events) instead of per client");
        var report = CliOptions.Choice("--report", null, "FORMAT", "one course-of-care report per client into the --output folder: md (markdown) or html",
            [("md", ReportFormat.Markdown), ("markdown", ReportFormat.Markdown), ("html", ReportFormat.Html)]);
        var template = CliOptions.Text("--template", "-t", "NAME|PATH", "with --report: a .scriban file, 'default', or a template of the instrument's plugin");
        var suddenGains = CliOptions.Text("--sudden-gains", null, "RULE|POINTS",
            "find sudden gains and losses (Tang & DeRubeis 1999) with this cut-off: a reliable-change rule's threshold, or a number of points");
        var inputFormat = InputFiles.InputFormatOption();
        var quiet = CliOptions.Switch("--quiet", "-q", "no progress or summary on stderr");
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(instrument);
        command.Options.Add(input);
        command.Options.Add(client);
        command.Options.Add(occasion);
        command.Options.Add(output);
        command.Options.Add(format);
        command.Options.Add(occasions);
        command.Options.Add(report);
        command.Options.Add(template);
        command.Options.Add(suddenGains);
        command.Options.Add(inputFormat);
        command.Options.Add(quiet);
        command.Options.Add(plugins);
        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(
            new TrackSettings(r.GetValue(instrument)!, r.GetValue(input), r.GetValue(client) ?? "client_id", r.GetValue(occasion) ?? "session",
                r.GetValue(output) ?? "-", r.GetValue(format), r.GetValue(occasions), r.GetValue(inputFormat), r.GetValue(quiet),
                CliOptions.PluginFolders(r, plugins, context))
            {
                Report = r.GetValue(report),
                Template = r.GetValue(template),
                SuddenGains = r.GetValue(suddenGains),
            },
            context));
        return command;
    }

    public static int Run(TrackSettings args, CliContext context)
    {
        var stderr = context.Error;
        var input = args.Input ?? throw new CliException("'track' needs --input FILE (use '-' for standard input)", showUsage: true);
        var output = args.Output;
        if (args.Client.Length == 0 || args.Occasion.Length == 0)
        {
            throw new CliException("--client and --occasion need a column name", showUsage: true);
        }

        if (args.Report is { } reportFormat)
        {
            return RunReports(args, reportFormat, context);
        }

        if (args.Template is not null)
        {
            throw new CliException("--template needs --report md|html", showUsage: true);
        }

        InputFiles.RefuseToOverwrite(input, output);
        var inputFormat = InputFiles.Format(input, args.InputFormat);
        var outputFormat = InputFiles.TextOutput(args.Format ?? (output == "-" ? null : DataFormats.FromExtension(output)) ?? DataFormat.Csv, "track");
        TrackingPipeline.PrepareInBackground(inputFormat, outputFormat);
        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(args.Instrument, args.Plugins, stderr);
        (plan, protocol) = SuddenGainOption.Apply(args.SuddenGains, plan, protocol, stderr);
        var inputStream = InputFiles.Open(input, context);
        try
        {
            var options = new TrackingOptions
            {
                ClientColumn = args.Client,
                OccasionColumn = args.Occasion,
                Occasions = args.Occasions,
                Warnings = InputFiles.Warn(stderr),
            };
            var pipeline = protocol is not null
                ? new TrackingPipeline(protocol, inputStream, inputFormat, options)
                : new TrackingPipeline(plan!, inputStream, inputFormat, options);
            return OutputTarget.Write(output, context, stream => pipeline.Run(outputFormat, stream, context.Cancellation), counts =>
            {
                // JSON and NDJSON carry the summary across clients; a CSV table has no place for it, so it is said here,
                // --quiet or not (it is a result, not progress).
                if (outputFormat == DataFormat.Csv && protocol?.AllianceOutcome is { } pairing && counts.AllianceOutcome is { } summary)
                {
                    stderr.WriteLine(AllianceOutcomeLine(pairing, summary));
                }

                if (!args.Quiet)
                {
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"instruments: tracked {counts.Clients:N0} clients from {counts.Rows:N0} rows ({counts.Administrations:N0} administrations; {counts.Problems:N0} not used in full)"));
                }

                return counts.Problems > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
            });
        }
        finally
        {
            inputStream.Dispose();
        }
    }

    /// <summary>The alliance-and-outcome summary as one plain line (docs/alliance.md, "Alliance and outcome").</summary>
    internal static string AllianceOutcomeLine(Instruments.Course.AllianceOutcomePairing pairing, Instruments.Course.AllianceOutcomeSummary summary)
    {
        static string Name(Instruments.Course.ProtocolMember m) => $"'{m.Id}' ({m.Plan.Definition.Id} {m.Score.Id})";
        var r = summary.NotComputed is { } why ? "r not computed: " + why : string.Create(CultureInfo.InvariantCulture, $"r = {summary.R:0.00}");
        return string.Create(CultureInfo.InvariantCulture,
            $"instruments: alliance and outcome: the early alliance (mean of {Name(pairing.Alliance)} over the first {pairing.EarlySessions} sessions) against the change in {Name(pairing.Outcome)}: {r}, n = {summary.Count} clients. {Instruments.Course.AllianceOutcomeSummary.Caution}");
    }

    /// <summary><c>--report</c>: the tracking pipeline hands each client to <see cref="CourseReports"/>; no table is written.</summary>
    private static int RunReports(TrackSettings args, ReportFormat format, CliContext context)
    {
        var stderr = context.Error;
        var input = args.Input!;
        if (args.Output is "-" or "")
        {
            throw new CliException("--report needs --output DIR: the folder for one report per client", showUsage: true);
        }

        if (args.Occasions || args.Format is not null)
        {
            throw new CliException("--report writes reports, not the table: leave out --occasions and --format", showUsage: true);
        }

        var inputFormat = InputFiles.Format(input, args.InputFormat);
        CatalogEntry entry;
        try
        {
            entry = InstrumentCatalog.Resolve(args.Instrument, args.Plugins, stderr);
        }
        catch (CliException) when (InstrumentCatalog.ResolveForScoring(args.Instrument, args.Plugins, TextWriter.Null).Protocol is { } protocol)
        {
            // Only when the name is not an instrument is the library asked again, for a clearer message than "unknown instrument".
            throw new CliException(
                $"--report follows one instrument's course, and '{args.Instrument}' is a protocol: run 'track <instrument> --report' for each of its instruments ("
                + string.Join(", ", protocol.Instruments.Select(i => i.Definition.Id)) + ")", showUsage: true);
        }

        var plan = SuddenGainOption.Apply(args.SuddenGains, entry.Plan, null, stderr).Plan!;
        var renderer = new ReportRenderer(null, context.Time);
        var template = CourseReports.ResolveTemplate(renderer, entry, args.Template, format, stderr);
        var folder = ReportCommand.PrepareFolder(args.Output);
        var reports = new CourseReports(plan, renderer, template, format, folder, input, context);
        using var inputStream = InputFiles.Open(input, context);
        try
        {
            var pipeline = new TrackingPipeline(plan, inputStream, inputFormat, new TrackingOptions
            {
                ClientColumn = args.Client,
                OccasionColumn = args.Occasion,
                Warnings = InputFiles.Warn(stderr),
                OnClient = reports.Write,
            });
            TrackingCounts counts;
            try
            {
                counts = pipeline.Run(DataFormat.Csv, Stream.Null, context.Cancellation);
            }
            catch (ResponseFileException e)
            {
                throw new CliException(e.Message);
            }

            if (!args.Quiet)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"instruments: {reports.Written:N0} {(reports.Written == 1 ? "report" : "reports")} ({template.Path}) to {folder}: tracked {counts.Clients:N0} clients from {counts.Rows:N0} rows ({counts.Administrations:N0} administrations; {counts.Problems:N0} not used in full)"));
            }

            return counts.Problems > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine();
            throw new CliException("interrupted; the report being written was not kept", ExitCodes.Interrupted);
        }
    }
}

/// <summary>The arguments of <c>instruments track</c>.</summary>
/// <param name="Instrument">Instrument id or .yaml path.</param>
/// <param name="Input">Input file or <c>-</c>; null when not given (a usage error).</param>
/// <param name="Client">The client id column.</param>
/// <param name="Occasion">The occasion column.</param>
/// <param name="Output">Output file or <c>-</c>.</param>
/// <param name="Format">Output format, or null for the output file's extension (else CSV).</param>
/// <param name="Occasions">One row per administration.</param>
/// <param name="InputFormat">Input format, or null for the input file's extension (standard input: CSV).</param>
/// <param name="Quiet">No summary.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record TrackSettings(string Instrument, string? Input, string Client, string Occasion, string Output, DataFormat? Format,
    bool Occasions, DataFormat? InputFormat, bool Quiet, IReadOnlyList<string> Plugins)
{
    /// <summary>With a format: one course-of-care report per client into the <see cref="Output"/> folder, instead of the table.</summary>
    public ReportFormat? Report { get; init; }

    /// <summary>The course template (<c>--template</c>): a file, <c>default</c>, or a template of the plugin; null for the built-in one.</summary>
    public string? Template { get; init; }

    /// <summary><c>--sudden-gains</c>: a reliable-change rule id or a number of points, the sudden-gain cut-off the user states.</summary>
    public string? SuddenGains { get; init; }
}
