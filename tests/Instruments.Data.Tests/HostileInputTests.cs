using System.Text;
using System.Text.Json;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>Broken or hostile input (issue 13): one input row is one output row, and nothing crashes or hangs.</summary>
public sealed class HostileInputTests
{
    private const int SixteenMiB = 16 * 1024 * 1024;

    // ---- 1: every row consumes input ----

    [Theory]
    [InlineData("[{\"a\":1}}]", 2)]
    [InlineData("[{\"a\":1}}}}]", 4)]
    [InlineData("[}]", 1)]
    [InlineData("[{},,{}]", 3)]
    [InlineData("[1,2]", 2)]
    [InlineData("[\"x\"]", 1)]
    [InlineData("[{\"a\":1}", 1)]
    [InlineData("[{\"a\":1}]]", 1)]
    [InlineData("[{\"a\":1} {\"a\":2}]", 2)]
    [InlineData("[{\"a\":1}, }, {\"a\":2}]", 3)]
    public void Json_StrayTokens_GiveOneRowEachAndReadingEnds(string input, int expectedRows)
    {
        var rows = ReadCapped(input, DataFormat.Json, cap: 100);
        Assert.Equal(expectedRows, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Line));
    }

    [Fact]
    public void Json_StrayClosingBrace_IsOneInvalidRowNamingItsLine()
    {
        var rows = TestPlans.ReadAndScore("[\n{\"a\":1,\"b\":2,\"c\":3}\n}\n,{\"a\":1,\"b\":2,\"c\":3}]", DataFormat.Json);
        Assert.Equal(3, rows.Count);
        Assert.Equal(ResponseStatus.Complete, rows[0].Status);
        Assert.Equal((3, ResponseStatus.Invalid), (rows[1].Line, rows[1].Status));
        Assert.Equal((4, ResponseStatus.Complete), (rows[2].Line, rows[2].Status));
    }

    [Theory]
    [InlineData("}\n{\"a\":1}\n", 2)]
    [InlineData("{\"a\":1}}\n]]\n", 2)]
    public void Ndjson_StrayTokens_GiveOneRowPerLine(string input, int expectedRows) =>
        Assert.Equal(expectedRows, ReadCapped(input, DataFormat.Ndjson, cap: 100).Count);

    // ---- 2: lone surrogate escapes ----

    [Theory]
    [InlineData(DataFormat.Json, "[{\"id\":\"\\ud800\",\"a\":1},\n{\"id\":\"ok\",\"a\":1,\"b\":1,\"c\":1}]")]
    [InlineData(DataFormat.Json, "[{\"\\ud800x\":\"v\",\"a\":1},\n{\"id\":\"ok\",\"a\":1,\"b\":1,\"c\":1}]")]
    [InlineData(DataFormat.Json, "[{\"id\":\"x\",\"a\":\"\\udc00\"},\n{\"id\":\"ok\",\"a\":1,\"b\":1,\"c\":1}]")]
    [InlineData(DataFormat.Ndjson, "{\"id\":\"\\ud800\",\"a\":1}\n{\"id\":\"ok\",\"a\":1,\"b\":1,\"c\":1}\n")]
    [InlineData(DataFormat.Ndjson, "{\"\\ud800\":1,\"a\":1}\n{\"id\":\"ok\",\"a\":1,\"b\":1,\"c\":1}\n")]
    public void Json_LoneSurrogateEscape_IsThatRowsRsp2010AndReadingResumes(DataFormat format, string input)
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), format, plan);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();

        Assert.True(reader.Read(row));
        row.Score(plan, result);
        var diagnostic = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2010", diagnostic.Descriptor.Id);
        Assert.Contains("Line 1", plan.FormatMessage(diagnostic), StringComparison.Ordinal);
        Assert.Contains("surrogate", row.Malformed, StringComparison.Ordinal);

        Assert.True(reader.Read(row));
        row.Score(plan, result);
        Assert.Equal((2, ResponseStatus.Complete), (row.Line, result.Status));
        Assert.False(reader.Read(row));
    }

    // ---- 6: rows over the size limit ----

    [Fact]
    public void Csv_RowLongerThanTheLimit_IsOneInvalidRowNamingItsLineAndTheLimit()
    {
        var input = new StringBuilder("id,a,b,c,note\nr1,1,2,3,x\nr2,1,2,3,");
        input.Append('y', SixteenMiB + (4 * 1024 * 1024));
        input.Append("\nr3,1,2,3,z\n");
        var rows = TestPlans.ReadAndScore(input.ToString(), DataFormat.Csv);

        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
        Assert.Equal(ResponseStatus.Invalid, rows[1].Status);
        Assert.Contains("16,777,216", rows[1].Malformed, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Complete, rows[2].Status);
    }

    [Fact]
    public void Json_ElementLongerThanTheLimit_IsOneInvalidRow()
    {
        var input = new StringBuilder("[{\"a\":1,\"b\":2,\"c\":3},\n{\"note\":\"");
        input.Append('y', SixteenMiB + 1024);
        input.Append("\"},\n{\"a\":1,\"b\":2,\"c\":3}]");
        var rows = TestPlans.ReadAndScore(input.ToString(), DataFormat.Json);

        Assert.Equal([1, 2, 3], rows.Select(r => r.Line));
        Assert.Equal(ResponseStatus.Invalid, rows[1].Status);
        Assert.Contains("16,777,216", rows[1].Malformed, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Complete, rows[2].Status);
    }

    [Fact]
    public void Ndjson_LineLongerThanTheLimit_IsOneInvalidRow()
    {
        var input = new StringBuilder("{\"a\":1,\"b\":2,\"c\":3}\n{\"note\":\"");
        input.Append('y', SixteenMiB + 1024);
        input.Append("\"}\n{\"a\":1,\"b\":2,\"c\":3}\n");
        var rows = TestPlans.ReadAndScore(input.ToString(), DataFormat.Ndjson);

        Assert.Equal([1, 2, 3], rows.Select(r => r.Line));
        Assert.Equal(ResponseStatus.Invalid, rows[1].Status);
        Assert.Contains("16,777,216", rows[1].Malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_UnclosedQuoteThatReachesTheLimit_ResumesAfterItsLine()
    {
        var input = "id,a,b,c,note\nr1,1,2,3,\"open\n" + string.Concat(Enumerable.Range(2, 10).Select(i => $"r{i},1,2,3,x\n"));
        var rows = ReadCapped(input, DataFormat.Csv, cap: 100, maxRowBytes: 64);

        Assert.Equal(Enumerable.Range(2, 11), rows.Select(r => r.Line));
        Assert.Contains("not closed within 64 bytes", rows[0].Malformed, StringComparison.Ordinal);
        Assert.All(rows.Skip(1), r => Assert.Null(r.Malformed));
    }

    [Fact]
    public void Csv_LongRowWithQuotedLineBreaks_IsOneRowAndTheNextLineIsRight()
    {
        var input = "id,a,b,c,note\nr1,1,2,3,\"" + new string('q', 100) + "\r\n\"\",x\"\r\nr2,1,2,3,x\r\n";
        var rows = ReadCapped(input, DataFormat.Csv, cap: 100, maxRowBytes: 64);

        Assert.Equal([2, 4], rows.Select(r => r.Line));
        Assert.Contains("longer than 64 bytes", rows[0].Malformed, StringComparison.Ordinal);
        Assert.Null(rows[1].Malformed);
    }

    [Fact]
    public void Ndjson_LineEndingAtTheBufferEnd_IsReadAndSoIsTheNext()
    {
        var first = "{\"id\":\"" + new string('x', 64 - 10) + "\"}\n";   // 64 bytes: the whole first buffer
        Assert.Equal(64, first.Length);
        var rows = ReadCapped(first + "{\"a\":1}\n", DataFormat.Ndjson, cap: 100, maxRowBytes: 64);
        Assert.Equal([1, 2], rows.Select(r => r.Line));
    }

    // ---- 9: control characters in numeric cells ----

    [Theory]
    [InlineData("7\0")]
    [InlineData("\07")]
    [InlineData("7\0\0")]
    [InlineData("7\u0001")]
    [InlineData("\v7")]
    [InlineData("1.5\u007f")]
    [InlineData("\u0085")]
    public void ResponseValue_Parse_ControlCharacter_IsNonNumeric(string text)
    {
        Assert.Equal(ResponseValue.NonNumeric, ResponseValue.Parse(text.AsSpan()));
        Assert.Equal(ResponseValue.NonNumeric, ResponseValue.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData(" 7\t", 7.0)]
    [InlineData("\r\n-2.5 ", -2.5)]
    public void ResponseValue_Parse_SurroundingWhiteSpace_IsTrimmed(string text, double expected)
    {
        Assert.Equal(ResponseValue.FromNumber(expected), ResponseValue.Parse(text.AsSpan()));
        Assert.Equal(ResponseValue.FromNumber(expected), ResponseValue.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData(DataFormat.Csv, "id,a,b,c\nr1,1\0,2,3\n")]
    [InlineData(DataFormat.Csv, "id,a,b,c\nr1,\"1\0\",2,3\n")]
    [InlineData(DataFormat.Csv, "id,a,b,c\nr1,12\0,2,3\n")]
    [InlineData(DataFormat.Ndjson, "{\"a\":\"1\\u0000\",\"b\":2,\"c\":3}\n")]
    public void NumericCell_WithNul_IsNonNumeric(DataFormat format, string input)
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), format, plan);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        Assert.True(reader.Read(row));
        row.Score(plan, result);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Descriptor.Id == "RSP2002");
    }

    // ---- 10: duplicate names ----

    [Fact]
    public void Csv_DuplicatePassThroughColumn_IsRenamedWithAWarningNamingLineAndColumns()
    {
        var plan = TestPlans.Tiny;
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(TestPlans.Utf8("\n id,id,a,b,c,id,id_2\nr1,r2,1,2,3,r3,x\n"), DataFormat.Csv, plan, warnings.Add);

        Assert.Equal(["id", "id_3", "id_4", "id_2"], reader.Columns);
        var warning = Assert.Single(warnings);
        Assert.Contains("line 2", warning, StringComparison.Ordinal);
        Assert.Contains("'id'", warning, StringComparison.Ordinal);
        Assert.Contains("columns 1, 2 and 6", warning, StringComparison.Ordinal);
        var row = new ResponseRow(plan);
        Assert.True(reader.Read(row));
        Assert.Equal(
            [new PassField("id", "r1", FieldKind.Text), new PassField("id_3", "r2", FieldKind.Text), new PassField("id_4", "r3", FieldKind.Text), new PassField("id_2", "x", FieldKind.Text)],
            row.Fields);
    }

    [Fact]
    public void Json_DuplicatePassThroughKey_IsRenamedWithAWarning_AndTheOutputHasUniqueKeys()
    {
        var plan = TestPlans.Tiny;
        var warnings = new List<string>();
        const string input = "{\"id\":\"r1\",\"a\":1,\"b\":2,\"c\":3}\n{\"id\":\"r2\",\"id\":\"again\",\"a\":1,\"b\":2,\"c\":3}\n";
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), DataFormat.Ndjson, plan, warnings.Add);
        var output = new MemoryStream();
        new ScoringPipeline(plan, reader).Run(ResultFormat.Create(DataFormat.Json, plan, []), output, new ScoringPipelineOptions { Warnings = warnings.Add });

        using var json = JsonDocument.Parse(output.ToArray());
        var rows = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement : json.RootElement.GetProperty("results");
        var fields = rows[1].GetProperty("fields");
        Assert.Equal(["id", "id_2"], fields.EnumerateObject().Select(p => p.Name));
        Assert.Equal("again", fields.GetProperty("id_2").GetString());
        Assert.Equal("complete", rows[1].GetProperty("status").GetString());
        var warning = Assert.Single(warnings);
        Assert.Contains("line 2", warning, StringComparison.Ordinal);
        Assert.Contains("'id'", warning, StringComparison.Ordinal);
        Assert.Contains("'id_2'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_ItemKeyTwice_IsAMalformedRow()
    {
        var rows = TestPlans.ReadAndScore("{\"a\":1,\"b\":2,\"c\":3,\"a\":5}\n{\"a\":1,\"b\":2,\"c\":3}\n", DataFormat.Ndjson);
        Assert.Equal(ResponseStatus.Invalid, rows[0].Status);
        Assert.Contains("item 'a' is given twice", rows[0].Malformed, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Complete, rows[1].Status);
    }

    // ---- 14: invalid UTF-8 in pass-through fields ----

    [Theory]
    [InlineData(DataFormat.Csv, "id,a,b,c,note\nr1,1,2,3,ok\nr2,1,2,3,caf\xE9\n")]
    [InlineData(DataFormat.Ndjson, "{\"id\":\"r1\",\"a\":1,\"b\":2,\"c\":3,\"note\":\"ok\"}\n{\"id\":\"r2\",\"a\":1,\"b\":2,\"c\":3,\"note\":\"caf\xE9\"}\n")]
    public void InvalidUtf8InPassThroughField_IsKeptWithAWarningNamingLineAndField(DataFormat format, string latin1)
    {
        var plan = TestPlans.Tiny;
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(new MemoryStream(Encoding.Latin1.GetBytes(latin1)), format, plan, warnings.Add);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        Assert.True(reader.Read(row));
        Assert.Empty(warnings);
        Assert.True(reader.Read(row));
        row.Score(plan, result);

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal("caf\uFFFD", row.Fields.Single(f => f.Name == "note").Value);
        var warning = Assert.Single(warnings);
        Assert.Contains(format == DataFormat.Csv ? "line 3" : "line 2", warning, StringComparison.Ordinal);
        Assert.Contains("'note'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_InvalidUtf8InItemCell_IsNonNumeric()
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(new MemoryStream(Encoding.Latin1.GetBytes("id,a,b,c\nr1,1\xE9,2,3\n")), DataFormat.Csv, plan);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        Assert.True(reader.Read(row));
        row.Score(plan, result);
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Descriptor.Id == "RSP2002");
    }

    /// <summary>Reads at most <paramref name="cap"/> rows (a reader that does not advance would loop forever).</summary>
    internal static List<(int Line, string? Malformed)> ReadCapped(string input, DataFormat format, int cap, int maxRowBytes = SixteenMiB)
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), format, plan, warnings: null, maxRowBytes);
        var row = new ResponseRow(plan);
        var rows = new List<(int, string?)>();
        while (rows.Count < cap && reader.Read(row))
        {
            rows.Add((row.Line, row.Malformed));
        }

        return rows;
    }
}
