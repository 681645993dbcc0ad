using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Instruments.Definitions;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// An output format: what comes before and after the rows, and a <see cref="ResultFormatter"/> per thread that
/// writes scored rows as bytes. Immutable and shared by the pipeline's threads.
/// </summary>
public abstract class ResultFormat
{
    private protected ResultFormat()
    {
    }

    /// <summary>
    /// CSV: the pass-through columns, <c>status</c>, each score (followed by <c>&lt;score&gt;_band</c> when it has
    /// bands), <c>flags</c> and <c>diagnostics</c>. Text cells a spreadsheet would run as a formula are prefixed
    /// with <c>'</c>.
    /// </summary>
    /// <param name="plan">The plan whose results are written.</param>
    /// <param name="passThroughColumns">The pass-through columns (<see cref="ResponseReader.Columns"/>, or
    /// <see cref="ScoringPipeline.DiscoverColumns"/> for JSON input).</param>
    /// <param name="positional">True when every well-formed row carries exactly these columns, in order (CSV input).</param>
    /// <returns>The format.</returns>
    public static ResultFormat CreateCsv(ScoringPlan plan, IReadOnlyList<string> passThroughColumns, bool positional = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(passThroughColumns);
        return new CsvResultFormat(plan, passThroughColumns, positional);
    }

    /// <summary>A JSON document <c>{"instrument", "version", "results": [...]}</c>, one object per row.</summary>
    /// <param name="plan">The plan whose results are written.</param>
    /// <returns>The format.</returns>
    public static ResultFormat CreateJson(ScoringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new JsonResultFormat(plan, ndjson: false);
    }

    /// <summary>NDJSON: one JSON object per row, one row per line.</summary>
    /// <param name="plan">The plan whose results are written.</param>
    /// <returns>The format.</returns>
    public static ResultFormat CreateNdjson(ScoringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new JsonResultFormat(plan, ndjson: true);
    }

    /// <summary>The format <paramref name="format"/> (see <see cref="CreateCsv(ScoringPlan, IReadOnlyList{string}, bool)"/>, <see cref="CreateJson"/>, <see cref="CreateNdjson"/>).</summary>
    /// <param name="format">The output format.</param>
    /// <param name="plan">The plan whose results are written.</param>
    /// <param name="passThroughColumns">For CSV: the pass-through columns.</param>
    /// <param name="positional">For CSV: true when every well-formed row carries exactly these columns, in order.</param>
    /// <returns>The format.</returns>
    public static ResultFormat Create(DataFormat format, ScoringPlan plan, IReadOnlyList<string> passThroughColumns, bool positional = false) => format switch
    {
        DataFormat.Csv => CreateCsv(plan, passThroughColumns, positional),
        DataFormat.Json => CreateJson(plan),
        DataFormat.Ndjson => CreateNdjson(plan),
        DataFormat.Parquet => CreateParquet(plan, passThroughColumns, positional),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an output format"),
    };

    /// <summary>
    /// Apache Parquet with the columns of <see cref="CreateCsv(ScoringPlan, IReadOnlyList{string}, bool)"/>: the
    /// pass-through columns (nullable strings), <c>status</c>, each score (a nullable double, followed by
    /// <c>&lt;score&gt;_unrounded</c> when it rounds and <c>&lt;score&gt;_band</c>, a nullable string, when it has bands),
    /// <c>flags</c> and <c>diagnostics</c> (strings, empty when there are none, as the CSV cells are). A pass-through
    /// column named like a result column is written as <c>name_2</c>. One row group per 65,536 rows; the stream must be
    /// seekable (a file), and the file is complete only once the run ends.
    /// </summary>
    /// <param name="plan">The plan whose results are written.</param>
    /// <param name="passThroughColumns">The pass-through columns (as for CSV).</param>
    /// <param name="positional">True when every well-formed row carries exactly these columns, in order (CSV or Parquet input).</param>
    /// <returns>The format.</returns>
    public static ResultFormat CreateParquet(ScoringPlan plan, IReadOnlyList<string> passThroughColumns, bool positional = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(passThroughColumns);
        return new ParquetResultFormat(plan, passThroughColumns, positional);
    }

