using System.Buffers;
using System.Runtime.CompilerServices;

namespace Instruments.Data.IO;

/// <summary>A growable byte buffer (also an <see cref="IBufferWriter{T}"/>), reused block after block.</summary>
internal sealed class ByteBuffer(int capacity) : IBufferWriter<byte>
{
    private byte[] _buf = new byte[Math.Max(16, capacity)];

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buf.AsSpan(0, Length);

    public byte[] Array => _buf;

    public void Clear() => Length = 0;

    /// <summary>Drops everything after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => Length = length;

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_buf.Length - Length < Math.Max(1, sizeHint))
        {
            Grow(sizeHint);
        }

        return _buf.AsSpan(Length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _buf.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(byte b)
    {
        if (Length == _buf.Length)
        {
            Grow(1);
        }

        _buf[Length++] = b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_buf.Length - Length < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_buf.AsSpan(Length));
        Length += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int more)
    {
        var size = Math.Max(checked(Length + Math.Max(1, more)), _buf.Length * 2);
        System.Array.Resize(ref _buf, size);
    }
}
