using System.Collections.Concurrent;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// The streaming run of <see cref="AgreementPipeline"/>, for two inputs that <see cref="AgreementGrouping"/> found
/// grouped by dyad and in the same order: both inputs are scored at once, each by its own
/// <see cref="ScoringPipeline"/> on its own threads, into a <see cref="RecordQueue"/>; this merge takes the two streams of
/// records run by run (a run is one dyad's rows), pairs each dyad as soon as its runs end, writes its pairs (or its
/// summary rows) and forgets it. Held: one dyad's administrations, each dyad's key, the queues' few blocks, and the
/// unpaired rows already formatted (in a <see cref="SpillBuffer"/>: 1 MiB in memory, then a temporary file), which the
/// pairs table lists after every pair.
/// </summary>
internal sealed class AgreementStreaming(AgreementState state, AgreementGrouping.Plan? plan, AgreementTableWriter table, bool summary)
{
    private readonly KeySet _taken = new();
    private int _alone;

    /// <summary>The guess gives up when more than this many dyads, and more than half of all, were taken alone while both inputs went on.</summary>
    internal const int GiveUpAlone = 1000;

    /// <summary>How many dyads the merge took (tests: how far a guess went).</summary>
    public int Taken => _taken.Count;
    private readonly List<PairRow> _pairs = [];
    private readonly List<UnpairedRow> _unpaired = [];
    private readonly byte[][] _head = [new byte[64], new byte[64]];
    private readonly int[] _headLength = [-1, -1];
    private readonly int[] _run = [0, 0];
    private readonly AgreementTotals _totals = new(table.ScoreCount);
    private char[] _chars = new char[64];
    private int[] _order0 = new int[64];
    private int[] _order1 = new int[64];

    public long Pairs { get; private set; }

    public long Unpaired { get; private set; }

    public long Dyads { get; private set; }

    /// <summary>Merges the two inputs' records; the rows that are not paired go to <paramref name="spill"/> (one target per side).</summary>
    public void Run(RecordCursor[] cursors, AgreementTableWriter.Target[] spill, CancellationToken cancel)
    {
        if (plan is null)
        {
            Guess(cursors, spill, cancel);
        }
        else
        {
            Planned(plan, cursors, spill, cancel);
        }

        _unpaired.Clear();
        NotPaired(spill); // the rows after the last dyad
    }

    // The merge with a plan (AgreementGrouping): the dyads both inputs have come in the same order.
    private void Planned(AgreementGrouping.Plan plan, RecordCursor[] cursors, AgreementTableWriter.Target[] spill, CancellationToken cancel)
    {

        var lists = new[] { plan.Client, plan.Therapist };
        var others = new[] { plan.InTherapist, plan.InClient };
        while (Heads(cursors, cancel, out var has0, out var has1))
        {
            // Which run comes next: a dyad the other input does not have goes alone; otherwise both inputs are at the same
            // dyad (the plan says the shared dyads come in the same order).
            var key0 = has0 ? Expected(0, lists[0]) : null;
            var key1 = has1 ? Expected(1, lists[1]) : null;
            if (key0 is not null && !others[0].Contains(key0))
            {
                Dyad(key0, cursors, spill, take0: true, take1: false);
            }
            else if (key1 is not null && !others[1].Contains(key1))
            {
                Dyad(key1, cursors, spill, take0: false, take1: true);
            }
            else if (key0 is not null && key1 is not null && string.Equals(key0, key1, StringComparison.Ordinal))
            {
                Dyad(key0, cursors, spill, take0: true, take1: true);
            }
            else
            {
                throw Changed(key0 is null ? 1 : 0);
            }
        }
    }

    /// <summary>
    /// The merge without a plan, on the guess that both inputs are grouped by dyad and that the dyads both have come in
    /// the same order: when both inputs are at the same dyad it is taken from both; otherwise the dyad whose key (its
    /// bytes) sorts first is taken alone, as a dyad the other input does not have (right when both inputs are sorted by
    /// dyad). A dyad taken before (its key's 64-bit hash) ends the guess with <see cref="NotGroupedException"/>: a
    /// dyad's rows that were not one run, a dyad wrongly taken alone, or a hash collision. So when this returns, each
    /// dyad was taken once with every row of both inputs, as the planned merge and the buffered run take it, and
    /// in the same order (the client input's order for the dyads with pairs, each input's order for its unpaired rows).
    /// </summary>
    private void Guess(RecordCursor[] cursors, AgreementTableWriter.Target[] spill, CancellationToken cancel)
    {
        while (Heads(cursors, cancel, out var has0, out var has1))
        {
            var order = has0 && has1 ? _head[0].AsSpan(0, _headLength[0]).SequenceCompareTo(_head[1].AsSpan(0, _headLength[1])) : has0 ? -1 : 1;
            var side = order <= 0 ? 0 : 1;
            var key = _head[side].AsSpan(0, _headLength[side]);
            if (!_taken.Add(key, ClientRuns.DefaultHash(key)))
            {
                throw new NotGroupedException();
            }

            // Mostly dyads taken alone while both inputs go on: more likely two files grouped in different orders (the
            // guess would then fail only at the end, having read both) than files sharing few dyads. Checking first
            // costs less than that.
            if (order != 0 && has0 && has1 && ++_alone > GiveUpAlone && _alone * 2 > _taken.Count)
            {
                throw new NotGroupedException();
            }

            Dyad(Encoding.UTF8.GetString(key), cursors, spill, take0: order <= 0, take1: order >= 0);
        }
    }

