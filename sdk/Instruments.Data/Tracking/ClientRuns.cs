using System.Runtime.CompilerServices;
using System.Text;

namespace Instruments.Data;

/// <summary>
/// Follows the runs of client ids in input order and says, exactly, whether a client comes back after the rows of
/// another. The current run is compared by its bytes; a finished client is kept as a 64-bit hash only (memory grows
/// with the number of clients, not of rows). A hash seen again is either the client again or a collision of two ids:
/// in a first pass (<see cref="Collisions"/> collects such hashes) that is not decided; a second pass given those
/// hashes as <c>suspects</c> keeps the ids of the clients whose hash is suspect, as text, and decides exactly. Not
/// thread-safe.
/// </summary>
internal sealed class ClientRuns
{
    /// <summary>A 64-bit hash of a client id's bytes.</summary>
    public delegate long Hasher(ReadOnlySpan<byte> id);

    private readonly Hasher _hash;
    private readonly HashSet64 _finished = new();
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
        if (_finished.Add(_currentHash))
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
/// A set of 64-bit hashes (<see cref="ClientRuns"/>' finished clients): open addressing with linear probing in one
/// array, at most half full (16 to 32 bytes per hash), one memory access per new id in the usual case. The values are
/// hashes already, so the slot is their top bits after one multiplication.
/// </summary>
internal sealed class HashSet64
{
    private long[] _slots = new long[1 << 10];
    private int _shift = 64 - 10;
    private int _count;      // nonzero values in _slots
    private bool _hasZero;   // 0 marks an empty slot, so it is kept apart

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
