using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Instruments.Data.IO;
using Instruments.Scoring;
using Parquet;
using Parquet.Schema;

namespace Instruments.Data;

/// <summary>
/// Apache Parquet, read row group by row group: only the columns the output needs (the item columns and every other
/// top-level column, passed through) of one row group are in memory at a time. A cell means what its text would mean
/// in a CSV cell (see <c>docs/interop.md</c>): a string is read as CSV text is, a number as the number it writes as
/// (integers exactly, a float by its shortest text, so <c>0.1f</c> is 0.1), NaN and infinities and booleans are
/// invalid (not a number), a null is not answered. Each row is copied into the block as a compact record of its cells'
/// text, so that the pipeline's workers decode and score it as they do a CSV row.
/// </summary>
/// <remarks>
/// A row group that cannot be read (a damaged page, an undecodable value) gives one invalid row (RSP2010) per row it
/// holds, as its metadata counts them, and reading goes on with the next group; a file whose footer cannot be read
/// is a <see cref="ResponseFileException"/>. The "line" of a Parquet row is its 1-based row number in the file.
/// </remarks>
internal sealed class ParquetRowReader : ResponseReader
{
    private const byte NullCell = 0;
    private const byte TextCell = 1;
    private const byte LiteralCell = 2;

    private readonly Stream _stream;
    private readonly ParquetReader _file;
    private readonly int _maxRowBytes;
    private readonly Column[] _columns;          // the columns read, in file order
    private readonly string[] _passColumns;
    private int _group = -1;
    private long _groupRows;
    private long _next;                           // next row within the group
    private long _row;                            // 0-based row number in the file of the next row
    private string? _groupError;

    public ParquetRowReader(Stream stream, ScoringPlan plan, Action<string>? warnings, int maxRowBytes = ByteInput.DefaultMaxRowBytes, ColumnMap? map = null)
        : base(warnings)
    {
        _stream = stream;
        _maxRowBytes = maxRowBytes;
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new ResponseFileException("a Parquet input must be a file (its index is at its end), not a pipe or standard input");
        }

