using System.Runtime.CompilerServices;
using System.Text;

namespace Instruments.Data;

/// <summary>
/// Follows the runs of client ids in input order and says, exactly, whether a client comes back after the rows of
/// another. The current run is compared by its bytes; a finished client is kept as a 64-bit hash only (memory grows
/// with the number of clients, not of rows), and while the ids come in increasing order not even looked up
/// (<see cref="KeySet"/>: sorted ids cannot repeat). A hash seen again is either the client again or a collision of two ids:
/// in a first pass (<see cref="Collisions"/> collects such hashes) that is not decided; a second pass given those
/// hashes as <c>suspects</c> keeps the ids of the clients whose hash is suspect, as text, and decides exactly. Not
/// thread-safe.
/// </summary>
internal sealed class ClientRuns
{
    /// <summary>A 64-bit hash of a client id's bytes.</summary>
    public delegate long Hasher(ReadOnlySpan<byte> id);

    private readonly Hasher _hash;
    private readonly KeySet _finished = new();
    private readonly HashSet<long>? _suspects;
    private readonly HashSet<string> _finishedSuspects = new(StringComparer.Ordinal);
    private byte[] _current = new byte[64];
    private int _currentLength = -1;
    private long _currentHash;

    /// <param name="hash">The hash of ids; null for <see cref="DefaultHash"/>.</param>
    /// <param name="suspects">
    /// The hashes a first pass over the same input found twice (<see cref="Collisions"/>): their ids are compared
    /// exactly. Null in a first pass: a hash seen again is then <see cref="Step.Collision"/>.
    /// </param>
    public ClientRuns(Hasher? hash, HashSet<long>? suspects)
    {
        _hash = hash ?? DefaultHash;
        _suspects = suspects;
    }

    /// <summary>What a row's client id is to the runs before it.</summary>
    public enum Step
    {
        /// <summary>The client of the previous row.</summary>
        Same,

        /// <summary>A client not seen before: a new run.</summary>
        New,

        /// <summary>A client that had a run before, after another client's rows.</summary>
        Repeat,

        /// <summary>A first pass only: the id's hash is that of a finished client (the same client, or a collision).</summary>
        Collision,
    }

    /// <summary>The hashes seen again in a first pass (repeats and collisions alike).</summary>
    public HashSet<long> Collisions { get; } = [];

    /// <summary>Takes the next row's client id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Step Next(ReadOnlySpan<byte> id)
    {
        if (_currentLength >= 0 && id.SequenceEqual(_current.AsSpan(0, _currentLength)))
        {
            return Step.Same;
        }

        if (_currentLength >= 0 && _suspects is not null && _suspects.Contains(_currentHash))
        {
            _finishedSuspects.Add(Encoding.UTF8.GetString(_current, 0, _currentLength));
        }

        if (_current.Length < id.Length)
        {
            _current = new byte[id.Length * 2];
        }

        id.CopyTo(_current);
        _currentLength = id.Length;
        _currentHash = _hash(id);

        // The set holds the current client's hash too (one lookup per run, not two): a row of the current client is
        // Same by its bytes before the set is asked.
        if (_finished.Add(id, _currentHash))
        {
            return Step.New;
        }

        if (_suspects is null)
        {
            Collisions.Add(_currentHash);
            return Step.Collision;
        }

        // A second pass: a hash the first pass did not see twice, seen twice now, means the input changed.
        return _suspects.Contains(_currentHash) && !_finishedSuspects.Contains(Encoding.UTF8.GetString(id)) ? Step.New : Step.Repeat;
    }

    /// <summary>Two independent 32-bit hashes of the bytes (seeded per process), as one 64-bit value.</summary>
    public static long DefaultHash(ReadOnlySpan<byte> id)
    {
        var a = default(HashCode);
        a.AddBytes(id);
        var b = default(HashCode);
        b.Add(0x5bd1e995);
        b.AddBytes(id);
        return unchecked(((long)a.ToHashCode() << 32) | (uint)b.ToHashCode());
    }
}

/// <summary>
/// The keys (ids' bytes) met so far, as their 64-bit hashes, for telling a key met again: <see cref="ClientRuns"/>'
/// finished clients, the dyads an agreement run took. While each key comes after the one before in byte order, or in
/// shortlex order (shorter first, then byte order: ids that are numbers, sorted as numbers), no key can have come before
/// and the hashes are only logged, 8 bytes each in order, with no lookup: exports sorted by client cost no hash table.
/// The first key out of both orders moves the log into a <see cref="HashSet64"/>, which then decides. Not thread-safe.
/// </summary>
internal sealed class KeySet
{
    private const int ChunkBits = 14; // 16,384 hashes (128 KiB) per chunk of the log
    private List<long[]>? _log = [];
    private HashSet64? _set;
    private byte[] _last = new byte[64];
    private int _lastLength = -1;
    private bool _byteOrder = true;
    private bool _shortlexOrder = true;

