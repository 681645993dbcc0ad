using System.Buffers.Binary;
using System.Text;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// Client and therapist agreement over two inputs: the client form's administrations and the therapist form's (CSV,
/// JSON or NDJSON, through <see cref="ResponseReader"/>), each scored with its own form of an
/// <see cref="InstrumentPairing"/> on all cores (the parallel scoring of <see cref="ScoringPipeline"/>), paired by
/// client and occasion (and therapist, with <see cref="AgreementOptions.TherapistColumn"/>), and summarised per pair,
/// per dyad and across dyads with <see cref="AgreementAccumulator"/>. Or (the one-file variant) one input whose rows
/// hold both forms, read through a protocol that lists both.
/// </summary>
/// <remarks>
/// <para>Every input row is mentioned exactly once in the output: in a pair, in the unpaired list (a usable
/// administration with no usable partner at its occasion, RSP2042), or in a diagnostic naming its file and line: it
/// cannot be read (RSP2010), has no client id (RSP2034), no therapist id (RSP2043), an occasion that is not a number or
/// an ISO date or not of the kind of its file's first (RSP2033), is invalid or one of its paired scores is not computed
/// (RSP2040), or is one of several administrations of one form for one dyad at one occasion (RSP2041: never merged,
/// none paired).</para>
/// <para>Memory. When both inputs can seek (files), the output is CSV or NDJSON and no
/// <see cref="AgreementOptions.OnDyad"/> is given, the run streams if each input is grouped by dyad (every dyad's rows
/// one contiguous run; rows that name no dyad or have no usable occasion may be anywhere) and the dyads both inputs
/// have come in the same order: both are scored at once and merged dyad by dyad, each dyad written as soon as its rows
/// end; memory holds one dyad's administrations, each dyad's key (and its 64-bit hash), and the unpaired rows already
/// formatted (1 MiB in memory, then a temporary file), since the pairs table lists them last
/// (<see cref="AgreementCounts.Streamed"/>). When the output can also be cut back (it can seek), the run starts at once
/// on the guess that the inputs are so grouped (a dyad one input lacks where the other's next dyad sorts after it), holds
/// its warnings (1 MiB in memory, then a temporary file) and gives them at its end; a dyad met again ends the guess, the
/// output is cut back to where it started, and the run starts again the sure way. The sure way first reads both inputs
/// for their dyads only (fields, nothing scored) and streams when they are so grouped. Otherwise both inputs' usable
/// administrations are held until the end (about 40 bytes plus 8 per paired score each, plus each dyad's key once;
/// matching groups them by dyad with one integer per administration). The output is the same either way; the warnings
/// are the same, in input order per file when buffered, dyad by dyad when streamed, and at the end when streamed on a
/// guess. The statistics allocate nothing per pair.</para>
/// </remarks>
public sealed class AgreementPipeline
{
    private readonly InstrumentPairing _pairing;
    private readonly (Stream Input, DataFormat Format)[] _inputs;
    private readonly AgreementOptions _options;
    private readonly ProtocolPlan? _protocol;

    /// <summary>Creates a pipeline over the two forms' inputs.</summary>
    /// <param name="pairing">The forms and their corresponding scores (<see cref="InstrumentPairing.Resolve"/>).</param>
    /// <param name="clientInput">The client form's administrations (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="clientFormat">Its format.</param>
    /// <param name="therapistInput">The therapist form's administrations (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="therapistFormat">Its format.</param>
    /// <param name="options">Columns, threshold, output shape, warnings and threads; null for the defaults.</param>
    public AgreementPipeline(InstrumentPairing pairing, Stream clientInput, DataFormat clientFormat, Stream therapistInput, DataFormat therapistFormat,
        AgreementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        ArgumentNullException.ThrowIfNull(clientInput);
        ArgumentNullException.ThrowIfNull(therapistInput);
        _pairing = pairing;
        _inputs = [(clientInput, clientFormat), (therapistInput, therapistFormat)];
        _options = options ?? new AgreementOptions();
        ArgumentException.ThrowIfNullOrEmpty(_options.ClientColumn, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(_options.OccasionColumn, nameof(options));
        if (_options.TherapistColumn is { Length: 0 })
        {
            throw new ArgumentException("the therapist column, when given, needs a name", nameof(options));
        }

        if (_options.Discrepancy is { } threshold && (!(threshold > 0) || !double.IsFinite(threshold)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), threshold, "a discrepancy threshold is a positive number of points");
        }
    }

