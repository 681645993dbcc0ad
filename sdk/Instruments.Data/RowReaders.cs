using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Instruments.Data.IO;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Data;

/// <summary>How a pass-through value is written back in JSON output.</summary>
public enum FieldKind : byte
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>A JSON number or boolean, kept as its literal text.</summary>
    Literal,

    /// <summary>JSON null.</summary>
    Null,
}

/// <summary>
/// One input value passed through to the output unchanged: a value that is not an item, or the answer to an item declared
/// <c>keep: true</c> (<see cref="Definitions.ItemDefinition.Keep"/>), as given.
/// </summary>
/// <param name="Name">The column or key name.</param>
/// <param name="Value">The value as text; null for JSON null.</param>
/// <param name="Kind">How the value is written back in JSON output.</param>
public readonly record struct PassField(string Name, string? Value, FieldKind Kind);

/// <summary>
/// One input row, reused: its item values (in definition order), pass-through fields, line and, when it could not be
/// read, why. Pass-through values are kept as UTF-8 bytes (no allocation per row); <see cref="Fields"/> gives them as
/// strings for callers that want them (allocating).
/// </summary>
public sealed class ResponseRow(int itemCount)
{
    /// <summary>A row for responses to <paramref name="plan"/>'s instrument.</summary>
    /// <param name="plan">The plan whose items the row holds values for.</param>
    public ResponseRow(ScoringPlan plan)
        : this((plan ?? throw new ArgumentNullException(nameof(plan))).ItemCount)
    {
    }

    private readonly ByteBuffer _bytes = new(256);
    private string[] _names = new string[8];
    private FieldKind[] _kinds = new FieldKind[8];
    private int[] _ends = new int[8];
    private readonly List<PassField> _fields = [];
    private bool _fieldsCurrent;

    /// <summary>The 1-based input line on which the row starts.</summary>
    public int Line { get; internal set; }

    /// <summary>Why the row could not be read (it is then scored as invalid with RSP2010), or null.</summary>
    public string? Malformed { get; internal set; }

    /// <summary>The item values, in the instrument's item order; a reader overwrites them on each read.</summary>
    public ResponseValue[] Values { get; } = new ResponseValue[itemCount];

    /// <summary>The text of each non-numeric value (for its RSP2002 message); read only where the value is non-numeric.</summary>
    public string?[] Texts { get; } = new string?[itemCount];

    /// <summary>Number of pass-through fields.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The pass-through fields as strings, in input order (built on first use after each row; allocates).</summary>
    public IReadOnlyList<PassField> Fields
    {
        get
        {
            if (!_fieldsCurrent)
            {
                _fields.Clear();
                for (var i = 0; i < FieldCount; i++)
                {
                    var kind = _kinds[i];
                    _fields.Add(new PassField(_names[i], kind == FieldKind.Null ? null : Encoding.UTF8.GetString(FieldValue(i)), kind));
                }

                _fieldsCurrent = true;
            }

            return _fields;
        }
    }

    /// <summary>
    /// The index of the pass-through field <paramref name="name"/> (ordinal), or -1; <paramref name="hint"/> is where it was
    /// last found, tried first (fields keep their places from row to row in CSV) and updated.
    /// </summary>
    internal int FindField(string name, ref int hint)
    {
        if ((uint)hint < (uint)FieldCount && string.Equals(FieldName(hint), name, StringComparison.Ordinal))
        {
            return hint;
        }

        for (var i = 0; i < FieldCount; i++)
        {
            if (string.Equals(FieldName(i), name, StringComparison.Ordinal))
            {
                hint = i;
                return i;
            }
        }

        return -1;
    }

    /// <summary>The name of pass-through field <paramref name="i"/>.</summary>
    /// <param name="i">0-based, less than <see cref="FieldCount"/>.</param>
    /// <returns>The column or key name.</returns>
    public string FieldName(int i) => _names[i];

    /// <summary>How pass-through field <paramref name="i"/> is written back in JSON output.</summary>
    /// <param name="i">0-based, less than <see cref="FieldCount"/>.</param>
    /// <returns>The field's kind.</returns>
    public FieldKind FieldKindOf(int i) => _kinds[i];

