using System.Buffers.Binary;
using System.Text;
using Instruments.Data.IO;
using Instruments.Scoring;
using Parquet;
using Parquet.Schema;

namespace Instruments.Data;

/// <summary>
/// Parquet output with the columns of the CSV output (<see cref="ResultFormat.CreateParquet"/>). The workers format each
/// row as a compact record (no text formatting of numbers) into their block's output; the <see cref="Sink"/>, on the
/// writing thread, gathers the records into column arrays and writes a row group every <see cref="RowGroupRows"/> rows,
/// so memory stays within one row group whatever the input's size.
/// </summary>
internal sealed class ParquetResultFormat : ResultFormat
{
    /// <summary>Rows per row group unless set otherwise.</summary>
    public const int DefaultRowGroupRows = 65_536;

    private readonly ScoringPlan _plan;
    private readonly string[] _columns;
    private readonly bool _positional;
    private readonly bool[] _unrounded;
    private readonly string[]?[] _bands;
    private readonly byte[][] _flagIds;
    private readonly byte[][] _itemIds;
    private readonly byte[][] _scoreIds;
    private readonly DataField[] _fields;

    public ParquetResultFormat(ScoringPlan plan, IReadOnlyList<string> columns, bool positional)
    {
        _plan = plan;
        _columns = [.. columns];
        _positional = positional;
        var def = plan.Definition;
        _unrounded = [.. def.Scores.Select(CsvResultFormat.HasUnroundedColumn)];
        _bands = [.. def.Scores.Select(s => s.Bands.Length > 0 ? s.Bands.Select(b => b.Label).ToArray() : null)];
        _flagIds = [.. def.Flags.Select(f => Encoding.UTF8.GetBytes(f.Id))];
        _itemIds = [.. def.Items.Select(i => Encoding.UTF8.GetBytes(i.Id))];
        _scoreIds = [.. def.Scores.Select(s => Encoding.UTF8.GetBytes(s.Id))];

        var results = new List<DataField> { new DataField("status", typeof(string), isNullable: false) };
        foreach (var s in def.Scores)
        {
            results.Add(new DataField<double?>(s.Id));
            if (CsvResultFormat.HasUnroundedColumn(s))
            {
                results.Add(new DataField<double?>(s.Id + "_unrounded"));
            }

            if (s.Bands.Length > 0)
            {
                results.Add(new DataField(s.Id + "_band", typeof(string), isNullable: true));
            }
        }

        results.Add(new DataField("flags", typeof(string), isNullable: false));
        results.Add(new DataField("diagnostics", typeof(string), isNullable: false));

        // A Parquet schema cannot name a column twice: a pass-through column named like a result column (or like an
        // earlier pass-through column) gets the first free name_2, name_3, ...
        var taken = new HashSet<string>(results.Select(f => f.Name), StringComparer.Ordinal);
        var pass = new List<DataField>();
        foreach (var c in _columns)
        {
            var name = c;
            for (var k = 2; taken.Contains(name); k++)
            {
                name = $"{c}_{k}";
            }

            taken.Add(name);
            pass.Add(new DataField(name, typeof(string), isNullable: true));
        }

        _fields = [.. pass, .. results];
    }

    /// <summary>Rows per row group.</summary>
    /// <value><see cref="DefaultRowGroupRows"/>.</value>
    public int RowGroupRows { get; init; } = DefaultRowGroupRows;

    /// <summary>The schema's column names, in order (the pass-through ones first, renamed where they had to be).</summary>
    internal IEnumerable<string> ColumnNames => _fields.Select(f => f.Name);

    internal override void WriteHeader(ByteBuffer output)
    {
    }

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    internal override ResultSink CreateSink(Stream output) => new Sink(this, output);

