using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>Rows scored, by status.</summary>
/// <param name="Complete">Rows with every score computed from all its items.</param>
/// <param name="Partial">Rows scored within the missing-data rules with some items unanswered.</param>
/// <param name="Invalid">Rows with an error (including rows that could not be read).</param>
public readonly record struct ScoreCounts(long Complete, long Partial, long Invalid)
{
    /// <summary>All rows.</summary>
    public long Total => Complete + Partial + Invalid;
}

/// <summary>Options of <see cref="ScoringPipeline.Run"/>.</summary>
public sealed record ScoringPipelineOptions
{
    /// <summary>Receives the reader's and writer's warnings, in input order, each row warning once.</summary>
    /// <value>Null: warnings are dropped.</value>
    public Action<string>? Warnings { get; init; }

    /// <summary>Receives the number of rows written so far, after each block (a few thousand rows).</summary>
    /// <value>Null: no progress.</value>
    public Action<long>? Progress { get; init; }

    /// <summary>
    /// Reads, scores and writes on the calling thread, block after block, with no other thread and a block that starts
    /// small and grows with the input (a full block holds about 0.8 MB of buffers): for a small input, such as one
    /// request's body already in memory, where starting threads and buffers costs more than scoring. The bytes
    /// written, the warnings and the counts are the same as a parallel run's.
    /// </summary>
    /// <value>False: a reader thread and <see cref="Workers"/> scoring threads.</value>
    public bool OnCallingThread { get; init; }

    /// <summary>The number of scoring threads.</summary>
    /// <value>0 (the default): one per processor.</value>
    public int Workers { get; init; }
}

/// <summary>
/// Scores a whole input, on all cores, with output in input order and memory bounded by a few blocks:
/// one thread reads blocks of raw rows (<see cref="ResponseReader.ReadBlock"/>: finding row boundaries only),
/// workers decode, score and format whole blocks into byte buffers in parallel, and the calling thread writes the
/// buffers in order. Every input row gives exactly one output row. Nothing is allocated per row on the hot path:
/// each worker reuses one row, one result and one formatter, and blocks are recycled.
/// </summary>
public sealed class ScoringPipeline(ScoringPlan plan, ResponseReader reader)
{
    private readonly ProtocolPlan? _protocol;

    /// <summary>
    /// A pipeline that scores every row for every instrument of <paramref name="protocol"/>: open
    /// <paramref name="reader"/> over <see cref="ProtocolPlan.ReaderPlan"/>, and run it with a format created for the
    /// protocol (<see cref="ResultFormat.Create(DataFormat, ProtocolPlan, IReadOnlyList{string}, bool)"/>).
    /// </summary>
    /// <param name="protocol">The protocol.</param>
    /// <param name="reader">A reader opened over the protocol's <see cref="ProtocolPlan.ReaderPlan"/>.</param>
    public ScoringPipeline(ProtocolPlan protocol, ResponseReader reader)
        : this((protocol ?? throw new ArgumentNullException(nameof(protocol))).ReaderPlan, reader) => _protocol = protocol;

    /// <summary>
    /// Optional: starts compiling, on a background thread, the hot loops of reading <paramref name="input"/> and
    /// writing <paramref name="output"/>, so that a short run does not wait for the JIT (call it before compiling the
    /// instrument).
    /// </summary>
    /// <param name="input">The input format that will be read.</param>
    /// <param name="output">The output format that will be written.</param>
    public static void PrepareInBackground(DataFormat input, DataFormat output) => HotPaths.PrepareInBackground(input, output);

    /// <summary>Malformed rows of a JSON input looked at before the first well-formed one fixes the CSV columns.</summary>
    internal const int MaxRowsBeforeColumns = 10_000;

    private readonly Queue<RowBlock> _prefetched = new();

    /// <summary>
    /// The pass-through columns of the CSV output for an input that does not fix them in advance (JSON): the
    /// fields of the first well-formed row, or none when more than 10,000 malformed
    /// rows come first. The blocks read to find them are scored later as usual.
    /// </summary>
    /// <returns>The pass-through column names, in input order.</returns>
    public IReadOnlyList<string> DiscoverColumns()
    {
        if (reader.Columns is { } fixedColumns)
        {
            return fixedColumns;
        }

        var decoder = reader.CreateDecoder();
        var row = new ResponseRow(plan.ItemCount);
        var rows = 0L;
        var malformed = 0;
        while (true)
        {
            var block = new RowBlock(SmallBlockBytes);
            block.Reset(rows);
            if (!reader.ReadBlock(block))
            {
                return [];
            }

            _prefetched.Enqueue(block);
            rows += block.Count;
            for (var i = 0; i < block.Count; i++)
            {
                decoder.Decode(block, i, row);
                if (row.Malformed is null || malformed == MaxRowsBeforeColumns)
                {
                    var names = new List<string>();
                    for (var f = 0; f < row.FieldCount; f++)
                    {
                        if (!names.Contains(row.FieldName(f), StringComparer.Ordinal))
                        {
                            names.Add(row.FieldName(f));
                        }
                    }

                    return names;
                }

                malformed++;
            }
        }
    }