    /// <summary>
    /// CSV of a protocol's results: the pass-through columns, <c>status</c> (the worst of the instruments'), then for
    /// each instrument of <see cref="ProtocolPlan.Instruments"/> the columns of a single instrument's CSV prefixed by its
    /// id: <c>phq-9.status</c>, <c>phq-9.total</c>, <c>phq-9.total_band</c>, <c>phq-9.flags</c>, <c>phq-9.diagnostics</c>.
    /// </summary>
    /// <param name="protocol">The protocol whose results are written.</param>
    /// <param name="passThroughColumns">The pass-through columns (see <see cref="CreateCsv(ScoringPlan, IReadOnlyList{string}, bool)"/>).</param>
    /// <param name="positional">True when every well-formed row carries exactly these columns, in order (CSV input).</param>
    /// <returns>The format.</returns>
    public static ResultFormat CreateCsv(ProtocolPlan protocol, IReadOnlyList<string> passThroughColumns, bool positional = false)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(passThroughColumns);
        return new CsvProtocolResultFormat(protocol, passThroughColumns, positional);
    }

    /// <summary>
    /// The format <paramref name="format"/> of a protocol's results: CSV (see <see cref="CreateCsv(ProtocolPlan, IReadOnlyList{string}, bool)"/>),
    /// JSON (<c>{"protocol", "version", "instruments", "results": [...]}</c>, each result nesting one object per
    /// instrument id under <c>instruments</c>), NDJSON (one such result per line) or Parquet (the CSV's columns, typed
    /// as in <see cref="CreateParquet"/>: each instrument's scores and <c>_unrounded</c> columns nullable doubles, the
    /// rest strings; a pass-through column named like a result column is written as <c>name_2</c>; the stream must be
    /// seekable).
    /// </summary>
    /// <param name="format">The output format.</param>
    /// <param name="protocol">The protocol whose results are written.</param>
    /// <param name="passThroughColumns">For CSV and Parquet: the pass-through columns.</param>
    /// <param name="positional">For CSV and Parquet: true when every well-formed row carries exactly these columns, in order.</param>
    /// <returns>The format.</returns>
    public static ResultFormat Create(DataFormat format, ProtocolPlan protocol, IReadOnlyList<string> passThroughColumns, bool positional = false)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return format switch
        {
            DataFormat.Csv => CreateCsv(protocol, passThroughColumns, positional),
            DataFormat.Json => new JsonProtocolResultFormat(protocol, ndjson: false),
            DataFormat.Ndjson => new JsonProtocolResultFormat(protocol, ndjson: true),
            DataFormat.Parquet => new ParquetResultFormat(protocol, passThroughColumns ?? throw new ArgumentNullException(nameof(passThroughColumns)), positional),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an output format"),
        };
    }

    /// <summary>The protocol whose results this format writes; null for a single instrument's format.</summary>
    internal ProtocolPlan? Protocol { get; private protected init; }

    /// <summary>Writes what comes before the first row.</summary>
    internal abstract void WriteHeader(ByteBuffer output);

    /// <summary>Writes what comes after the last row; <paramref name="rows"/> rows were written.</summary>
    internal abstract void WriteFooter(ByteBuffer output, long rows);

    /// <summary>A formatter for one thread.</summary>
    internal abstract ResultFormatter CreateFormatter();

    /// <summary>
    /// Where the formatted rows go: by default the bytes are written to <paramref name="output"/> as they are; a
    /// columnar format (Parquet) collects its rows' records into row groups instead.
    /// </summary>
    internal virtual ResultSink CreateSink(Stream output) => new StreamSink(output);

    internal static ReadOnlySpan<byte> StatusBytes(ResponseStatus status) => status switch
    {
        ResponseStatus.Complete => "complete"u8,
        ResponseStatus.Partial => "partial"u8,
        _ => "invalid"u8,
    };

    internal static string StatusName(ResponseStatus status) => status switch
    {
        ResponseStatus.Complete => "complete",
        ResponseStatus.Partial => "partial",
        _ => "invalid",
    };

    /// <summary>What a diagnostic is about, for the CSV column: an item, score or flag id, or the input line.</summary>
    internal static string? Subject(ScoringPlan plan, in ResponseDiagnostic d)
    {
        var def = plan.Definition;
        if (d.Item >= 0)
        {
            return def.Items[d.Item].Id;
        }

        if (d.Score >= 0)
        {
            return def.Scores[d.Score].Id;
        }

        if (d.Flag >= 0)
        {
            return def.Flags[d.Flag].Id;
        }

        if (d.Descriptor == InstrumentDiagnostics.MalformedRow)
        {
            return "line " + d.Count.ToString(CultureInfo.InvariantCulture);
        }

        return d.Text;
    }

    private protected static void WriteUtf8(ByteBuffer output, string text)
    {
        var n = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(n);
    }
}

