using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Text;

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

    /// <summary>A therapist column was named (<c>instruments agree --therapist</c>) and the row's is empty or absent (RSP2043).</summary>
    NoTherapist,
}

/// <summary>
/// The tracker's hook into <see cref="ScoringPipeline"/>: an output "format" whose formatter, on the pipeline's
/// worker threads, turns each scored row into a compact binary record (line, kind, status, occasion, client id bytes,
/// a short text, each instrument's status and why it is invalid, the score values) instead of text. The pipeline hands
/// the records of each block, in input order, to the output stream, which is a <see cref="TrackedRowSink"/>. Layout,
/// little-endian: <c>int line, byte kind, byte status, byte occasion kind, double occasion value, int client length,
/// int text length, client bytes, text bytes, per instrument (byte status, byte reason length), the reasons' bytes,
/// double[ScoreCount]</c>.
/// </summary>
internal sealed class TrackedRowFormat : ResultFormat
{
    internal const int HeaderSize = 4 + 1 + 1 + 1 + 8 + 4 + 4;

    /// <summary>At most this many bytes of a bad occasion are kept for its message.</summary>
    private const int MaxTextBytes = 200;

    /// <summary>At most this many bytes say why an instrument's part of a row is invalid.</summary>
    private const int MaxReasonBytes = 120;

    private readonly TrackedSet _set;
    private readonly string _clientColumn;
    private readonly string _occasionColumn;
    private readonly string? _therapistColumn;
    private readonly byte[][][] _itemIds;
    private readonly byte[][][] _scoreIds;

    /// <summary>
    /// Creates the format. With <paramref name="therapistColumn"/> (for <c>instruments agree</c>), a record's client id is
    /// the client id, the byte 0x1F (unit separator) and the therapist id, so that a dyad is one key.
    /// </summary>
    public TrackedRowFormat(TrackedSet set, string clientColumn, string occasionColumn, string? therapistColumn = null)
    {
        _set = set;
        _clientColumn = clientColumn;
        _occasionColumn = occasionColumn;
        _therapistColumn = therapistColumn;
        Protocol = set.Protocol;
        _itemIds = [.. set.Instruments.Select(p => p.Definition.Items.Select(i => Encoding.UTF8.GetBytes(i.Id)).ToArray())];
        _scoreIds = [.. set.Instruments.Select(p => p.Definition.Scores.Select(s => Encoding.UTF8.GetBytes(s.Id)).ToArray())];
    }

    internal override void WriteHeader(ByteBuffer output)
    {
    }

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    /// <summary>Writes the record of one row; <paramref name="results"/> holds one result per instrument.</summary>
    internal void Write(ByteBuffer o, ResponseRow row, ReadOnlySpan<ScoreResult> results, ResponseStatus status, ref int clientHint, ref int occasionHint,
        ref int therapistHint)
    {
        var kind = TrackedKind.Ok;
        var occasion = default(Occasion);
        ReadOnlySpan<byte> client = default;
        ReadOnlySpan<byte> therapist = default;
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
            var c = row.FindField(_clientColumn, ref clientHint);
            client = c >= 0 ? row.FieldValue(c) : default;
            if (Blanks.IsBlank(client))
            {
                kind = TrackedKind.NoClient;
                client = default;
            }
            else if (_therapistColumn is not null
                && Blanks.IsBlank(therapist = row.FindField(_therapistColumn, ref therapistHint) is var t and >= 0 ? row.FieldValue(t) : default))
            {
                kind = TrackedKind.NoTherapist;
            }
            else
            {
                var s = row.FindField(_occasionColumn, ref occasionHint);
                var raw = s >= 0 ? row.FieldValue(s) : default;
                if (!Occasion.TryParse(raw, out occasion))
                {
                    kind = TrackedKind.BadOccasion;
                    text = Cut(raw, MaxTextBytes);
                }
            }
        }

        var instruments = results.Length;
        var scores = _set.ScoreCount;
        var key = client.Length + (kind == TrackedKind.Ok && _therapistColumn is not null ? 1 + therapist.Length : 0);
        var size = HeaderSize + key + text.Length + (instruments * (2 + MaxReasonBytes)) + (8 * scores);
        var span = o.GetSpan(size);
        BinaryPrimitives.WriteInt32LittleEndian(span, row.Line);
        span[4] = (byte)kind;
        span[5] = (byte)status;
        span[6] = (byte)occasion.Kind;
        BinaryPrimitives.WriteDoubleLittleEndian(span[7..], occasion.Value);
        BinaryPrimitives.WriteInt32LittleEndian(span[15..], key);
        BinaryPrimitives.WriteInt32LittleEndian(span[19..], text.Length);
        var at = HeaderSize;
        client.CopyTo(span[at..]);
        at += client.Length;
        if (key > client.Length)
        {
            span[at++] = KeySeparator;
            therapist.CopyTo(span[at..]);
            at += therapist.Length;
        }

        text.CopyTo(span[at..]);
        at += text.Length;
        var parts = at;
        at += 2 * instruments;
        for (var k = 0; k < instruments; k++)
        {
            var r = results[k];
            span[parts + (2 * k)] = (byte)r.Status;
            var n = kind == TrackedKind.Ok && r.Status == ResponseStatus.Invalid ? WriteInvalidReason(span[at..], k, r) : 0;
            span[parts + (2 * k) + 1] = (byte)n;
            at += n;
        }

