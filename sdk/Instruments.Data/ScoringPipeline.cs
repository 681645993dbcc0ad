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
            var block = new RowBlock();
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
        long complete = 0, partial = 0, invalid = 0;
        var warned = new HashSet<string>(StringComparer.Ordinal);
        var edge = new ByteBuffer(1024);
        var sink = format.CreateSink(output);
        var started = false;
        foreach (var block in ordered.GetConsumingEnumerable(token))
        {
            block.Done.Wait(token);
            if (!started)
            {
                // Only once the first rows are read, so that an input that cannot be read leaves the output empty.
                format.WriteHeader(edge);
                sink.Write(edge.WrittenSpan);
                started = true;
            }

            sink.Write(block.Output.WrittenSpan);
            if (block.RowWarnings is { } rowWarnings)
            {
                foreach (var (key, message) in rowWarnings)
                {
                    if (warned.Add(key))
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

            complete += block.Complete;
            partial += block.Partial;
            invalid += block.Invalid;
            free.Add(block);
            inFlight.Release();
            progress?.Invoke(complete + partial + invalid);
        }

        token.ThrowIfCancellationRequested();
        edge.Clear();
        if (!started)
        {
            format.WriteHeader(edge);
        }

        format.WriteFooter(edge, complete + partial + invalid);
        sink.Write(edge.WrittenSpan);
        sink.Complete();
        return new ScoreCounts(complete, partial, invalid);
    }
}
