using System.Buffers.Binary;
using System.Text;
using Instruments.Data.IO;
using Instruments.Scoring;
using Parquet;
using Parquet.Schema;

namespace Instruments.Data;

/// <summary>
/// The Parquet columns of one instrument's results, as its CSV cells: optionally <c>status</c>, each score (a nullable
/// double, then <c>&lt;score&gt;_unrounded</c> when it rounds and <c>&lt;score&gt;_band</c>, a nullable string, when it
/// has bands), <c>flags</c> and <c>diagnostics</c> (strings), every name after <see cref="Prefix"/>. Shared by a single
/// instrument's output (no prefix; its <c>status</c> is the row's) and a protocol's (one per instrument, prefixed by its
/// id and with its own <c>status</c>). Workers write a result as a compact record (<see cref="WriteRecord"/>); the sink
/// gathers records into a <see cref="Buffer"/> and writes them as a row group's columns.
/// </summary>
internal sealed class ParquetScoreColumns
{
    private readonly ScoringPlan _plan;
    private readonly bool _status;
    private readonly bool[] _unrounded;
    private readonly string[]?[] _bands;
    private readonly byte[][] _flagIds;
    private readonly byte[][] _itemIds;
    private readonly byte[][] _scoreIds;

    public ParquetScoreColumns(ScoringPlan plan, string prefix, bool status)
    {
        _plan = plan;
        _status = status;
        Prefix = prefix;
        var def = plan.Definition;
        _unrounded = [.. def.Scores.Select(CsvResultFormat.HasUnroundedColumn)];
        _bands = [.. def.Scores.Select(s => s.Bands.Length > 0 ? s.Bands.Select(b => b.Label).ToArray() : null)];
        _flagIds = [.. def.Flags.Select(f => Encoding.UTF8.GetBytes(f.Id))];
        _itemIds = [.. def.Items.Select(i => Encoding.UTF8.GetBytes(i.Id))];
        _scoreIds = [.. def.Scores.Select(s => Encoding.UTF8.GetBytes(s.Id))];

        var fields = new List<DataField>();
        if (status)
        {
            fields.Add(new DataField(prefix + "status", typeof(string), isNullable: false));
        }

        foreach (var s in def.Scores)
        {
            fields.Add(new DataField<double?>(prefix + s.Id));
            if (CsvResultFormat.HasUnroundedColumn(s))
            {
                fields.Add(new DataField<double?>(prefix + s.Id + "_unrounded"));
            }

            if (s.Bands.Length > 0)
            {
                fields.Add(new DataField(prefix + s.Id + "_band", typeof(string), isNullable: true));
            }
        }

        fields.Add(new DataField(prefix + "flags", typeof(string), isNullable: false));
        fields.Add(new DataField(prefix + "diagnostics", typeof(string), isNullable: false));
        Fields = [.. fields];
    }

    /// <summary>What every column name starts with: empty for a single instrument, <c>&lt;id&gt;.</c> in a protocol.</summary>
    public string Prefix { get; }

    /// <summary>The columns, in the CSV output's order.</summary>
    public DataField[] Fields { get; }