    /// <summary>
    /// Creates a pipeline over one input whose rows hold both forms (the one-file variant): <paramref name="protocol"/>
    /// lists both forms of <paramref name="pairing"/> among its instruments (their item ids differ, INS1107), each row is
    /// scored for every instrument of the protocol, and each row's client part is paired with the therapist part of the
    /// same dyad and occasion (normally its own row). A row that cannot be read, or has no client, therapist or usable
    /// occasion, is one diagnostic; otherwise each form's part is used (or not: RSP2040, RSP2041) on its own.
    /// </summary>
    /// <param name="pairing">The forms and their corresponding scores (<see cref="InstrumentPairing.Resolve"/>).</param>
    /// <param name="protocol">A protocol holding both forms.</param>
    /// <param name="input">The rows (UTF-8); read and disposed by <see cref="Run"/>.</param>
    /// <param name="inputFormat">Its format.</param>
    /// <param name="options">Columns, threshold, output shape, warnings and threads; null for the defaults. Both input names name the one input.</param>
    /// <exception cref="ArgumentException">The protocol does not hold both forms.</exception>
    public AgreementPipeline(InstrumentPairing pairing, ProtocolPlan protocol, Stream input, DataFormat inputFormat, AgreementOptions? options = null)
        : this(pairing, input, inputFormat, Stream.Null, inputFormat, options)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        foreach (var form in new[] { pairing.Client, pairing.Therapist })
        {
            if (!protocol.Instruments.Any(p => string.Equals(p.Definition.Id, form.Definition.Id, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"protocol '{protocol.Definition.Id}' does not hold '{form.Definition.Id}', a form of the pairing", nameof(protocol));
            }
        }

        _protocol = protocol;
    }