    /// <summary>
    /// Scores the row into <paramref name="result"/>: its values, or, when it could not be read, an invalid result
    /// with RSP2010 naming its line.
    /// </summary>
    /// <param name="plan">The plan of the instrument the row was read for.</param>
    /// <param name="result">A result of <paramref name="plan"/>, reused from row to row.</param>
    public void Score(ScoringPlan plan, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Malformed is { } reason)
        {
            plan.ScoreMalformed(result, Line, reason);
        }
        else
        {
            plan.Score(Values, Texts, result);
        }
    }

    /// <summary>The UTF-8 text of pass-through field <paramref name="i"/> (empty for JSON null).</summary>
    /// <param name="i">0-based, less than <see cref="FieldCount"/>.</param>
    /// <returns>The bytes, valid until the next read.</returns>
    public ReadOnlySpan<byte> FieldValue(int i)
    {
        var start = i == 0 ? 0 : _ends[i - 1];
        return _bytes.WrittenSpan[start.._ends[i]];
    }

    /// <summary>
    /// Starts a row filled by a reader outside this package (for example the FHIR reader of <c>Instruments.Fhir</c>), to be
    /// scored with <see cref="Score"/> and written with a <see cref="ResultWriter"/>: sets its line, clears its values,
    /// pass-through fields and <see cref="Malformed"/>. Then set <see cref="Values"/> (and <see cref="Texts"/> beside a
    /// non-numeric value), and add fields with <see cref="AddField(string, string?)"/>.
    /// </summary>
    /// <param name="line">The 1-based line (or position) of the row in its input.</param>
    public void Start(int line) => Clear(line);

    /// <summary>Adds a pass-through field, written as a string (as JSON null when <paramref name="value"/> is null).</summary>
    /// <param name="name">The column or key name.</param>
    /// <param name="value">The value.</param>
    public void AddField(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        AddField(name, value is null ? FieldKind.Null : FieldKind.Text, value is null ? [] : Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Marks the row as one that could not be read: it is scored as invalid with RSP2010 giving <paramref name="reason"/>.</summary>
    /// <param name="reason">Why, on one line.</param>
    public void MarkMalformed(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Malformed = reason;
    }

    /// <summary>
    /// Starts a new row. <paramref name="values"/> false keeps the previous row's values, for a reader that assigns
    /// every item it has a column for (the others stay missing) or marks the row malformed.
    /// </summary>
    internal void Clear(int line, bool values = true)
    {
        Line = line;
        Malformed = null;
        if (values)
        {
            Array.Clear(Values);
        }

        ClearFields();
    }

    internal void ClearFields()
    {
        FieldCount = 0;
        _bytes.Clear();
        _fieldsCurrent = false;
    }

    internal void AddField(string name, FieldKind kind, ReadOnlySpan<byte> utf8)
    {
        if (FieldCount == _names.Length)
        {
            Array.Resize(ref _names, FieldCount * 2);
            Array.Resize(ref _kinds, FieldCount * 2);
            Array.Resize(ref _ends, FieldCount * 2);
        }

        _bytes.Write(utf8);
        _names[FieldCount] = name;
        _kinds[FieldCount] = kind;
        _ends[FieldCount] = _bytes.Length;
        FieldCount++;
        _fieldsCurrent = false;
    }
}

/// <summary>
/// Reads input rows. The scoring pipeline splits the work in two: <see cref="ReadBlock"/> (sequential, cheap) finds
/// where the next rows are and copies their raw bytes into a block, and a <see cref="RowDecoder"/> (one per thread)
/// turns each raw row into values and pass-through fields. <see cref="Read"/> does both, one row at a time, for
/// callers that want a simple loop.
/// </summary>
public abstract class ResponseReader : IDisposable
{
    private readonly Action<string>? _warnings;

    private protected ResponseReader(Action<string>? warnings) => _warnings = warnings;

    /// <summary>
    /// Opens a reader of <paramref name="format"/> over <paramref name="stream"/> for <paramref name="plan"/>'s
    /// instrument. A CSV header is read here.
    /// </summary>
    /// <param name="stream">UTF-8 input (a byte order mark is skipped); the reader disposes it. Parquet needs a seekable stream (a file).</param>
    /// <param name="format">The input format.</param>
    /// <param name="plan">The plan whose item ids name the item columns or keys; other columns are passed through.</param>
    /// <param name="warnings">Receives the reader's warnings (for example item columns the input lacks), or null.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ResponseFileException">The input cannot be read as <paramref name="format"/> at all.</exception>
    public static ResponseReader Open(Stream stream, DataFormat format, ScoringPlan plan, Action<string>? warnings = null) =>
        Open(stream, format, plan, warnings, ByteInput.DefaultMaxRowBytes);

    /// <summary>
    /// Opens a reader that reads the columns (CSV) or keys (JSON, NDJSON) named in <paramref name="columnMap"/> as their
    /// mapped items, for example a REDCap export's field names (see <see cref="ColumnMap"/>). Other columns are read as
    /// without a map. The map is applied to the header (CSV) or to each key the first time it is seen (JSON): no cost per row.
    /// </summary>
    /// <param name="stream">UTF-8 input (a byte order mark is skipped); the reader disposes it.</param>
    /// <param name="format">The input format.</param>
    /// <param name="plan">The plan whose item ids name the item columns or keys; other columns are passed through.</param>
    /// <param name="warnings">
    /// Receives the reader's warnings, or null; with a CSV input, also the map entries whose column the header does not have.
    /// </param>
    /// <param name="columnMap">Input column to item id; null reads as <see cref="Open(Stream, DataFormat, ScoringPlan, Action{string})"/>.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ResponseFileException">
    /// The input cannot be read as <paramref name="format"/>, or the map names an item <paramref name="plan"/> does not
    /// have (<see cref="ColumnMap.Validate"/>), or two CSV columns give one item.
    /// </exception>
    public static ResponseReader Open(Stream stream, DataFormat format, ScoringPlan plan, Action<string>? warnings, ColumnMap? columnMap) =>
        Open(stream, format, plan, warnings, ByteInput.DefaultMaxRowBytes, columnMap);

    /// <summary>As the public overload, with another row size limit (tests use small ones).</summary>
    internal static ResponseReader Open(Stream stream, DataFormat format, ScoringPlan plan, Action<string>? warnings, int maxRowBytes, ColumnMap? columnMap = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(plan);
        columnMap?.Validate(plan);
        return format switch
        {
            DataFormat.Json => new JsonArrayRowReader(stream, plan, warnings, maxRowBytes, columnMap),
            DataFormat.Ndjson => new NdjsonRowReader(stream, plan, warnings, maxRowBytes, columnMap),
            DataFormat.Csv => new CsvRowReader(stream, plan, warnings, maxRowBytes, columnMap),
            DataFormat.Parquet => new ParquetRowReader(stream, plan, warnings, maxRowBytes, columnMap),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an input format"),
        };
    }

    private RowBlock? _block;
    private RowDecoder? _decoder;
    private int _next;
    private long _rows;
    private bool _ended;
    private HashSet<string>? _warned;

    /// <summary>The pass-through columns, when the input fixes them in advance (CSV); rows then carry them in this order.</summary>
    public virtual IReadOnlyList<string>? Columns => null;

    /// <summary>
    /// Adds the next rows (up to a full block) to <paramref name="block"/>, with any warnings found on the way;
    /// false when the input has ended and nothing was added. Not thread-safe: one caller at a time.
    /// </summary>
    internal abstract bool ReadBlock(RowBlock block);

    /// <summary>A decoder for the blocks of this reader; each thread needs its own.</summary>
    internal abstract RowDecoder CreateDecoder();

    /// <summary>Reads the next row into <paramref name="row"/>; false at the end of the input. Reader warnings go to the warnings callback.</summary>
    public bool Read(ResponseRow row)
    {
        while (_block is null || _next == _block.Count)
        {
            if (_block is not null)
            {
                FlushWarnings(_block);
            }

            if (_ended)
            {
                return false;
            }

            _block ??= new RowBlock();
            _block.Reset(_rows);
            _next = 0;
            if (!ReadBlock(_block))
            {
                _ended = true;
                return false;
            }

            _rows += _block.Count;
        }

        (_decoder ??= CreateDecoder()).Decode(_block, _next++, row);
        if (_block.RowWarnings is { Count: > 0 } rowWarnings)
        {
            // Warnings of the decoder (for example invalid UTF-8 in a field), each once, as the pipeline gives them.
            foreach (var (key, message) in rowWarnings)
            {
                if ((_warned ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
                {
                    _warnings?.Invoke(message);
                }
            }

            rowWarnings.Clear();
        }

        return true;
    }

    private void FlushWarnings(RowBlock block)
    {
        if (block.ReaderWarnings is { } warnings)
        {
            foreach (var w in warnings)
            {
                _warnings?.Invoke(w);
            }

            warnings.Clear();
        }
    }

    /// <summary>Closes the input.</summary>
    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    private protected abstract void DisposeCore();
}

/// <summary>Turns the raw rows of a block into <see cref="ResponseRow"/>s. Not thread-safe: one per thread.</summary>
internal abstract class RowDecoder
{
    /// <summary>
    /// Decodes row <paramref name="index"/> of <paramref name="block"/> into <paramref name="row"/> (cleared first);
    /// warnings about the row go to the block's row warnings, keyed so that each is given once per run.
    /// </summary>
    public abstract void Decode(RowBlock block, int index, ResponseRow row);

    /// <summary>
    /// A shortcut for a caller that needs one pass-through field of a row: the value of the first column named
    /// <paramref name="name"/>, decoded as <see cref="Decode"/> would give it, without decoding the rest. False when
    /// this decoder has no shortcut for the row (then call <see cref="Decode"/>). A row with the wrong number of
    /// fields is not detected here: the value is that of the column's position.
    /// </summary>
    public virtual bool TryField(RowBlock block, int index, string name, out ReadOnlySpan<byte> value)
    {
        value = default;
        return false;
    }
}

/// <summary>
/// CSV with a header row; columns named by item id are items, every other column is passed through, and so is the
/// column of an item declared <c>keep: true</c> (read as an item too).
/// </summary>
internal sealed class CsvRowReader : ResponseReader
{
    private readonly ByteInput _input;
    private readonly int[] _itemOfColumn;    // column -> item index, or -1 for pass-through
    private readonly bool[] _keptColumn;     // column -> true for a kept item's column (an item, and passed through)
    private readonly string[] _names;
    private readonly string[] _passColumns;
    private int _line = 1;                    // line of the next unread byte
    private int _headerLine;

    private static readonly SearchValues<byte> QuoteOrLineBreak = SearchValues.Create("\"\r\n"u8);

    /// <summary>Reads UTF-8 CSV (a byte order mark is skipped); the header is read here.</summary>
    public CsvRowReader(Stream stream, ScoringPlan plan, Action<string>? warnings, int maxRowBytes = ByteInput.DefaultMaxRowBytes, ColumnMap? map = null)
        : base(warnings)
    {
        _input = new ByteInput(stream, ByteInput.BufferSizeFor(stream, 256 * 1024), maxRowBytes);
        var header = ReadHeader();
        var fields = new Range[Csv.SplitFields(header, [])];
        Csv.SplitFields(header, fields);
        _names = new string[fields.Length];
        _itemOfColumn = new int[fields.Length];
        _keptColumn = new bool[fields.Length];
        var itemSeen = new bool[plan.ItemCount];
        var pass = new List<string>();
        var scratch = new ByteBuffer(64);
        for (var c = 0; c < _names.Length; c++)
        {
            var cell = Csv.Unquote(header[fields[c]], scratch);
            var name = Encoding.UTF8.GetString(cell).Trim();
            if (!Utf8.IsValid(cell))
            {
                warnings?.Invoke($"the CSV header (line {_headerLine}) column {c + 1} is not valid UTF-8; its name is read as '{name}' (invalid bytes become U+FFFD)");
            }

            _names[c] = name;
            var item = ColumnMap.ItemOf(map, name, plan);
            _itemOfColumn[c] = item;
            if (item < 0)
            {
                pass.Add(name);
                continue;
            }

            if (itemSeen[item])
            {
                var id = plan.Definition.Items[item].Id;
                var first = _names[Array.FindIndex(_names, 0, c, n => ColumnMap.ItemOf(map, n, plan) == item)];
                throw new ResponseFileException(first == name && name == id
                    ? $"the CSV header names item '{name}' twice"
                    : $"the CSV header gives item '{id}' twice: columns '{first}' and '{name}'" + (map is null ? string.Empty : $" (through column map '{map.Source}')"));
            }

            itemSeen[item] = true;
            _keptColumn[c] = plan.Definition.Items[item].Keep;
        }

        if (map?.AbsentColumns(_names) is { } absent)
        {
            warnings?.Invoke(absent);
        }

        MakeUnique(plan, warnings);
        _passColumns = [.. _names.Where((_, c) => _itemOfColumn[c] < 0 || _keptColumn[c])];
        if (MissingItems(plan, itemSeen, pass) is { } missing)
        {
            warnings?.Invoke(missing);
        }
    }

    /// <summary>
    /// The warning for the items the input has no column for (they count as missing in every row), with "did you mean"
    /// hints among the pass-through <paramref name="columns"/>; null when every item has one. Shared with the Parquet reader.
    /// </summary>
    internal static string? MissingItems(ScoringPlan plan, bool[] itemSeen, IReadOnlyList<string> columns)
    {
        // Loops, not LINQ over ranges and tuples: those instantiations are jitted, and this runs at every start.
        var missing = new List<string>();
        for (var i = 0; i < plan.ItemCount; i++)
        {
            if (!itemSeen[i])
            {
                missing.Add(plan.Definition.Items[i].Id);
            }
        }

        if (missing.Count == 0)
        {
            return null;
        }

        var hints = new List<string>();
        foreach (var m in missing)
        {
            if (NameSuggester.Closest(m, columns, 1) is [var close, ..])
            {
                hints.Add($"'{close}' for '{m}'");
            }
        }

        var hint = hints.Count > 0 ? " (column names are case-sensitive; did you mean " + string.Join(", ", hints) + "?)" : string.Empty;
        return $"the input has no column for {(missing.Count == 1 ? "item" : "items")} {string.Join(", ", missing)}; {(missing.Count == 1 ? "it counts" : "they count")} as missing in every row{hint}";
    }

    public override IReadOnlyList<string> Columns => _passColumns;

    // Pass-through columns named alike would give duplicate keys in JSON output and duplicate CSV columns: the second
    // and later ones get the first free name of the form name_2, name_3, ... (never a name the header or plan uses).
    private void MakeUnique(ScoringPlan plan, Action<string>? warnings)
    {
        var taken = new HashSet<string>(_names, StringComparer.Ordinal);
        taken.UnionWith(plan.Definition.Items.Select(i => i.Id));
        var used = new HashSet<string>(StringComparer.Ordinal);
        var renamed = new Dictionary<string, List<(int Column, string NewName)>>(StringComparer.Ordinal);
        for (var c = 0; c < _names.Length; c++)
        {
            var name = _names[c];
            if (_itemOfColumn[c] >= 0 || used.Add(name))
            {
                continue;
            }

            var k = 2;
            string candidate;
            while (taken.Contains(candidate = $"{name}_{k}"))
            {
                k++;
            }

            taken.Add(candidate);
            used.Add(candidate);
            _names[c] = candidate;
            if (!renamed.TryGetValue(name, out var list))
            {
                renamed[name] = list = [(Array.FindIndex(_names, n => n == name), name)];
            }

            list.Add((c, candidate));
        }

        foreach (var (name, list) in renamed)
        {
            var columns = string.Join(", ", list.Take(list.Count - 1).Select(x => x.Column + 1)) + " and " + (list[^1].Column + 1);
            var names = string.Join(", ", list.Take(list.Count - 1).Select(x => $"'{x.NewName}'")) + " and " + $"'{list[^1].NewName}'";
            warnings?.Invoke($"the CSV header (line {_headerLine}) names column '{name}' more than once (columns {columns}); they are passed through as {names}");
        }
    }

    // The first record (blank lines before it are skipped), as bytes that stay valid until the next read.
    private byte[] ReadHeader()
    {
        _input.EnsureData();
        while (true)
        {
            var text = _input.Buffer.AsSpan(_input.Position, _input.Length - _input.Position);
            switch (Csv.ScanRecord(text, _input.Eof, out var end, out var contentEnd, out var lines, out var reason))
            {
                case CsvOutcome.End:
                    throw new ResponseFileException("the input is empty: a CSV input needs a header row naming the item columns");
                case CsvOutcome.Blank:
                    Consume(end, lines);
                    continue;
                case CsvOutcome.Malformed:
                    throw new ResponseFileException($"the CSV header (line {_line}) cannot be read: {reason}");
                case CsvOutcome.Record:
                    _headerLine = _line;
                    var header = text[..contentEnd].ToArray();
                    Consume(end, lines);
                    return header;
                default:
                    if (!_input.Fill())
                    {
                        throw new ResponseFileException($"the CSV header (line {_line}) cannot be read: it is longer than {_input.MaxRowBytes:N0} bytes");
                    }

                    continue;
            }
        }
    }

    private void Consume(int length, int lines)
    {
        _input.Skip(_input.Position + length);
        _line += lines;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override bool ReadBlock(RowBlock block)
    {
        while (!block.IsFull)
        {
            // Scan as many whole records as the buffer holds, then copy them into the block in one go.
            var buf = _input.Buffer;
            var from = _input.Position;
            var length = _input.Length;
            var baseOffset = block.Data.Length;
            var p = from;
            var rows = block.Count;
            var outcome = CsvOutcome.NeedMore;
            while (rows < RowBlock.MaxRows && baseOffset + (p - from) < RowBlock.TargetBytes)
            {
                outcome = Csv.ScanRecord(buf.AsSpan(p, length - p), _input.Eof, out var end, out var contentEnd, out var lines, out var reason);
                if (outcome is CsvOutcome.NeedMore or CsvOutcome.End)
                {
                    break;
                }

                if (outcome == CsvOutcome.Record)
                {
                    block.Add(baseOffset + (p - from), contentEnd, _line);
                    rows++;
                }
                else if (outcome == CsvOutcome.Malformed)
                {
                    block.Add(baseOffset + (p - from), 0, _line, reason);
                    rows++;
                }

                _line += lines;
                p += end;
            }

            block.Data.Write(buf.AsSpan(from, p - from));
            _input.Skip(p);
            if (outcome == CsvOutcome.End)
            {
                return !block.IsEmpty;
            }

            if (outcome == CsvOutcome.NeedMore && !_input.Fill())
            {
                // The record is longer than the buffer may grow: one malformed row, whatever its length.
                var line = _line;
                if (SkipUnclosedQuote() is { } lines)
                {
                    block.Add(block.Data.Length, 0, line, $"a quoted field is not closed within {_input.MaxRowBytes:N0} bytes, the row size limit (a '\"' is missing?)");
                    _line += lines;
                }
                else
                {
                    block.Add(block.Data.Length, 0, line, $"the row is longer than {_input.MaxRowBytes:N0} bytes, the row size limit; it was skipped");
                    _line += SkipRecord();
                }
            }
        }

        return true;
    }

    /// <summary>
    /// For a record that fills the buffer at the limit inside a quoted field that already spans a line break (most
    /// likely a quote that is never closed): skips to the line break after that quote, as a malformed record that
    /// fits would, so the rows that follow are still read. Returns the lines skipped; null otherwise.
    /// </summary>
    private int? SkipUnclosedQuote()
    {
        var text = _input.Buffer.AsSpan(_input.Position, _input.Length - _input.Position);
        var open = -1;          // the quote that opens the field the buffer ends in, or -1 when it ends outside quotes
        var i = 0;
        for (var k = text.IndexOf((byte)'"'); k >= 0; k = text[i..].IndexOf((byte)'"'))
        {
            i += k;
            open = open < 0 ? i : -1;
            i++;
        }

        if (open < 0 || text[open..].IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return null;
        }

        var resume = Csv.ResumeAfterLineBreak(text, open, _input.Eof);
        if (resume < 0)
        {
            return null;
        }

        _input.Skip(_input.Position + resume);
        return Csv.CountLines(text[..resume]);
    }

    /// <summary>
    /// Skips the record at the current position to its end (a line break outside quotes, or the end of the input),
    /// reading chunk by chunk so that memory stays within the buffer; returns the lines it spans.
    /// </summary>
    private int SkipRecord()
    {
        var lines = 0;
        var inQuote = false;
        var afterCr = false;   // the previous byte was a CR (its line is counted)
        var ended = false;     // ... and it ended the record: only an LF right after it still belongs to it
        while (_input.EnsureData())
        {
            var buf = _input.Buffer;
            var i = _input.Position;
            var length = _input.Length;
            while (i < length)
            {
                if (afterCr)
                {
                    afterCr = false;
                    if (buf[i] == '\n')
                    {
                        i++;
                    }

                    if (ended)
                    {
                        _input.Skip(i);
                        return lines;
                    }

                    continue;
                }

                var k = buf.AsSpan(i, length - i).IndexOfAny(QuoteOrLineBreak);
                if (k < 0)
                {
                    i = length;
                    break;
                }

                i += k;
                var b = buf[i++];
                if (b == '"')
                {
                    inQuote = !inQuote;
                    continue;
                }

                lines++;
                if (b == '\r')
                {
                    afterCr = true;
                    ended = !inQuote;
                }
                else if (!inQuote)
                {
                    _input.Skip(i);
                    return lines;
                }
            }

            _input.Skip(length);
        }

        return lines;
    }

    internal override RowDecoder CreateDecoder() => new Decoder(this);

    private protected override void DisposeCore() => _input.Dispose();

    private sealed class Decoder(CsvRowReader reader) : RowDecoder
    {
        private readonly Range[] _fields = new Range[reader._names.Length + 1];
        private readonly ByteBuffer _scratch = new(256);
        private readonly ByteBuffer _valid = new(256);
        private RowBlock? _block;
        private string? _fieldName;
        private int _fieldColumn = -1;

        // Unquoted records only: the bytes between the column's commas.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TryField(RowBlock block, int index, string name, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (!ReferenceEquals(name, _fieldName))
            {
                _fieldName = name;
                _fieldColumn = Array.IndexOf(reader._names, name);
            }

            if (_fieldColumn < 0 || block.Malformed(index) is not null)
            {
                return false;
            }

            var raw = block.Raw(index);
            var start = 0;
            for (var c = 0; c < _fieldColumn; c++)
            {
                var comma = raw[start..].IndexOf((byte)',');
                if (comma < 0)
                {
                    return false;
                }

                start += comma + 1;
            }

            var length = raw[start..].IndexOf((byte)',');
            var end = length < 0 ? raw.Length : start + length;
            if (raw[..end].Contains((byte)'"'))
            {
                return false;
            }

            _block = block;
            value = ValidUtf8(raw[start..end], name, block.Line(index));
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Decode(RowBlock block, int index, ResponseRow row)
        {
            _block = block;
            // Every item with a column is assigned below (or the row is malformed), so the values are not cleared.
            row.Clear(block.Line(index), values: false);
            if (block.Malformed(index) is { } reason)
            {
                row.Malformed = reason;
                return;
            }

            if (DecodeUnquoted(block.RawToEnd(index), block.RawLength(index), row))
            {
                return;
            }

            var raw = block.Raw(index);

            // A record with quotes: cut it into fields, then unquote each.
            row.ClearFields();
            var names = reader._names;
            var count = Csv.SplitFields(raw, _fields);
            if (count != names.Length)
            {
                row.Malformed = FieldCountMismatch(names.Length, count);
                return;
            }

            var values = row.Values;
            var itemOfColumn = reader._itemOfColumn;
            for (var c = 0; c < names.Length; c++)
            {
                Field(c, Csv.Unquote(raw[_fields[c]], _scratch), names, itemOfColumn, values, row);
            }
        }

        /// <summary>
        /// The common case, a record without quotes, in one pass: 16 bytes at a time are compared with ',' and '"'
        /// (one vector compare each), and the fields are taken from the comma bits. <paramref name="text"/> runs
        /// from the record's start to the end of the buffer, so whole vectors are loaded and the bits past the
        /// record's <paramref name="length"/> are masked off. False, with the row partly filled, when the record has a
        /// quote (the caller starts again with the general path).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool DecodeUnquoted(ReadOnlySpan<byte> text, int length, ResponseRow row)
        {
            var names = reader._names;
            var itemOfColumn = reader._itemOfColumn;
            var values = row.Values;
            var raw = text[..length];
            ref var r0 = ref MemoryMarshal.GetReference(text);
            var column = 0;
            var start = 0;
            for (var chunk = 0; chunk < length; chunk += 16)
            {
                uint commas;
                uint quotes;
                if (chunk + 16 <= text.Length)
                {
                    var v = Vector128.LoadUnsafe(ref r0, (nuint)chunk);
                    var inRecord = length - chunk >= 16 ? 0xFFFFu : (1u << (length - chunk)) - 1;
                    commas = Vector128.Equals(v, Vector128.Create((byte)',')).ExtractMostSignificantBits() & inRecord;
                    quotes = Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() & inRecord;
                }
                else
                {
                    // The last bytes of the buffer: one at a time.
                    commas = quotes = 0;
                    for (var j = chunk; j < length; j++)
                    {
                        var b = Unsafe.Add(ref r0, j);
                        commas |= (b == ',' ? 1u : 0u) << (j - chunk);
                        quotes |= (b == '"' ? 1u : 0u) << (j - chunk);
                    }
                }

                if (quotes != 0)
                {
                    return false;
                }

                while (commas != 0)
                {
                    var end = chunk + BitOperations.TrailingZeroCount(commas);
                    commas &= commas - 1;
                    if (column < names.Length)
                    {
                        Field(column, raw[start..end], names, itemOfColumn, values, row);
                    }

                    column++;
                    start = end + 1;
                }
            }

            if (column < names.Length)
            {
                Field(column, raw[start..], names, itemOfColumn, values, row);
            }

            column++;
            if (column != names.Length)
            {
                // A row that cannot be read carries nothing of itself (not even a respondent id).
                row.ClearFields();
                row.Malformed = FieldCountMismatch(names.Length, column);
            }

            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Field(int column, ReadOnlySpan<byte> text, string[] names, int[] itemOfColumn, ResponseValue[] values, ResponseRow row)
        {
            var item = itemOfColumn[column];
            if (item >= 0)
            {
                StoreCell(ref values[item], text, row.Texts, item);
                if (!reader._keptColumn[column])
                {
                    return;
                }
            }

            row.AddField(names[column], FieldKind.Text, ValidUtf8(text, names[column], row.Line));
        }

        private static string FieldCountMismatch(int expected, int found) =>
            $"expected {expected} fields (as in the header), found {found}";

        // Invalid UTF-8 becomes U+FFFD, as a text decoder would make it, with a warning (once per column).
        private ReadOnlySpan<byte> ValidUtf8(ReadOnlySpan<byte> text, string name, int line)
        {
            if (Utf8.IsValid(text))
            {
                return text;
            }

            _block?.AddRowWarning(Warnings.InvalidUtf8Key(name), Warnings.InvalidUtf8(name, line));
            _valid.Clear();
            _valid.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text)));
            return _valid.WrittenSpan;
        }
    }

    /// <summary>
    /// Stores a CSV cell as a response value, with the rules of <see cref="ResponseValue.Parse(ReadOnlySpan{char})"/>
    /// (the text as decoded from UTF-8). A single digit, the common case, is read directly and written over the
    /// previous row's value by plain assignment (a value holds no reference, so no GC write barrier runs). The text of
    /// a non-numeric cell goes to <paramref name="texts"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreCell(ref ResponseValue target, ReadOnlySpan<byte> cell, string?[] texts, int item)
    {
        if (cell.Length == 1 && unchecked((uint)(cell[0] - '0')) <= 9)
        {
            target = ResponseValue.FromInteger(cell[0] - '0');
        }
        else
        {
            target = cell.IsEmpty ? ResponseValue.Missing : ParseOtherCell(cell, texts, item);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ResponseValue ParseOtherCell(ReadOnlySpan<byte> cell, string?[] texts, int item)
    {
        var chars = cell.Length <= 128 ? stackalloc char[128] : new char[cell.Length];
        var n = Encoding.UTF8.GetChars(cell, chars);
        var value = ResponseValue.Parse(chars[..n]);
        if (value.Kind == ResponseValueKind.NonNumeric)
        {
            texts[item] = Warnings.Visible(chars[..n].Trim());
        }

        return value;
    }
}

/// <summary>Decodes JSON rows (one object each) with a <see cref="JsonObjectParser"/> of its own.</summary>
internal sealed class JsonRowDecoder(ScoringPlan plan, ColumnMap? map = null) : RowDecoder
{
    private readonly JsonObjectParser _parser = new(plan, map);

    public override void Decode(RowBlock block, int index, ResponseRow row)
    {
        row.Clear(block.Line(index));
        if (block.Malformed(index) is { } reason)
        {
            row.Malformed = reason;
            return;
        }

        _parser.Parse(block.Raw(index), row, block);
    }
}

/// <summary>
/// Turns one JSON object (UTF-8) into a row: item keys become values, every other key is passed through, and so is a
/// kept item's (<see cref="Definitions.ItemDefinition.Keep"/>), as given.
/// </summary>
internal sealed class JsonObjectParser
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _items;
    private const int MaxInterned = 10_000;

    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);   // key -> index in _nameList
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly List<string> _nameList = [];
    private readonly ScoringPlan _plan;
    private readonly bool[] _seen;
    private readonly bool[] _kept;     // per item: declared keep: true (its value is also passed through)
    private readonly ByteBuffer _valid = new(256);
    private int[] _keyStamp = new int[64];     // per interned key: the last row (_row) that had it
    private int _row;
    private char[] _chars = new char[256];
    private byte[] _bytes = new byte[256];

    public JsonObjectParser(ScoringPlan plan, ColumnMap? map = null)
    {
        _plan = plan;
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plan.ItemCount; i++)
        {
            items[plan.Definition.Items[i].Id] = i;
        }

        // A mapped key is read as its item (even a key that is another item's id); the map was validated when the reader opened.
        foreach (var entry in map?.Entries ?? [])
        {
            items[entry.Column] = plan.IndexOfItem(entry.Item);
        }

        _items = items.GetAlternateLookup<ReadOnlySpan<char>>();
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        _seen = new bool[plan.ItemCount];
        _kept = [.. plan.Definition.Items.Select(i => i.Keep)];
    }

    /// <summary>Reads <paramref name="json"/> into <paramref name="row"/>; warnings go to <paramref name="block"/>'s row warnings.</summary>
    public void Parse(ReadOnlySpan<byte> json, ResponseRow row, RowBlock? block)
    {
        Array.Clear(_seen);
        if (++_row == int.MaxValue)
        {
            Array.Clear(_keyStamp);
            _row = 1;
        }

        // Invalid UTF-8 becomes U+FFFD (as in CSV): the row is kept, and the fields it touched are named in a warning.
        var invalidUtf8 = !Utf8.IsValid(json);
        if (invalidUtf8)
        {
            _valid.Clear();
            _valid.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json)));
            json = _valid.WrittenSpan;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                row.Malformed = "expected a JSON object, found nothing";
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                row.Malformed = $"expected a JSON object, found {Describe(reader.TokenType)}";
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = DecodeName(ref reader);
                var item = _items.TryGetValue(name, out var index) ? index : -1;
                var kept = item >= 0 && _kept[item];
                var key = item >= 0 && !kept ? null : UniqueKey(name, row, block);
                if (invalidUtf8 && key is not null && name.Contains('\uFFFD'))
                {
                    block?.AddRowWarning(Warnings.InvalidUtf8Key(key), Warnings.InvalidUtf8(key, row.Line));
                }

                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        row.ClearFields();
                        row.Malformed = $"'{name}' holds {Describe(reader.TokenType)}; expected a number, a string or null";
                        return;
                    case JsonTokenType.String when item >= 0:
                        row.Values[item] = reader.ValueIsEscaped || reader.HasValueSequence
                            ? ResponseValue.Parse(reader.GetString().AsSpan())
                            : ResponseValue.Parse(reader.ValueSpan);
                        if (row.Values[item].Kind == ResponseValueKind.NonNumeric)
                        {
                            row.Texts[item] = Warnings.Visible(reader.GetString().AsSpan().Trim());
                        }

                        break;
                    case JsonTokenType.String:
                        var text = Unescaped(ref reader);
                        if (invalidUtf8 && text.IndexOf("\uFFFD"u8) >= 0)
                        {
                            block?.AddRowWarning(Warnings.InvalidUtf8Key(key!), Warnings.InvalidUtf8(key!, row.Line));
                        }

                        row.AddField(key!, FieldKind.Text, text);
                        break;
                    case JsonTokenType.Number when item >= 0:
                        if (reader.TryGetDouble(out var d) && double.IsFinite(d))
                        {
                            row.Values[item] = ResponseValue.FromNumber(d);
                        }
                        else
                        {
                            row.Values[item] = ResponseValue.NonNumeric;
                            row.Texts[item] = Encoding.UTF8.GetString(reader.ValueSpan);
                        }

                        break;
                    case JsonTokenType.True or JsonTokenType.False when item >= 0:
                        row.Values[item] = ResponseValue.NonNumeric;
                        row.Texts[item] = reader.TokenType == JsonTokenType.True ? "true" : "false";
                        break;
                    case JsonTokenType.Null when item >= 0:
                        row.Values[item] = ResponseValue.Missing;
                        break;
                    case JsonTokenType.Null:
                        row.AddField(key!, FieldKind.Null, default);
                        break;
                    default:
                        row.AddField(key!, FieldKind.Literal, reader.ValueSpan);
                        break;
                }

                if (kept)
                {
                    // A kept item is also passed through, as given.
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            row.AddField(key!, FieldKind.Text, Unescaped(ref reader));
                            break;
                        case JsonTokenType.Null:
                            row.AddField(key!, FieldKind.Null, default);
                            break;
                        default:
                            row.AddField(key!, FieldKind.Literal, reader.ValueSpan);
                            break;
                    }
                }

                if (item >= 0)
                {
                    if (_seen[item])
                    {
                        row.ClearFields();
                        row.Malformed = $"item '{name}' is given twice";
                        return;
                    }

                    _seen[item] = true;
                }
            }

            // Anything after the object other than white space is an error (the reader throws).
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            row.ClearFields();
            Array.Clear(row.Values);
            row.Malformed = "invalid JSON: " + CleanMessage(ex.Message);
        }
        catch (InvalidOperationException)
        {
            // The text of a key or string cannot be decoded: its escapes are not valid UTF-16 (invalid UTF-8 was
            // replaced above, so this is the only cause).
            row.ClearFields();
            Array.Clear(row.Values);
            row.Malformed = "invalid JSON: a string holds a lone surrogate escape (such as \\ud800 without its pair), which is not text";
        }
    }

    // A pass-through key, unique in the row: a key given again is passed through as key_2 (key_3, ...), with a warning
    // once per key, so that the output (a JSON object per row) never has a key twice.
    private string UniqueKey(ReadOnlySpan<char> name, ResponseRow row, RowBlock? block)
    {
        var (key, id) = Intern(name);
        if (!SeenInRow(key, id, row))
        {
            return key;
        }

        var original = key;
        for (var k = 2; ; k++)
        {
            (key, id) = Intern($"{original}_{k}");
            if (!SeenInRow(key, id, row))
            {
                block?.AddRowWarning("dup\0" + original,
                    $"key '{original}' is given more than once in one object (line {row.Line}; further rows are not reported); the later value is passed through as '{key}'");
                return key;
            }
        }
    }

    // Whether the row already has the key; marks it as had.
    private bool SeenInRow(string key, int id, ResponseRow row)
    {
        if (id >= 0)
        {
            if (_keyStamp[id] == _row)
            {
                return true;
            }

            _keyStamp[id] = _row;
            return false;
        }

        for (var i = 0; i < row.FieldCount; i++)
        {
            if (string.Equals(row.FieldName(i), key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // A string value as UTF-8 without its JSON escapes.
    private ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_bytes.Length < length)
        {
            _bytes = new byte[length * 2];
        }

        var n = reader.CopyString(_bytes);
        return _bytes.AsSpan(0, n);
    }

    private ReadOnlySpan<char> DecodeName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString().AsSpan();
        }

        var bytes = reader.ValueSpan;
        if (_chars.Length < bytes.Length)
        {
            _chars = new char[bytes.Length * 2];
        }

        var n = Encoding.UTF8.GetChars(bytes, _chars);
        return _chars.AsSpan(0, n);
    }

    // The key as a string shared by every row, with its index (-1 past the first 10,000 distinct keys: not kept).
    private (string Key, int Id) Intern(ReadOnlySpan<char> name)
    {
        if (_nameLookup.TryGetValue(name, out var id))
        {
            return (_nameList[id], id);
        }

        var s = name.ToString();
        if (_nameList.Count == MaxInterned)
        {
            return (s, -1);
        }

        id = _nameList.Count;
        _names[s] = id;
        _nameList.Add(s);
        if (_keyStamp.Length == id)
        {
            Array.Resize(ref _keyStamp, id * 2);
        }

        return (s, id);
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    // "'x' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 8." -> "'x' is an invalid start of a value (at byte 9)"
    private static string CleanMessage(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at < 0)
        {
            return message.TrimEnd('.');
        }

        var head = message[..at].TrimEnd().TrimEnd('.');
        var pos = message.IndexOf("BytePositionInLine: ", StringComparison.Ordinal);
        if (pos >= 0 && int.TryParse(message.AsSpan(pos + 20).TrimEnd('.'), out var b))
        {
            head += $" (at byte {b + 1} of the row)";
        }

        return head;
    }
}

