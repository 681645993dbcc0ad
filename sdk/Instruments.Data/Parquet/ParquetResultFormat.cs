using System.Buffers.Binary;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Scoring;
using Parquet;
using Parquet.Schema;

namespace Instruments.Data;

/// <summary>
/// Parquet output with the columns of the CSV output (<see cref="ResultFormat.CreateParquet"/>), of a single instrument
/// or of a protocol (<see cref="ResultFormat.Create(DataFormat, ProtocolPlan, IReadOnlyList{string}, bool)"/>): the
/// pass-through columns, <c>status</c>, then each instrument's <see cref="ParquetScoreColumns"/>. The workers format
/// each row as a compact record (no text formatting of numbers) into their block's output; the <see cref="Sink"/>, on
/// the writing thread, gathers the records into column arrays and writes a row group every <see cref="RowGroupRows"/>
/// rows, so memory stays within one row group whatever the input's size.
/// </summary>
internal sealed class ParquetResultFormat : ResultFormat
{
    /// <summary>Rows per row group unless set otherwise.</summary>
    public const int DefaultRowGroupRows = 65_536;

    private readonly string[] _columns;
    private readonly bool _positional;
    private readonly ParquetScoreColumns[] _members;   // one instrument's columns, or one per instrument of the protocol
    private readonly DataField[] _fields;

    /// <summary>A single instrument's results: its columns unprefixed, its status the row's <c>status</c>.</summary>
    public ParquetResultFormat(ScoringPlan plan, IReadOnlyList<string> columns, bool positional)
        : this(columns, positional, [new ParquetScoreColumns(plan, string.Empty, status: false)])
    {
    }

    /// <summary>A protocol's results: <c>status</c> (the worst of the instruments'), then each instrument's columns, prefixed by its id.</summary>
    public ParquetResultFormat(ProtocolPlan protocol, IReadOnlyList<string> columns, bool positional)
        : this(columns, positional, [.. protocol.Instruments.Select(p => new ParquetScoreColumns(p, p.Definition.Id + ".", status: true))]) =>
        Protocol = protocol;

    private ParquetResultFormat(IReadOnlyList<string> columns, bool positional, ParquetScoreColumns[] members)
    {
        _columns = [.. columns];
        _positional = positional;
        _members = members;
        List<DataField> results = [new DataField("status", typeof(string), isNullable: false), .. members.SelectMany(m => m.Fields)];

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
    /// Writes a row as a record: the row's status (1 byte); each pass-through cell (0 for null, else 1, a length and
    /// UTF-8); each instrument's <see cref="ParquetScoreColumns.WriteRecord"/>.
    /// </summary>
    private sealed class Formatter(ParquetResultFormat format) : ResultFormatter
    {
        private readonly ByteBuffer _text = new(256);
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block)
        {
            if (format.Protocol is not null)
            {
                throw new InvalidOperationException("a protocol's format writes protocol results");
            }

            var o = block.Output;
            o.Write((byte)result.Status);
            WritePassThrough(o, row, block);
            format._members[0].WriteRecord(o, result, _text);
        }

        public override void WriteRow(long rowNumber, ResponseRow row, ProtocolResult result, RowBlock block)
        {
            if (format.Protocol is null)
            {
                throw new InvalidOperationException("this format writes a single instrument's results");
            }

            var o = block.Output;
            o.Write((byte)result.Status);
            WritePassThrough(o, row, block);
            for (var k = 0; k < format._members.Length; k++)
            {
                format._members[k].WriteRecord(o, result.GetResult(k), _text);
            }
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
                    ParquetScoreColumns.WriteText(o, row.FieldValue(f));
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
    }

    /// <summary>Gathers the records into column arrays and writes them as row groups; the footer on <see cref="Complete"/>.</summary>
    private sealed class Sink : ResultSink
    {
        // Snappy (the default codec) at its fastest level, and the dictionary decision taken on a sample of 1,000 values
        // instead of a scan of the whole column: 3-4 times faster on 1 M rows, the same file size (measured on the
        // WAI-shaped benchmark's output, benchmarks/parquet).
        private static readonly ParquetOptions Options = new() { CompressionLevel = System.IO.Compression.CompressionLevel.Fastest, DictionaryEncodingSampleSize = 1000 };

        private readonly ParquetResultFormat _format;
        private readonly Stream _output;
        private readonly int _capacity;
        private readonly string?[][] _pass;
        private readonly string[] _status;
        private readonly ParquetScoreColumns.Buffer[] _members;
        private ParquetWriter? _writer;
        private int _count;

        public Sink(ParquetResultFormat format, Stream output)
        {
            _format = format;
            _output = output;
            _capacity = Math.Max(1, format.RowGroupRows);
            _pass = [.. format._columns.Select(_ => new string?[_capacity])];
            _status = new string[_capacity];
            var texts = new InternedStrings();
            _members = [.. format._members.Select(m => m.CreateBuffer(_capacity, texts))];
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

            foreach (var member in _members)
            {
                member.Read(r, ref p, row);
            }

            return r[p..];
        }

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
                    ParquetScoreColumns.Strings(group, fields[f++], column, n);
                }

                ParquetScoreColumns.Strings(group, fields[f], _status, n);
                foreach (var member in _members)
                {
                    member.Write(group, n);
                }

                group.CompleteValidate();
            }

            foreach (var column in _pass)
            {
                Array.Clear(column, 0, n);   // no strings kept alive beyond their group
            }

            _count = 0;
        }

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
}