    // Both sides' next rows that name a dyad (rows before them that name none reported); false when both inputs ended.
    private bool Heads(RecordCursor[] cursors, CancellationToken cancel, out bool has0, out bool has1)
    {
        cancel.ThrowIfCancellationRequested();
        has0 = NextHead(0, cursors[0]);
        has1 = NextHead(1, cursors[1]);
        return has0 || has1;
    }

    // The next row of a side that names a dyad; rows before it that name none are reported on the way. False at the end.
    private bool NextHead(int side, RecordCursor cursor)
    {
        while (cursor.TryPeek(out var row))
        {
            if (row.Kind == TrackedKind.Ok)
            {
                var client = row.Client;
                if (_head[side].Length < client.Length)
                {
                    _head[side] = new byte[client.Length * 2];
                }

                client.CopyTo(_head[side]);
                _headLength[side] = client.Length;
                return true;
            }

            state.Add(side, row);
            cursor.Advance();
        }

        _headLength[side] = -1;
        return false;
    }

    // The dyad the plan says comes next on a side, checked against the key the rows give.
    private string Expected(int side, List<string> list)
    {
        var key = _head[side].AsSpan(0, _headLength[side]);
        if (_chars.Length < Encoding.UTF8.GetMaxCharCount(key.Length))
        {
            _chars = new char[Encoding.UTF8.GetMaxCharCount(key.Length)];
        }

        var n = Encoding.UTF8.GetChars(key, _chars);
        if (_run[side] >= list.Count || !_chars.AsSpan(0, n).SequenceEqual(list[_run[side]]))
        {
            throw Changed(side);
        }

        return list[_run[side]];
    }

    private ResponseFileException Changed(int side) =>
        new($"{state.SideName(side)}: the input changed while it was read (its dyads are not those its first reading found)");

    // One dyad: its run on each side taken, then paired, written and forgotten.
    private void Dyad(string key, RecordCursor[] cursors, AgreementTableWriter.Target[] spill, bool take0, bool take1)
    {
        var dyad = state.BeginDyad(key);
        if (take0)
        {
            TakeRun(0, cursors[0]);
        }

        if (take1)
        {
            TakeRun(1, cursors[1]);
        }

        _pairs.Clear();
        _unpaired.Clear();
        state.MatchDyad(dyad, state.OrderByOccasion(0, ref _order0), state.OrderByOccasion(1, ref _order1), _pairs, _unpaired);
        if (_pairs.Count > 0)
        {
            Pairs += _pairs.Count;
            Dyads++;
            if (summary)
            {
                table.Dyad(state.Summarize(_pairs, 0, _pairs.Count, _totals));
            }
            else
            {
                // The pairs table has no dyad or across-dyad figures: nothing is summarised.
                foreach (var p in _pairs)
                {
                    table.Pair(p);
                }
            }
        }

        Unpaired += _unpaired.Count;
        NotPaired(spill);
        state.EndDyad();
    }

    // The pairs table's rows for what is not paired so far (the dyad's unpaired administrations, and the unusable rows
    // met since the last dyad ended, each side's in line order), into each side's spill: after every pair, each input's
    // rows that are not paired come in line order, as the buffered run writes them.
    private void NotPaired(AgreementTableWriter.Target[] spill)
    {
        var unusable = state.UnusableRows;
        if (summary || (_unpaired.Count == 0 && unusable.Count == 0))
        {
            return;
        }

        state.SortUnpaired(_unpaired);
        state.SortUnusable();

        table.NotPaired(_unpaired, unusable, spill[0], spill[1]);
        unusable.Clear();
    }

    // The rows of a side's current run (its head's key), and the rows naming no dyad among them.
    private void TakeRun(int side, RecordCursor cursor)
    {
        var key = _head[side].AsSpan(0, _headLength[side]);
        while (cursor.TryPeek(out var row))
        {
            if (row.Kind == TrackedKind.Ok && !row.Client.SequenceEqual(key))
            {
                break;
            }

            state.Add(side, row);
            cursor.Advance();
        }

        _run[side]++;
    }

    /// <summary>The across-dyad figures, after <see cref="Run"/> (with a summary; for the pairs table they are not computed, and empty).</summary>
    public AgreementTotalsSummary Totals() => new(Pairs, Dyads, Unpaired, state.Unusable, _totals.OverDyads(), _totals.OverPairs());
}