        for (var k = 0; k < instruments; k++)
        {
            var r = results[k];
            for (var s = 0; s < r.Plan.ScoreCount; s++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], r.GetScoreValue(s));
                at += 8;
            }
        }

        o.Advance(at);
    }

    /// <summary>Separates the client id from the therapist id in a dyad's key (the ASCII unit separator).</summary>
    internal const byte KeySeparator = 0x1F;

    // "RSP2001 on item 'a'": the first error of an invalid row (at most 60 bytes; ids longer than that are cut).
    private int WriteInvalidReason(Span<byte> into, int instrument, ScoreResult result)
    {
        foreach (ref readonly var d in result.Diagnostics)
        {
            if (d.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }

            var n = Encoding.ASCII.GetBytes(d.Id.Length > 16 ? d.Id[..16] : d.Id, into);
            var id = d.Item >= 0 ? _itemIds[instrument][d.Item] : d.Score >= 0 ? _scoreIds[instrument][d.Score] : null;
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

    private sealed class Formatter(TrackedRowFormat format) : ResultFormatter
    {
        private readonly ScoreResult[] _results = new ScoreResult[format._set.Instruments.Length];
        private int _clientHint;
        private int _occasionHint;
        private int _therapistHint;

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block)
        {
            _results[0] = result;
            format.Write(block.Output, row, _results, result.Status, ref _clientHint, ref _occasionHint, ref _therapistHint);
        }

        public override void WriteRow(long rowNumber, ResponseRow row, ProtocolResult result, RowBlock block)
        {
            for (var k = 0; k < _results.Length; k++)
            {
                _results[k] = result.GetResult(k);
            }

            format.Write(block.Output, row, _results, result.Status, ref _clientHint, ref _occasionHint, ref _therapistHint);
        }
    }
}

/// <summary>One decoded record of a <see cref="TrackedRowFormat"/>; its spans point into the buffer it was read from.</summary>
internal readonly ref struct TrackedRow(int line, TrackedKind kind, ResponseStatus status, Occasion occasion,
    ReadOnlySpan<byte> client, ReadOnlySpan<byte> text, ReadOnlySpan<byte> parts, ReadOnlySpan<byte> reasons, ReadOnlySpan<byte> values)
{
    public int Line { get; } = line;

    public TrackedKind Kind { get; } = kind;

    /// <summary>The worst of the instruments' statuses.</summary>
    public ResponseStatus Status { get; } = status;

    public Occasion Occasion { get; } = occasion;

    public ReadOnlySpan<byte> Client { get; } = client;

    /// <summary>Why the row could not be read, or its occasion as given when that is not usable.</summary>
    public ReadOnlySpan<byte> Text { get; } = text;

    /// <summary>Per instrument: its status and the length of its reason in <see cref="Reasons"/>.</summary>
    public ReadOnlySpan<byte> Parts { get; } = parts;

    /// <summary>Why each invalid instrument part is invalid, one after the other.</summary>
    public ReadOnlySpan<byte> Reasons { get; } = reasons;

    /// <summary>The score values, 8 bytes each, little-endian.</summary>
    public ReadOnlySpan<byte> Values { get; } = values;

    /// <summary>Reads the record at the start of <paramref name="data"/>; its length in bytes, or 0 when the record is not complete.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int TryRead(ReadOnlySpan<byte> data, int instruments, int scores, out TrackedRow row)
    {
        row = default;
        if (data.Length < TrackedRowFormat.HeaderSize)
        {
            return 0;
        }

        var clientLength = BinaryPrimitives.ReadInt32LittleEndian(data[15..]);
        var textLength = BinaryPrimitives.ReadInt32LittleEndian(data[19..]);
        var parts = TrackedRowFormat.HeaderSize + clientLength + textLength;
        if (data.Length < parts + (2 * instruments))
        {
            return 0;
        }

        var reasonsLength = 0;
        for (var k = 0; k < instruments; k++)
        {
            reasonsLength += data[parts + (2 * k) + 1];
        }

        var reasons = parts + (2 * instruments);
        var values = reasons + reasonsLength;
        var size = values + (8 * scores);
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
            data.Slice(at, clientLength), data.Slice(at + clientLength, textLength), data.Slice(parts, 2 * instruments),
            data.Slice(reasons, reasonsLength), data.Slice(values, 8 * scores));
        return size;
    }
}

/// <summary>
/// The "output stream" of the scoring pipeline when it runs for the tracker: parses the records of
/// <see cref="TrackedRowFormat"/>, in input order, and hands each row to a callback (on the calling thread of
/// <see cref="ScoringPipeline.Run"/>). A record split across writes is kept until its end arrives.
/// </summary>
internal sealed class TrackedRowSink(int instruments, int scores, TrackedRowSink.Consumer consume) : WriteOnlyStream
{
    public delegate void Consumer(in TrackedRow row);

    private readonly ByteBuffer _carry = new(256);

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Consume(ReadOnlySpan<byte> data)
    {
        var at = 0;
        while (true)
        {
            var size = TrackedRow.TryRead(data[at..], instruments, scores, out var row);
            if (size == 0)
            {
                return at;
            }

            consume(row);
            at += size;
        }
    }

}
