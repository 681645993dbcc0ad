using System.Runtime.CompilerServices;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Data;

/// <summary>
/// Tracks clients across administrations: reads every row of an input (CSV, JSON or NDJSON, through
/// <see cref="ResponseReader"/>), takes the client id and the occasion (a number or an ISO date,
/// <see cref="Instruments.Course.Occasion"/>) from each row's pass-through fields, scores the row on all cores (the
/// parallel scoring of <see cref="ScoringPipeline"/>), orders each client's administrations by occasion, analyses
/// each score's course with <see cref="Instruments.Course.CourseAnalyzer"/> (first, last, change, caseness,
/// reliable change, clinical significance, sudden gains and losses, per the score's <see cref="ChangeRules"/>), and
/// writes one row per client (or, with <see cref="TrackingOptions.Occasions"/>, one row per administration).
/// </summary>
/// <remarks>
/// <para>Problems are diagnostics, never exceptions: an administration that is invalid or whose score is beyond its
/// missing rule is not used for that score (RSP2030); two administrations of a client at one occasion are never merged
/// and neither is used (RSP2031); a score with fewer than two usable administrations has no change (RSP2032); an
/// occasion that is not a number or an ISO date, or not of the kind of the file's first occasion, leaves its row
/// unused (RSP2033); a row without a client id is not used (RSP2034); a row that cannot be read names its line
/// (RSP2010). Each names the input line.</para>
/// <para>Memory. When both the input and the output can seek (files) and no <see cref="TrackingOptions.OnClient"/> is
/// given, the input is read once on the guess that every client's rows are one contiguous run: each client is
/// analysed and written as soon as its run ends, and memory holds one client's administrations plus about 16 bytes
/// per client seen, so it grows with the number of clients, not administrations. A client met again after another's
/// rows ends the guess: the output written so far is cut off (<see cref="Stream.SetLength"/>) and the run starts
/// again as follows. A seekable input is pre-scanned: its rows are read (fields only, nothing scored) to learn
/// whether it is grouped; if so, it is read again and streamed as above (the cost is reading the input twice; the
/// pre-scan is cheaper than the scoring pass). Otherwise
/// (clients interleaved, or an input that cannot seek, such as standard input) every administration is held until the
/// end: about 48 bytes plus 8 per score per administration, plus each client id once, and clients are written in the
/// order of their first row. Either way the output is the same.</para>
/// </remarks>
public sealed class TrackingPipeline
{
    private readonly TrackedSet _set;
    private readonly Stream _input;
    private readonly DataFormat _inputFormat;
    private readonly TrackingOptions _options;

    /// <summary>Creates a pipeline over <paramref name="input"/>.</summary>
    /// <param name="plan">The instrument's plan; its scores' change rules are applied.</param>
    /// <param name="input">The responses (UTF-8); read by <see cref="Run"/>, which disposes it.</param>
    /// <param name="inputFormat">The input format.</param>
    /// <param name="options">Columns, output shape, warnings, progress and threads; null for the defaults.</param>
    public TrackingPipeline(ScoringPlan plan, Stream input, DataFormat inputFormat, TrackingOptions? options = null)
        : this(new TrackedSet(plan ?? throw new ArgumentNullException(nameof(plan))), input, inputFormat, options)
    {
    }

    /// <summary>
    /// Creates a pipeline that tracks every instrument of <paramref name="protocol"/> from the same rows and, per
    /// client, the protocol's outcomes (<see cref="ProtocolPlan.Evaluate"/> over each measure's first and last
    /// caseness and reliable change). Each instrument's part of a row is used or not on its own: an invalid PHQ-9 part
    /// leaves the GAD-7 part of the same row usable.
    /// </summary>
    /// <param name="protocol">The protocol; its instruments' change rules are applied.</param>
    /// <param name="input">The responses (UTF-8), with the items of every instrument; read by <see cref="Run"/>, which disposes it.</param>
    /// <param name="inputFormat">The input format.</param>
    /// <param name="options">Columns, output shape, warnings, progress and threads; null for the defaults.</param>
    public TrackingPipeline(ProtocolPlan protocol, Stream input, DataFormat inputFormat, TrackingOptions? options = null)
        : this(new TrackedSet(protocol ?? throw new ArgumentNullException(nameof(protocol))), input, inputFormat, options)
    {
    }

    private TrackingPipeline(TrackedSet set, Stream input, DataFormat inputFormat, TrackingOptions? options)
    {
        ArgumentNullException.ThrowIfNull(input);
        _set = set;
        _input = input;
        _inputFormat = inputFormat;
        _options = options ?? new TrackingOptions();
        ArgumentException.ThrowIfNullOrEmpty(_options.ClientColumn, nameof(options));
        if (set.Protocol is not null && _options.OnClient is not null)
        {
            throw new ArgumentException("TrackingOptions.OnClient hands over one instrument's course; it is not available when tracking a protocol.", nameof(options));
        }

        ArgumentException.ThrowIfNullOrEmpty(_options.OccasionColumn, nameof(options));
    }