    /// <summary>
    /// Reads both inputs, pairs their administrations and writes the result into <paramref name="output"/>: JSON
    /// (pairs, unpaired, dyads, summary and diagnostics), or CSV/NDJSON (the pairs table, or with
    /// <see cref="AgreementOptions.Summary"/> the dyads and the summary).
    /// </summary>
    /// <param name="format">The output format.</param>
    /// <param name="output">Where the bytes go; flushed at the end, not disposed.</param>
    /// <param name="cancel">Stops the run (it then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>What was read and written.</returns>
    /// <exception cref="ResponseFileException">An input cannot be read at all, or lacks a named column (CSV).</exception>
    public AgreementCounts Run(DataFormat format, Stream output, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            HotPaths.PrepareAgreementInBackground(_inputs[0].Format);
            if (CanStream(format) && output.CanSeek && output.CanWrite && Guessing)
            {
                // One pass on the guess that both inputs are grouped by dyad and their dyads come in the same order (a
                // dyad only one input has, where the other input's next dyad sorts after it). A dyad met again ends the
                // guess: the output written so far is cut off, and the run starts again the sure way (pre-scan, then
                // streaming or buffered). The warnings are held until the guess is known to hold (they are given at the end).
                var outputStart = output.Position;
                var (clientStart, therapistStart) = (_inputs[0].Input.Position, _inputs[1].Input.Position);
                using var held = new HeldWarnings(SpillMemoryBytes);
                try
                {
                    var counts = RunStreaming(plan: null, format, output, _options.Warnings is null ? _options : _options with { Warnings = held.Warn }, cancel);
                    Guessed = true;
                    if (_options.Warnings is { } warn)
                    {
                        held.GiveTo(warn);
                    }

                    return counts;
                }
                catch (NotGroupedException)
                {
                    output.SetLength(outputStart);
                    output.Position = outputStart;
                    _inputs[0].Input.Position = clientStart;
                    _inputs[1].Input.Position = therapistStart;
                }
            }

            if (CanStream(format) && Prescan(cancel) is { } plan)
            {
                return RunStreaming(plan, format, output, _options, cancel);
            }

            var state = new AgreementState(_pairing, _options, listing: Listing(format, output));
            if (_protocol is { } protocol)
            {
                ReadBoth(state, protocol, cancel);
            }
            else
            {
                for (var side = 0; side < 2; side++)
                {
                    ReadSide(state, side, cancel);
                }
            }

            var result = state.Match();
            AgreementWriter.Write(format, output, _pairing, _options, result);
            output.Flush();
            if (_options.OnDyad is { } onDyad)
            {
                state.HandOver(result, onDyad, cancel);
            }

            return new AgreementCounts(state.Rows, result.Pairs.Count, result.Unpaired.Count, state.Unusable, result.Dyads.Count);
        }
        finally
        {
            _inputs[0].Input.Dispose();
            _inputs[1].Input.Dispose();
        }
    }

    /// <summary>
    /// Optional: starts compiling, on a background thread, the hot loops of an agreement run over inputs of
    /// <paramref name="inputFormat"/>, so that they are ready when the first rows come (call it before compiling the
    /// instruments; <see cref="Run"/> starts it otherwise). Once per process.
    /// </summary>
    /// <param name="inputFormat">The format of the inputs that will be read.</param>
    public static void PrepareInBackground(DataFormat inputFormat) => HotPaths.PrepareAgreementInBackground(inputFormat);

    /// <summary>False to never stream (tests: the buffered run's bytes, to compare the streaming run's with).</summary>
    internal bool Streaming { get; init; } = true;

    /// <summary>False to never stream on a guess (tests: the pre-scanned streaming run).</summary>
    internal bool Guessing { get; init; } = true;

    /// <summary>True after a run that streamed on its guess to the end (tests).</summary>
    internal bool Guessed { get; private set; }

    /// <summary>How many dyads a run on a guess took, to its end or until the guess failed (tests).</summary>
    internal int GuessTook { get; private set; }

    /// <summary>How many bytes of unpaired rows a streaming run holds in memory before it moves them to a temporary file.</summary>
    internal int SpillMemoryBytes { get; init; } = 1 << 20;

    // Streaming needs two inputs it can read twice, a table (CSV or NDJSON: JSON lists the diagnostics, in input order,
    // after everything else) and no dyad handed over (OnDyad receives every dyad after the output is written).
    private bool CanStream(DataFormat format) =>
        Streaming && _protocol is null && _options.OnDyad is null && format is DataFormat.Csv or DataFormat.Ndjson
        && _inputs[0].Input.CanSeek && _inputs[1].Input.CanSeek;

    // Both inputs read once for their dyads' runs (fields only), then put back where they were.
    private AgreementGrouping.Plan? Prescan(CancellationToken cancel)
    {
        var (client, therapist) = (_inputs[0].Input, _inputs[1].Input);
        var (clientStart, therapistStart) = (client.Position, therapist.Position);
        try
        {
            return AgreementGrouping.Scan(client, _inputs[0].Format, therapist, _inputs[1].Format, _options, cancel);
        }
        catch (ResponseFileException)
        {
            return null;   // the buffered run reads it again and says what is wrong, as it always has
        }
        finally
        {
            client.Position = clientStart;
            therapist.Position = therapistStart;
        }
    }

    // Where the output mentions the rows that are not paired: JSON lists the unpaired administrations and the
    // diagnostics; the CSV and NDJSON pairs table has a row for each (not the summary); Stream.Null (reports) nothing.
    private RowListing Listing(DataFormat format, Stream output) =>
        ReferenceEquals(output, Stream.Null) ? RowListing.None
        : format == DataFormat.Json ? RowListing.Diagnostics
        : _options.Summary ? RowListing.None
        : RowListing.Table;

    // Both inputs scored at once, each on its own pipeline, merged dyad by dyad (AgreementStreaming); without a plan, on
    // the guess that both are grouped alike (NotGroupedException when a dyad comes back).
    private AgreementCounts RunStreaming(AgreementGrouping.Plan? plan, DataFormat format, Stream output, AgreementOptions given, CancellationToken cancel)
    {
        // The user's warnings callback is called from one thread at a time (the two readers warn on their own threads).
        var gate = new Lock();
        var warn = given.Warnings;
        var options = warn is null ? given : given with
        {
            Warnings = text =>
            {
                lock (gate)
                {
                    warn(text);
                }
            },
        };
        var state = new AgreementState(_pairing, options, keepDiagnostics: false, listing: Listing(format, output));
        var readers = new ResponseReader?[2];
        var queues = new RecordQueue?[2];
        var tasks = new Task?[2];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var spill0 = new SpillBuffer(SpillMemoryBytes);
        using var spill1 = new SpillBuffer(SpillMemoryBytes);
        try
        {
            var cursors = new RecordCursor[2];
            for (var side = 0; side < 2; side++)
            {
                var (input, inputFormat) = _inputs[side];
                var form = side == 0 ? _pairing.Client : _pairing.Therapist;
                var name = side == 0 ? options.ClientInputName : options.TherapistInputName;
                var reader = readers[side] = ResponseReader.Open(new TrackingPipeline.KeepOpen(input), inputFormat, form,
                    options.Warnings is { } w ? text => w(name + ": " + text) : null);
                RequireColumns(reader, name);
            }

            for (var side = 0; side < 2; side++)
            {
                var form = side == 0 ? _pairing.Client : _pairing.Therapist;
                var set = new TrackedSet(form);
                var rowFormat = new TrackedRowFormat(set, options.ClientColumn, options.OccasionColumn, options.TherapistColumn);
                var queue = queues[side] = new RecordQueue(stop.Token);
                var reader = readers[side]!;
                var task = tasks[side] = Task.Factory.StartNew(() =>
                {
                    try
                    {
                        new ScoringPipeline(form, reader).Run(rowFormat, queue, new ScoringPipelineOptions { Workers = options.Workers }, stop.Token);
                    }
                    finally
                    {
                        queue.Complete();
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                cursors[side] = new RecordCursor(queue, 1, set.ScoreCount, () => task.GetAwaiter().GetResult());
            }

            using var table = new AgreementTableWriter(format, output, _pairing, options, state);
            table.Start();
            var merge = new AgreementStreaming(state, plan, table, options.Summary);
            var spill = new[] { table.CreateTarget(spill0), table.CreateTarget(spill1) };
            try
            {
                try
                {
                    merge.Run(cursors, spill, stop.Token);
                }
                finally
                {
                    if (plan is null)
                    {
                        GuessTook = merge.Taken;
                    }
                }

                if (!options.Summary)
                {
                    // The pairs table lists the unpaired administrations after every pair: the client's, then the therapist's.
                    table.Main.Flush();
                    for (var side = 0; side < 2; side++)
                    {
                        spill[side].Flush();
                        (side == 0 ? spill0 : spill1).CopyInto(output);
                    }
                }

                table.End(merge.Totals());
            }
            finally
            {
                spill[0].Dispose();
                spill[1].Dispose();
            }

            output.Flush();
            return new AgreementCounts(state.Rows, merge.Pairs, merge.Unpaired, state.Unusable, merge.Dyads) { Streamed = true };
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested && Failure(tasks) is { } failure)
        {
            // A pipeline failed (its input cannot be read): its error, not the cancellation it caused here.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        finally
        {
            stop.Cancel();
            foreach (var task in tasks)
            {
                try
                {
                    task?.Wait(TimeSpan.FromSeconds(5));
                }
                catch (AggregateException)
                {
                    // reported above, or the consequence of this run ending first
                }
            }

            foreach (var queue in queues)
            {
                queue?.Dispose();
            }

            foreach (var reader in readers)
            {
                reader?.Dispose();
            }
        }
    }

    private static Exception? Failure(Task?[] tasks)
    {
        foreach (var task in tasks)
        {
            if (task is { IsFaulted: true } && task.Exception!.InnerException is { } e and not OperationCanceledException)
            {
                return e;
            }
        }

        return null;
    }

    private void ReadSide(AgreementState state, int side, CancellationToken cancel)
    {
        var (input, inputFormat) = _inputs[side];
        var plan = side == 0 ? _pairing.Client : _pairing.Therapist;
        var name = side == 0 ? _options.ClientInputName : _options.TherapistInputName;
        var set = new TrackedSet(plan);
        using var reader = ResponseReader.Open(input, inputFormat, plan, _options.Warnings is { } w ? text => w(name + ": " + text) : null);
        RequireColumns(reader, name);
        var rowFormat = new TrackedRowFormat(set, _options.ClientColumn, _options.OccasionColumn, _options.TherapistColumn);
        var sink = new TrackedRowSink(1, set.ScoreCount, (in TrackedRow row) => state.Add(side, row));
        new ScoringPipeline(plan, reader).Run(rowFormat, sink, new ScoringPipelineOptions { Workers = _options.Workers }, cancel);
    }

    private void ReadBoth(AgreementState state, ProtocolPlan protocol, CancellationToken cancel)
    {
        var (input, inputFormat) = _inputs[0];
        var name = _options.ClientInputName;
        var set = new TrackedSet(protocol);
        int Part(ScoringPlan form) => protocol.Instruments.IndexOf(protocol.Instruments.First(p => p.Definition.Id == form.Definition.Id));
        var (client, therapist) = (Part(_pairing.Client), Part(_pairing.Therapist));
        using var reader = ResponseReader.Open(input, inputFormat, protocol.ReaderPlan, _options.Warnings is { } w ? text => w(name + ": " + text) : null);
        RequireColumns(reader, name);
        var rowFormat = new TrackedRowFormat(set, _options.ClientColumn, _options.OccasionColumn, _options.TherapistColumn);
        var sink = new TrackedRowSink(set.Instruments.Length, set.ScoreCount,
            (in TrackedRow row) => state.AddBoth(row, client, set.ScoreStart[client], therapist, set.ScoreStart[therapist]));
        new ScoringPipeline(protocol, reader).Run(rowFormat, sink, new ScoringPipelineOptions { Workers = _options.Workers }, cancel);
    }

    private void RequireColumns(ResponseReader reader, string name)
    {
        if (reader.Columns is not { } columns)
        {
            return;
        }

        foreach (var (column, option) in new[] { (_options.ClientColumn, "client"), (_options.OccasionColumn, "occasion"), (_options.TherapistColumn, "therapist") })
        {
            if (column is not null && !columns.Contains(column, StringComparer.Ordinal))
            {
                var hint = columns.Count > 0 ? " (its columns other than items: " + string.Join(", ", columns) + ")" : string.Empty;
                throw new ResponseFileException($"{name}: the input has no {option} column '{column}'{hint}");
            }
        }
    }

    /// <summary>
    /// The warnings of a run on a guess, held until the guess is known to hold: a guess that fails may have said what is
    /// not so (an administration unpaired whose partner comes later), and the run that follows says everything again.
    /// Held as UTF-8 (each a 4-byte length, then its bytes) in a <see cref="SpillBuffer"/>: in memory up to a limit, then
    /// in a temporary file. From any thread, one at a time.
    /// </summary>
    internal sealed class HeldWarnings(int memoryBytes) : IDisposable
    {
        private readonly SpillBuffer _held = new(memoryBytes);
        private readonly Lock _gate = new();
        private byte[] _bytes = new byte[512];

        public void Warn(string message)
        {
            lock (_gate)
            {
                var length = Encoding.UTF8.GetByteCount(message);
                if (_bytes.Length < length + 4)
                {
                    _bytes = new byte[(length + 4) * 2];
                }

                BinaryPrimitives.WriteInt32LittleEndian(_bytes, length);
                Encoding.UTF8.GetBytes(message, _bytes.AsSpan(4));
                _held.Write(_bytes.AsSpan(0, length + 4));
            }
        }

        /// <summary>Gives every warning held to <paramref name="warn"/>, in the order they came.</summary>
        public void GiveTo(Action<string> warn)
        {
            lock (_gate)
            {
                _held.CopyInto(new Splitter(warn));
            }
        }

        public void Dispose() => _held.Dispose();

        // The held bytes back into warnings (a warning may be cut between two writes).
        private sealed class Splitter(Action<string> warn) : WriteOnlyStream
        {
            private byte[] _pending = new byte[512];
            private int _length;

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                while (!buffer.IsEmpty)
                {
                    var need = _length < 4 ? 4 : 4 + BinaryPrimitives.ReadInt32LittleEndian(_pending);
                    var take = Math.Min(need - _length, buffer.Length);
                    if (_pending.Length < need)
                    {
                        Array.Resize(ref _pending, need * 2);
                    }

                    buffer[..take].CopyTo(_pending.AsSpan(_length));
                    _length += take;
                    buffer = buffer[take..];
                    if (_length >= 4 && _length == 4 + BinaryPrimitives.ReadInt32LittleEndian(_pending))
                    {
                        warn(Encoding.UTF8.GetString(_pending, 4, _length - 4));
                        _length = 0;
                    }
                }
            }
        }
    }
}