/// <summary>Writes scored rows of one thread into the output of their block. Not thread-safe.</summary>
internal abstract class ResultFormatter
{
    /// <summary>
    /// Writes the result of input row <paramref name="rowNumber"/> (1-based) into <paramref name="block"/>'s output;
    /// warnings go to the block too.
    /// </summary>
    public abstract void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block);

    /// <summary>Writes a protocol's result of input row <paramref name="rowNumber"/> (only the formats of a protocol do).</summary>
    public virtual void WriteRow(long rowNumber, ResponseRow row, ProtocolResult result, RowBlock block) =>
        throw new InvalidOperationException("this format writes a single instrument's results");
}

/// <summary>
/// CSV: pass-through columns, <c>status</c>, each score (followed by <c>&lt;score&gt;_band</c> when it has bands),
/// <c>flags</c> and <c>diagnostics</c>. Text cells that a spreadsheet would run as a formula are prefixed with
/// <c>'</c>. Everything that does not change from row to row (band labels, ids) is encoded once.
/// </summary>
internal sealed class CsvResultFormat : ResultFormat
{
    private readonly ScoringPlan _plan;
    private readonly string[] _columns;
    private readonly bool _positional;       // rows carry exactly the columns, in order (CSV input)
    private readonly byte[][]?[] _bands;     // per score: escaped label per band; null when the score has no bands
    private readonly bool[] _unrounded;      // per score: it declares a rounding, so it has a <score>_unrounded column
    private readonly byte[][] _flagIds;
    private readonly byte[][] _itemIds;
    private readonly byte[][] _scoreIds;
    private readonly byte[] _header;

    /// <param name="plan">The plan whose results are written.</param>
    /// <param name="columns">The pass-through columns.</param>
    /// <param name="positional">True when every well-formed row carries exactly <paramref name="columns"/>, in order.</param>
    public CsvResultFormat(ScoringPlan plan, IReadOnlyList<string> columns, bool positional)
    {
        _plan = plan;
        _columns = [.. columns];
        _positional = positional;
        var def = plan.Definition;
        _bands = [.. def.Scores.Select(s => s.Bands.Length > 0 ? s.Bands.Select(b => Csv.EscapeCell(b.Label)).ToArray() : (byte[][]?)null)];
        _unrounded = [.. def.Scores.Select(HasUnroundedColumn)];
        _flagIds = [.. def.Flags.Select(f => Encoding.UTF8.GetBytes(f.Id))];
        _itemIds = [.. def.Items.Select(i => Encoding.UTF8.GetBytes(i.Id))];
        _scoreIds = [.. def.Scores.Select(s => Encoding.UTF8.GetBytes(s.Id))];

        var header = new ByteBuffer(256);
        foreach (var c in _columns)
        {
            Csv.WriteCell(header, Encoding.UTF8.GetBytes(c));
            header.Write((byte)',');
        }

        header.Write("status"u8);
        foreach (var s in def.Scores)
        {
            header.Write((byte)',');
            Csv.WriteCell(header, Encoding.UTF8.GetBytes(s.Id));
            if (HasUnroundedColumn(s))
            {
                header.Write((byte)',');
                Csv.WriteCell(header, Encoding.UTF8.GetBytes(s.Id + "_unrounded"));
            }

            if (s.Bands.Length > 0)
            {
                header.Write((byte)',');
                Csv.WriteCell(header, Encoding.UTF8.GetBytes(s.Id + "_band"));
            }
        }

        header.Write(",flags,diagnostics\r\n"u8);
        _header = header.WrittenSpan.ToArray();
    }