    /// <summary>
    /// Writes a row as a record: the status (1 byte); each pass-through cell (0 for null, else 1, a length and UTF-8);
    /// each score's double (NaN: none), its unrounded value and its band index where it has those columns; the flags'
    /// and the diagnostics' text (a length and UTF-8).
    /// </summary>
    private sealed class Formatter(ParquetResultFormat format) : ResultFormatter
    {
        private readonly ByteBuffer _text = new(256);
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block)
        {
            var o = block.Output;
            o.Write((byte)result.Status);
            WritePassThrough(o, row, block);
            var scores = format._plan.ScoreCount;
            var span = o.GetSpan(scores * 20);
            var p = 0;
            for (var s = 0; s < scores; s++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[p..], result.GetScoreValue(s));
                p += 8;
                if (format._unrounded[s])
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span[p..], result.IsRounded(s) ? result.GetUnroundedScore(s) : double.NaN);
                    p += 8;
                }

                if (format._bands[s] is not null)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(span[p..], result.GetBandIndex(s));
                    p += 4;
                }
            }

            o.Advance(p);
            _text.Clear();
            for (var f = 0; f < format._flagIds.Length; f++)
            {
                if (result.GetFlag(f) == FlagState.Raised)
                {
                    if (_text.Length > 0)
                    {
                        _text.Write((byte)';');
                    }

                    _text.Write(format._flagIds[f]);
                }
            }

            Text(o, _text.WrittenSpan);
            _text.Clear();
            var diagnostics = result.Diagnostics;
            if (!diagnostics.IsEmpty)
            {
                CsvResultFormat.DiagnosticsText(_text, format._plan, format._itemIds, format._scoreIds, diagnostics);
            }

            Text(o, _text.WrittenSpan);
        }

        private void WritePassThrough(ByteBuffer o, ResponseRow row, RowBlock block)
        {
            var columns = format._columns;
            if (row.Malformed is not null)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    o.Write((byte)0);
                }

                return;
            }

            for (var c = 0; c < columns.Length; c++)
            {
                var f = format._positional ? c : Find(row, columns[c]);
                if (f < 0 || row.FieldKindOf(f) == FieldKind.Null)
                {
                    o.Write((byte)0);
                }
                else
                {
                    o.Write((byte)1);
                    Text(o, row.FieldValue(f));
                }
            }

            if (!format._positional)
            {
                for (var i = 0; i < row.FieldCount; i++)
                {
                    var name = row.FieldName(i);
                    if (Array.IndexOf(columns, name) < 0 && _warned.Add(name))
                    {
                        block.AddRowWarning(name, $"field '{name}' (line {row.Line}) is not in the first row, so the Parquet output has no column for it; use --format json or ndjson to keep every field");
                    }
                }
            }
        }

        private static int Find(ResponseRow row, string name)
        {
            for (var i = 0; i < row.FieldCount; i++)
            {
                if (string.Equals(row.FieldName(i), name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private static void Text(ByteBuffer o, ReadOnlySpan<byte> text)
        {
            var span = o.GetSpan(4 + text.Length);
            BinaryPrimitives.WriteInt32LittleEndian(span, text.Length);
            text.CopyTo(span[4..]);
            o.Advance(4 + text.Length);
        }
    }

    /// <summary>Gathers the records into column arrays and writes them as row groups; the footer on <see cref="Complete"/>.</summary>
    private sealed class Sink : ResultSink
    {
        private readonly ParquetResultFormat _format;
        private readonly Stream _output;
        private readonly int _capacity;
        private readonly string?[][] _pass;
        private readonly string[] _status;
        private readonly double?[][] _numbers;      // per score: the value, then the unrounded value where there is one
        private readonly string?[][] _bandLabels;   // per score with bands: the labels of its rows
        private readonly string[] _flags;
        private readonly string[] _diagnostics;
        private readonly Interned _texts = new();
        private ParquetWriter? _writer;
        private int _count;

        public Sink(ParquetResultFormat format, Stream output)
        {
            _format = format;
            _output = output;
            _capacity = Math.Max(1, format.RowGroupRows);
            _pass = [.. format._columns.Select(_ => new string?[_capacity])];
            _status = new string[_capacity];
            _numbers = [.. Enumerable.Range(0, format._unrounded.Count(u => u) + format._plan.ScoreCount).Select(_ => new double?[_capacity])];
            _bandLabels = [.. format._bands.Where(b => b is not null).Select(_ => new string?[_capacity])];
            _flags = new string[_capacity];
            _diagnostics = new string[_capacity];
        }

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                bytes = Read(bytes);
                if (++_count == _capacity)
                {
                    WriteGroup();
                }
            }
        }

        // Reads one record into row _count of the arrays; returns what follows it.
        private ReadOnlySpan<byte> Read(ReadOnlySpan<byte> r)
        {
            var row = _count;
            _status[row] = StatusName((ResponseStatus)r[0]);
            var p = 1;
            foreach (var column in _pass)
            {
                if (r[p++] == 0)
                {
                    column[row] = null;
                }
                else
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(r[p..]);
                    column[row] = Encoding.UTF8.GetString(r.Slice(p + 4, length));
                    p += 4 + length;
                }
            }

            var number = 0;
            var band = 0;
            var bands = _format._bands;
            for (var s = 0; s < bands.Length; s++)
            {
                _numbers[number++][row] = Nullable(BinaryPrimitives.ReadDoubleLittleEndian(r[p..]));
                p += 8;
                if (_format._unrounded[s])
                {
                    _numbers[number++][row] = Nullable(BinaryPrimitives.ReadDoubleLittleEndian(r[p..]));
                    p += 8;
                }

                if (bands[s] is { } labels)
                {
                    var b = BinaryPrimitives.ReadInt32LittleEndian(r[p..]);
                    _bandLabels[band++][row] = b >= 0 ? labels[b] : null;
                    p += 4;
                }
            }

            _flags[row] = ReadText(r, ref p);
            _diagnostics[row] = ReadText(r, ref p);
            return r[p..];
        }

        private string ReadText(ReadOnlySpan<byte> r, ref int p)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(r[p..]);
            var text = _texts.Get(r.Slice(p + 4, length));
            p += 4 + length;
            return text;
        }

        private static double? Nullable(double value) => double.IsNaN(value) ? null : value;

        private void WriteGroup()
        {
            var writer = Writer();
            var n = _count;
            using (var group = writer.CreateRowGroup())
            {
                var fields = _format._fields;
                var f = 0;
                foreach (var column in _pass)
                {
                    Strings(group, fields[f++], column, n);
                }

                Strings(group, fields[f++], _status, n);
                var number = 0;
                var band = 0;
                var bands = _format._bands;
                for (var s = 0; s < bands.Length; s++)
                {
                    Numbers(group, fields[f++], _numbers[number++], n);
                    if (_format._unrounded[s])
                    {
                        Numbers(group, fields[f++], _numbers[number++], n);
                    }

                    if (bands[s] is not null)
                    {
                        Strings(group, fields[f++], _bandLabels[band++], n);
                    }
                }

                Strings(group, fields[f++], _flags, n);
                Strings(group, fields[f], _diagnostics, n);
                group.CompleteValidate();
            }

            foreach (var column in _pass)
            {
                Array.Clear(column, 0, n);   // no strings kept alive beyond their group
            }

            _count = 0;
        }

        private static void Strings(ParquetRowGroupWriter group, DataField field, string?[] values, int n) =>
            group.WriteAsync(field, new ArraySegment<string?>(values, 0, n)!, null).GetAwaiter().GetResult();

        private static void Numbers(ParquetRowGroupWriter group, DataField field, double?[] values, int n) =>
            group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(values, 0, n), null, null, default).GetAwaiter().GetResult();

        // Snappy (the default codec) at its fastest level, and the dictionary decision taken on a sample of 1,000 values
        // instead of a scan of the whole column: 3-4 times faster on 1 M rows, the same file size (measured on the
        // WAI-shaped benchmark's output, benchmarks/parquet).
        private static readonly ParquetOptions Options = new() { CompressionLevel = System.IO.Compression.CompressionLevel.Fastest, DictionaryEncodingSampleSize = 1000 };

        private ParquetWriter Writer() =>
            _writer ??= ParquetWriter.CreateAsync(new ParquetSchema(_format._fields), _output, Options).GetAwaiter().GetResult();

        public override void Complete()
        {
            if (_count > 0)
            {
                WriteGroup();
            }

            // A run without rows still writes a valid file: the schema and no row group.
            Writer().DisposeAsync().AsTask().GetAwaiter().GetResult();
            _output.Flush();
        }
    }

    /// <summary>Strings of the flags and diagnostics columns, which repeat from row to row: decoded once (up to 4,096 distinct).</summary>
    private sealed class Interned
    {
        private const int Max = 4096;
        private readonly HashSet<string> _set = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Interned() => _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return string.Empty;
            }

            if (utf8.Length > 512)
            {
                return Encoding.UTF8.GetString(utf8);
            }

            Span<char> chars = stackalloc char[512];
            var n = Encoding.UTF8.GetChars(utf8, chars);
            if (_lookup.TryGetValue(chars[..n], out var s))
            {
                return s;
            }

            s = chars[..n].ToString();
            if (_set.Count < Max)
            {
                _set.Add(s);
            }

            return s;
        }
    }
}
