using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Instruments.Cli.Scoring;
using Instruments.Data;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments score &lt;instrument&gt; --input FILE|-</c>: scores every row of a CSV, JSON, NDJSON or Parquet input, streaming.</summary>
internal static class ScoreCommand
{
    private const string Details = """
        <instrument> is the id of a loaded instrument or protocol (see 'instruments list') or the path of a .yaml
        file. A protocol scores every row with each of its instruments: CSV columns are prefixed by the instrument id
        (phq-9.status, phq-9.total, ...) after an overall status (the worst of the instruments'); JSON and NDJSON nest
        one object per instrument under "instruments".

        Inputs: CSV with a header row (columns named by item id; other columns are passed through), a JSON
        array of objects, NDJSON (one object per line), or a Parquet file (read row group by row group; a cell
        means what its text would mean in CSV, a null is not answered). Every input row gives exactly one output
        row, in order; a row that cannot be read is reported as invalid (RSP2010) and the others are still scored.
        Parquet output (--format parquet or --output FILE.parquet) has the CSV output's columns, typed (a
        protocol's too); it needs a file (not standard output).

        --map FILE reads input columns under other names, e.g. a REDCap raw-data export whose fields are not the
        item ids: a CSV file with the header 'redcap_field,item_id' and one 'column,item' line per mapped column
        (JSON and NDJSON keys too). Mapped columns are read as their items; other columns as before. A map entry naming
        an item the instrument does not have is an error before anything is read; one naming a column the CSV header
        lacks is a warning (see docs/interop.md).

        FHIR (docs/interop.md): --input-format fhir reads QuestionnaireResponses (a Bundle, one resource, or
        NDJSON); each gives one row, with its 'response', 'subject' and 'authored' passed through. --format fhir writes
        a Bundle of Observations (one per score), --format fhir-ndjson one Observation per line; from CSV or JSON
        input, columns named 'response', 'subject' and 'authored' fill derivedFrom, subject and effective.

        Output: --output FILE is written to a temporary file and renamed over FILE when complete, keeping an older
        FILE's permissions; devices and FIFOs (/dev/null, a named pipe) are written in place. An output that is the
        input file (same path, hard link or symlink) is refused before anything is read.

        exit codes: 0 every row scored without error, 1 output written but some rows invalid,
                    2 nothing scored (usage error, unknown instrument, definition errors, unreadable input,
                    output is the input file), 128 + signal interrupted, no output file (130 Ctrl+C, 143 SIGTERM,
                    129 SIGHUP), 141 standard output closed early (e.g. '| head'): scoring stopped
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("score", "Score every response (row) of an input file with one instrument or protocol.", "<instrument>", Details);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var input = InputFiles.InputOption();
        var output = CliOptions.Text("--output", "-o", "FILE", "output file (written atomically), or '-' for standard output (default)");
        var format = CliOptions.Choice("--format", "-f", "FORMAT",
            "output format: csv, json, ndjson, parquet (a file only), fhir (a Bundle of Observations) or fhir-ndjson (default: from the output extension, else csv)", ScoreFormats.Output);
        var inputFormat = CliOptions.Choice("--input-format", null, "FORMAT",
            "input format: csv, json, ndjson, parquet (a file only) or fhir (QuestionnaireResponses: a Bundle, one resource or NDJSON) (default: from the input extension; csv for stdin)", ScoreFormats.Input);
        var questionnaire = CliOptions.Text("--questionnaire", null, "FILE", "with --input-format fhir: the Questionnaire the responses answer (maps each linkId to its item by question code)");
        var quiet = CliOptions.Switch("--quiet", "-q", "no progress or summary on stderr");
        var map = CliOptions.Text("--map", null, "FILE", "read input columns as items through a column map (CSV 'redcap_field,item_id')");
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(instrument);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(format);
        command.Options.Add(inputFormat);
        command.Options.Add(questionnaire);
        command.Options.Add(quiet);
        command.Options.Add(map);
        command.Options.Add(plugins);
        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(
            new ScoreSettings(r.GetValue(instrument)!, r.GetValue(input), r.GetValue(output) ?? "-", r.GetValue(format)?.Data, r.GetValue(inputFormat)?.Data, r.GetValue(quiet),
                CliOptions.PluginFolders(r, plugins, context))
            {
                FhirOutput = r.GetValue(format)?.Fhir, FhirInput = r.GetValue(inputFormat)?.Fhir == true, Questionnaire = r.GetValue(questionnaire), Map = r.GetValue(map),
            },
            context));
        return command;
    }

    public static int Run(ScoreSettings args, CliContext context)
    {
        if (args.FhirInput || args.FhirOutput is not null || args.Questionnaire is not null)
        {
            return FhirScoring.Run(args, context);
        }

        var stderr = context.Error;
        var input = args.Input ?? throw new CliException("'score' needs --input FILE (use '-' for standard input)", showUsage: true);
        var output = args.Output;
        var quiet = args.Quiet;
        InputFiles.RefuseToOverwrite(input, output);
        var inputFormat = InputFiles.Format(input, args.InputFormat);
        var outputFormat = args.Format ?? (output == "-" ? null : DataFormats.FromExtension(output)) ?? DataFormat.Csv;
        RefuseParquetToStandardOutput(outputFormat, output);
        ScoringPipeline.PrepareInBackground(inputFormat, outputFormat);
        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(args.Instrument, args.Plugins, stderr);
        var columnMap = InputFiles.LoadMap(args.Map, protocol?.ReaderPlan ?? plan!);
        var inputStream = InputFiles.Open(input, context);
        try
        {
            return OutputTarget.Write(output, context, stream =>
            {
                using var reader = InputFiles.OpenReader(inputFormat, inputStream, protocol?.ReaderPlan ?? plan!, stderr, columnMap);
                return ScoreAll(plan, protocol, reader, stream, outputFormat, stderr, !quiet && context.ErrorIsTerminal, context.Cancellation);
            }, summary =>
            {
                if (!quiet)
                {
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"instruments: scored {summary.Total:N0} rows: {summary.Complete:N0} complete, {summary.Partial:N0} partial, {summary.Invalid:N0} invalid"));
                }

                return summary.Invalid > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
            });
        }
        finally
        {
            inputStream.Dispose();
        }
    }

    /// <summary>Parquet is binary and its index is written last: it goes to a file, never to standard output.</summary>
    internal static void RefuseParquetToStandardOutput(DataFormat format, string output)
    {
        if (format == DataFormat.Parquet && output == "-")
        {
            throw new CliException("Parquet output is binary: write it to a file with --output FILE.parquet (standard output takes csv, json or ndjson)", showUsage: true);
        }
    }

    private static ScoreCounts ScoreAll(ScoringPlan? plan, ProtocolPlan? protocol, ResponseReader reader, Stream output, DataFormat format, TextWriter stderr, bool showProgress, CancellationToken cancel)
    {
        var pipeline = protocol is null ? new ScoringPipeline(plan!, reader) : new ScoringPipeline(protocol, reader);
        var progress = showProgress ? new Progress(stderr) : null;
        var options = new ScoringPipelineOptions { Warnings = InputFiles.Warn(stderr), Progress = progress is null ? null : progress.Report };
        ScoreCounts counts;
        try
        {
            // Finding the CSV columns of a JSON input reads its first rows, so an input that is not JSON at all fails here.
            var columns = format is DataFormat.Csv or DataFormat.Parquet ? pipeline.DiscoverColumns() : [];
            var resultFormat = protocol is not null ? ResultFormat.Create(format, protocol, columns, positional: reader.Columns is not null)
                : ResultFormat.Create(format, plan!, columns, positional: reader.Columns is not null);
            counts = pipeline.Run(resultFormat, output, options, cancel);
        }
        catch (ResponseFileException e)
        {
            throw new CliException(e.Message);
        }

        progress?.Clear();
        return counts;
    }

    /// <summary>Rows done and rows per second on a terminal, at most four times a second.</summary>
    private sealed class Progress(TextWriter stderr)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _last;
        private bool _shown;

        public void Report(long rows)
        {
            var now = _clock.ElapsedMilliseconds;
            if (now - _last < 250)
            {
                return;
            }

            _last = now;
            _shown = true;
            var rate = rows / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {rows:N0} rows, {rate:N0} rows/s   "));
            stderr.Flush();
        }

        public void Clear()
        {
            if (_shown)
            {
                stderr.Write("\r" + new string(' ', 60) + "\r");
            }
        }
    }
}

/// <summary>
/// Where results go: standard output, or a file written atomically (<see cref="OutputFile"/>: never a truncated file
/// under the requested name).
/// </summary>
internal sealed class OutputTarget : IDisposable
{
    private readonly OutputFile? _file;
    private readonly ClosedPipeGuard? _stdout;

    private OutputTarget(Stream stream, OutputFile? file, ClosedPipeGuard? stdout)
    {
        Stream = stream;
        _file = file;
        _stdout = stdout;
    }

    public Stream Stream { get; }

    /// <summary>True once a write to standard output failed: its reader went away (a closed pipe).</summary>
    public bool OutputClosed => _stdout?.Closed ?? false;

    public static OutputTarget Open(string output, CliContext context)
    {
        if (output == "-")
        {
            var stdout = new ClosedPipeGuard(context.OpenStandardOutput());
            return new OutputTarget(new BufferedStream(stdout, 64 * 1024), null, stdout);
        }

        try
        {
            var file = OutputFile.Create(output);
            return new OutputTarget(file.Stream, file, null);
        }
        catch (IOException e) when (e is DirectoryNotFoundException || Directory.Exists(output))
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>
    /// Writes a command's table: opens <paramref name="output"/> (a file, written atomically, or <c>-</c>), runs
    /// <paramref name="write"/> into it, commits, and returns what <paramref name="done"/> makes of the result (its
    /// summary lines and exit code). An input that cannot be read (<see cref="ResponseFileException"/>) is a usage
    /// error; standard output closed early is <see cref="ExitCodes.OutputClosed"/>; an interruption leaves no output
    /// file (<see cref="ExitCodes.Interrupted"/>).
    /// </summary>
    public static int Write<T>(string output, CliContext context, Func<Stream, T> write, Func<T, int> done)
    {
        OutputTarget? target = null;
        try
        {
            target = Open(output, context);
            T result;
            try
            {
                result = write(target.Stream);
            }
            catch (ResponseFileException e)
            {
                throw new CliException(e.Message);
            }

            target.Commit();
            return done(result);
        }
        catch (IOException) when (target is { OutputClosed: true })
        {
            // The reader of standard output went away ('| head -1'): stop quietly, as Unix tools do on SIGPIPE.
            return ExitCodes.OutputClosed;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine();
            throw new CliException("interrupted; no output file was written", ExitCodes.Interrupted);
        }
        finally
        {
            target?.Dispose();
        }
    }

    /// <summary>Flushes and, for a file, moves the temporary file over the requested name.</summary>
    public void Commit()
    {
        Stream.Flush();
        _file?.Commit();
    }

    public void Dispose()
    {
        if (_file is not null)
        {
            _file.Dispose();
            return;
        }

        try
        {
            Stream.Flush();
        }
        catch (IOException)
        {
            // Standard output closed (for example piped into 'head'): nothing more to do.
        }

        _stdout?.Dispose();
    }

    /// <summary>Standard output that remembers a failed write (the reader closed the pipe) and writes nothing after it.</summary>
    private sealed class ClosedPipeGuard(Stream inner) : Stream
    {
        public bool Closed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ThrowIfClosed();
            try
            {
                inner.Write(buffer);
            }
            catch (IOException)
            {
                Closed = true;
                throw;
            }
        }

        public override void Flush()
        {
            ThrowIfClosed();
            try
            {
                inner.Flush();
            }
            catch (IOException)
            {
                Closed = true;
                throw;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    inner.Dispose();
                }
                catch (IOException)
                {
                }
            }

            base.Dispose(disposing);
        }

        private void ThrowIfClosed()
        {
            if (Closed)
            {
                throw new IOException("standard output was closed");
            }
        }
    }
}

/// <summary>The arguments of <c>instruments score</c>.</summary>
/// <param name="Instrument">Instrument id or .yaml path.</param>
/// <param name="Input">Input file or <c>-</c>; null when not given (a usage error).</param>
/// <param name="Output">Output file or <c>-</c>.</param>
/// <param name="Format">Output format, or null for the output file's extension (else CSV).</param>
/// <param name="InputFormat">Input format, or null for the input file's extension (standard input: CSV).</param>
/// <param name="Quiet">No progress or summary.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record ScoreSettings(string Instrument, string? Input, string Output, DataFormat? Format, DataFormat? InputFormat, bool Quiet, IReadOnlyList<string> Plugins)
{
    /// <summary>The <c>--map</c> file (input column to item id), or null.</summary>
    public string? Map { get; init; }

    /// <summary>The FHIR output (<c>--format fhir</c> or <c>fhir-ndjson</c>), or null for <see cref="Format"/>.</summary>
    public FhirOutputFormat? FhirOutput { get; init; }

    /// <summary>True for <c>--input-format fhir</c>.</summary>
    public bool FhirInput { get; init; }

    /// <summary>The <c>--questionnaire</c> file (with FHIR input), or null.</summary>
    public string? Questionnaire { get; init; }
}
