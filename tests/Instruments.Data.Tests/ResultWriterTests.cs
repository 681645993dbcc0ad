using System.Text;
using System.Text.Json;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

public sealed class ResultWriterTests
{
    private static string ScoreWithWriter(string input, DataFormat inputFormat, Func<ResponseReader, ResultFormat> format, List<string>? warnings = null,
        ScoringPlan? withPlan = null)
    {
        var plan = withPlan ?? TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), inputFormat, plan);
        var output = new MemoryStream();
        var writer = new ResultWriter(format(reader), output, w => warnings?.Add(w));
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        while (reader.Read(row))
        {
            row.Score(plan, result);
            writer.Write(row, result);
        }

        writer.Complete();
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Csv_FormulaCells_AreNeutralisedAndQuotedCellsStayQuoted()
    {
        var output = ScoreWithWriter(
            "id,a,b,c,note\r\n\"=HYPERLINK(\"\"x\"\")\",1,2,3,\"a, b\"\r\n+1,1,2,3,-2\r\n@SUM(A1),1,2,3,-2x\r\n",
            DataFormat.Csv,
            r => ResultFormat.CreateCsv(TestPlans.Tiny, r.Columns!, positional: true));

        var lines = output.Split("\r\n");
        Assert.Equal("id,note,status,total,flags,diagnostics", lines[0]);
        Assert.Equal("\"'=HYPERLINK(\"\"x\"\")\",\"a, b\",complete,2,,", lines[1]);
        Assert.Equal("+1,-2,complete,2,,", lines[2]); // plain numbers stay as they are
        Assert.Equal("'@SUM(A1),'-2x,complete,2,,", lines[3]);
        Assert.Equal(string.Empty, lines[4]);
    }

    [Fact]
    public void Csv_DiagnosticsColumn_NamesIdAndSubject()
    {
        var output = ScoreWithWriter("id,a,b,c\nr1,5,,1\nr2,2,9,1\n", DataFormat.Csv, r => ResultFormat.CreateCsv(TestPlans.Tiny, r.Columns!, positional: true));
        var lines = output.Split("\r\n");
        Assert.Equal("r1,partial,5,,RSP2004:b", lines[1]);
        Assert.Equal("r2,invalid,3.5,,RSP2001:b", lines[2]);
    }

    // Four 0-3 items; total prorated from 3 answered and rounded to whole numbers, halves up; avg (no rounding, no missing item allowed).
    private static readonly ScoringPlan Rounded = TestPlans.Compile("""
        instrument: rounded
        version: 1.0.0
        title: Rounded test instrument
        license: { name: free, texts: restricted }
        response_scales:
          z3: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" } ] }
        items:
          - { id: a, scale: z3 }
          - { id: b, scale: z3 }
          - { id: c, scale: z3 }
          - { id: d, scale: z3 }
        scores:
          - id: total
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
              - { min: 6, max: 12, label: High }
          - id: avg
            items: [a, b, c, d]
            method: mean
        """);

    [Fact]
    public void Csv_RoundedScore_HasAnUnroundedColumn_FilledOnlyWhenRoundingChangedTheValue()
    {
        // r1: complete, 6; r2: 1 + 1 + 2 = 4 of 3 items -> 16 / 3 = 5.33 -> 5 (Low); r3: 3 + 3 + 3 = 9 -> 12 (whole: not rounded).
        var output = ScoreWithWriter("id,a,b,c,d\nr1,3,1,1,1\nr2,1,1,2,\nr3,3,3,3,\n", DataFormat.Csv,
            r => ResultFormat.CreateCsv(Rounded, r.Columns!, positional: true), withPlan: Rounded);
        var lines = output.Split("\r\n");
        Assert.Equal("id,status,total,total_unrounded,total_band,avg,flags,diagnostics", lines[0]);
        Assert.Equal("r1,complete,6,,High,1.5,,", lines[1]);
        Assert.StartsWith("r2,partial,5,5.333333333333333,Low,,,", lines[2], StringComparison.Ordinal);
        Assert.Contains("RSP2016:total", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("r3,partial,12,,High,,,", lines[3], StringComparison.Ordinal);
        Assert.DoesNotContain("RSP2016", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RoundedScore_CarriesItsUnroundedValue_OnlyWhenRoundingChangedIt()
    {
        var output = ScoreWithWriter("id,a,b,c,d\nr1,3,1,1,1\nr2,1,1,2,\n", DataFormat.Csv, _ => ResultFormat.CreateNdjson(Rounded), withPlan: Rounded);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.False(JsonDocument.Parse(lines[0]).RootElement.TryGetProperty("unrounded", out _));
        var second = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(5, second.GetProperty("scores").GetProperty("total").GetDouble());
        var unrounded = second.GetProperty("unrounded");
        Assert.Equal(16 / 3.0, unrounded.GetProperty("total").GetDouble());
        Assert.False(unrounded.TryGetProperty("avg", out _));
    }

    [Fact]
    public void Json_Document_HasInstrumentResultsAndCount()
    {
        var output = ScoreWithWriter("id,a,b,c\nr1,1,2,3\nr2,1,x\"y,3\n", DataFormat.Csv, _ => ResultFormat.CreateJson(TestPlans.Tiny));
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("tiny", root.GetProperty("instrument").GetString());
        var results = root.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("r1", results[0].GetProperty("fields").GetProperty("id").GetString());
        Assert.Equal(2.0, results[0].GetProperty("scores").GetProperty("total").GetDouble());
        var malformed = results[1].GetProperty("diagnostics")[0];
        Assert.Equal("RSP2010", malformed.GetProperty("id").GetString());
        Assert.Equal(3, malformed.GetProperty("line").GetInt32());
    }

    [Fact]
    public void Ndjson_WritesOneObjectPerRow()
    {
        var output = ScoreWithWriter("id,a,b,c\nr1,1,2,3\nr2,4,4,4\n", DataFormat.Csv, _ => ResultFormat.CreateNdjson(TestPlans.Tiny));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(2, JsonDocument.Parse(lines[1]).RootElement.GetProperty("row").GetInt32());
        Assert.Equal((4 + 4 + 2) / 3.0, JsonDocument.Parse(lines[1]).RootElement.GetProperty("scores").GetProperty("total").GetDouble());
    }

    [Fact]
    public void Csv_FieldNotInFirstRow_WarnsOnce()
    {
        var warnings = new List<string>();
        ScoreWithWriter(
            "{\"id\":\"a\",\"a\":1,\"b\":1,\"c\":1}\n{\"id\":\"b\",\"x\":1,\"a\":1,\"b\":1,\"c\":1}\n{\"id\":\"c\",\"x\":2,\"a\":1,\"b\":1,\"c\":1}\n",
            DataFormat.Ndjson,
            _ => ResultFormat.CreateCsv(TestPlans.Tiny, ["id"]),
            warnings);
        var warning = Assert.Single(warnings);
        Assert.Contains("field 'x' (line 2)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_WithoutRows_WritesHeaderAndFooter()
    {
        var output = new MemoryStream();
        var writer = new ResultWriter(ResultFormat.CreateJson(TestPlans.Tiny), output);
        writer.Complete();
        using var doc = JsonDocument.Parse(output.ToArray());
        Assert.Equal(0, doc.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal("1.0.0", doc.RootElement.GetProperty("version").GetString());
    }
}