/// <summary>
/// The records (<see cref="TrackedRowFormat"/>) one input's scoring pipeline writes, handed from its thread to the merge:
/// each write (a block's records) is copied into an array of the queue's own and queued; at most <see cref="Capacity"/>
/// wait, so the pipeline waits when the merge is behind. The merge gives each array back (<see cref="Recycle"/>): the
/// queue's arrays are a fixed few, reused for the whole run (no pool shared across threads, whose arrays, dropped when a
/// bucket is full, would be large-object garbage).
/// </summary>
internal sealed class RecordQueue(CancellationToken cancel) : WriteOnlyStream
{
    public const int Capacity = 8;

    private readonly BlockingCollection<(byte[] Data, int Length)> _chunks = new(Capacity);
    private readonly ConcurrentBag<byte[]> _free = [];

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        if (!_free.TryTake(out var data) || data.Length < buffer.Length)
        {
            data = new byte[Math.Max(buffer.Length, 1 << 16)];
        }

        buffer.CopyTo(data);
        _chunks.Add((data, buffer.Length), cancel);
    }

    /// <summary>Gives an array taken from the queue back, to be written into again.</summary>
    public void Recycle(byte[] data) => _free.Add(data);

    /// <summary>No more records (called by the writing side when its pipeline ends, however it ends).</summary>
    public void Complete() => _chunks.CompleteAdding();

    /// <summary>The next block of records; false when the queue is complete and empty.</summary>
    public bool TryTake(out (byte[] Data, int Length) chunk) => _chunks.TryTake(out chunk, Timeout.Infinite, cancel);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunks.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Reads the records of a <see cref="RecordQueue"/> one at a time (a record split across two blocks is joined).</summary>
internal sealed class RecordCursor(RecordQueue queue, int instruments, int scores, Action ended)
{
    private byte[]? _data;
    private int _length;
    private int _at;
    private int _size;

    /// <summary>
    /// The record at the cursor, without moving; false at the end of the input. The row's spans stay valid until the
    /// next call after <see cref="Advance"/>.
    /// </summary>
    public bool TryPeek(out TrackedRow row)
    {
        while (true)
        {
            if (_data is not null)
            {
                _size = TrackedRow.TryRead(_data.AsSpan(_at, _length - _at), instruments, scores, out row);
                if (_size > 0)
                {
                    return true;
                }
            }

            var rest = _data is null ? 0 : _length - _at;
            if (!queue.TryTake(out var next))
            {
                ended();
                if (rest > 0)
                {
                    throw new InvalidOperationException("the scoring pipeline ended in the middle of a record");
                }

                Return();
                row = default;
                return false;
            }

            if (rest > 0)
            {
                // A record cut between two writes (the pipeline writes whole blocks, so not expected): joined in a new array.
                var joined = new byte[rest + next.Length];
                _data.AsSpan(_at, rest).CopyTo(joined);
                next.Data.AsSpan(0, next.Length).CopyTo(joined.AsSpan(rest));
                queue.Recycle(next.Data);
                next = (joined, rest + next.Length);
            }

            Return();
            (_data, _length, _at) = (next.Data, next.Length, 0);
        }
    }

    /// <summary>Moves past the record <see cref="TryPeek"/> gave.</summary>
    public void Advance() => _at += _size;

    private void Return()
    {
        if (_data is not null)
        {
            queue.Recycle(_data);
            _data = null;
        }
    }
}

/// <summary>
/// Bytes written now and read back once at the end (the unpaired rows of a streaming run): in memory up to a limit, then
/// in a temporary file deleted when this is disposed.
/// </summary>
internal sealed class SpillBuffer(int memoryLimit) : WriteOnlyStream
{
    private MemoryStream? _memory = new();
    private FileStream? _file;

    public override long Length => _memory?.Length ?? _file!.Length;

    /// <summary>True once the bytes went to a file.</summary>
    public bool Spilled => _file is not null;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_memory is not null && _memory.Length + buffer.Length > memoryLimit)
        {
            _file = new FileStream(Path.Combine(Path.GetTempPath(), "instruments-agree-" + Guid.NewGuid().ToString("N") + ".tmp"), FileMode.CreateNew,
                FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _file.Write(_memory.GetBuffer().AsSpan(0, (int)_memory.Length));
            _memory = null;
        }

        if (_memory is not null)
        {
            _memory.Write(buffer);
        }
        else
        {
            _file!.Write(buffer);
        }
    }

    /// <summary>Writes every byte held into <paramref name="output"/>.</summary>
    public void CopyInto(Stream output)
    {
        if (_memory is not null)
        {
            output.Write(_memory.GetBuffer().AsSpan(0, (int)_memory.Length));
            return;
        }

        _file!.Flush();
        _file.Position = 0;
        _file.CopyTo(output, 1 << 16);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _file?.Dispose();
        }

        base.Dispose(disposing);
    }
}
