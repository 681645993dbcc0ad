using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Data.Tests;

/// <summary>
/// Items declared <c>keep: true</c>: the cell is validated as an item and also written to the output as given, as a
/// pass-through column in its input position (CSV) or under the item id in <c>fields</c> (JSON), for single
/// instruments and protocols, with CSV and JSON input.
/// </summary>
public sealed class KeptItemOutputTests
{
    // A situation chosen first (one of 1-5, not scored), then two rated items.
    private const string Yaml = """
        instrument: phobia
        version: 1.0.0
        title: Kept item test
        license: { name: test, texts: restricted }
        response_scales:
          cluster: { options: [ { value: 1, label: a }, { value: 2, label: b }, { value: 3, label: c }, { value: 4, label: d }, { value: 5, label: e } ] }
          freq: { options: [ { value: 0, label: never }, { value: 1, label: sometimes }, { value: 2, label: often } ] }
        items:
          - { id: situation, scale: cluster, keep: true }
          - { id: q1, scale: freq }
          - { id: q2, scale: freq }
        scores:
          - { id: total, items: [q1, q2], method: sum }
        """;

    private static ScoringPlan Plan { get; } = TestPlans.Compile(Yaml);

    private static string Run(string input, DataFormat inputFormat, DataFormat outputFormat, List<string>? warnings = null)
    {
        var plan = Plan;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), inputFormat, plan, w => warnings?.Add(w));
        var pipeline = new ScoringPipeline(plan, reader);
        var columns = outputFormat == DataFormat.Csv ? pipeline.DiscoverColumns() : [];
        using var stream = new MemoryStream();
        pipeline.Run(ResultFormat.Create(outputFormat, plan, columns, positional: reader.Columns is not null), stream,
            new ScoringPipelineOptions { Workers = 2, Warnings = w => warnings?.Add(w) });
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Csv_KeptCell_IsAPassThroughColumnInItsInputPosition()
    {
        var output = Run("id,situation,q1,q2,date\nr1,3,1,2,d1\nr2,5,0,0,d2\n", DataFormat.Csv, DataFormat.Csv);
        Assert.Equal(
            "id,situation,date,status,total,flags,diagnostics\r\n" +
            "r1,3,d1,complete,3,,\r\n" +
            "r2,5,d2,complete,0,,\r\n",
            output);
    }

    [Fact]
    public void Csv_KeptCell_IsStillValidated_AndWrittenAsGiven()
    {
        // 9 is not an option (RSP2001), 'x' not a number (RSP2002), empty is not answered (RSP2004), " 02" parses as 2;
        // the quoted record takes the general path of the decoder.
        var output = Run("situation,q1,q2,id\n9,1,1,r1\nx,1,1,r2\n,1,1,r3\n 02,1,1,r4\n\"4\",1,1,\"r,5\"\n", DataFormat.Csv, DataFormat.Csv);
        Assert.Equal(
            "situation,id,status,total,flags,diagnostics\r\n" +
            "9,r1,invalid,2,,RSP2001:situation\r\n" +
            "x,r2,invalid,2,,RSP2002:situation\r\n" +
            ",r3,partial,2,,RSP2004:situation\r\n" +
            " 02,r4,complete,2,,\r\n" +
            "4,\"r,5\",complete,2,,\r\n",
            output);
    }

    [Fact]
    public void Csv_WithoutAColumnForTheKeptItem_AddsNothing_AndWarnsAsForAnyItem()
    {
        var warnings = new List<string>();
        var output = Run("id,q1,q2\nr1,1,2\n", DataFormat.Csv, DataFormat.Csv, warnings);
        Assert.Equal("id,status,total,flags,diagnostics\r\nr1,partial,3,,RSP2004:situation\r\n", output);
        Assert.Contains(warnings, w => w.Contains("no column for item situation", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_MalformedRow_LeavesTheKeptColumnEmpty()
    {
        var output = Run("id,situation,q1,q2\nr1,3,1\n", DataFormat.Csv, DataFormat.Csv);
        Assert.Equal("id,situation,status,total,flags,diagnostics\r\n,,invalid,,,RSP2010:line 2\r\n", output);
    }

    [Fact]
    public void Json_Output_HasTheKeptCellInFields_UnderTheItemId()
    {
        var output = Run("id,situation,q1,q2\nr1,3,1,2\nr2,7,1,2\n", DataFormat.Csv, DataFormat.Json);
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.GetProperty("results");
        var fields = results[0].GetProperty("fields");
        Assert.Equal(["id", "situation"], fields.EnumerateObject().Select(p => p.Name));
        Assert.Equal("3", fields.GetProperty("situation").GetString());
        Assert.Equal("7", results[1].GetProperty("fields").GetProperty("situation").GetString());
        Assert.Equal("RSP2001", results[1].GetProperty("diagnostics")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void JsonInput_KeepsTheValueAsGiven_NumberStringOrNull()
    {
        var input = """
            {"id": "r1", "situation": 3, "q1": 1, "q2": 2}
            {"situation": "b\u00e9", "id": "r2", "q1": 1, "q2": 2}
            {"id": "r3", "situation": null, "q1": 1, "q2": 2}
            {"id": "r4", "q1": 1, "q2": 2}
            """;
        var output = Run(input, DataFormat.Ndjson, DataFormat.Ndjson);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        using var r1 = JsonDocument.Parse(lines[0]);
        Assert.Equal(JsonValueKind.Number, r1.RootElement.GetProperty("fields").GetProperty("situation").ValueKind);
        Assert.Equal(3, r1.RootElement.GetProperty("fields").GetProperty("situation").GetInt32());
        using var r2 = JsonDocument.Parse(lines[1]);
        Assert.Equal(["situation", "id"], r2.RootElement.GetProperty("fields").EnumerateObject().Select(p => p.Name));
        Assert.Equal("bé", r2.RootElement.GetProperty("fields").GetProperty("situation").GetString());
        Assert.Equal("RSP2002", r2.RootElement.GetProperty("diagnostics")[0].GetProperty("id").GetString());
        using var r3 = JsonDocument.Parse(lines[2]);
        Assert.Equal(JsonValueKind.Null, r3.RootElement.GetProperty("fields").GetProperty("situation").ValueKind);
        using var r4 = JsonDocument.Parse(lines[3]);
        Assert.False(r4.RootElement.GetProperty("fields").TryGetProperty("situation", out _));
    }

    [Fact]
    public void JsonInput_CsvOutput_DiscoversTheKeptColumn()
    {
        var output = Run("""
            [{"id": "r1", "situation": 2, "q1": 1, "q2": 1}, {"id": "r2", "situation": "6", "q1": 0, "q2": 0}]
            """, DataFormat.Json, DataFormat.Csv);
        Assert.Equal(
            "id,situation,status,total,flags,diagnostics\r\n" +
            "r1,2,complete,2,,\r\n" +
            "r2,6,invalid,0,,RSP2001:situation\r\n",
            output);
    }

    [Fact]
    public void RowByRow_Reader_GivesTheKeptCellAsAField()
    {
        using var reader = ResponseReader.Open(TestPlans.Utf8("id,situation,q1,q2\nr1,4,1,2\n"), DataFormat.Csv, Plan);
        Assert.Equal(["id", "situation"], reader.Columns);
        var row = new ResponseRow(Plan);
        Assert.True(reader.Read(row));
        Assert.Equal([new PassField("id", "r1", FieldKind.Text), new PassField("situation", "4", FieldKind.Text)], row.Fields);
        Assert.Equal(4, row.Values[0].Number);
    }

    [Theory]
    [InlineData(DataFormat.Csv)]
    [InlineData(DataFormat.Ndjson)]
    public void Decode_WithAKeptItem_AllocatesNothingPerRow(DataFormat format)
    {
        var rows = Enumerable.Range(0, 200);
        var text = format == DataFormat.Csv
            ? "id,situation,q1,q2\n" + string.Concat(rows.Select(i => $"r{i},{(i % 5) + 1},1,2\n"))
            : string.Concat(rows.Select(i => i % 2 == 0
                ? $"{{\"id\": \"r{i}\", \"situation\": {(i % 5) + 1}, \"q1\": 1, \"q2\": 2}}\n"
                : $"{{\"id\": \"r{i}\", \"situation\": \"{(i % 5) + 1}\", \"q1\": 1, \"q2\": 2}}\n"));
        using var reader = ResponseReader.Open(TestPlans.Utf8(text), format, Plan);
        var block = new RowBlock();
        block.Reset(0);
        Assert.True(reader.ReadBlock(block));
        Assert.Equal(200, block.Count);
        var decoder = reader.CreateDecoder();
        var row = new ResponseRow(Plan);
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < block.Count; i++)
            {
                decoder.Decode(block, i, row);
            }
        }));
        Assert.Equal(2, row.FieldCount);
        Assert.Equal("situation", row.FieldName(1));
    }

    [Fact]
    public void Protocol_Csv_CarriesTheKeptCellAmongThePassThroughColumns()
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText("""
            protocol: pair
            version: 1.0.0
            title: Pair
            measures:
              - { id: t, instrument: tiny, score: total }
              - { id: p, instrument: phobia, score: total }
            """, "pair.yaml"), [TestPlans.Tiny, Plan]);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        var plan = compilation.Plan;
        using var reader = ResponseReader.Open(TestPlans.Utf8("id,a,b,c,situation,q1,q2\nr1,1,2,3,9,1,1\n"), DataFormat.Csv, plan.ReaderPlan);
        var pipeline = new ScoringPipeline(plan, reader);
        using var stream = new MemoryStream();
        pipeline.Run(ResultFormat.Create(DataFormat.Csv, plan, pipeline.DiscoverColumns(), positional: true), stream, new ScoringPipelineOptions { Workers = 1 });
        Assert.Equal(
            "id,situation,status,tiny.status,tiny.total,tiny.flags,tiny.diagnostics,phobia.status,phobia.total,phobia.flags,phobia.diagnostics\r\n" +
            "r1,9,invalid,complete,2,,,invalid,2,,RSP2001:situation\r\n",
            Encoding.UTF8.GetString(stream.ToArray()));
    }
}