    internal override void WriteHeader(ByteBuffer output) => output.Write(_header);

    /// <summary>
    /// Whether a score gets a <c>&lt;score&gt;_unrounded</c> column: its definition rounds it (its own rounding, or
    /// its missing rule's for prorated values). The cell holds the value before rounding when rounding changed it.
    /// </summary>
    internal static bool HasUnroundedColumn(ScoreDefinition score) =>
        score.Rounding is { Method: RoundingMethod.Nearest } || score.Missing.Rounding is { Method: RoundingMethod.Nearest };

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    private sealed class Formatter(CsvResultFormat format) : ResultFormatter
    {
        private readonly PassThroughWriter _pass = new(format._columns, format._positional);
        private readonly CellWriter _cells = new(format);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block)
        {
            var o = block.Output;
            _pass.Write(o, row, block);
            o.Write(StatusBytes(result.Status));
            _cells.WriteResult(o, result);
            o.Write("\r\n"u8);
        }
    }

    /// <summary>Writes the pass-through cells of a row, each followed by a comma (one per thread).</summary>
    internal sealed class PassThroughWriter(string[] columns, bool positional)
    {
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Write(ByteBuffer o, ResponseRow row, RowBlock block)
        {
            if (row.Malformed is not null)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    o.Write((byte)',');
                }
            }
            else if (positional)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    Csv.WriteCell(o, row.FieldValue(c));
                    o.Write((byte)',');
                }
            }
            else
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    var f = Find(row, columns[c]);
                    if (f >= 0)
                    {
                        Csv.WriteCell(o, row.FieldValue(f));
                    }

                    o.Write((byte)',');
                }

                WarnExtraFields(row, block);
            }
        }

        private static int Find(ResponseRow row, string name)
        {
            for (var i = 0; i < row.FieldCount; i++)
            {
                var f = row.FieldName(i);
                if (ReferenceEquals(f, name) || string.Equals(f, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        // A field that is not a column: warned once per name (the writer keeps the first in input order).
        private void WarnExtraFields(ResponseRow row, RowBlock block)
        {
            for (var i = 0; i < row.FieldCount; i++)
            {
                var name = row.FieldName(i);
                if (Array.IndexOf(columns, name) < 0 && _warned.Add(name))
                {
                    block.AddRowWarning(name, $"field '{name}' (line {row.Line}) is not in the first row, so the CSV output has no column for it; use --format json or ndjson to keep every field");
                }
            }
        }
    }

    /// <summary>Writes what follows a result's status cell: each score (and band), the flags and the diagnostics (one per thread).</summary>
    internal sealed class CellWriter(CsvResultFormat format)
    {
        private readonly NumberFormatter _numbers = new();
        private readonly ByteBuffer _diagnostics = new(256);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void WriteResult(ByteBuffer o, ScoreResult result)
        {
            var bands = format._bands;
            var unrounded = format._unrounded;
            for (var s = 0; s < bands.Length; s++)
            {
                o.Write((byte)',');
                var v = result.GetScoreValue(s);
                if (!double.IsNaN(v))
                {
                    _numbers.Write(o, v);
                }

                if (unrounded[s])
                {
                    o.Write((byte)',');
                    if (result.IsRounded(s))
                    {
                        _numbers.Write(o, result.GetUnroundedScore(s));
                    }
                }

                if (bands[s] is { } labels)
                {
                    o.Write((byte)',');
                    var b = result.GetBandIndex(s);
                    if (b >= 0)
                    {
                        o.Write(labels[b]);
                    }
                }
            }

            o.Write((byte)',');
            var first = true;
            var flagIds = format._flagIds;
            for (var f = 0; f < flagIds.Length; f++)
            {
                if (result.GetFlag(f) == FlagState.Raised)
                {
                    if (!first)
                    {
                        o.Write((byte)';');
                    }

                    o.Write(flagIds[f]);
                    first = false;
                }
            }

            o.Write((byte)',');
            var diagnostics = result.Diagnostics;
            if (!diagnostics.IsEmpty)
            {
                WriteDiagnostics(o, diagnostics);
            }
        }

        private void WriteDiagnostics(ByteBuffer o, ReadOnlySpan<ResponseDiagnostic> diagnostics)
        {
            _diagnostics.Clear();
            DiagnosticsText(_diagnostics, format._plan, format._itemIds, format._scoreIds, diagnostics);
            Csv.WriteCell(o, _diagnostics.WrittenSpan);
        }
    }

    /// <summary>
    /// Writes the text of the <c>diagnostics</c> cell (before CSV quoting): <c>ID:subject</c> per diagnostic, separated
    /// by <c>;</c>. Shared with the Parquet output, whose <c>diagnostics</c> column holds the same text.
    /// </summary>
    internal static void DiagnosticsText(ByteBuffer d, ScoringPlan plan, byte[][] itemIds, byte[][] scoreIds, ReadOnlySpan<ResponseDiagnostic> diagnostics)
    {
        foreach (ref readonly var x in diagnostics)
        {
            if (d.Length > 0)
            {
                d.Write((byte)';');
            }

            WriteUtf8(d, x.Id);
            if (x.Item >= 0)
            {
                d.Write((byte)':');
                d.Write(itemIds[x.Item]);
            }
            else if (x.Score >= 0)
            {
                d.Write((byte)':');
                d.Write(scoreIds[x.Score]);
            }
            else if (Subject(plan, x) is { } subject)
            {
                d.Write((byte)':');
                WriteUtf8(d, subject);
            }
        }
    }
}

/// <summary>
/// Shortest round-trip text (the "R" format, invariant culture) of doubles as UTF-8, through a small direct-mapped
/// cache: scores take few distinct values (means of a few integers), so most numbers are copied, not formatted.
/// </summary>
internal sealed class NumberFormatter
{
    private const int Bits = 10;
    private const int Slots = 1 << Bits;
    private const int Width = 32;   // "-1.7976931348623157E+308" is 24 bytes

    private readonly long[] _keys = new long[Slots];
    private readonly byte[] _lengths = new byte[Slots];
    private readonly byte[] _text = new byte[Slots * Width];

    public NumberFormatter() => Array.Fill(_keys, unchecked((long)0xFFF8_0000_0000_0001));   // a NaN: never looked up

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(ByteBuffer output, double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var slot = (int)unchecked((ulong)(bits * -7046029254386353131L) >> (64 - Bits));
        var text = _text.AsSpan(slot * Width, Width);
        if (_keys[slot] != bits)
        {
            if (!value.TryFormat(text, out var n, "R", CultureInfo.InvariantCulture))
            {
                n = 0;
            }

            _keys[slot] = bits;
            _lengths[slot] = (byte)n;
        }

        // A constant-size copy of the whole slot (one vector move), of which only the text's length counts.
        var destination = output.GetSpan(Width);
        Unsafe.CopyBlockUnaligned(ref destination[0], ref text[0], Width);
        output.Advance(_lengths[slot]);
    }
}

/// <summary>JSON (<c>{"instrument", "version", "results": [...]}</c>, indented) or NDJSON (one result object per line).</summary>
internal sealed class JsonResultFormat : ResultFormat
{
    private static readonly JsonEncodedText Row = JsonEncodedText.Encode("row");
    private static readonly JsonEncodedText Fields = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Scores = JsonEncodedText.Encode("scores");
    private static readonly JsonEncodedText Bands = JsonEncodedText.Encode("bands");
    private static readonly JsonEncodedText Prorated = JsonEncodedText.Encode("prorated");
    private static readonly JsonEncodedText Unrounded = JsonEncodedText.Encode("unrounded");
    private static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText Diagnostics = JsonEncodedText.Encode("diagnostics");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");
    private static readonly JsonEncodedText Item = JsonEncodedText.Encode("item");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText Flag = JsonEncodedText.Encode("flag");
    private static readonly JsonEncodedText Line = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");

    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    private readonly bool _lines;
    private readonly ScoringPlan _plan;
    private readonly JsonEncodedText[] _scoreIds;
    private readonly JsonEncodedText[] _flagIds;
    private readonly JsonEncodedText[] _itemIds;
    private readonly JsonWriterOptions _options;

    public JsonResultFormat(ScoringPlan plan, bool ndjson)
    {
        _lines = ndjson;
        _plan = plan;
        _options = new JsonWriterOptions { Indented = !ndjson, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var def = plan.Definition;
        _scoreIds = [.. def.Scores.Select(s => JsonEncodedText.Encode(s.Id))];
        _flagIds = [.. def.Flags.Select(f => JsonEncodedText.Encode(f.Id))];
        _itemIds = [.. def.Items.Select(i => JsonEncodedText.Encode(i.Id))];
    }

    internal override void WriteHeader(ByteBuffer output)
    {
        if (_lines)
        {
            return;
        }

        using var w = new Utf8JsonWriter(output, _options);
        w.WriteStartObject();
        w.WriteString("instrument", _plan.Definition.Id);
        w.WriteString("version", _plan.Definition.Version);
        w.WriteStartArray("results");
        w.Flush();
    }

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
        if (_lines)
        {
            return;
        }

        CloseResults(output, rows);
    }

    /// <summary>Closes <c>{ ..., "results": [ rows ] }</c>; the rows were written at depth 2 (shared with the protocol's JSON).</summary>
    internal static void CloseResults(ByteBuffer output, long rows)
    {
        if (rows > 0)
        {
            output.Write(NewLine);
            output.Write("  "u8);
        }

        output.Write((byte)']');
        output.Write(NewLine);
        output.Write("}\n"u8);
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    private sealed class Formatter : ResultFormatter
    {
        private readonly JsonResultFormat _format;
        private readonly ByteBuffer _scratch = new(1024);
        private readonly Utf8JsonWriter _json;

        public Formatter(JsonResultFormat format)
        {
            _format = format;
            _json = new Utf8JsonWriter(_scratch, format._options);
        }

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block)
        {
            _scratch.Clear();
            _json.Reset(_scratch);
            var w = _json;
            w.WriteStartObject();
            WriteRowAndFields(w, rowNumber, row);
            _format.WriteResult(w, result);
            w.WriteEndObject();
            w.Flush();
            CopyRow(_format._lines, _scratch, block.Output, rowNumber);
        }
    }

    /// <summary>Copies one formatted row into the output: a line (NDJSON), or an element of the indented "results" array.</summary>
    internal static void CopyRow(bool lines, ByteBuffer scratch, ByteBuffer o, long rowNumber)
    {
        if (lines)
        {
            o.Write(scratch.WrittenSpan);
            o.Write((byte)'\n');
            return;
        }

        // An element of the indented "results" array: a separator, then the object indented by two more levels.
        if (rowNumber > 1)
        {
            o.Write((byte)',');
        }

        o.Write(NewLine);
        o.Write("    "u8);
        var text = scratch.WrittenSpan;
        var nl = text.IndexOf((byte)'\n');
        while (nl >= 0)
        {
            o.Write(text[..(nl + 1)]);
            o.Write("    "u8);
            text = text[(nl + 1)..];
            nl = text.IndexOf((byte)'\n');
        }

        o.Write(text);
    }

    /// <summary>Writes the <c>row</c> number and the <c>fields</c> object.</summary>
    internal static void WriteRowAndFields(Utf8JsonWriter w, long rowNumber, ResponseRow row)
    {
        w.WriteNumber(Row, rowNumber);
        w.WriteStartObject(Fields);
        for (var i = 0; i < row.FieldCount; i++)
        {
            var name = row.FieldName(i);
            switch (row.FieldKindOf(i))
            {
                case FieldKind.Null:
                    w.WriteNull(name);
                    break;
                case FieldKind.Literal:
                    w.WritePropertyName(name);
                    w.WriteRawValue(row.FieldValue(i), skipInputValidation: true);
                    break;
                default:
                    w.WriteString(name, row.FieldValue(i));
                    break;
            }
        }

        w.WriteEndObject();
    }

    /// <summary>Writes one instrument's result as properties of the current object: status, scores, bands, prorated, flags, diagnostics.</summary>
    internal void WriteResult(Utf8JsonWriter w, ScoreResult result)
    {
        var plan = _plan;
        w.WriteString(Status, StatusName(result.Status));
        w.WriteStartObject(Scores);
        var anyProrated = false;
        var anyRounded = false;
        for (var s = 0; s < plan.ScoreCount; s++)
        {
            var v = result.GetScoreValue(s);
            if (double.IsNaN(v))
            {
                w.WriteNull(_scoreIds[s]);
            }
            else
            {
                w.WriteNumber(_scoreIds[s], v);
            }

            anyProrated |= result.IsProrated(s);
            anyRounded |= result.IsRounded(s);
        }

        w.WriteEndObject();
        if (anyRounded)
        {
            // Only the scores whose rounding changed them, with the value before rounding.
            w.WriteStartObject(Unrounded);
            for (var s = 0; s < plan.ScoreCount; s++)
            {
                if (result.IsRounded(s))
                {
                    w.WriteNumber(_scoreIds[s], result.GetUnroundedScore(s));
                }
            }

            w.WriteEndObject();
        }

        w.WriteStartObject(Bands);
        var scores = plan.Definition.Scores;
        for (var s = 0; s < plan.ScoreCount; s++)
        {
            if (scores[s].Bands.Length > 0)
            {
                if (result.GetBand(s) is { } band)
                {
                    w.WriteString(_scoreIds[s], band);
                }
                else
                {
                    w.WriteNull(_scoreIds[s]);
                }
            }
        }

        w.WriteEndObject();
        if (anyProrated)
        {
            w.WriteStartArray(Prorated);
            for (var s = 0; s < plan.ScoreCount; s++)
            {
                if (result.IsProrated(s))
                {
                    w.WriteStringValue(_scoreIds[s]);
                }
            }

            w.WriteEndArray();
        }

        w.WriteStartArray(Flags);
        for (var f = 0; f < plan.FlagCount; f++)
        {
            if (result.GetFlag(f) == FlagState.Raised)
            {
                w.WriteStringValue(_flagIds[f]);
            }
        }

        w.WriteEndArray();
        w.WriteStartArray(Diagnostics);
        foreach (ref readonly var d in result.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString(Id, d.Id);
            w.WriteString(Severity, Diagnostic.SeverityName(d.Severity));
            if (d.Item >= 0)
            {
                w.WriteString(Item, _itemIds[d.Item]);
            }

            if (d.Score >= 0)
            {
                w.WriteString(Score, _scoreIds[d.Score]);
            }

            if (d.Flag >= 0)
            {
                w.WriteString(Flag, _flagIds[d.Flag]);
            }

            if (d.Descriptor == InstrumentDiagnostics.MalformedRow)
            {
                w.WriteNumber(Line, d.Count);
            }

            w.WriteString(Message, result.FormatMessage(d));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

/// <summary>Where a format's formatted rows go (see <see cref="ResultFormat.CreateSink"/>). Not thread-safe.</summary>
internal abstract class ResultSink
{
    /// <summary>Takes formatted bytes: the header, whole rows, the footer, in order.</summary>
    public abstract void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Ends the output after the footer, and flushes it.</summary>
    public abstract void Complete();
}

/// <summary>The sink of the text formats: the bytes are the output.</summary>
internal sealed class StreamSink(Stream output) : ResultSink
{
    public override void Write(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    public override void Complete() => output.Flush();
}
