using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Instruments.Data.Tests.Parquet;

/// <summary>Writes Parquet inputs with Parquet.Net directly, reads Parquet outputs back as text cells, and parses CSV output.</summary>
internal static class ParquetFiles
{
    /// <summary>A column of an input file: its field and its values (one per row; null is a Parquet null).</summary>
    public sealed record Column(DataField Field, Array Values);

    public static Column Strings(string name, params string?[] values) => new(new DataField(name, typeof(string), isNullable: true), values);

    public static Column Of<T>(string name, params T?[] values)
        where T : struct => new(new DataField<T?>(name), values);

    /// <summary>A required (non-nullable) int32 column: no definition levels in the file.</summary>
    public static Column Required(string name, params int[] values) => new(new DataField<int>(name), values);

    /// <summary>A Parquet file of <paramref name="columns"/>, <paramref name="groupRows"/> rows per row group.</summary>
    public static byte[] Write(int groupRows, params Column[] columns)
    {
        var rows = columns[0].Values.Length;
        using var stream = new MemoryStream();
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray()), stream).GetAwaiter().GetResult();
        try
        {
            for (var start = 0; start < rows || (rows == 0 && start == 0); start += Math.Max(1, groupRows))
            {
                var n = Math.Min(groupRows, rows - start);
                using var group = writer.CreateRowGroup();
                foreach (var c in columns)
                {
                    WriteColumn(group, c, start, n).GetAwaiter().GetResult();
                }

                if (rows == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return stream.ToArray();
    }

    private static Task WriteColumn(ParquetRowGroupWriter group, Column c, int start, int n) => c.Values switch
    {
        string?[] s => group.WriteAsync(c.Field, new ArraySegment<string?>(s, start, n)!, null),
        int[] v => group.WriteAsync<int>(c.Field, new ReadOnlyMemory<int>(v, start, n), null, null, default),
        int?[] v => group.WriteAsync<int>(c.Field, new ReadOnlyMemory<int?>(v, start, n), null, null, default),
        long?[] v => group.WriteAsync<long>(c.Field, new ReadOnlyMemory<long?>(v, start, n), null, null, default),
        short?[] v => group.WriteAsync<short>(c.Field, new ReadOnlyMemory<short?>(v, start, n), null, null, default),
        double?[] v => group.WriteAsync<double>(c.Field, new ReadOnlyMemory<double?>(v, start, n), null, null, default),
        float?[] v => group.WriteAsync<float>(c.Field, new ReadOnlyMemory<float?>(v, start, n), null, null, default),
        decimal?[] v => group.WriteAsync<decimal>(c.Field, new ReadOnlyMemory<decimal?>(v, start, n), null, null, default),
        bool?[] v => group.WriteAsync<bool>(c.Field, new ReadOnlyMemory<bool?>(v, start, n), null, null, default),
        DateTime?[] v => group.WriteAsync<DateTime>(c.Field, new ReadOnlyMemory<DateTime?>(v, start, n), null, null, default),
        byte[]?[] v => group.WriteAsync(c.Field, new ArraySegment<byte[]?>(v, start, n)!, null),
        _ => throw new NotSupportedException(c.Values.GetType().Name),
    };

    /// <summary>A Parquet file read back: its column names, its rows as text cells (null: Parquet null), its row groups' sizes.</summary>
    public sealed record Table(string[] Header, List<string?[]> Rows, List<long> Groups, Dictionary<string, Type> Types);

    public static Table Read(byte[] file)
    {
        using var stream = new MemoryStream(file);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return Read(reader);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Where the first data page of column <paramref name="column"/> in row group <paramref name="group"/> starts.</summary>
    public static long DataPageOffset(byte[] file, int group, int column)
    {
        var reader = ParquetReader.CreateAsync(new MemoryStream(file)).GetAwaiter().GetResult();
        try
        {
            return reader.Metadata!.RowGroups[group].Columns[column].MetaData!.DataPageOffset;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The cells of a row on one line, for assertions (a null cell as ∅).</summary>
    public static string Line(IEnumerable<string?> cells) => string.Join("|", cells.Select(c => c ?? "∅"));

    private static Table Read(ParquetReader reader)
    {
        var fields = reader.Schema.GetDataFields();
        var header = fields.Select(f => f.Name).ToArray();
        var rows = new List<string?[]>();
        var groups = new List<long>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            groups.Add(n);
            var cells = new string?[fields.Length][];
            for (var f = 0; f < fields.Length; f++)
            {
                cells[f] = ReadColumn(group, fields[f], n);
            }

            for (var r = 0; r < n; r++)
            {
                rows.Add([.. cells.Select(c => c[r])]);
            }
        }

        return new Table(header, rows, groups, fields.ToDictionary(f => f.Name, f => f.ClrType));
    }

    private static string?[] ReadColumn(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType == typeof(double))
        {
            var values = new double?[n];
            group.ReadAsync<double>(field, values, null, default).AsTask().GetAwaiter().GetResult();
            return [.. values.Select(v => v?.ToString("R", CultureInfo.InvariantCulture))];
        }

        var strings = new string?[n];
        group.ReadAsync(field, strings, null, default).AsTask().GetAwaiter().GetResult();
        return strings;
    }

    /// <summary>The Parquet output's cells are the CSV output's: null for an empty cell, numbers by their shortest text.</summary>
    public static void AssertSameCells(List<string[]> csv, Table parquet)
    {
        Assert.Equal(csv[0], parquet.Header);
        Assert.Equal(csv.Count - 1, parquet.Rows.Count);
        for (var r = 1; r < csv.Count; r++)
        {
            for (var c = 0; c < csv[0].Length; c++)
            {
                var expected = csv[r][c];
                var actual = parquet.Rows[r - 1][c] ?? string.Empty;
                if (expected.Length == actual.Length + 1 && expected[0] == '\'' && actual.Length > 0 && "=+-@\t\r".Contains(actual[0], StringComparison.Ordinal))
                {
                    expected = expected[1..];   // the CSV writer's guard against spreadsheet formulas
                }

                Assert.True(expected == actual, $"row {r}, column '{csv[0][c]}': CSV '{expected}', Parquet '{actual}'");
            }
        }
    }

    /// <summary>Scores <paramref name="input"/> with a protocol into <paramref name="output"/>'s format with the pipeline.</summary>
    public static (byte[] Output, ScoreCounts Counts) Score(
        Instruments.Course.ProtocolPlan protocol, byte[] input, DataFormat format, DataFormat output, int workers = 2, int? rowGroupRows = null)
    {
        using var reader = ResponseReader.Open(new MemoryStream(input), format, protocol.ReaderPlan);
        var pipeline = new ScoringPipeline(protocol, reader);
        var columns = output is DataFormat.Csv or DataFormat.Parquet ? pipeline.DiscoverColumns() : [];
        var resultFormat = rowGroupRows is { } rows
            ? new ParquetResultFormat(protocol, columns, reader.Columns is not null) { RowGroupRows = rows }
            : ResultFormat.Create(output, protocol, columns, positional: reader.Columns is not null);
        using var stream = new MemoryStream();
        var counts = pipeline.Run(resultFormat, stream, new ScoringPipelineOptions { Workers = workers });
        return (stream.ToArray(), counts);
    }

    /// <summary>Scores <paramref name="input"/> (of <paramref name="format"/>) into <paramref name="output"/>'s format with the pipeline.</summary>
    public static (byte[] Output, ScoreCounts Counts, List<string> Warnings) Score(
        Instruments.Scoring.ScoringPlan plan, byte[] input, DataFormat format, DataFormat output, int workers = 2, int? rowGroupRows = null)
    {
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(new MemoryStream(input), format, plan, warnings.Add);
        var pipeline = new ScoringPipeline(plan, reader);
        var columns = output is DataFormat.Csv or DataFormat.Parquet ? pipeline.DiscoverColumns() : [];
        var resultFormat = ResultFormat.Create(output, plan, columns, positional: reader.Columns is not null);
        if (rowGroupRows is { } rows)
        {
            resultFormat = new ParquetResultFormat(plan, columns, reader.Columns is not null) { RowGroupRows = rows };
        }

        using var stream = new MemoryStream();
        var counts = pipeline.Run(resultFormat, stream, new ScoringPipelineOptions { Workers = workers, Warnings = warnings.Add });
        return (stream.ToArray(), counts, warnings);
    }
}
