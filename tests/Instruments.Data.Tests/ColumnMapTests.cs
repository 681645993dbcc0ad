using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="ColumnMap"/> (<c>score --map</c>): mapped input columns (CSV) and keys (JSON, NDJSON) are read as their
/// items, unmapped ones as before; the map is checked against the plan before anything is read, and applying it costs
/// nothing per row.
/// </summary>
public sealed class ColumnMapTests
{
    // The tiny plan's items are a, b, c (1-5, c reversed; mean, one missing allowed).
    private static readonly ColumnMap Map = ColumnMap.Parse("redcap_field,item_id\nq_a,a\nq_b,b\nq_c,c\n", "map.csv");

    private static List<(double Total, IReadOnlyList<PassField> Fields)> Read(string input, DataFormat format, ColumnMap? map, List<string>? warnings = null)
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), format, plan, w => warnings?.Add(w), map);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        var rows = new List<(double, IReadOnlyList<PassField>)>();
        while (reader.Read(row))
        {
            row.Score(plan, result);
            rows.Add((result.GetScoreValue(0), [.. row.Fields]));
        }

        return rows;
    }

    [Fact]
    public void Csv_MappedColumns_ScoreAsTheSameDataWithRenamedColumns()
    {
        var mapped = Read("id,q_a,q_b,q_c,note\nr1,5,4,1,x\nr2,1,,5,y\n", DataFormat.Csv, Map);
        var renamed = Read("id,a,b,c,note\nr1,5,4,1,x\nr2,1,,5,y\n", DataFormat.Csv, null);
        Assert.Equal(renamed.Select(r => r.Total), mapped.Select(r => r.Total));
        Assert.Equal([14.0 / 3, 1.0], mapped.Select(r => r.Total));
        Assert.Equal(["id", "note"], mapped[0].Fields.Select(f => f.Name));   // mapped columns are items, not passed through
    }

    [Theory]
    [InlineData(DataFormat.Ndjson, "{\"id\":\"r1\",\"q_a\":5,\"q_b\":\"4\",\"q_c\":1}\n{\"id\":\"r2\",\"q_a\":1,\"q_c\":5}\n")]
    [InlineData(DataFormat.Json, "[{\"id\":\"r1\",\"q_a\":5,\"q_b\":\"4\",\"q_c\":1},{\"id\":\"r2\",\"q_a\":1,\"q_c\":5}]")]
    public void Json_MappedKeys_AreReadAsItems(DataFormat format, string input)
    {
        var rows = Read(input, format, Map);
        Assert.Equal([14.0 / 3, 1.0], rows.Select(r => r.Total));
        Assert.Equal(["id"], rows[0].Fields.Select(f => f.Name));
    }

    [Fact]
    public void UnmappedItemColumns_AreStillReadByTheirIds()
    {
        var map = ColumnMap.Parse("redcap_field,item_id\nq_a,a\n", "map.csv");
        Assert.Equal([14.0 / 3], Read("q_a,b,c\n5,4,1\n", DataFormat.Csv, map).Select(r => r.Total));
    }

    [Fact]
    public void AMapMaySwapTwoItemIds()
    {
        // Column 'a' holds item b's answers and 'b' item a's: the map wins over the ids.
        var swap = ColumnMap.Parse("redcap_field,item_id\na,b\nb,a\n", "swap.csv");
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8("a,b,c\n1,2,3\n"), DataFormat.Csv, plan, null, swap);
        var row = new ResponseRow(plan);
        Assert.True(reader.Read(row));
        Assert.Equal([2.0, 1.0, 3.0], row.Values.Select(v => v.Number));
    }

    [Fact]
    public void UnknownItem_ThrowsBeforeAnythingIsRead_AndSuggests()
    {
        var map = ColumnMap.Parse("redcap_field,item_id\nq_a,a\nq_x,aa\n", "map.csv");
        var e = Assert.Throws<ResponseFileException>(() => map.Validate(TestPlans.Tiny));
        Assert.Contains("line 3: 'q_x' is mapped to 'aa', which is not an item of 'tiny'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ResponseFileException>(() => ResponseReader.Open(TestPlans.Utf8("q_a\n1\n"), DataFormat.Csv, TestPlans.Tiny, null, map));
    }

    [Fact]
    public void MappedColumnAbsentFromTheHeader_IsAWarning()
    {
        var warnings = new List<string>();
        Read("id,q_a,q_b\nr1,5,4\n", DataFormat.Csv, Map, warnings);
        Assert.Contains(warnings, w => w.Contains("maps column 'q_c' (line 4, to item 'c') that the input's header does not have", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoColumnsGivingOneItem_IsAnError()
    {
        var e = Assert.Throws<ResponseFileException>(() => Read("q_a,a\n1,2\n", DataFormat.Csv, Map));
        Assert.Contains("gives item 'a' twice: columns 'q_a' and 'a'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("field,item_id\n", null)]
    [InlineData("phq1,phq9_1\n", "the first line must be the header 'redcap_field,item_id'")]
    [InlineData("redcap_field,item_id\nq1\n", "line 2: expected two cells")]
    [InlineData("redcap_field,item_id\nq1,a,b\n", "line 2: expected two cells")]
    [InlineData("redcap_field,item_id\nq1,\n", "line 2: the item id is empty")]
    [InlineData("redcap_field,item_id\nq1,a\n\nq1,b\n", "line 4: column 'q1' is already mapped on line 2")]
    [InlineData("redcap_field,item_id\nq1,a\nq2,a\n", "line 3: item 'a' is already mapped from column 'q1' on line 2")]
    [InlineData("redcap_field,item_id\n\"q1,a\n", "line 2:")]
    public void Parse_ReportsTheLine(string text, string? error)
    {
        if (error is null)
        {
            Assert.Empty(ColumnMap.Parse(text, "m.csv").Entries);
            return;
        }

        var e = Assert.Throws<ResponseFileException>(() => ColumnMap.Parse(text, "m.csv"));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        Assert.Contains("'m.csv'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepsQuotedNamesAndLines()
    {
        var map = ColumnMap.Parse("\uFEFFredcap_field,item_id\r\n\"odd, name\",a\r\n\r\n  q_b , b \r\n", "m.csv");
        Assert.Equal([new ColumnMapEntry("odd, name", "a", 2), new ColumnMapEntry("q_b", "b", 4)], map.Entries.ToArray());
    }

    [Theory]
    [InlineData(DataFormat.Csv)]
    [InlineData(DataFormat.Ndjson)]
    public void Decode_WithAMap_AllocatesNothingPerRow(DataFormat format)
    {
        var rows = Enumerable.Range(0, 200);
        var text = format == DataFormat.Csv
            ? "id,q_a,q_b,q_c\n" + string.Concat(rows.Select(i => $"r{i},{(i % 5) + 1},2,3\n"))
            : string.Concat(rows.Select(i => $"{{\"id\": \"r{i}\", \"q_a\": {(i % 5) + 1}, \"q_b\": 2, \"q_c\": \"3\"}}\n"));
        using var reader = ResponseReader.Open(TestPlans.Utf8(text), format, TestPlans.Tiny, null, Map);
        var block = new RowBlock();
        block.Reset(0);
        Assert.True(reader.ReadBlock(block));
        var decoder = reader.CreateDecoder();
        var row = new ResponseRow(TestPlans.Tiny);
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < block.Count; i++)
            {
                decoder.Decode(block, i, row);
            }
        }));
        Assert.Equal(2.0, row.Values[1].Number);
    }
}

/// <summary>The warning for items the input has no column for, with a hint per item when a column is close.</summary>
public sealed class MissingItemColumnTests
{
    private static List<string> Warnings(string header)
    {
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(TestPlans.Utf8(header + "\n"), DataFormat.Csv, TestPlans.Tiny, warnings.Add);
        return warnings;
    }

    [Fact]
    public void EachMissingItem_InOrder_WithAHintWhereAColumnIsClose()
    {
        Assert.Equal(
            ["the input has no column for items a, c; they count as missing in every row (column names are case-sensitive; did you mean 'A' for 'a', 'C' for 'c'?)"],
            Warnings("A,b,zzzz,C"));
    }

    [Fact]
    public void OneMissingItem_WithoutAHint()
    {
        Assert.Equal(["the input has no column for item c; it counts as missing in every row"], Warnings("a,b,zzzz"));
    }

    [Fact]
    public void NoMissingItem_NoWarning()
    {
        Assert.Empty(Warnings("c,b,a,A"));
    }
}
