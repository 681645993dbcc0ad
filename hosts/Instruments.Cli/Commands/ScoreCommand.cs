using System.Diagnostics;
using System.Globalization;
using System.Text;
using Instruments.Cli.Scoring;
using Instruments.Data;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments score &lt;instrument&gt; --input FILE|-</c>: scores every row of a CSV, JSON or NDJSON input, streaming.</summary>
internal static class ScoreCommand
{
    public static readonly CommandSpec Spec = new(
        "score",
        "Score every response (row) of an input file with one instrument.",
        "<instrument>",
        1,
        1,
        [
            InputFiles.InputOption,
            new("output", 'o', "FILE", "output file (written atomically), or '-' for standard output (default)"),
            new("format", 'f', "FORMAT", "output format: csv, json or ndjson (default: from the output extension, else csv)", Allowed: InputFiles.Formats),
            InputFiles.InputFormatOption,
            new("quiet", 'q', null, "no progress or summary on stderr"),
            new("plugins", null, "DIR", "also load instruments from DIR (repeatable)", Repeatable: true),
        ],
        """
        <instrument> is the id of a loaded instrument (see 'instruments list') or the path of a .yaml file.

        Inputs: CSV with a header row (columns named by item id; other columns are passed through), a JSON
        array of objects, or NDJSON (one object per line). Every input row gives exactly one output row, in
        order; a row that cannot be read is reported as invalid (RSP2010) and the others are still scored.

        exit codes: 0 every row scored without error, 1 output written but some rows invalid,
                    2 nothing scored (usage error, unknown instrument, definition errors, unreadable input)
        """);

    public static int Run(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        var input = args.Get("input") ?? throw new CliException("'score' needs --input FILE (use '-' for standard input)", showUsage: true);
        var output = args.Get("output") ?? "-";
        var quiet = args.Has("quiet");
        var inputFormat = InputFiles.Format(input, args.Get("input-format"));
        var outputFormat = DataFormats.TryParse(args.Get("format"), out var given) ? given
            : (output == "-" ? null : DataFormats.FromExtension(output)) ?? DataFormat.Csv;
        ScoringPipeline.PrepareInBackground(inputFormat, outputFormat);
        var plan = InstrumentCatalog.Resolve(args.Positionals[0], args.GetAll("plugins"), stderr).Plan;
        var inputStream = InputFiles.Open(input);

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var output_ = OutputTarget.Open(output);
            ScoreCounts summary;
            using (var reader = InputFiles.OpenReader(inputFormat, inputStream, plan, stderr))
            {
                summary = ScoreAll(plan, reader, output_.Stream, outputFormat, stderr, quiet, cancel.Token);
            }

            output_.Commit();
            if (!quiet)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"instruments: scored {summary.Total:N0} rows: {summary.Complete:N0} complete, {summary.Partial:N0} partial, {summary.Invalid:N0} invalid"));
            }

            return summary.Invalid > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine();
            throw new CliException("interrupted; no output file was written", ExitCodes.Interrupted);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            inputStream.Dispose();
        }
    }

    private static ScoreCounts ScoreAll(ScoringPlan plan, ResponseReader reader, Stream output, DataFormat format, TextWriter stderr, bool quiet, CancellationToken cancel)
    {
        var pipeline = new ScoringPipeline(plan, reader);
        var resultFormat = format == DataFormat.Csv
            ? ResultFormat.CreateCsv(plan, pipeline.DiscoverColumns(), positional: reader.Columns is not null)
            : ResultFormat.Create(format, plan, []);
        var progress = !quiet && !Console.IsErrorRedirected ? new Progress(stderr) : null;
        var options = new ScoringPipelineOptions { Warnings = InputFiles.Warn(stderr), Progress = progress is null ? null : progress.Report };
        ScoreCounts counts;
        try
        {
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

    private OutputTarget(Stream stream, OutputFile? file)
    {
        Stream = stream;
        _file = file;
    }

    public Stream Stream { get; }

    public static OutputTarget Open(string output)
    {
        if (output == "-")
        {
            return new OutputTarget(new BufferedStream(Console.OpenStandardOutput(), 64 * 1024), null);
        }

        try
        {
            var file = OutputFile.Create(output);
            return new OutputTarget(file.Stream, file);
        }
        catch (IOException e) when (e is DirectoryNotFoundException || Directory.Exists(output))
        {
            throw new CliException(e.Message);
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
    }
}