        try
        {
            _file = ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = false }, leaveStreamOpen: true).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a damaged footer makes the library throw (its own exceptions, Thrift's, an index or a length out
            // of range, an allocation a corrupt length makes impossible), the file cannot be read.
            stream.Dispose();
            throw new ResponseFileException($"the input is not a readable Parquet file: {Describe(e)}", e);
        }

        if (_file.Metadata is { } meta && meta.RowGroups.Sum(g => g.NumRows) != meta.NumRows)
        {
            Dispose();
            throw new ResponseFileException($"the input is not a readable Parquet file: its footer counts {meta.NumRows:N0} rows but its row groups {meta.RowGroups.Sum(g => g.NumRows):N0}");
        }

        var columns = new List<Column>();
        var pass = new List<string>();
        var itemSeen = new bool[plan.ItemCount];
        var itemColumn = new string?[plan.ItemCount];
        foreach (var field in _file.Schema.Fields)
        {
            var name = field.Name;
            var item = ColumnMap.ItemOf(map, name, plan);
            var cells = field is DataField { IsArray: false, MaxRepetitionLevel: 0 } data ? Cells.For(data) : null;
            if (cells is null)
            {
                if (item >= 0)
                {
                    Dispose();
                    throw new ResponseFileException($"the Parquet column '{name}' of item '{plan.Definition.Items[item].Id}' is {Describe(field)}, which cannot hold an answer");
                }

                warnings?.Invoke($"the Parquet column '{name}' is {Describe(field)}; it is not passed through");
                continue;
            }

            if (item >= 0)
            {
                if (itemSeen[item])
                {
                    Dispose();
                    throw new ResponseFileException($"the Parquet file gives item '{plan.Definition.Items[item].Id}' twice: columns '{itemColumn[item]}' and '{name}'"
                                                    + (map is null ? string.Empty : $" (through column map '{map.Source}')"));
                }

                itemSeen[item] = true;
                itemColumn[item] = name;
            }

            var kept = item >= 0 && plan.Definition.Items[item].Keep;
            if (item < 0 || kept)
            {
                pass.Add(name);
            }

            columns.Add(new Column((DataField)field, name, item, kept, cells));
        }

        _columns = [.. columns];
        _passColumns = [.. pass];
        if (map?.AbsentColumns([.. _file.Schema.Fields.Select(f => f.Name)]) is { } absent)
        {
            warnings?.Invoke(absent);
        }

        if (CsvRowReader.MissingItems(plan, itemSeen, pass) is { } missing)
        {
            warnings?.Invoke(missing);
        }
    }

    public override IReadOnlyList<string> Columns => _passColumns;

    internal override bool ReadBlock(RowBlock block)
    {
        while (!block.IsFull)
        {
            if (_next == _groupRows)
            {
                if (!NextGroup())
                {
                    return !block.IsEmpty;
                }

                continue;
            }

            var line = (int)Math.Min(_row + 1, int.MaxValue);
            if (_groupError is not null)
            {
                block.Add([], line, _groupError);
            }
            else
            {
                var data = block.Data;
                var start = data.Length;
                var i = (int)_next;
                foreach (var column in _columns)
                {
                    column.Cells.Append(i, data);
                }

                if (data.Length - start > _maxRowBytes)
                {
                    data.Truncate(start);
                    block.Add(start, 0, line, $"the row is longer than {_maxRowBytes:N0} bytes, the row size limit; it was skipped");
                }
                else
                {
                    block.Add(start, data.Length - start, line);
                }
            }

            _next++;
            _row++;
        }

        return true;
    }

    // Loads the next row group's columns; false after the last. A group that cannot be read makes each of its rows malformed.
    private bool NextGroup()
    {
        if (++_group >= _file.RowGroupCount)
        {
            _groupRows = _next = 0;
            return false;
        }

        // The row count comes from the footer, read when the file was opened: it is known even when the group's pages
        // cannot be read, so that each of its rows still gives one output row.
        _groupRows = _file.Metadata!.RowGroups[_group].NumRows;
        if (_groupRows is < 0 or > int.MaxValue)
        {
            throw new ResponseFileException($"the Parquet file's footer gives row group {_group + 1} {_groupRows:N0} rows, which cannot be right: the file is damaged");
        }

        _next = 0;
        _groupError = null;
        try
        {
            var rows = (int)_groupRows;
            var group = _file.OpenRowGroupReader(_group);
            foreach (var column in _columns)
            {
                column.Cells.Load(group, column.Field, rows);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Including an allocation that a damaged page's length makes impossible: the group's rows become invalid.
            _groupError = $"row group {_group + 1} of the Parquet file (rows {_row + 1:N0} to {_row + _groupRows:N0}) cannot be read: {Describe(e)}";
        }

        return true;
    }

    internal override RowDecoder CreateDecoder() => new Decoder(this);

    private protected override void DisposeCore()
    {
        _file?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private static string Describe(Exception e) => e.Message.Split('\n')[0].TrimEnd('.');

    private static string Describe(Field field) => field switch
    {
        DataField { IsArray: true } or ListField => "a list",
        MapField => "a map",
        StructField => "a struct",
        DataField d => $"of type {d.ClrType.Name}",
        _ => field.SchemaType.ToString().ToLowerInvariant(),
    };

    private sealed record Column(DataField Field, string Name, int Item, bool Kept, Cells Cells);

    /// <summary>Decodes the records of <see cref="ReadBlock"/>: each cell a kind byte, then (unless null) a length and UTF-8 text.</summary>
    private sealed class Decoder(ParquetRowReader reader) : RowDecoder
    {
        private readonly ByteBuffer _valid = new(256);

        public override void Decode(RowBlock block, int index, ResponseRow row)
        {
            // Every item with a column is assigned below (or the row is malformed), so the values are not cleared.
            row.Clear(block.Line(index), values: false);
            if (block.Malformed(index) is { } reason)
            {
                row.Malformed = reason;
                return;
            }

            var raw = block.Raw(index);
            var values = row.Values;
            var p = 0;
            foreach (var column in reader._columns)
            {
                var kind = raw[p++];
                var text = ReadOnlySpan<byte>.Empty;
                if (kind != NullCell)
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(raw[p..]);
                    text = raw.Slice(p + 4, length);
                    p += 4 + length;
                }

                if (column.Item >= 0)
                {
                    if (kind == NullCell)
                    {
                        values[column.Item] = ResponseValue.Missing;
                    }
                    else
                    {
                        CsvRowReader.StoreCell(ref values[column.Item], text, row.Texts, column.Item);
                    }

                    if (!column.Kept)
                    {
                        continue;
                    }
                }

                if (kind == NullCell)
                {
                    row.AddField(column.Name, FieldKind.Null, default);
                }
                else
                {
                    row.AddField(column.Name, kind == LiteralCell ? FieldKind.Literal : FieldKind.Text, ValidUtf8(text, column.Name, row.Line, block));
                }
            }
        }

        // Bytes of a binary column that are not UTF-8 become U+FFFD with a warning, as in a CSV cell.
        private ReadOnlySpan<byte> ValidUtf8(ReadOnlySpan<byte> text, string name, int line, RowBlock block)
        {
            if (Utf8.IsValid(text))
            {
                return text;
            }

            block.AddRowWarning(Warnings.InvalidUtf8Key(name), Warnings.InvalidUtf8(name, line));
            _valid.Clear();
            _valid.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text)));
            return _valid.WrittenSpan;
        }
    }

    /// <summary>One column's cells of the current row group, and how each is written as text.</summary>
    private abstract class Cells
    {
        public abstract void Load(ParquetRowGroupReader group, DataField field, int rows);

        /// <summary>Appends the cell of row <paramref name="i"/>: its kind, then (unless null) its length and text.</summary>
        public abstract void Append(int i, ByteBuffer output);

        /// <summary>The cells for a column of <paramref name="field"/>'s type; null for a type that is not read.</summary>
        public static Cells? For(DataField field)
        {
            var t = field.ClrType;
            return t == typeof(ReadOnlyMemory<char>) || t == typeof(string) ? new Strings()
                : t == typeof(ReadOnlyMemory<byte>) || t == typeof(byte[]) ? new Binary()
                : t == typeof(bool) ? new Values<bool>(static (v, d) => Literal(v ? "true"u8 : "false"u8, d))
                : t == typeof(sbyte) ? Integers<sbyte>()
                : t == typeof(byte) ? Integers<byte>()
                : t == typeof(short) ? Integers<short>()
                : t == typeof(ushort) ? Integers<ushort>()
                : t == typeof(int) ? Integers<int>()
                : t == typeof(uint) ? Integers<uint>()
                : t == typeof(long) ? Integers<long>()
                : t == typeof(ulong) ? Integers<ulong>()
                : t == typeof(float) ? new Values<float>(static (v, d) => float.IsFinite(v) ? Format(v, "R", LiteralCell, d) : Format(v, "R", TextCell, d))
                : t == typeof(double) ? new Values<double>(static (v, d) => double.IsFinite(v) ? Format(v, "R", LiteralCell, d) : Format(v, "R", TextCell, d))
                : t == typeof(decimal) ? new Values<decimal>(static (v, d) => Format(v, null, LiteralCell, d))
                : t == typeof(DateTime) ? new Values<DateTime>(static (v, d) => Format(v, "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", TextCell, d))
                : t == typeof(DateOnly) ? new Values<DateOnly>(static (v, d) => Format(v, "yyyy-MM-dd", TextCell, d))
                : t == typeof(TimeOnly) ? new Values<TimeOnly>(static (v, d) => Format(v, "HH:mm:ss.FFFFFFF", TextCell, d))
                : t == typeof(TimeSpan) ? new Values<TimeSpan>(static (v, d) => Format(v, "c", TextCell, d))
                : t == typeof(Guid) ? new Values<Guid>(static (v, d) => Format(v, "D", TextCell, d))
                : null;
        }

        private static Values<T> Integers<T>()
            where T : struct, IUtf8SpanFormattable => new(static (v, d) => Format(v, null, LiteralCell, d));

        private static (int Length, byte Kind) Literal(ReadOnlySpan<byte> text, Span<byte> destination)
        {
            text.CopyTo(destination);
            return (text.Length, LiteralCell);
        }

        private static (int Length, byte Kind) Format<T>(T value, string? format, byte kind, Span<byte> destination)
            where T : IUtf8SpanFormattable =>
            value.TryFormat(destination, out var n, format, CultureInfo.InvariantCulture) ? (n, kind) : throw new FormatException($"cannot write {value} as text");

        protected static void Null(ByteBuffer output) => output.Write(NullCell);

        protected static void Cell(ByteBuffer output, byte kind, ReadOnlySpan<byte> text)
        {
            var span = output.GetSpan(5 + text.Length);
            span[0] = kind;
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], text.Length);
            text.CopyTo(span[5..]);
            output.Advance(5 + text.Length);
        }

        private sealed class Values<T>(Func<T, Span<byte>, (int Length, byte Kind)> format) : Cells
            where T : struct
        {
            private T[] _values = [];          // the non-null values, packed
            private int[] _levels = [];        // per row: its definition level (the maximum: a value; less: null)
            private int[] _index = [];         // per row: where its value is in _values, or -1 for null

            // Raw reading (packed values and definition levels) is about a third faster than reading into T?[].
            public override void Load(ParquetRowGroupReader group, DataField field, int rows)
            {
                if (_values.Length < rows)
                {
                    _values = new T[rows];
                    _levels = new int[rows];
                    _index = new int[rows];
                }

                var max = field.MaxDefinitionLevel;
                if (max == 0)
                {
                    // A required column: every row has a value, and there are no definition levels.
                    group.ReadAsync<T>(field, _values.AsMemory(0, rows), null, default).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    group.ReadRawAsync<T>(field, _values.AsMemory(0, rows), _levels.AsMemory(0, rows), null, default).AsTask().GetAwaiter().GetResult();
                }

                var k = 0;
                for (var i = 0; i < rows; i++)
                {
                    _index[i] = max == 0 || _levels[i] == max ? k++ : -1;
                }
            }

            public override void Append(int i, ByteBuffer output)
            {
                var at = _index[i];
                if (at < 0)
                {
                    Null(output);
                    return;
                }

                var span = output.GetSpan(5 + 64);
                var (n, kind) = format(_values[at], span[5..]);
                span[0] = kind;
                BinaryPrimitives.WriteInt32LittleEndian(span[1..], n);
                output.Advance(5 + n);
            }
        }

        private sealed class Strings : Cells
        {
            private ReadOnlyMemory<char>?[] _values = [];

            // Slices of the page's text rather than a string per cell: about three times faster to read.
            public override void Load(ParquetRowGroupReader group, DataField field, int rows)
            {
                if (_values.Length < rows)
                {
                    _values = new ReadOnlyMemory<char>?[rows];
                }

                group.ReadAsync<ReadOnlyMemory<char>>(field, _values.AsMemory(0, rows), null, default).AsTask().GetAwaiter().GetResult();
            }

            public override void Append(int i, ByteBuffer output)
            {
                if (_values[i] is not { } value)
                {
                    Null(output);
                    return;
                }

                var chars = value.Span;
                var span = output.GetSpan(5 + Encoding.UTF8.GetMaxByteCount(chars.Length));
                var n = Encoding.UTF8.GetBytes(chars, span[5..]);
                span[0] = TextCell;
                BinaryPrimitives.WriteInt32LittleEndian(span[1..], n);
                output.Advance(5 + n);
            }
        }

        private sealed class Binary : Cells
        {
            private byte[]?[] _values = [];

            public override void Load(ParquetRowGroupReader group, DataField field, int rows)
            {
                if (_values.Length < rows)
                {
                    _values = new byte[]?[rows];
                }

                group.ReadAsync(field, _values.AsMemory(0, rows), null, default).AsTask().GetAwaiter().GetResult();
            }

            public override void Append(int i, ByteBuffer output)
            {
                if (_values[i] is not { } value)
                {
                    Null(output);
                }
                else
                {
                    Cell(output, TextCell, value);
                }
            }
        }
    }
}