/// <summary>NDJSON: one JSON object per line; blank lines are skipped.</summary>
internal sealed class NdjsonRowReader(Stream stream, ScoringPlan plan, Action<string>? warnings = null, int maxRowBytes = ByteInput.DefaultMaxRowBytes, ColumnMap? map = null)
    : ResponseReader(warnings)
{
    private readonly ByteInput _input = new(stream, ByteInput.BufferSizeFor(stream, 256 * 1024), maxRowBytes);

    internal override bool ReadBlock(RowBlock block)
    {
        // Bytes after Position already known to hold no line feed (relative: filling the buffer moves Position).
        var scanned = 0;
        while (!block.IsFull)
        {
            if (!_input.EnsureData())
            {
                return !block.IsEmpty;
            }

            var buf = _input.Buffer;
            var scanFrom = _input.Position + scanned;
            var nl = Array.IndexOf(buf, (byte)'\n', scanFrom, _input.Length - scanFrom);
            if (nl < 0 && !_input.Eof)
            {
                scanned = _input.Length - _input.Position;
                if (!_input.Fill())
                {
                    // Longer than the limit: malformed; skip the rest of the line.
                    block.Add([], _input.Line, $"the line is longer than {_input.MaxRowBytes:N0} bytes, the row size limit; it was skipped");
                    SkipLine();
                    scanned = 0;
                }

                continue;
            }

            var end = nl < 0 ? _input.Length : nl + 1;
            var line = buf.AsSpan(_input.Position, end - _input.Position);
            var trimmed = line.Trim(" \t\r\n"u8);
            if (!trimmed.IsEmpty)
            {
                block.Add(trimmed, _input.Line);
            }

            _input.Consume(end);
            scanned = 0;
        }

        return true;
    }

    internal override RowDecoder CreateDecoder() => new JsonRowDecoder(plan, map);

    private void SkipLine()
    {
        while (true)
        {
            var nl = Array.IndexOf(_input.Buffer, (byte)'\n', _input.Position, _input.Length - _input.Position);
            if (nl >= 0)
            {
                _input.Consume(nl + 1);
                return;
            }

            _input.Consume(_input.Length);
            if (!_input.EnsureData())
            {
                return;
            }
        }
    }

    private protected override void DisposeCore() => _input.Dispose();
}

