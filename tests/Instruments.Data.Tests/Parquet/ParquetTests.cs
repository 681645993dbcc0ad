using System.Globalization;
using System.Text;
using Instruments.Compiler;
using Instruments.Scoring;
using Parquet.Schema;
using Instruments.Tests.Shared;
using static Instruments.Data.Tests.Parquet.ParquetFiles;

namespace Instruments.Data.Tests.Parquet;

/// <summary>
/// Parquet input and output against the CSV path as the reference: a Parquet cell means what its CSV text means, and
/// the Parquet output holds the CSV output's cells. One row in, one row out, in order, including rows of a damaged
/// row group; a file that is not Parquet is a <see cref="ResponseFileException"/>.
/// </summary>
public sealed class ParquetTests
{
    private static readonly ScoringPlan Tiny = TestPlans.Tiny;

    private static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    private static string CsvOf(string?[] ids, string?[] a, string?[] b, string?[] c)
    {
        var sb = new StringBuilder("id,a,b,c\r\n");
        for (var r = 0; r < ids.Length; r++)
        {
            sb.Append(Quote(ids[r])).Append(',').Append(Quote(a[r])).Append(',').Append(Quote(b[r])).Append(',').Append(Quote(c[r])).Append("\r\n");
        }

        return sb.ToString();
    }

    private static string Quote(string? cell) => cell is null ? string.Empty : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static TheoryData<string> CellTypes() => ["int32", "int32 required", "int64", "int16", "double", "float", "decimal", "bool", "string", "string required", "timestamp", "binary"];