    /// <summary>How many keys were added (each Add that returned true).</summary>
    public int Count { get; private set; }

    /// <summary>True while the keys came in increasing order (the hashes are then only logged).</summary>
    public bool Ordered => _set is null;

    /// <summary>Adds <paramref name="key"/> with its <paramref name="hash"/>; false when that hash was added before (the same key, or a collision).</summary>
    public bool Add(ReadOnlySpan<byte> key, long hash)
    {
        if (_set is null)
        {
            if (InOrder(key))
            {
                Log(hash);
                Count++;
                return true;
            }

            // Out of order: from now on every key is looked up. The keys logged were distinct (they were increasing),
            // so two of them sharing a hash is a collision, not a repeat: the set keeps it once.
            var set = new HashSet64(Count + 1);
            for (var i = 0; i < Count; i++)
            {
                set.Add(_log![i >> ChunkBits][i & ((1 << ChunkBits) - 1)]);
            }

            _set = set;
            _log = null;
        }

        if (!_set.Add(hash))
        {
            return false;
        }

        Count++;
        return true;
    }

    private bool InOrder(ReadOnlySpan<byte> key)
    {
        if (_lastLength >= 0)
        {
            var last = _last.AsSpan(0, _lastLength);
            var order = key.SequenceCompareTo(last);
            _byteOrder &= order > 0;
            _shortlexOrder &= key.Length > last.Length || (key.Length == last.Length && order > 0);
            if (!_byteOrder && !_shortlexOrder)
            {
                return false;
            }
        }

        if (_last.Length < key.Length)
        {
            _last = new byte[key.Length * 2];
        }

        key.CopyTo(_last);
        _lastLength = key.Length;
        return true;
    }

    private void Log(long hash)
    {
        var chunk = Count >> ChunkBits;
        if (chunk == _log!.Count)
        {
            _log.Add(new long[1 << ChunkBits]);
        }

        _log[chunk][Count & ((1 << ChunkBits) - 1)] = hash;
    }
}

/// <summary>
/// A set of 64-bit hashes (<see cref="ClientRuns"/>' finished clients): open addressing with linear probing in one
/// array, at most half full (16 to 32 bytes per hash), one memory access per new id in the usual case. The values are
/// hashes already, so the slot is their top bits after one multiplication.
/// </summary>
internal sealed class HashSet64
{
    private long[] _slots;
    private int _shift;
    private int _count;      // nonzero values in _slots
    private bool _hasZero;   // 0 marks an empty slot, so it is kept apart

    /// <summary>An empty set with room for <paramref name="capacity"/> values before it grows (at least 512).</summary>
    public HashSet64(int capacity = 0)
    {
        var bits = 10;
        while (bits < 30 && (1 << (bits - 1)) < capacity)
        {
            bits++;
        }

        _slots = new long[1 << bits];
        _shift = 64 - bits;
    }

    /// <summary>How many distinct values were added.</summary>
    public int Count => _count + (_hasZero ? 1 : 0);

    /// <summary>Adds <paramref name="value"/>; false when it was there already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(long value)
    {
        if (value == 0)
        {
            var added = !_hasZero;
            _hasZero = true;
            return added;
        }

        if (_count >= _slots.Length >> 1)
        {
            Grow();
        }

        var slots = _slots;
        var mask = slots.Length - 1;
        var i = Slot(value, _shift);
        while (true)
        {
            var s = slots[i];
            if (s == 0)
            {
                slots[i] = value;
                _count++;
                return true;
            }

            if (s == value)
            {
                return false;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>True when <paramref name="value"/> was added.</summary>
    public bool Contains(long value)
    {
        if (value == 0)
        {
            return _hasZero;
        }

        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Slot(value, _shift); slots[i] != 0; i = (i + 1) & mask)
        {
            if (slots[i] == value)
            {
                return true;
            }
        }

        return false;
    }

    private static int Slot(long value, int shift) => (int)(unchecked((ulong)(value * -7046029254386353131L)) >> shift);

    private void Grow()
    {
        var old = _slots;
        var slots = new long[old.Length * 2];
        var shift = _shift - 1;
        var mask = slots.Length - 1;
        foreach (var value in old)
        {
            if (value == 0)
            {
                continue;
            }

            var i = Slot(value, shift);
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = value;
        }

        _slots = slots;
        _shift = shift;
    }
}