/// <summary>
/// A JSON array of objects, read element by element: a small scanner finds where each top-level element ends
/// (tracking strings and nesting, and the line it starts on) and only that element is parsed, so memory stays
/// flat and a broken element becomes one malformed row.
/// </summary>
internal sealed class JsonArrayRowReader(Stream stream, ScoringPlan plan, Action<string>? warnings, int maxRowBytes = ByteInput.DefaultMaxRowBytes, ColumnMap? map = null)
    : ResponseReader(warnings)
{
    private readonly ByteInput _input = new(stream, ByteInput.BufferSizeFor(stream, 256 * 1024), maxRowBytes);
    private State _state = State.Start;

    private enum State
    {
        Start,
        First,
        Next,
        Element,
        Done,
    }

    internal override RowDecoder CreateDecoder() => new JsonRowDecoder(plan, map);

    internal override bool ReadBlock(RowBlock block)
    {
        while (!block.IsFull && _state != State.Done)
        {
            if (!SkipWhiteSpace())
            {
                switch (_state)
                {
                    case State.Start:
                        throw new ResponseFileException("the input is empty: a JSON input needs an array of objects");
                    default:
                        block.AddReaderWarning("the JSON array is not closed (no ']' at the end of the input)");
                        _state = State.Done;
                        return !block.IsEmpty;
                }
            }

            var c = _input.Buffer[_input.Position];
            switch (_state)
            {
                case State.Start:
                    if (c != '[')
                    {
                        var hint = c == '{' ? "; for one object per line use --input-format ndjson" : string.Empty;
                        throw new ResponseFileException($"expected a JSON array of objects ('['), found '{(char)c}' at line {_input.Line}{hint}");
                    }

                    _input.Consume(_input.Position + 1);
                    _state = State.First;
                    continue;
                case State.First or State.Element when c == ']':
                    _input.Consume(_input.Position + 1);
                    Finish(block);
                    continue;
                case State.Next when c == ']':
                    _input.Consume(_input.Position + 1);
                    Finish(block);
                    continue;
                case State.Next when c == ',':
                    _input.Consume(_input.Position + 1);
                    _state = State.Element;
                    continue;
                case State.First or State.Next or State.Element when c == '}':
                    // One '}' too many: a row of its own, so that reading moves on.
                    ReadElement(block, "a stray '}' where an element was expected (an object closed twice?)");
                    continue;
                case State.Next:
                    // A missing comma: read the element anyway, but flag the row.
                    ReadElement(block, "a ',' is missing before this element");
                    continue;
                default:
                    ReadElement(block, null);
                    continue;
            }
        }

        return !block.IsEmpty;
    }

    // After the closing ']': anything but white space is ignored with a warning.
    private void Finish(RowBlock block)
    {
        _state = State.Done;
        if (SkipWhiteSpace())
        {
            block.AddReaderWarning($"text after the end of the JSON array (line {_input.Line}) was ignored");
            while (_input.EnsureData())
            {
                _input.Consume(_input.Length);
            }
        }
    }

    /// <summary>
    /// Adds the element at the current position as one row and consumes it: up to a ',' or the array's ']' at the top
    /// level, or just past the object (or array) it opens with, so that two objects without a comma between them are
    /// two rows. It always consumes at least one byte unless it stops at a ',' (then the caller consumes that): a
    /// stray '}' is an element of its own. An element longer than the row size limit is one malformed row, skipped
    /// to its end without being kept.
    /// </summary>
    private void ReadElement(RowBlock block, string? malformed)
    {
        var line = _input.Line;
        var scanned = 0;         // bytes of the element already scanned (relative to Position)
        var depth = 0;
        var inString = false;
        var escape = false;
        var tooLong = false;     // past the limit: scanned bytes are consumed as they go
        while (true)
        {
            var buf = _input.Buffer;
            var start = _input.Position;
            var i = start + scanned;
            var end = -1;
            for (; i < _input.Length; i++)
            {
                var b = buf[i];
                if (inString)
                {
                    if (escape)
                    {
                        escape = false;
                    }
                    else if (b == '\\')
                    {
                        escape = true;
                    }
                    else if (b == '"')
                    {
                        inString = false;
                    }
                }
                else if (b == '"')
                {
                    inString = true;
                }
                else if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    if (depth == 0)
                    {
                        // A stray closing bracket at the start is the element (and is consumed); else it ends it.
                        end = i == start && !tooLong ? i + 1 : i;
                        break;
                    }

                    if (--depth == 0)
                    {
                        end = i + 1;
                        break;
                    }
                }
                else if (b == ',' && depth == 0)
                {
                    end = i;
                    break;
                }
            }

            if (end < 0 && !_input.Eof)
            {
                if (tooLong)
                {
                    _input.Consume(i);
                    _input.Fill();
                    continue;
                }

                scanned = i - start;
                if (!_input.Fill())
                {
                    // Too long: keep scanning to the element's end, dropping the bytes as they are scanned.
                    tooLong = true;
                    _input.Consume(_input.Position + scanned);
                    scanned = 0;
                }

                continue;
            }

            if (end < 0)
            {
                end = _input.Length;
            }

            if (tooLong)
            {
                malformed = $"the element is longer than {_input.MaxRowBytes:N0} bytes, the row size limit; it was skipped";
            }

            block.Add(malformed is null && !tooLong ? buf.AsSpan(start, end - start) : [], line, malformed);
            _input.Consume(end);
            _state = State.Next;
            return;
        }
    }

    private bool SkipWhiteSpace()
    {
        while (_input.EnsureData())
        {
            var buf = _input.Buffer;
            var i = _input.Position;
            while (i < _input.Length && buf[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
            }

            _input.Consume(i);
            if (i < _input.Length)
            {
                return true;
            }
        }

        return false;
    }

    private protected override void DisposeCore() => _input.Dispose();
}

/// <summary>Texts of the readers' warnings, and text made fit to quote in one.</summary>
internal static class Warnings
{
    public static string InvalidUtf8Key(string field) => "utf8\0" + field;

    public static string InvalidUtf8(string field, int line) =>
        $"field '{field}' is not valid UTF-8 (line {line}; further rows are not reported); its invalid bytes were replaced by U+FFFD";

    /// <summary><paramref name="text"/> with control characters written as \uXXXX (a NUL in a cell is invisible otherwise).</summary>
    public static string Visible(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
