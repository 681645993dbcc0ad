using System.CommandLine;
using System.Globalization;
using System.Text;
using Instruments.Alliance;
using Instruments.Cli.Scoring;
using Instruments.Data;
using Instruments.Hosting;
using Instruments.Reports;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments agree &lt;instrument&gt; --input FILE --counterpart-input FILE</c>: client and therapist agreement over
/// the administrations of a paired measure. A shell over <see cref="InstrumentPairing.Resolve"/> and <see cref="AgreementPipeline"/>.
/// </summary>
internal static class AgreeCommand
{
    private const string Details = """
        <instrument> is the id of a loaded instrument that is one form of a paired measure: its definition, or its
        counterpart's, declares 'counterpart:' (docs/yaml-format.md), which names the other form and the scores that
        correspond; 'respondent' says which form is the client's and which the therapist's. No option pairs scores.
        A counterpart that is not loaded, or a pairing error, is a diagnostic (INS1133-INS1139) and exit 2.

        Input: --input holds the administrations of <instrument>, --counterpart-input those of its counterpart (CSV,
        JSON or NDJSON as for 'score'; '-' is standard input, for one of them). Or one file: when <instrument> is a
        protocol (id or file) whose instruments include both forms, --input alone holds rows with both forms' items. Each row names its client (--client,
        default client_id) and its occasion (--occasion, default session: a number or yyyy-MM-dd, one kind per
        file); with --therapist COL also its therapist. Administrations are paired by client and occasion (and
        therapist). Every row is mentioned once: in a pair, as unpaired (no usable partner at its occasion,
        RSP2042), or as unusable (unreadable, no client, therapist or usable occasion, invalid or a paired score not
        computed, or several at one occasion: RSP2010, RSP2033, RSP2034, RSP2040, RSP2041, RSP2043). The pairs
        table has a row for each, with its line and reason, and JSON lists them; with --summary (or --report) each
        is a warning on stderr instead, naming its file and line.

        Output: per pair both values and the difference, client minus therapist (and, with --discrepancy POINTS, a
        flag when |difference| >= POINTS; no published threshold exists, so there is no default); per dyad the
        mean difference and its SD; across dyads (over dyad means, and over all pairs) Pearson r, ICC(A,1) and
        Bland-Altman 95% limits of agreement, each with n (docs/alliance.md). JSON holds everything; CSV and NDJSON
        hold the pairs table, or with --summary the dyads and the across-dyad figures. Written atomically as for
        'score'.

        Reports: --report md|html --output DIR writes one report per dyad into DIR (created when missing; named
        after the client id, and the therapist id with --therapist, sanitised; clashes get -2, -3) and a service
        summary, service.md|html: per paired score the client's and the therapist's values across sessions (a chart
        in HTML), rupture and repair markers from each form's rupture rules, the agreement table; the summary holds
        the counts, the across-dyad figures and ruptures per 100 sessions (docs/alliance.md, "Reports"). No table is
        written then. Each file is written atomically.

        Memory: flat when both files are grouped by dyad (each client's rows together, or each client and therapist's
        with --therapist) and the dyads both files have come in the same order, the output is a CSV or NDJSON table and
        both inputs are files: a first reading of the id columns checks that, then both files are scored at once and
        written dyad by dyad. Otherwise both files' usable administrations are held until the end (about 40 bytes + 8
        per paired score each). The output is the same either way (docs/alliance.md, "Memory").

        exit codes: 0 every administration paired, 1 output written but some rows unpaired or not usable,
                    2 nothing written (usage error, unknown instrument, no or broken pairing, unreadable input, a
                    missing column), 128 + signal interrupted, no output file (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP),
                    141 standard output closed early
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("agree", "Client and therapist agreement over a paired measure: differences, ICC, limits of agreement.", "<instrument>", Details);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var input = CliOptions.Text("--input", "-i", "FILE", "administrations of <instrument>, or '-' for standard input (required)");
        var counterpartInput = CliOptions.Text("--counterpart-input", null, "FILE", "administrations of its counterpart form (required unless <instrument> is a protocol)");
        var client = CliOptions.Text("--client", null, "COL", "column (or JSON key) of the client id (default: client_id)");
        var occasion = CliOptions.Text("--occasion", null, "COL", "column (or JSON key) of the occasion: a number or yyyy-MM-dd (default: session)");
        var therapist = CliOptions.Text("--therapist", null, "COL", "column (or JSON key) of the therapist id: pair by therapist too (default: none)");
        var discrepancy = CliOptions.Text("--discrepancy", null, "POINTS", "flag pairs whose |client - therapist| is at least POINTS (default: no flag)");
        var summary = CliOptions.Switch("--summary", null, "CSV/NDJSON: the dyads and the across-dyad figures instead of the pairs table");
        var output = CliOptions.Text("--output", "-o", "FILE", "output file (written atomically), or '-' for standard output (default)");
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "output format: csv, json or ndjson (default: from the output extension, else csv)", InputFiles.TextFormats);
        var inputFormat = InputFiles.InputFormatOption();
        var quiet = CliOptions.Switch("--quiet", "-q", "no summary on stderr");
        var report = CliOptions.Choice("--report", null, "FORMAT", "one report per dyad and a service summary into the --output folder: md (markdown) or html",
            [("md", ReportFormat.Markdown), ("markdown", ReportFormat.Markdown), ("html", ReportFormat.Html)]);
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(instrument);
        foreach (var o in new Option[] { input, counterpartInput, client, occasion, therapist, discrepancy, summary, output, format, inputFormat, quiet, report, plugins })
        {
            command.Options.Add(o);
        }

        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(
            new AgreeSettings(r.GetValue(instrument)!, r.GetValue(input), r.GetValue(counterpartInput), r.GetValue(client) ?? "client_id",
                r.GetValue(occasion) ?? "session", r.GetValue(therapist), r.GetValue(discrepancy), r.GetValue(summary), r.GetValue(output) ?? "-",
                r.GetValue(format), r.GetValue(inputFormat), r.GetValue(quiet), CliOptions.PluginFolders(r, plugins, context))
            {
                Report = r.GetValue(report),
            },
            context));
        return command;
    }

    public static int Run(AgreeSettings args, CliContext context)
    {
        var stderr = context.Error;
        var input = args.Input ?? throw new CliException("'agree' needs --input FILE (the administrations of the instrument named)", showUsage: true);
        if (args.Client.Length == 0 || args.Occasion.Length == 0 || args.Therapist is { Length: 0 })
        {
            throw new CliException("--client, --occasion and --therapist need a column name", showUsage: true);
        }

        if (input == "-" && args.CounterpartInput == "-")
        {
            throw new CliException("only one of --input and --counterpart-input can be standard input ('-')", showUsage: true);
        }

        double? threshold = null;
        if (args.Discrepancy is { } text)
        {
            threshold = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v > 0
                ? v
                : throw new CliException($"--discrepancy must be a positive number of points, not '{text}'", showUsage: true);
        }

        if (args.Report is not null)
        {
            if (args.Output is "-" or "")
            {
                throw new CliException("--report needs --output DIR: the folder for one report per dyad and the service summary", showUsage: true);
            }

            if (args.Format is not null || args.Summary)
            {
                throw new CliException("--report writes reports, not the table: leave out --format and --summary", showUsage: true);
            }
        }

        if (InstrumentCatalog.LooksLikePath(args.Instrument) && !InstrumentLibrary.IsProtocolFile(args.Instrument))
        {
            throw new CliException("'agree' needs the id of a loaded instrument (both forms must be loaded to pair them) or a protocol holding both: add their folder with --plugins", showUsage: true);
        }

        // The hot loops are jitted on the other core while the forms compile.
        AgreementPipeline.PrepareInBackground(InputFiles.Format(input, args.InputFormat));
        if (args.CounterpartInput is null)
        {
            return RunOneFile(args, input, threshold, context);
        }

        var counterpartInput = args.CounterpartInput;
        InputFiles.RefuseToOverwrite(input, args.Output);
        InputFiles.RefuseToOverwrite(counterpartInput, args.Output);
        var catalog = InstrumentCatalog.LoadFor(args.Instrument, args.Plugins);
        if (catalog.Library.FindProtocol(args.Instrument) is not null || InstrumentCatalog.LooksLikePath(args.Instrument))
        {
            throw new CliException($"'{args.Instrument}' is a protocol: its rows hold both forms, so leave out --counterpart-input", showUsage: true);
        }

        var entry = catalog.Get(args.Instrument);
        var resolution = InstrumentPairing.Resolve(entry.Plan, catalog.Host.Instruments.Select(i => i.Plan));
        foreach (var d in resolution.Diagnostics)
        {
            stderr.WriteLine(TerminalText.Escape(d.ToString()));
        }

        var pairing = resolution.Pairing ?? throw new CliException($"'{entry.Definition.Id}' cannot be paired with a counterpart; nothing was written");
        var named = pairing.Client.Definition.Id == entry.Definition.Id ? 0 : 1;
        var files = named == 0 ? (Client: input, Therapist: counterpartInput) : (Client: counterpartInput, Therapist: input);
        var clientStream = InputFiles.Open(files.Client, context);
        Stream? therapistStream = null;
        try
        {
            therapistStream = InputFiles.Open(files.Therapist, context);
            var warnings = new BlockWarnings(stderr);
            var reports = Reports(args, pairing, threshold, [files.Client, files.Therapist], context);
            var options = Options(args, threshold, files.Client, files.Therapist, warnings, reports);
            var pipeline = new AgreementPipeline(pairing, clientStream, InputFiles.Format(files.Client, args.InputFormat),
                therapistStream, InputFiles.Format(files.Therapist, args.InputFormat), options);
            return Write(args, pipeline, pairing, warnings, reports, context);
        }
        finally
        {
            clientStream.Dispose();
            therapistStream?.Dispose();
        }
    }

    /// <summary>The one-file variant: a protocol whose instruments include both forms of a pairing, read from the same rows.</summary>
    private static int RunOneFile(AgreeSettings args, string input, double? threshold, CliContext context)
    {
        var stderr = context.Error;
        InputFiles.RefuseToOverwrite(input, args.Output);
        var (_, protocol) = InstrumentCatalog.ResolveForScoring(args.Instrument, args.Plugins, stderr);
        if (protocol is null)
        {
            throw new CliException("'agree' needs --counterpart-input FILE (the administrations of its counterpart form), unless <instrument> is a protocol holding both forms", showUsage: true);
        }

        PairingResolution? first = null;
        InstrumentPairing? pairing = null;
        foreach (var form in protocol.Instruments)
        {
            var resolution = InstrumentPairing.Resolve(form, protocol.Instruments);
            first ??= resolution;
            if (resolution.Pairing is { } found)
            {
                pairing = found;
                break;
            }
        }

        if (pairing is null)
        {
            foreach (var d in first?.Diagnostics ?? [])
            {
                stderr.WriteLine(TerminalText.Escape(d.ToString()));
            }

            throw new CliException($"protocol '{protocol.Definition.Id}' holds no client form and therapist form that pair; nothing was written");
        }

        var reports = Reports(args, pairing, threshold, [input], context);
        var stream = InputFiles.Open(input, context);
        var warnings = new BlockWarnings(stderr);
        var pipeline = new AgreementPipeline(pairing, protocol, stream, InputFiles.Format(input, args.InputFormat), Options(args, threshold, input, input, warnings, reports));
        return Write(args, pipeline, pairing, warnings, reports, context);
    }

    private static DyadReports? Reports(AgreeSettings args, InstrumentPairing pairing, double? threshold, IReadOnlyList<string> inputs, CliContext context) =>
        args.Report is { } format ? new DyadReports(pairing, threshold, format, ReportCommand.PrepareFolder(args.Output), inputs, context) : null;

    private static AgreementOptions Options(AgreeSettings args, double? threshold, string clientName, string therapistName, BlockWarnings warnings,
        DyadReports? reports) => new()
    {
        ClientColumn = args.Client,
        OccasionColumn = args.Occasion,
        TherapistColumn = args.Therapist,
        Discrepancy = threshold,
        Summary = args.Summary,
        ClientInputName = clientName,
        TherapistInputName = therapistName,
        Warnings = warnings.Add,
        OnDyad = reports is null ? null : reports.Write,
    };

    // Runs the pipeline (which disposes its inputs) into the output, atomically; or, with --report, into the reports.
    private static int Write(AgreeSettings args, AgreementPipeline pipeline, InstrumentPairing pairing, BlockWarnings warnings, DyadReports? reports, CliContext context)
    {
        var stderr = context.Error;
        if (reports is not null)
        {
            return WriteReports(args, pipeline, pairing, reports, warnings, context);
        }

        var outputFormat = InputFiles.TextOutput(args.Format ?? (args.Output == "-" ? null : DataFormats.FromExtension(args.Output)) ?? DataFormat.Csv, "agree");
        return OutputTarget.Write(args.Output, context, stream =>
        {
            try
            {
                return pipeline.Run(outputFormat, stream, context.Cancellation);
            }
            finally
            {
                warnings.Flush();
            }
        }, counts =>
        {
            if (!args.Quiet)
            {
                // The pairs table and JSON mention each row that is not paired (no warning row by row then).
                var listed = counts.Unpaired + counts.Unusable > 0 && (outputFormat == DataFormat.Json || !args.Summary) ? ", listed in the output" : string.Empty;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"instruments: {counts.Pairs:N0} pairs in {counts.Dyads:N0} dyads from {counts.Rows:N0} rows ({pairing.Client.Definition.Id} with {pairing.Therapist.Definition.Id}; {counts.Unpaired:N0} unpaired, {counts.Unusable:N0} not usable{listed})"));
            }

            return counts.Unpaired + counts.Unusable > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
        });
    }

    // --report: the pipeline hands each dyad to the reports (no table is written), then the service summary is written.
    private static int WriteReports(AgreeSettings args, AgreementPipeline pipeline, InstrumentPairing pairing, DyadReports reports, BlockWarnings warnings,
        CliContext context)
    {
        var stderr = context.Error;
        try
        {
            AgreementCounts counts;
            try
            {
                counts = pipeline.Run(DataFormat.Json, Stream.Null, context.Cancellation);
            }
            catch (ResponseFileException e)
            {
                warnings.Flush();
                throw new CliException(e.Message);
            }

            warnings.Flush();

            reports.WriteSummary(counts.Unusable);
            if (!args.Quiet)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"instruments: {reports.Written:N0} reports to {args.Output}: {counts.Pairs:N0} pairs in {counts.Dyads:N0} dyads from {counts.Rows:N0} rows ({pairing.Client.Definition.Id} with {pairing.Therapist.Definition.Id}; {counts.Unpaired:N0} unpaired, {counts.Unusable:N0} not usable)"));
            }

            return counts.Unpaired + counts.Unusable > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine();
            throw new CliException("interrupted; the report being written was not kept", ExitCodes.Interrupted);
        }
    }
}

/// <summary>
/// The per-row warnings of an agreement run for standard error (<c>instruments: warning: ...</c>, as
/// <see cref="InputFiles.Warn"/> writes them), written in blocks: a run can warn about most rows (every unpaired or
/// unusable administration), and standard error writes each call at once. Flushed when the run ends, before its summary
/// line or error.
/// </summary>
internal sealed class BlockWarnings(TextWriter stderr)
{
    private const int BlockLength = 1 << 15;
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    /// <summary>Adds one warning (from any thread).</summary>
    public void Add(string message)
    {
        lock (_lock)
        {
            _text.Append(InputFiles.WarningLine(message)).Append(stderr.NewLine);
            if (_text.Length >= BlockLength)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Writes what is held.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_text.Length > 0)
        {
            stderr.Write(_text.ToString());
            _text.Clear();
        }
    }
}

/// <summary>The arguments of <c>instruments agree</c>.</summary>
/// <remarks>With <see cref="Report"/>, <see cref="Output"/> is the reports' folder.</remarks>
/// <param name="Instrument">Instrument id (one form of a paired measure).</param>
/// <param name="Input">The named form's administrations, or <c>-</c>; null when not given (a usage error).</param>
/// <param name="CounterpartInput">The counterpart form's administrations, or <c>-</c>; null when not given.</param>
/// <param name="Client">The client id column.</param>
/// <param name="Occasion">The occasion column.</param>
/// <param name="Therapist">The therapist id column, or null.</param>
/// <param name="Discrepancy">The discrepancy threshold as given, or null.</param>
/// <param name="Summary">Dyads and summary instead of the pairs table (CSV, NDJSON).</param>
/// <param name="Output">Output file or <c>-</c>.</param>
/// <param name="Format">Output format, or null for the output file's extension (else CSV).</param>
/// <param name="InputFormat">Input format, or null for each input file's extension (standard input: CSV).</param>
/// <param name="Quiet">No summary.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record AgreeSettings(string Instrument, string? Input, string? CounterpartInput, string Client, string Occasion, string? Therapist,
    string? Discrepancy, bool Summary, string Output, DataFormat? Format, DataFormat? InputFormat, bool Quiet, IReadOnlyList<string> Plugins)
{
    /// <summary>With a format: one report per dyad and a service summary into the <see cref="Output"/> folder, instead of the table.</summary>
    public ReportFormat? Report { get; init; }
}