    /// <summary>Item column 'a' of each Parquet type, and the CSV text each of its cells stands for.</summary>
    private static (Column Column, string?[] Csv) TypedColumn(string type) => type switch
    {
        "int32" => (Of<int>("a", 1, null, 5, -1, 0, 3), ["1", "", "5", "-1", "0", "3"]),
        "int32 required" => (Required("a", 1, 2, 5, -1, 0, 3), ["1", "2", "5", "-1", "0", "3"]),
        "int64" => (Of<long>("a", 3, null, 30_000_000_000, 2, -7, 4), ["3", "", "30000000000", "2", "-7", "4"]),
        "int16" => (Of<short>("a", 2, null, 6, 1, 5, 4), ["2", "", "6", "1", "5", "4"]),
        "double" => (Of<double>("a", 1.5, double.NaN, double.PositiveInfinity, 2.0, null, 4.25), ["1.5", "NaN", "Infinity", "2", "", "4.25"]),
        "float" => (Of<float>("a", 0.1f, 3f, float.NegativeInfinity, null, 2.5f, 1.1f), ["0.1", "3", "-Infinity", "", "2.5", "1.1"]),
        "decimal" => (Of<decimal>("a", 2.50m, 3m, null, 1.10m, 5.00m, 7m), ["2.50", "3", "", "1.10", "5.00", "7"]),
        "bool" => (Of<bool>("a", true, false, null, true, false, true), ["true", "false", "", "true", "false", "true"]),
        "string" => (Strings("a", " 3 ", "x", "", null, "2.0", "1e1"), [" 3 ", "x", "", "", "2.0", "1e1"]),
        "string required" => (new Column(new DataField("a", typeof(string), isNullable: false), new string?[] { "1", " 2", "x", "", "5", "4" }), ["1", " 2", "x", "", "5", "4"]),
        "timestamp" => (Of<DateTime>("a", new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), null, new DateTime(2021, 1, 1), null, null, null),
                        ["2020-01-02T03:04:05", "", "2021-01-01T00:00:00", "", "", ""]),
        "binary" => (new Column(new DataField("a", typeof(byte[]), isNullable: true), new byte[]?[] { "4"u8.ToArray(), null, [0xff], "x"u8.ToArray(), " 5"u8.ToArray(), [] }),
                     ["4", "", "\ufffd", "x", " 5", ""]),
        _ => throw new ArgumentException(type),
    };

    [Theory]
    [MemberData(nameof(CellTypes))]
    public void Read_ItemColumnOfEachType_ScoresAsItsCsvText(string type)
    {
        var (column, csv) = TypedColumn(type);
        var n = csv.Length;
        var ids = Enumerable.Range(1, n).Select(i => "r" + i).ToArray();
        var b = Enumerable.Repeat<int?>(2, n).ToArray();
        var c = Enumerable.Repeat<int?>(3, n).ToArray();
        var parquet = Write(4, Strings("id", ids), column, Of("b", b), Of("c", c));
        var reference = Score(Tiny, Csv(CsvOf(ids, csv, [.. b.Select(x => x?.ToString(CultureInfo.InvariantCulture))], [.. c.Select(x => x?.ToString(CultureInfo.InvariantCulture))])), DataFormat.Csv, DataFormat.Csv);
        var actual = Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Csv);
        Assert.Equal(Encoding.UTF8.GetString(reference.Output), Encoding.UTF8.GetString(actual.Output));
        Assert.Equal(reference.Counts, actual.Counts);
    }

    [Fact]
    public void Read_NonFiniteDoubleAndBoolean_AreInvalidAndNullIsNotAnswered()
    {
        var parquet = Write(10, Strings("id", "nan", "inf", "bool", "null"), Of<double>("a", double.NaN, double.PositiveInfinity, 1, null),
            Of<bool>("b", null, null, true, null), Of<int>("c", 3, 3, 3, 3));
        var table = TestCsv.Parse(Encoding.UTF8.GetString(Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Csv).Output));
        Assert.Equal(["nan", "invalid", "", "", "RSP2002:a;RSP2004:b;RSP2005:total"], table[1]);
        Assert.Equal(["inf", "invalid", "", "", "RSP2002:a;RSP2004:b;RSP2005:total"], table[2]);
        Assert.Equal(["bool", "invalid", "2", "", "RSP2002:b"], table[3]);
        Assert.Equal(["null", "partial", "", "", "RSP2004:a;RSP2004:b;RSP2005:total"], table[4]);
    }

    /// <summary>Every shipped instrument (plugins/*/instruments/*.yaml).</summary>
    public static TheoryData<string> ShippedInstruments()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "instruments").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void ShippedInstruments_AreAllFound() => Assert.True(ShippedInstruments().Count >= 12);

    [Theory]
    [MemberData(nameof(ShippedInstruments))]
    public void Differential_ShippedInstrument_ParquetOutputEqualsCsvOutputCellByCell(string path)
    {
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(Path.Combine(RepoRoot, path)), path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var plan = compilation.CreatePlan(Assert.Single(compilation.Definitions));
        var (columns, rows) = Generate(plan, seed: path.Length * 7919, count: 3000);

        // Text cells: Parquet strings beside the same CSV cells (null is an empty CSV cell).
        var csv = new StringBuilder(string.Join(",", columns.Select(Quote))).Append("\r\n");
        foreach (var row in rows)
        {
            csv.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        }

        var parquet = Write(700, [.. columns.Select((name, c) => Strings(name, [.. rows.Select(r => r[c])]))]);
        var reference = Score(plan, Csv(csv.ToString()), DataFormat.Csv, DataFormat.Csv);
        var parquetToCsv = Score(plan, parquet, DataFormat.Parquet, DataFormat.Csv);
        Assert.Equal(Encoding.UTF8.GetString(reference.Output), Encoding.UTF8.GetString(parquetToCsv.Output));

        var parquetToParquet = Score(plan, parquet, DataFormat.Parquet, DataFormat.Parquet, rowGroupRows: 1000);
        AssertSameCells(TestCsv.Parse(Encoding.UTF8.GetString(reference.Output)), Read(parquetToParquet.Output));
        Assert.Equal(reference.Counts, parquetToParquet.Counts);

        // Typed cells: item columns as int32 (a cell that is not a plain integer becomes null), against the CSV of those values.
        var typedRows = rows.Select(r => r.Select((cell, c) => c == 0 || c == columns.Count - 1 || cell is null ? cell
            : int.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v.ToString(CultureInfo.InvariantCulture) : null).ToArray()).ToList();
        var typed = Write(512, [.. columns.Select((name, c) => c == 0 || c == columns.Count - 1
            ? Strings(name, [.. typedRows.Select(r => r[c])])
            : Of<int>(name, [.. typedRows.Select(r => r[c] is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : (int?)null)]))]);
        var typedCsv = new StringBuilder(string.Join(",", columns.Select(Quote))).Append("\r\n");
        foreach (var row in typedRows)
        {
            typedCsv.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        }

        var typedReference = Score(plan, Csv(typedCsv.ToString()), DataFormat.Csv, DataFormat.Csv);
        AssertSameCells(TestCsv.Parse(Encoding.UTF8.GetString(typedReference.Output)), Read(Score(plan, typed, DataFormat.Parquet, DataFormat.Parquet).Output));
    }

    private static readonly string[] Odd = ["", " ", "abc", "1e1", "NaN", "Infinity", "1.", ".5", "+1", " 2 ", "2.0", "1.5", "-0", "99999999999", "1\u00a0", "٣"];

    private static (List<string> Columns, List<string?[]> Rows) Generate(ScoringPlan plan, int seed, int count)
    {
        var def = plan.Definition;
        var random = new Random(seed);
        var columns = new List<string> { "rid" };
        columns.AddRange(def.Items.Select(i => i.Id));
        columns.Add("site");
        var rows = new List<string?[]>();
        for (var r = 0; r < count; r++)
        {
            var cells = new string?[columns.Count];
            cells[0] = r.ToString("D6", CultureInfo.InvariantCulture);
            cells[^1] = random.Next(5) switch { 0 => "=cmd", 1 => null, _ => "site " + random.Next(3).ToString(CultureInfo.InvariantCulture) };
            var level = random.NextDouble();
            for (var i = 0; i < def.Items.Length; i++)
            {
                var options = def.FindScale(def.Items[i].Scale)!.Options.Select(o => o.Value).Order().ToArray();
                var target = (int)Math.Round((def.Items[i].Reverse ? 1 - level : level) * (options.Length - 1)) + random.Next(-1, 2);
                cells[i + 1] = options[Math.Clamp(target, 0, options.Length - 1)].ToString(CultureInfo.InvariantCulture);
                cells[i + 1] = random.Next(12) switch
                {
                    0 => null,
                    1 => string.Empty,
                    2 => Odd[random.Next(Odd.Length)],
                    3 => (options.Max() + 1).ToString(CultureInfo.InvariantCulture),
                    4 when !def.MissingCodes.IsDefaultOrEmpty => def.MissingCodes[random.Next(def.MissingCodes.Length)].ToString(CultureInfo.InvariantCulture),
                    _ => cells[i + 1],
                };
            }

            rows.Add(cells);
        }

        return (columns, rows);
    }

    [Fact]
    public void Run_ManyRowGroupsInAndOut_OneRowOutPerRowInInOrder()
    {
        const int rows = 10_000;
        var ids = Enumerable.Range(1, rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var values = Enumerable.Range(1, rows).Select(i => (int?)(i % 6 == 0 ? null : (i % 5) + 1)).ToArray();
        var parquet = Write(1000, Strings("id", ids), Of("a", values), Of("b", values), Of("c", values));
        var (output, counts, _) = Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Parquet, workers: 4, rowGroupRows: 1500);
        var table = Read(output);
        Assert.Equal([1500, 1500, 1500, 1500, 1500, 1500, 1000], table.Groups);
        Assert.Equal(ids, table.Rows.Select(r => r[0]));
        Assert.Equal(rows, counts.Total);
        Assert.Equal(["id", "status", "total", "flags", "diagnostics"], table.Header);
        Assert.Equal(typeof(double), table.Types["total"]);
    }

    [Fact]
    public void Read_NotParquet_TruncatedOrEmpty_IsAResponseFileException()
    {
        var good = Write(10, Strings("id", "x"), Of<int>("a", 1));
        foreach (var bad in new[] { Csv("id,a,b,c\r\n1,2,3,4\r\n"), good[..(good.Length / 2)], [], good[..^3] })
        {
            var e = Assert.Throws<ResponseFileException>(() => ResponseReader.Open(new MemoryStream(bad), DataFormat.Parquet, Tiny));
            Assert.StartsWith("the input is not a readable Parquet file: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_FromAPipe_IsAResponseFileException()
    {
        var e = Assert.Throws<ResponseFileException>(() => ResponseReader.Open(new PipeStream(Write(10, Of<int>("a", 1))), DataFormat.Parquet, Tiny));
        Assert.Contains("must be a file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DamagedRowGroup_GivesOneInvalidRowPerRowAndTheOthersAreScored()
    {
        var ids = Enumerable.Range(1, 300).Select(i => "r" + i).ToArray();
        var ones = Enumerable.Repeat<int?>(1, 300).ToArray();
        var file = Write(100, Strings("id", ids), Of("a", ones), Of("b", ones), Of("c", ones));
        var offset = DataPageOffset(file, group: 1, column: 1);

        for (var i = 0; i < 16; i++)
        {
            file[offset + i] = 0xff;   // the page header of column 'a' in the second row group
        }

        var (output, counts, _) = Score(Tiny, file, DataFormat.Parquet, DataFormat.Csv);
        var table = TestCsv.Parse(Encoding.UTF8.GetString(output));
        Assert.Equal(301, table.Count);
        Assert.Equal(new ScoreCounts(200, 0, 100), counts);
        Assert.Equal(["r100", "complete"], table[100][..2]);
        Assert.Equal(["", "invalid", "", "", "RSP2010:line 101"], table[101]);
        Assert.Equal(["", "invalid", "", "", "RSP2010:line 200"], table[200]);
        Assert.Equal(["r201", "complete"], table[201][..2]);

        // The reason names the row group and its rows.
        var plan = Tiny;
        using var rows = ResponseReader.Open(new MemoryStream(file), DataFormat.Parquet, plan);
        var row = new ResponseRow(plan);
        for (var i = 0; i < 101; i++)
        {
            Assert.True(rows.Read(row));
        }

        Assert.Equal(101, row.Line);
        Assert.StartsWith("row group 2 of the Parquet file (rows 101 to 200) cannot be read: ", row.Malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingItemColumn_WarnsAsCsvDoesAndCountsItMissing()
    {
        var parquet = Write(10, Strings("id", "x"), Of<int>("a", 1), Of<int>("B", 2));
        var (output, _, warnings) = Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Csv);
        var (csvOutput, _, csvWarnings) = Score(Tiny, Csv("id,a,B\r\nx,1,2\r\n"), DataFormat.Csv, DataFormat.Csv);
        Assert.Equal(csvWarnings, warnings);
        Assert.Contains("the input has no column for items b, c", warnings[0], StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(csvOutput), Encoding.UTF8.GetString(output));
        Assert.Equal("id,B,status,total,flags,diagnostics", Encoding.UTF8.GetString(output).Split("\r\n")[0]);
    }

    [Fact]
    public void Read_ColumnMap_ReadsMappedColumnsAsTheirItemsAsForCsv()
    {
        var map = ColumnMap.Parse("redcap_field,item_id\nq_a,a\nq_b,b\nq_z,c\n", "map.csv");
        var parquet = Write(10, Strings("id", "x", "y"), Of<int>("q_a", 1, 5), Of<int>("q_b", 2, null), Of<int>("c", 3, 4));
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(new MemoryStream(parquet), DataFormat.Parquet, Tiny, warnings.Add, map);
        var csvWarnings = new List<string>();
        using var csv = ResponseReader.Open(new MemoryStream(Csv("id,q_a,q_b,c\nx,1,2,3\ny,5,,4\n")), DataFormat.Csv, Tiny, csvWarnings.Add, map);
        Assert.Equal(csv.Columns, reader.Columns);
        Assert.Equal(csvWarnings, warnings);   // 'q_z' is not in the file
        var row = new ResponseRow(Tiny);
        var twin = new ResponseRow(Tiny);
        while (csv.Read(twin))
        {
            Assert.True(reader.Read(row));
            Assert.Equal(twin.Values, row.Values);
            Assert.Equal(twin.Fields, row.Fields);
        }

        Assert.False(reader.Read(row));
    }

    [Fact]
    public void Read_RowOverTheSizeLimit_IsOneMalformedRow()
    {
        var parquet = Write(10, Strings("id", "short", new string('x', 500), "after"), Of<int>("a", 1, 1, 1), Of<int>("b", 1, 1, 1), Of<int>("c", 1, 1, 1));
        using var reader = ResponseReader.Open(new MemoryStream(parquet), DataFormat.Parquet, Tiny, null, maxRowBytes: 200);
        var row = new ResponseRow(Tiny);
        var seen = new List<(int, string?)>();
        while (reader.Read(row))
        {
            seen.Add((row.Line, row.Malformed));
        }

        Assert.Equal([(1, null), (2, "the row is longer than 200 bytes, the row size limit; it was skipped"), (3, null)], seen);
    }

    [Fact]
    public void Read_KeptAndPassThroughCells_KeepTheirJsonKinds()
    {
        // A float is written by its own shortest text (0.1, not 0.10000000149011612, its value as a double).
        var parquet = Write(10, Of<long>("id", 12, null), Of<double>("w", 0.5, double.NaN), Of<float>("f", 0.1f, float.NegativeInfinity), Of<bool>("ok", true, null),
            Of<int>("a", 1, 2), Of<int>("b", 1, 2), Of<int>("c", 1, 2));
        var (output, _, _) = Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Ndjson);
        var lines = Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"fields\":{\"id\":12,\"w\":0.5,\"f\":0.1,\"ok\":true}", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"fields\":{\"id\":null,\"w\":\"NaN\",\"f\":\"-Infinity\",\"ok\":null}", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Write_JsonInput_PassThroughNullStaysNullAndExtraFieldsAreWarned()
    {
        const string json = "[{\"id\":\"a1\",\"site\":null,\"a\":1,\"b\":2,\"c\":3},{\"id\":7,\"x\":1,\"a\":\"n/a\"}]";
        var (output, _, warnings) = Score(Tiny, Csv(json), DataFormat.Json, DataFormat.Parquet);
        var table = Read(output);
        Assert.Equal(["id", "site", "status", "total", "flags", "diagnostics"], table.Header);
        Assert.Equal("a1|∅|complete|2||", Line(table.Rows[0]));
        Assert.Equal("7|∅|invalid|∅||RSP2002:a;RSP2004:b;RSP2004:c;RSP2005:total", Line(table.Rows[1]));
        Assert.Contains(warnings, w => w.Contains("field 'x' (line 1) is not in the first row, so the Parquet output has no column for it", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_PassThroughNamedLikeAResultColumn_IsRenamed()
    {
        var (output, _, _) = Score(Tiny, Csv("status,flags,a,b,c\r\nx,y,1,2,3\r\n"), DataFormat.Csv, DataFormat.Parquet);
        var table = Read(output);
        Assert.Equal(["status_2", "flags_2", "status", "total", "flags", "diagnostics"], table.Header);
        Assert.Equal("x|y|complete|2||", Line(table.Rows[0]));
    }

    [Fact]
    public void Write_BandsUnroundedAndFlags_AreTypedColumns()
    {
        var plan = TestPlans.Compile("""
            instrument: banded
            version: 1.0.0
            title: Banded
            license: { name: free, texts: restricted }
            response_scales:
              z3: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" } ] }
            items:
              - { id: a, scale: z3 }
              - { id: b, scale: z3 }
              - { id: c, scale: z3 }
              - { id: d, scale: z3 }
            scores:
              - id: m
                items: [a, b, c, d]
                method: sum
                missing:
                  max: 1
                  prorate: true
                  rounding: { method: nearest, ties: half-up, sources: [test] }
                  sources: [test]
                sources: [test]
                bands:
                  - { min: 0, below: 6, label: Low }
                  - { min: 6, max: 12, label: "High, or very high" }
            flags:
              - { id: top, when: "a >= 3", severity: warning, message: "a is 3" }
            """);
        var csv = Csv("a,b,c,d\r\n3,1,1,\r\n1,1,1,1\r\n,,,\r\n");
        var reference = TestCsv.Parse(Encoding.UTF8.GetString(Score(plan, csv, DataFormat.Csv, DataFormat.Csv).Output));
        var table = Read(Score(plan, csv, DataFormat.Csv, DataFormat.Parquet).Output);
        AssertSameCells(reference, table);
        Assert.Equal(["status", "m", "m_unrounded", "m_band", "flags", "diagnostics"], table.Header);
        Assert.Equal("partial|7|6.666666666666667|High, or very high|top|RSP2004:d;RSP2011:m;RSP2016:m", Line(table.Rows[0]));
        Assert.Equal(typeof(double), table.Types["m_unrounded"]);
    }

    [Fact]
    public void Write_NoRows_IsAValidFileWithTheSchema()
    {
        var parquet = Write(10, Strings("id"), Of<int>("a"), Of<int>("b"), Of<int>("c"));
        var (output, counts, _) = Score(Tiny, parquet, DataFormat.Parquet, DataFormat.Parquet);
        var table = Read(output);
        Assert.Equal(0, counts.Total);
        Assert.Empty(table.Rows);
        Assert.Equal(["id", "status", "total", "flags", "diagnostics"], table.Header);
    }

    [Fact]
    public void ResultWriter_RowByRow_WritesTheSameFileAsThePipeline()
    {
        var input = Csv("id,a,b,c\r\nx,1,2,3\r\ny,,2,x\r\nz,\"1\r\n");
        var plan = Tiny;
        using var reader = ResponseReader.Open(new MemoryStream(input), DataFormat.Csv, plan);
        using var stream = new MemoryStream();
        var writer = new ResultWriter(ResultFormat.CreateParquet(plan, reader.Columns!, positional: true), stream);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        while (reader.Read(row))
        {
            row.Score(plan, result);
            writer.Write(row, result);
        }

        writer.Complete();
        Assert.Equal(Read(Score(plan, input, DataFormat.Csv, DataFormat.Parquet).Output).Rows, Read(stream.ToArray()).Rows);
        Assert.Equal(3, Read(stream.ToArray()).Rows.Count);
    }

    [Fact]
    public void Write_FailedRun_LeavesNoFileAndKeepsTheOldOne()
    {
        var dir = Directory.CreateTempSubdirectory("parquet-atomic-");
        try
        {
            var path = Path.Combine(dir.FullName, "out.parquet");
            File.WriteAllText(path, "old");
            var ids = Enumerable.Range(1, 50_000).Select(i => "r" + i).ToArray();
            var ones = Enumerable.Repeat<int?>(1, 50_000).ToArray();
            var parquet = Write(5000, Strings("id", ids), Of("a", ones), Of("b", ones), Of("c", ones));
            using var cancel = new CancellationTokenSource();
            using var reader = ResponseReader.Open(new MemoryStream(parquet), DataFormat.Parquet, Tiny);
            var pipeline = new ScoringPipeline(Tiny, reader);
            var format = new ParquetResultFormat(Tiny, reader.Columns!, positional: true) { RowGroupRows = 1000 };
            using (var file = OutputFile.Create(path))
            {
                Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Run(format, file.Stream,
                    new ScoringPipelineOptions { Workers = 1, Progress = n => { if (n > 10_000) { cancel.Cancel(); } } }, cancel.Token));
                Assert.True(new FileInfo(file.TemporaryPath!).Length > 0);   // row groups were written before the failure
            }

            Assert.Equal("old", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Read_RandomlyDamagedFiles_AreAFileErrorOrOneRowOutPerRowIn()
    {
        // 300 files with 1 to 8 bytes overwritten anywhere: the reader either refuses the file (ResponseFileException)
        // or scores every row the footer counts, never anything else (no other exception, no lost or extra row).
        var ids = Enumerable.Range(1, 150).Select(i => "r" + i).ToArray();
        var values = Enumerable.Range(1, 150).Select(i => (int?)(i % 7 == 0 ? null : (i % 5) + 1)).ToArray();
        var good = Write(50, Strings("id", ids), Of("a", values), Of<double>("b", [.. values.Select(v => (double?)v)]), Strings("c", [.. values.Select(v => v?.ToString(CultureInfo.InvariantCulture))]));
        var random = new Random(20261129);
        var footer = good.Length - 8 - BitConverter.ToInt32(good, good.Length - 8);   // the footer (file metadata) starts here
        var refused = 0;
        var scored = 0;
        for (var k = 0; k < 300; k++)
        {
            var file = (byte[])good.Clone();
            var footerIntact = true;
            for (var n = random.Next(1, 9); n > 0; n--)
            {
                var at = random.Next(file.Length);
                file[at] = (byte)random.Next(256);
                footerIntact &= at < footer;
            }

            ScoreCounts counts;
            byte[] output;
            try
            {
                (output, counts, _) = Score(Tiny, file, DataFormat.Parquet, DataFormat.Csv, workers: 1);
            }
            catch (ResponseFileException)
            {
                refused++;
                continue;
            }

            // One output row per row the footer counts; with the footer intact, that is every row written.
            var lines = TestCsv.Parse(Encoding.UTF8.GetString(output));
            Assert.Equal(counts.Total, lines.Count - 1);
            if (footerIntact)
            {
                Assert.Equal(150, counts.Total);
                scored++;
            }
        }

        Assert.InRange(refused, 1, 299);
        Assert.True(scored > 50, $"only {scored} files with an intact footer");
    }

    private static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found");
    }

    /// <summary>A stream that cannot seek, as standard input or a pipe.</summary>
    private sealed class PipeStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
