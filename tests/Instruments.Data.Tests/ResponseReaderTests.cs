using Instruments.Scoring;

namespace Instruments.Data.Tests;

public sealed class ResponseReaderTests
{
    [Fact]
    public void Csv_MalformedRows_BecomeInvalidWithTheirLineAndReadingResumes()
    {
        // Line 3 has a quote inside an unquoted field, line 5 opens a quote that never closes on that record.
        const string input = "id,a,b,c\r\nr1,1,2,3\r\nr2,1,x\"y,3\r\nr3,5,,1\r\n\"r4,1,2,3\r\n";
        var rows = TestPlans.ReadAndScore(input, DataFormat.Csv);

        Assert.Equal(4, rows.Count);
        Assert.Equal((2, (string?)null, ResponseStatus.Complete, 2.0), rows[0]);   // 1, 2, reversed 3 -> 3: mean 2
        Assert.Equal(3, rows[1].Line);
        Assert.NotNull(rows[1].Malformed);
        Assert.Equal(ResponseStatus.Invalid, rows[1].Status);
        Assert.Equal((4, (string?)null, ResponseStatus.Partial, 5.0), rows[2]);    // 5, missing, reversed 1 -> 5
        Assert.Equal(5, rows[3].Line);
        Assert.Equal(ResponseStatus.Invalid, rows[3].Status);
    }

    [Fact]
    public void Csv_MalformedRow_IsScoredWithRsp2010NamingItsLine()
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8("id,a,b,c\nr1,1,x\"y,3\n"), DataFormat.Csv, plan);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        Assert.True(reader.Read(row));
        row.Score(plan, result);

        var diagnostic = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal("RSP2010", diagnostic.Descriptor.Id);
        Assert.Contains("Line 2", plan.FormatMessage(diagnostic), StringComparison.Ordinal);
        Assert.False(reader.Read(row));
    }

    [Fact]
    public void Csv_PassThroughColumns_AreKeptInInputOrder()
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8("\uFEFFid,a,note,b,c\nr1,1,\"x, y\",2,3\n"), DataFormat.Csv, plan);
        Assert.Equal(["id", "note"], reader.Columns);
        var row = new ResponseRow(plan);
        Assert.True(reader.Read(row));
        Assert.Equal([new PassField("id", "r1", FieldKind.Text), new PassField("note", "x, y", FieldKind.Text)], row.Fields);
        Assert.Equal(ResponseValue.FromInteger(2), row.Values[1]);
    }

    [Fact]
    public void Csv_MissingItemColumn_IsAWarningNamingTheCloseMatch()
    {
        var warnings = new List<string>();
        var rows = TestPlans.ReadAndScore("id,a,B,c\nr1,1,2,3\n", DataFormat.Csv, warnings);
        Assert.Single(rows);
        var warning = Assert.Single(warnings);
        Assert.Contains("no column for item b", warning, StringComparison.Ordinal);
        Assert.Contains("'B' for 'b'", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", DataFormat.Csv, "empty")]
    [InlineData("id,a,a,b,c\n", DataFormat.Csv, "names item 'a' twice")]
    [InlineData("", DataFormat.Json, "empty")]
    [InlineData("{\"a\": 1}", DataFormat.Json, "expected a JSON array")]
    public void UnreadableFile_ThrowsResponseFileException(string input, DataFormat format, string expected)
    {
        var e = Assert.Throws<ResponseFileException>(() =>
        {
            using var reader = ResponseReader.Open(TestPlans.Utf8(input), format, TestPlans.Tiny);
            reader.Read(new ResponseRow(TestPlans.Tiny));
        });
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_MalformedElement_IsOneInvalidRowAndTheNextIsRead()
    {
        const string input = "[\n{\"id\":\"j1\",\"a\":1,\"b\":2,\"c\":3},\n{\"id\":\"j2\",\"a\":1 \"b\":2},\n{\"id\":\"j3\",\"a\":4,\"b\":4,\"c\":4}\n]";
        var rows = TestPlans.ReadAndScore(input, DataFormat.Json);
        Assert.Equal(3, rows.Count);
        Assert.Equal(ResponseStatus.Complete, rows[0].Status);
        Assert.Equal(3, rows[1].Line);
        Assert.NotNull(rows[1].Malformed);
        Assert.Equal(ResponseStatus.Invalid, rows[1].Status);
        Assert.Equal(10.0 / 3, rows[2].Total);
    }

    [Fact]
    public void Ndjson_NullAndLiteralFields_KeepTheirKinds()
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8("{\"id\":7,\"a\":1,\"b\":null,\"c\":2,\"ok\":true,\"who\":null}\n"), DataFormat.Ndjson, plan);
        var row = new ResponseRow(plan);
        Assert.True(reader.Read(row));
        Assert.Equal(
            [new PassField("id", "7", FieldKind.Literal), new PassField("ok", "true", FieldKind.Literal), new PassField("who", null, FieldKind.Null)],
            row.Fields);
        Assert.Equal(ResponseValue.Missing, row.Values[1]);
        Assert.False(reader.Read(row));
    }

    [Theory]
    [InlineData("x.csv", DataFormat.Csv)]
    [InlineData("dir/X.JSON", DataFormat.Json)]
    [InlineData("x.ndjson", DataFormat.Ndjson)]
    [InlineData("x.jsonl", DataFormat.Ndjson)]
    [InlineData("data/X.Parquet", DataFormat.Parquet)]
    public void DataFormats_FromExtension_KnowsTheExtensions(string path, DataFormat expected) =>
        Assert.Equal(expected, DataFormats.FromExtension(path));

    [Fact]
    public void DataFormats_FromExtension_UnknownIsNull() => Assert.Null(DataFormats.FromExtension("x.txt"));

    [Fact]
    public void DataFormats_Parquet_ParsesAndNamesItself()
    {
        Assert.True(DataFormats.TryParse("Parquet", out var format));
        Assert.Equal(DataFormat.Parquet, format);
        Assert.Equal("parquet", DataFormats.Name(DataFormat.Parquet));
        Assert.Contains("parquet", DataFormats.Names);
    }
}
