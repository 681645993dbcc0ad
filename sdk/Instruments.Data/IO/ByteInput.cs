namespace Instruments.Data.IO;

/// <summary>
/// A forward-only buffered byte reader for the row readers: a window over the input that grows (up to a limit)
/// when one row needs more room, and counts lines (LF) as bytes are consumed. Skips a UTF-8 byte order mark.
/// </summary>
internal sealed class ByteInput : IDisposable
{
    /// <summary>Largest accepted row, in bytes, unless a reader is given another limit (tests use small ones).</summary>
    public const int DefaultMaxRowBytes = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buf;
    private bool _started;

    public ByteInput(Stream stream, int bufferSize = 64 * 1024, int maxRowBytes = DefaultMaxRowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowBytes, 16);
        _stream = stream;
        MaxRowBytes = maxRowBytes;
        _buf = new byte[Math.Min(bufferSize, maxRowBytes)];
    }

    /// <summary>
    /// <paramref name="bufferSize"/>, or less for a stream that says it holds less (a seekable one, such as a request
    /// body in memory): room for all of it and one byte more, so that the end is found without growing the buffer.
    /// </summary>
    /// <param name="stream">The input.</param>
    /// <param name="bufferSize">The buffer for a long input.</param>
    /// <returns>The buffer size.</returns>
    public static int BufferSizeFor(Stream stream, int bufferSize)
    {
        if (!stream.CanSeek)
        {
            return bufferSize;
        }

        try
        {
            var remaining = stream.Length - stream.Position;
            return remaining >= 0 && remaining < bufferSize - 1 ? Math.Max(16, (int)remaining + 1) : bufferSize;
        }
        catch (Exception e) when (e is NotSupportedException or IOException)
        {
            return bufferSize;
        }
    }

    /// <summary>Largest accepted row, in bytes: the buffer never grows past it.</summary>
    public int MaxRowBytes { get; }

    public byte[] Buffer => _buf;

    /// <summary>Start of the unconsumed bytes.</summary>
    public int Position { get; private set; }

    /// <summary>End of the buffered bytes.</summary>
    public int Length { get; private set; }

    public bool Eof { get; private set; }

    /// <summary>1-based line of <see cref="Position"/>.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>
    /// Reads more bytes, keeping the unconsumed ones (positions shift: callers re-scan from <see cref="Position"/>).
    /// False when the unconsumed bytes already fill <see cref="MaxRowBytes"/>.
    /// </summary>
    public bool Fill()
    {
        if (Position > 0)
        {
            Array.Copy(_buf, Position, _buf, 0, Length - Position);
            Length -= Position;
            Position = 0;
        }

        if (Length == _buf.Length)
        {
            if (_buf.Length >= MaxRowBytes)
            {
                return false;
            }

            Array.Resize(ref _buf, Math.Min(MaxRowBytes, _buf.Length * 2));
        }

        var n = _stream.Read(_buf, Length, _buf.Length - Length);
        if (n == 0)
        {
            Eof = true;
        }

        Length += n;
        if (!_started && (Length >= 3 || Eof))
        {
            _started = true;
            if (Length >= 3 && _buf[0] == 0xEF && _buf[1] == 0xBB && _buf[2] == 0xBF)
            {
                Position = 3;
            }
        }

        return true;
    }

    /// <summary>Makes sure at least one unconsumed byte is buffered; false at the end of the input.</summary>
    public bool EnsureData()
    {
        while (Position == Length || !_started)
        {
            if (Eof)
            {
                return Position < Length;
            }

            Fill();
        }

        return true;
    }

    /// <summary>Consumes bytes up to <paramref name="end"/> without counting lines (for readers that count them themselves).</summary>
    public void Skip(int end) => Position = end;

    /// <summary>Consumes bytes up to <paramref name="end"/>, counting line feeds.</summary>
    public void Consume(int end)
    {
        Line += _buf.AsSpan(Position, end - Position).Count((byte)'\n');
        Position = end;
    }

    public void Dispose() => _stream.Dispose();
}