    /// <summary>
    /// Writes <paramref name="result"/> as a record: its status (1 byte) when it has a column; each score's double (NaN:
    /// none), its unrounded value and its band index where it has those columns; the flags' and the diagnostics' text
    /// (a length and UTF-8). <paramref name="text"/> is scratch space.
    /// </summary>
    public void WriteRecord(ByteBuffer o, ScoreResult result, ByteBuffer text)
    {
        if (_status)
        {
            o.Write((byte)result.Status);
        }

        var scores = _plan.ScoreCount;
        var span = o.GetSpan(scores * 20);
        var p = 0;
        for (var s = 0; s < scores; s++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[p..], result.GetScoreValue(s));
            p += 8;
            if (_unrounded[s])
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[p..], result.IsRounded(s) ? result.GetUnroundedScore(s) : double.NaN);
                p += 8;
            }

            if (_bands[s] is not null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[p..], result.GetBandIndex(s));
                p += 4;
            }
        }

        o.Advance(p);
        text.Clear();
        for (var f = 0; f < _flagIds.Length; f++)
        {
            if (result.GetFlag(f) == FlagState.Raised)
            {
                if (text.Length > 0)
                {
                    text.Write((byte)';');
                }

                text.Write(_flagIds[f]);
            }
        }

        WriteText(o, text.WrittenSpan);
        text.Clear();
        var diagnostics = result.Diagnostics;
        if (!diagnostics.IsEmpty)
        {
            CsvResultFormat.DiagnosticsText(text, _plan, _itemIds, _scoreIds, diagnostics);
        }

        WriteText(o, text.WrittenSpan);
    }

    /// <summary>Writes a length (4 bytes) and the text.</summary>
    public static void WriteText(ByteBuffer o, ReadOnlySpan<byte> text)
    {
        var span = o.GetSpan(4 + text.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, text.Length);
        text.CopyTo(span[4..]);
        o.Advance(4 + text.Length);
    }

    /// <summary>Writes a row group's strings.</summary>
    public static void Strings(ParquetRowGroupWriter group, DataField field, string?[] values, int n) =>
        group.WriteAsync(field, new ArraySegment<string?>(values, 0, n)!, null).GetAwaiter().GetResult();

    /// <summary>Writes a row group's nullable doubles.</summary>
    public static void Numbers(ParquetRowGroupWriter group, DataField field, double?[] values, int n) =>
        group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(values, 0, n), null, null, default).GetAwaiter().GetResult();

    /// <summary>Column arrays for up to <paramref name="capacity"/> rows of these columns.</summary>
    public Buffer CreateBuffer(int capacity, InternedStrings texts) => new(this, capacity, texts);

    /// <summary>One row group's values of these columns, filled record by record on the writing thread.</summary>
    internal sealed class Buffer
    {
        private readonly ParquetScoreColumns _columns;
        private readonly InternedStrings _texts;
        private readonly string[]? _status;
        private readonly double?[][] _numbers;      // per score: the value, then the unrounded value where there is one
        private readonly string?[][] _bandLabels;   // per score with bands: the labels of its rows
        private readonly string[] _flags;
        private readonly string[] _diagnostics;

        public Buffer(ParquetScoreColumns columns, int capacity, InternedStrings texts)
        {
            _columns = columns;
            _texts = texts;
            _status = columns._status ? new string[capacity] : null;
            _numbers = [.. Enumerable.Range(0, columns._unrounded.Count(u => u) + columns._plan.ScoreCount).Select(_ => new double?[capacity])];
            _bandLabels = [.. columns._bands.Where(b => b is not null).Select(_ => new string?[capacity])];
            _flags = new string[capacity];
            _diagnostics = new string[capacity];
        }

        /// <summary>Reads a record written by <see cref="WriteRecord"/> at <paramref name="p"/> into row <paramref name="row"/>.</summary>
        public void Read(ReadOnlySpan<byte> r, ref int p, int row)
        {
            if (_status is not null)
            {
                _status[row] = ResultFormat.StatusName((ResponseStatus)r[p++]);
            }

            var number = 0;
            var band = 0;
            var bands = _columns._bands;
            for (var s = 0; s < bands.Length; s++)
            {
                _numbers[number++][row] = Nullable(BinaryPrimitives.ReadDoubleLittleEndian(r[p..]));
                p += 8;
                if (_columns._unrounded[s])
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
        }

        /// <summary>Writes the first <paramref name="n"/> rows as the columns' chunks of <paramref name="group"/>.</summary>
        public void Write(ParquetRowGroupWriter group, int n)
        {
            var fields = _columns.Fields;
            var f = 0;
            if (_status is not null)
            {
                Strings(group, fields[f++], _status, n);
            }

            var number = 0;
            var band = 0;
            var bands = _columns._bands;
            for (var s = 0; s < bands.Length; s++)
            {
                Numbers(group, fields[f++], _numbers[number++], n);
                if (_columns._unrounded[s])
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
        }

        private string ReadText(ReadOnlySpan<byte> r, ref int p)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(r[p..]);
            var text = _texts.Get(r.Slice(p + 4, length));
            p += 4 + length;
            return text;
        }

        private static double? Nullable(double value) => double.IsNaN(value) ? null : value;
    }
}

/// <summary>Strings of the flags and diagnostics columns, which repeat from row to row: decoded once (up to 4,096 distinct).</summary>
internal sealed class InternedStrings
{
    private const int Max = 4096;
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public InternedStrings() => _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();

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