    /// <summary>
    /// Scores every row into <paramref name="output"/> in <paramref name="format"/>, in input order. Every input row
    /// gives exactly one output row; a row that cannot be read gives an invalid one (RSP2010). Nothing is written
    /// before the first rows are read, so an input that cannot be read at all leaves the output empty.
    /// </summary>
    /// <param name="format">The output format.</param>
    /// <param name="output">Where the bytes go; flushed at the end, not disposed.</param>
    /// <param name="options">Warnings, progress and threads; null for the defaults.</param>
    /// <param name="cancel">Stops the run (it then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>The rows scored, by status.</returns>
    /// <exception cref="ResponseFileException">The input cannot be read at all.</exception>
    public ScoreCounts Run(ResultFormat format, Stream output, ScoringPipelineOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(output);
        if (!ReferenceEquals(format.Protocol, _protocol))
        {
            throw new ArgumentException(_protocol is null ? "the format is a protocol's; this pipeline scores one instrument" : "the format is not this protocol's", nameof(format));
        }

        var warnings = options?.Warnings;
        var progress = options?.Progress;
        if (options?.OnCallingThread == true)
        {
            return RunOnCallingThread(format, output, warnings, progress, cancel);
        }

        var workers = options?.Workers is > 0 and var n ? n : Environment.ProcessorCount;
        var inFlight = new SemaphoreSlim((3 * workers) + 2);
        var free = new ConcurrentBag<RowBlock>();
        using var work = new BlockingCollection<RowBlock>();
        using var ordered = new BlockingCollection<RowBlock>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var token = stop.Token;
        Exception? error = null;

        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref error, e, null);
            stop.Cancel();
        }

        var tasks = new List<Task>
        {
            Task.Factory.StartNew(() => ReadAll(inFlight, free, work, ordered, token, Fail), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
        };
        for (var w = 0; w < workers; w++)
        {
            tasks.Add(Task.Factory.StartNew(() => ScoreBlocks(format, work, token, Fail), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }

        try
        {
            return WriteAll(format, output, warnings, progress, inFlight, free, ordered, token);
        }
        catch (OperationCanceledException) when (error is not null)
        {
            // Another thread failed: its exception is thrown below.
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
        finally
        {
            stop.Cancel();
            // The reader may be blocked reading an input that does not end (a terminal): do not wait for it forever.
            Task.WaitAll([.. tasks], TimeSpan.FromSeconds(5));
        }

        ExceptionDispatchInfo.Throw(error!);
        return default;
    }

    private void ReadAll(SemaphoreSlim inFlight, ConcurrentBag<RowBlock> free, BlockingCollection<RowBlock> work,
        BlockingCollection<RowBlock> ordered, CancellationToken token, Action<Exception> fail)
    {
        try
        {
            var next = 0L;
            while (true)
            {
                inFlight.Wait(token);
                if (!_prefetched.TryDequeue(out var block))
                {
                    block = free.TryTake(out var recycled) ? recycled : new RowBlock();
                    block.Reset(next);
                    if (!reader.ReadBlock(block))
                    {
                        free.Add(block);
                        inFlight.Release();
                        break;
                    }
                }

                next = block.FirstRow + block.Count;
                ordered.Add(block, token);
                work.Add(block, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            fail(e);
        }
        finally
        {
            work.CompleteAdding();
            ordered.CompleteAdding();
        }
    }

    private void ScoreBlocks(ResultFormat format, BlockingCollection<RowBlock> work, CancellationToken token, Action<Exception> fail)
    {
        try
        {
            var decoder = reader.CreateDecoder();
            var row = new ResponseRow(plan.ItemCount);
            var formatter = format.CreateFormatter();
            if (_protocol is { } protocol)
            {
                var results = protocol.CreateResult();
                foreach (var block in work.GetConsumingEnumerable(token))
                {
                    ScoreProtocolBlock(protocol, block, decoder, row, results, formatter);
                    block.Done.Set();
                }

                return;
            }

            var result = plan.CreateResult();
            foreach (var block in work.GetConsumingEnumerable(token))
            {
                ScoreBlock(block, decoder, row, result, formatter);
                block.Done.Set();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            fail(e);
        }
    }

    /// <summary>Decodes, scores and formats every row of <paramref name="block"/> into its output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ScoreBlock(RowBlock block, RowDecoder decoder, ResponseRow row, ScoreResult result, ResultFormatter formatter)
    {
        int complete = 0, partial = 0, invalid = 0;
        for (var i = 0; i < block.Count; i++)
        {
            decoder.Decode(block, i, row);
            if (row.Malformed is { } reason)
            {
                plan.ScoreMalformed(result, row.Line, reason);
            }
            else
            {
                plan.Score(row.Values, row.Texts, result);
            }

            formatter.WriteRow(block.FirstRow + i + 1, row, result, block);
            switch (result.Status)
            {
                case ResponseStatus.Complete: complete++; break;
                case ResponseStatus.Partial: partial++; break;
                default: invalid++; break;
            }
        }

        block.Complete = complete;
        block.Partial = partial;
        block.Invalid = invalid;
    }

    /// <summary>Decodes, scores (for every instrument of the protocol) and formats every row of <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScoreProtocolBlock(ProtocolPlan protocol, RowBlock block, RowDecoder decoder, ResponseRow row, ProtocolResult result, ResultFormatter formatter)
    {
        int complete = 0, partial = 0, invalid = 0;
        for (var i = 0; i < block.Count; i++)
        {
            decoder.Decode(block, i, row);
            if (row.Malformed is { } reason)
            {
                protocol.ScoreMalformed(result, row.Line, reason);
            }
            else
            {
                protocol.Score(row.Values, row.Texts, result);
            }

            formatter.WriteRow(block.FirstRow + i + 1, row, result, block);
            switch (result.Status)
            {
                case ResponseStatus.Complete: complete++; break;
                case ResponseStatus.Partial: partial++; break;
                default: invalid++; break;
            }
        }

        block.Complete = complete;
        block.Partial = partial;
        block.Invalid = invalid;
    }

    private static ScoreCounts WriteAll(ResultFormat format, Stream output, Action<string>? warnings, Action<long>? progress,
        SemaphoreSlim inFlight, ConcurrentBag<RowBlock> free, BlockingCollection<RowBlock> ordered, CancellationToken token)
    {
        var writer = new OrderedWriter(format, output, warnings, progress);
        foreach (var block in ordered.GetConsumingEnumerable(token))
        {
            block.Done.Wait(token);
            writer.Write(block);
            free.Add(block);
            inFlight.Release();
        }

        token.ThrowIfCancellationRequested();
        return writer.Complete();
    }

    /// <summary>
    /// Reads, scores and writes block after block on the calling thread (<see cref="ScoringPipelineOptions.OnCallingThread"/>),
    /// with one block that starts small and grows with the input: the same steps and the same bytes as the parallel run.
    /// </summary>
    private ScoreCounts RunOnCallingThread(ResultFormat format, Stream output, Action<string>? warnings, Action<long>? progress, CancellationToken cancel)
    {
        var writer = new OrderedWriter(format, output, warnings, progress);
        var decoder = reader.CreateDecoder();
        var row = new ResponseRow(plan.ItemCount);
        var formatter = format.CreateFormatter();
        var protocolResult = _protocol?.CreateResult();
        var result = _protocol is null ? plan.CreateResult() : null;
        RowBlock? own = null;
        var next = 0L;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (!_prefetched.TryDequeue(out var block))
            {
                block = own ??= new RowBlock(SmallBlockBytes);
                block.Reset(next);
                if (!reader.ReadBlock(block))
                {
                    break;
                }
            }

            next = block.FirstRow + block.Count;
            if (_protocol is { } protocol)
            {
                ScoreProtocolBlock(protocol, block, decoder, row, protocolResult!, formatter);
            }
            else
            {
                ScoreBlock(block, decoder, row, result!, formatter);
            }

            writer.Write(block);
        }

        cancel.ThrowIfCancellationRequested();
        return writer.Complete();
    }

    /// <summary>The first size of a block that grows with the input (the first blocks of a JSON input looked at by <see cref="DiscoverColumns"/>, and the calling thread's).</summary>
    private const int SmallBlockBytes = 4 * 1024;

    /// <summary>Writes scored blocks in input order: the header before the first, each block's rows and warnings, the footer.</summary>
    private sealed class OrderedWriter(ResultFormat format, Stream output, Action<string>? warnings, Action<long>? progress)
    {
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
        private readonly ByteBuffer _edge = new(1024);
        private readonly ResultSink _sink = format.CreateSink(output);
        private bool _started;
        private long _complete;
        private long _partial;
        private long _invalid;

        public void Write(RowBlock block)
        {
            if (!_started)
            {
                // Only once the first rows are read, so that an input that cannot be read leaves the output empty.
                format.WriteHeader(_edge);
                _sink.Write(_edge.WrittenSpan);
                _started = true;
            }

            _sink.Write(block.Output.WrittenSpan);
            if (block.RowWarnings is { } rowWarnings)
            {
                foreach (var (key, message) in rowWarnings)
                {
                    if (_warned.Add(key))
                    {
                        warnings?.Invoke(message);
                    }
                }
            }

            if (block.ReaderWarnings is { } readerWarnings)
            {
                foreach (var message in readerWarnings)
                {
                    warnings?.Invoke(message);
                }
            }

            _complete += block.Complete;
            _partial += block.Partial;
            _invalid += block.Invalid;
            progress?.Invoke(_complete + _partial + _invalid);
        }

        public ScoreCounts Complete()
        {
            _edge.Clear();
            if (!_started)
            {
                format.WriteHeader(_edge);
            }

            format.WriteFooter(_edge, _complete + _partial + _invalid);
            _sink.Write(_edge.WrittenSpan);
            _sink.Complete();
            return new ScoreCounts(_complete, _partial, _invalid);
        }
    }
}