    /// <summary>
    /// Optional: starts compiling, on a background thread, the hot loops of tracking (reading <paramref name="input"/>,
    /// scoring, the tracker, writing <paramref name="output"/>), so that they are ready when the first rows come (call
    /// it before compiling the instrument; <see cref="Run"/> starts it otherwise). Once per process.
    /// </summary>
    /// <param name="input">The input format that will be read.</param>
    /// <param name="output">The output format that will be written.</param>
    public static void PrepareInBackground(DataFormat input, DataFormat output) => HotPaths.PrepareTrackingInBackground(input, output);

    /// <summary>
    /// Tracks every client of the input into <paramref name="output"/> in <paramref name="format"/>. Nothing is
    /// written before the input's first rows are read.
    /// </summary>
    /// <param name="format">The output format (CSV, JSON or NDJSON).</param>
    /// <param name="output">
    /// Where the bytes go; flushed at the end, not disposed. <see cref="Stream.Null"/> formats nothing: use it when
    /// <see cref="TrackingOptions.OnClient"/> is the only consumer.
    /// </param>
    /// <param name="cancel">Stops the run (it then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>What was read and written.</returns>
    /// <exception cref="ResponseFileException">The input cannot be read at all, or lacks the client or occasion column (CSV).</exception>
    public TrackingCounts Run(DataFormat format, Stream output, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            HotPaths.PrepareTrackingInBackground(_inputFormat, format);
            var options = _options;
            if (_input.CanSeek && output.CanSeek && output.CanWrite && options.OnClient is null)
            {
                // One pass on the guess that the input is grouped by client; a client met again ends the guess, the
                // output written so far is cut off and the run starts again the sure way (what was said is not said twice).
                var inputStart = _input.Position;
                var outputStart = output.Position;
                var replay = new Replay(options);
                try
                {
                    return Track(format, output, replay.Options, new ClientRuns(ClientHash, suspects: null), optimistic: true, cancel);
                }
                catch (NotGroupedException)
                {
                    output.SetLength(outputStart);
                    output.Position = outputStart;
                    _input.Position = inputStart;
                    replay.Rewind();
                    options = replay.Options;
                }
            }

            ClientRuns? runs = null;
            if (_input.CanSeek)
            {
                var start = _input.Position;
                if (GroupScan.IsGrouped(_input, _inputFormat, options.ClientColumn, ClientHash, cancel) is { } suspects)
                {
                    runs = new ClientRuns(ClientHash, suspects);
                }

                _input.Position = start;
            }

            return Track(format, output, options, runs, optimistic: false, cancel);
        }
        finally
        {
            _input.Dispose();
        }
    }

    private TrackingCounts Track(DataFormat format, Stream output, TrackingOptions options, ClientRuns? runs, bool optimistic, CancellationToken cancel)
    {
        var plan = _set.ReaderPlan;
        using var reader = ResponseReader.Open(new KeepOpen(_input), _inputFormat, plan, options.Warnings);
        var clientColumn = RequireColumn(reader, options.ClientColumn, "client");
        var occasionColumn = RequireColumn(reader, options.OccasionColumn, "occasion");
        var writer = TrackingWriter.Create(format, _set, output, options.Occasions);
        var tracker = new Tracker(_set, options, writer, runs, optimistic);
        var rowFormat = new TrackedRowFormat(_set, clientColumn, occasionColumn);
        var started = false;
        var sink = new TrackedRowSink(_set.Instruments.Length, _set.ScoreCount, (in TrackedRow row) =>
        {
            if (!started)
            {
                writer.Start();
                started = true;
            }

            tracker.Add(row);
        });
        var pipeline = _set.Protocol is { } protocol ? new ScoringPipeline(protocol, reader) : new ScoringPipeline(plan, reader);
        pipeline.Run(rowFormat, sink, new ScoringPipelineOptions { Progress = options.Progress, Workers = options.Workers, Warnings = options.Warnings }, cancel);
        if (!started)
        {
            writer.Start();
        }

        tracker.Complete();
        return new TrackingCounts(tracker.Rows, tracker.Clients, tracker.Administrations, tracker.Problems, runs is not null) { AllianceOutcome = tracker.AllianceOutcome };
    }

    /// <summary>
    /// The warnings and progress of a run that may start again: the second run's first warnings repeat those the first
    /// run gave (the same input, read the same way, warns in the same order), so they are not given again; progress
    /// never goes back.
    /// </summary>
    private sealed class Replay
    {
        private readonly TrackingOptions _inner;
        private long _given;
        private long _skip;
        private long _rows;

        public Replay(TrackingOptions inner)
        {
            _inner = inner;
            Options = inner with
            {
                Warnings = inner.Warnings is null ? null : Warn,
                Progress = inner.Progress is null ? null : Report,
            };
        }

        public TrackingOptions Options { get; }

        public void Rewind()
        {
            _skip = _given;
            _given = 0;
        }

        private void Warn(string message)
        {
            if (_skip > 0)
            {
                _skip--;
                return;
            }

            _given++;
            _inner.Warnings!(message);
        }

        private void Report(long rows)
        {
            if (rows > _rows)
            {
                _rows = rows;
                _inner.Progress!(rows);
            }
        }
    }

    /// <summary>
    /// The reader's own string for column <paramref name="name"/> (each row's field is then found by reference, not by
    /// comparing characters), or <paramref name="name"/> itself for an input whose columns are not fixed (JSON).
    /// </summary>
    /// <exception cref="ResponseFileException">The input's columns are fixed and <paramref name="name"/> is not one of them.</exception>
    private static string RequireColumn(ResponseReader reader, string name, string option)
    {
        if (reader.Columns is not { } columns)
        {
            return name;
        }

        foreach (var column in columns)
        {
            if (string.Equals(column, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        var hint = columns.Count > 0 ? " (its columns other than items: " + string.Join(", ", columns) + ")" : string.Empty;
        throw new ResponseFileException($"the input has no {option} column '{name}'{hint}");
    }

    /// <summary>The input, kept open when a reader over it is disposed (the pipeline disposes it once, at the end).</summary>
    internal sealed class KeepOpen(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The hash of client ids for the grouping check (tests replace it to force collisions).</summary>
    internal ClientRuns.Hasher? ClientHash { get; init; }

    /// <summary>The pre-scan of a seekable input: is every client's run of rows contiguous?</summary>
    internal static class GroupScan
    {
        /// <summary>
        /// Null when a client comes back after another's rows; otherwise the hashes of ids that collided (usually
        /// none), for the tracker's own exact check. On a collision the input is read once more, keeping the colliding
        /// ids as text, to decide exactly.
        /// </summary>
        public static HashSet<long>? IsGrouped(Stream input, DataFormat format, string clientColumn, ClientRuns.Hasher? hash, CancellationToken cancel)
        {
            var start = input.Position;
            var first = new ClientRuns(hash, suspects: null);
            if (!Scan(input, format, clientColumn, first, cancel))
            {
                return null;
            }

            if (first.Collisions.Count == 0)
            {
                return first.Collisions;
            }

            input.Position = start;
            return Scan(input, format, clientColumn, new ClientRuns(hash, first.Collisions), cancel) ? first.Collisions : null;
        }

        // False as soon as a client is seen again (exactly, in a second pass).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool Scan(Stream input, DataFormat format, string clientColumn, ClientRuns runs, CancellationToken cancel)
        {
            // Fields only: with a plan none of whose items is a column, no answer is parsed.
            var fieldsOnly = FieldsOnly ?? throw new InvalidOperationException("the fields-only plan did not build");
            using var reader = ResponseReader.Open(new KeepOpen(input), format, fieldsOnly, warnings: null);
            var block = new RowBlock();
            var decoder = reader.CreateDecoder();
            var row = new ResponseRow(fieldsOnly.ItemCount);
            var hint = 0;
            var next = 0L;
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                block.Reset(next);
                if (!reader.ReadBlock(block))
                {
                    return true;
                }

                next += block.Count;
                for (var i = 0; i < block.Count; i++)
                {
                    if (block.Malformed(i) is not null)
                    {
                        continue;
                    }

                    if (!decoder.TryField(block, i, clientColumn, out var client))
                    {
                        decoder.Decode(block, i, row);
                        var c = row.FindField(clientColumn, ref hint);
                        client = c >= 0 ? row.FieldValue(c) : default;
                    }

                    if (Blanks.IsBlank(client))
                    {
                        continue;
                    }

                    if (runs.Next(client) == ClientRuns.Step.Repeat)
                    {
                        return false;
                    }
                }
            }
        }

        // A plan whose only item no input has (a plan needs one), so that every column is a pass-through field.
        internal static readonly ScoringPlan? FieldsOnly = ScoringPlan.Create(new InstrumentDefinition
        {
            Id = "fields-only",
            Version = "0.0.0",
            Title = "fields only",
            License = new LicenseInfo { Name = "none" },
            ResponseScales = [new ResponseScale { Id = "none", Options = [new ResponseOption { Value = 0, Label = "0" }] }],
            Items = [new ItemDefinition { Id = "instruments_prescan_no_such_column", Scale = "none" }],
        }).Plan;
    }
}
