using System.Buffers.Binary;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>What a scored row is to the tracker.</summary>
internal enum TrackedKind : byte
{
    /// <summary>A client id and an occasion that parses.</summary>
    Ok,

    /// <summary>The row could not be read (RSP2010); the text is the reason.</summary>
    Malformed,

    /// <summary>The client id is empty or absent (RSP2034).</summary>
    NoClient,

    /// <summary>The occasion is not a number or an ISO date (RSP2033); the text is the occasion as given.</summary>
    BadOccasion,

    /// <summary>The occasion is of another kind than the file's first (RSP2033); set by the tracker, never in a record.</summary>
    WrongKind,
}

/// <summary>
/// The tracker's hook into <see cref="ScoringPipeline"/>: an output "format" whose formatter, on the pipeline's
/// worker threads, turns each scored row into a compact binary record (line, kind, status, occasion, client id bytes,
/// a short text, the score values) instead of text. The pipeline hands the records of each block, in input order, to
/// the output stream, which is a <see cref="TrackedRowSink"/>. Layout, little-endian:
/// <c>int line, byte kind, byte status, byte occasion kind, double occasion value, int client length, int text length,
/// client bytes, text bytes, double[ScoreCount]</c>.
/// </summary>
internal sealed class TrackedRowFormat(ScoringPlan plan, string clientColumn, string occasionColumn) : ResultFormat
{
    internal const int HeaderSize = 4 + 1 + 1 + 1 + 8 + 4 + 4;

    /// <summary>At most this many bytes of a bad occasion are kept for its message.</summary>
    private const int MaxTextBytes = 200;

    private readonly byte[][] _itemIds = [.. plan.Definition.Items.Select(i => Encoding.UTF8.GetBytes(i.Id))];
    private readonly byte[][] _scoreIds = [.. plan.Definition.Scores.Select(s => Encoding.UTF8.GetBytes(s.Id))];

    internal override void WriteHeader(ByteBuffer output)
    {
    }

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    /// <summary>Writes the record of one row (also used by the sequential path).</summary>
    internal void Write(ByteBuffer o, ResponseRow row, ScoreResult result, ref int clientHint, ref int occasionHint)
    {
        var kind = TrackedKind.Ok;
        var occasion = default(Occasion);
        ReadOnlySpan<byte> client = default;
        ReadOnlySpan<byte> text = default;
        byte[]? reason = null;
        if (row.Malformed is { } malformed)
        {
            kind = TrackedKind.Malformed;
            reason = Encoding.UTF8.GetBytes(malformed);
            text = reason;
        }
        else
        {
            var c = Find(row, clientColumn, ref clientHint);
            client = c >= 0 ? row.FieldValue(c) : default;
            if (client.Trim(" \t"u8).IsEmpty)
            {
                kind = TrackedKind.NoClient;
                client = default;
            }
            else
            {
                var s = Find(row, occasionColumn, ref occasionHint);
                var raw = s >= 0 ? row.FieldValue(s) : default;
                if (!Occasion.TryParse(raw, out occasion))
                {
                    kind = TrackedKind.BadOccasion;
                    text = Cut(raw, MaxTextBytes);
                }
            }
        }

        var scores = plan.ScoreCount;
        var size = HeaderSize + client.Length + text.Length + (8 * scores) + 80;
        var span = o.GetSpan(size);
        BinaryPrimitives.WriteInt32LittleEndian(span, row.Line);
        span[4] = (byte)kind;
        span[5] = (byte)result.Status;
        span[6] = (byte)occasion.Kind;
        BinaryPrimitives.WriteDoubleLittleEndian(span[7..], occasion.Value);
        BinaryPrimitives.WriteInt32LittleEndian(span[15..], client.Length);
        var textLength = text.Length;
        var at = HeaderSize;
        client.CopyTo(span[at..]);
        at += client.Length;
        if (kind == TrackedKind.Ok && result.Status == ResponseStatus.Invalid)
        {
            textLength = WriteInvalidReason(span[at..], result);
        }
        else
        {
            text.CopyTo(span[at..]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[19..], textLength);
        at += textLength;
        for (var s = 0; s < scores; s++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[at..], result.GetScoreValue(s));
            at += 8;
        }

        o.Advance(at);
    }

    // "RSP2001 on item 'a'": the first error of an invalid row (at most 60 bytes; ids longer than that are cut).
    private int WriteInvalidReason(Span<byte> into, ScoreResult result)
    {
        foreach (ref readonly var d in result.Diagnostics)
        {
            if (d.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }

            var n = Encoding.ASCII.GetBytes(d.Id.Length > 16 ? d.Id[..16] : d.Id, into);
            var id = d.Item >= 0 ? _itemIds[d.Item] : d.Score >= 0 ? _scoreIds[d.Score] : null;
            if (id is not null)
            {
                var label = d.Item >= 0 ? " on item '"u8 : " on score '"u8;
                label.CopyTo(into[n..]);
                n += label.Length;
                var cut = Math.Min(id.Length, 40);
                id.AsSpan(0, cut).CopyTo(into[n..]);
                n += cut;
                into[n++] = (byte)'\'';
            }

            return n;
        }

        return 0;
    }

