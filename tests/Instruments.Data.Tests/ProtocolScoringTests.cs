using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>
/// Scoring a protocol (two instruments from the same rows): exact CSV output, the JSON and NDJSON nesting, one output
/// row per input row with malformed rows reported by line, and the row-by-row writer agreeing with the pipeline.
/// </summary>
public sealed class ProtocolScoringTests
{
    private const string Second = """
        instrument: duo
        version: 2.0.0
        title: Duo
        license: { name: test, texts: restricted }
        response_scales:
          yn: { options: [ { value: 0, label: "no" }, { value: 1, label: "yes" } ] }
        items:
          - { id: x, scale: yn }
          - { id: y, scale: yn }
        scores:
          - id: sum
            items: [x, y]
            method: sum
            bands: [ { min: 0, max: 0, label: none }, { min: 1, max: 2, label: some } ]
            sources: [test]
        flags:
          - { id: both, when: "x == 1 && y == 1", sources: [test] }
        """;

    private const string ProtocolYaml = """
        protocol: pair
        version: 1.0.0
        title: Pair
        measures:
          - { id: t, instrument: tiny, score: total }
          - { id: d, instrument: duo, score: sum }
        """;

    private static ProtocolPlan Plan()
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(ProtocolYaml, "pair.yaml"), [TestPlans.Tiny, TestPlans.Compile(Second)]);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan;
    }

    private const string Input = "id,a,b,c,x,y\nr1,1,2,3,1,1\nr2,5,,1,0,0\nr3,\"oops,1,1,1,0,0\n";

    private static (string Output, ScoreCounts Counts) Run(DataFormat input, string text, DataFormat output)
    {
        var plan = Plan();
        using var reader = ResponseReader.Open(TestPlans.Utf8(text), input, plan.ReaderPlan);
        var pipeline = new ScoringPipeline(plan, reader);
        var columns = output == DataFormat.Csv ? pipeline.DiscoverColumns() : [];
        using var stream = new MemoryStream();
        var counts = pipeline.Run(ResultFormat.Create(output, plan, columns, positional: reader.Columns is not null), stream, new ScoringPipelineOptions { Workers = 2 });
        return (Encoding.UTF8.GetString(stream.ToArray()), counts);
    }

    [Fact]
    public void Csv_PrefixesEachInstrumentsColumns_AndKeepsEveryRow()
    {
        var (output, counts) = Run(DataFormat.Csv, Input, DataFormat.Csv);
        Assert.Equal(
            "id,status,tiny.status,tiny.total,tiny.flags,tiny.diagnostics,duo.status,duo.sum,duo.sum_band,duo.flags,duo.diagnostics\r\n" +
            "r1,complete,complete,2,,,complete,2,some,both,\r\n" +
            "r2,partial,partial,5,,RSP2004:b,complete,0,none,,\r\n" + // c reversed: 6 - 1 = 5; mean of 5 and 5
            ",invalid,invalid,,,RSP2010:line 4,invalid,,,,RSP2010:line 4\r\n",
            output);
        Assert.Equal(new ScoreCounts(1, 1, 1), counts);
    }

    [Fact]
    public void Json_NestsOneObjectPerInstrument()
    {
        var (output, _) = Run(DataFormat.Csv, Input, DataFormat.Json);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("pair", root.GetProperty("protocol").GetString());
        Assert.Equal(["tiny", "duo"], root.GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal("2.0.0", root.GetProperty("instruments")[1].GetProperty("version").GetString());
        var results = root.GetProperty("results");
        Assert.Equal(3, results.GetArrayLength());
        var r1 = results[0];
        Assert.Equal(1, r1.GetProperty("row").GetInt32());
        Assert.Equal("r1", r1.GetProperty("fields").GetProperty("id").GetString());
        Assert.Equal("complete", r1.GetProperty("status").GetString());
        var duo = r1.GetProperty("instruments").GetProperty("duo");
        Assert.Equal(2, duo.GetProperty("scores").GetProperty("sum").GetDouble());
        Assert.Equal("some", duo.GetProperty("bands").GetProperty("sum").GetString());
        Assert.Equal("both", duo.GetProperty("flags")[0].GetString());
        Assert.Equal(2, r1.GetProperty("instruments").GetProperty("tiny").GetProperty("scores").GetProperty("total").GetDouble());
        var bad = results[2].GetProperty("instruments").GetProperty("tiny");
        Assert.Equal("invalid", bad.GetProperty("status").GetString());
        Assert.Equal(4, bad.GetProperty("diagnostics")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void Ndjson_WritesOneObjectPerRow_FromNdjsonInput()
    {
        var input = "{\"id\":\"r1\",\"a\":1,\"b\":2,\"c\":3,\"x\":1,\"y\":0}\n{not json}\n{\"id\":\"r3\",\"x\":1}\n";
        var (output, counts) = Run(DataFormat.Ndjson, input, DataFormat.Ndjson);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(1, first.RootElement.GetProperty("instruments").GetProperty("duo").GetProperty("scores").GetProperty("sum").GetDouble());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("invalid", second.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, second.RootElement.GetProperty("instruments").GetProperty("duo").GetProperty("diagnostics")[0].GetProperty("line").GetInt32());
        using var third = JsonDocument.Parse(lines[2]);
        // No tiny item answered: beyond its missing rule (a warning), so partial with no score, not invalid.
        Assert.Equal("partial", third.RootElement.GetProperty("instruments").GetProperty("tiny").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, third.RootElement.GetProperty("instruments").GetProperty("tiny").GetProperty("scores").GetProperty("total").ValueKind);
        Assert.Equal(3, counts.Total);
    }

    [Fact]
    public void ResultWriter_WritesWhatThePipelineWrites()
    {
        var plan = Plan();
        var (expected, _) = Run(DataFormat.Csv, Input, DataFormat.Csv);
        using var reader = ResponseReader.Open(TestPlans.Utf8(Input), DataFormat.Csv, plan.ReaderPlan);
        using var stream = new MemoryStream();
        var writer = new ResultWriter(ResultFormat.CreateCsv(plan, reader.Columns!, positional: true), stream);
        var row = new ResponseRow(plan.ReaderPlan);
        var result = plan.CreateResult();
        while (reader.Read(row))
        {
            if (row.Malformed is { } reason)
            {
                plan.ScoreMalformed(result, row.Line, reason);
            }
            else
            {
                plan.Score(row.Values, row.Texts, result);
            }

            writer.Write(row, result);
        }

        writer.Complete();
        Assert.Equal(expected, Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Throws<ArgumentException>(() => writer.Write(row, TestPlans.Tiny.CreateResult()));
    }

    [Fact]
    public void AFormatOfAnotherKind_IsRefused()
    {
        var plan = Plan();
        using var reader = ResponseReader.Open(TestPlans.Utf8(Input), DataFormat.Csv, plan.ReaderPlan);
        Assert.Throws<ArgumentException>(() => new ScoringPipeline(plan, reader).Run(ResultFormat.CreateJson(TestPlans.Tiny), Stream.Null));
        Assert.Throws<ArgumentException>(() => new ScoringPipeline(TestPlans.Tiny, reader).Run(ResultFormat.Create(DataFormat.Json, plan, []), Stream.Null));
    }
}