    // The first bytes of a text, cut at a character boundary.
    private static ReadOnlySpan<byte> Cut(ReadOnlySpan<byte> text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max;
        while (cut > 0 && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return text[..cut];
    }

    private static int Find(ResponseRow row, string name, ref int hint)
    {
        if ((uint)hint < (uint)row.FieldCount && string.Equals(row.FieldName(hint), name, StringComparison.Ordinal))
        {
            return hint;
        }

        for (var i = 0; i < row.FieldCount; i++)
        {
            if (string.Equals(row.FieldName(i), name, StringComparison.Ordinal))
            {
                hint = i;
                return i;
            }
        }

        return -1;
    }

    private sealed class Formatter(TrackedRowFormat format) : ResultFormatter
    {
        private int _clientHint;
        private int _occasionHint;

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block) =>
            format.Write(block.Output, row, result, ref _clientHint, ref _occasionHint);
    }
}

/// <summary>One decoded record of a <see cref="TrackedRowFormat"/>; its spans point into the buffer it was read from.</summary>
internal readonly ref struct TrackedRow(int line, TrackedKind kind, ResponseStatus status, Occasion occasion,
    ReadOnlySpan<byte> client, ReadOnlySpan<byte> text, ReadOnlySpan<byte> values)
{
    public int Line { get; } = line;

    public TrackedKind Kind { get; } = kind;

    public ResponseStatus Status { get; } = status;

    public Occasion Occasion { get; } = occasion;

    public ReadOnlySpan<byte> Client { get; } = client;

    public ReadOnlySpan<byte> Text { get; } = text;

    /// <summary>The score values, 8 bytes each, little-endian.</summary>
    public ReadOnlySpan<byte> Values { get; } = values;

    public double Value(int score) => BinaryPrimitives.ReadDoubleLittleEndian(Values[(8 * score)..]);

    /// <summary>Reads the record at the start of <paramref name="data"/>; its length in bytes, or 0 when the record is not complete.</summary>
    public static int TryRead(ReadOnlySpan<byte> data, int scores, out TrackedRow row)
    {
        row = default;
        if (data.Length < TrackedRowFormat.HeaderSize)
        {
            return 0;
        }

        var clientLength = BinaryPrimitives.ReadInt32LittleEndian(data[15..]);
        var textLength = BinaryPrimitives.ReadInt32LittleEndian(data[19..]);
        var size = TrackedRowFormat.HeaderSize + clientLength + textLength + (8 * scores);
        if (data.Length < size)
        {
            return 0;
        }

        var kind = (TrackedKind)data[4];
        var occasion = default(Occasion);
        if (kind == TrackedKind.Ok)
        {
            var value = BinaryPrimitives.ReadDoubleLittleEndian(data[7..]);
            occasion = (OccasionKind)data[6] == OccasionKind.Date ? Occasion.FromDate(DateOnly.FromDayNumber((int)value)) : Occasion.FromNumber(value);
        }

        var at = TrackedRowFormat.HeaderSize;
        row = new TrackedRow(BinaryPrimitives.ReadInt32LittleEndian(data), kind, (ResponseStatus)data[5], occasion,
            data.Slice(at, clientLength), data.Slice(at + clientLength, textLength), data.Slice(at + clientLength + textLength, 8 * scores));
        return size;
    }
}

/// <summary>
/// The "output stream" of the scoring pipeline when it runs for the tracker: parses the records of
/// <see cref="TrackedRowFormat"/>, in input order, and hands each row to a callback (on the calling thread of
/// <see cref="ScoringPipeline.Run"/>). A record split across writes is kept until its end arrives.
/// </summary>
internal sealed class TrackedRowSink(int scores, TrackedRowSink.Consumer consume) : Stream
{
    public delegate void Consumer(in TrackedRow row);

    private readonly ByteBuffer _carry = new(256);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_carry.Length > 0)
        {
            _carry.Write(buffer);
            var used = Consume(_carry.WrittenSpan);
            var rest = _carry.WrittenSpan[used..].ToArray();
            _carry.Clear();
            _carry.Write(rest);
            return;
        }

        var n = Consume(buffer);
        _carry.Write(buffer[n..]);
    }

    /// <summary>True when every byte written formed whole records.</summary>
    public bool IsComplete => _carry.Length == 0;

    private int Consume(ReadOnlySpan<byte> data)
    {
        var at = 0;
        while (true)
        {
            var size = TrackedRow.TryRead(data[at..], scores, out var row);
            if (size == 0)
            {
                return at;
            }

            consume(row);
            at += size;
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
