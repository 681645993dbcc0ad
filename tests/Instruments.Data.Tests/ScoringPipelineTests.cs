using System.Globalization;
using System.Text;

namespace Instruments.Data.Tests;

/// <summary>
/// The parallel pipeline against the sequential writer and a reference computed here: every input row gives one
/// output row, in input order, whatever the number of workers.
/// </summary>
public sealed class ScoringPipelineTests
{
    private static (string Input, List<string> Expected) Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var input = new StringBuilder("id,a,b,c\r\n");
        var expected = new List<string> { "id,status,total,flags,diagnostics" };
        for (var r = 1; r <= rows; r++)
        {
            var id = "r" + r.ToString(CultureInfo.InvariantCulture);
            if (random.Next(50) == 0)
            {
                input.Append(id).Append(",1,x\"y,3\r\n");
                expected.Add(",invalid,,,RSP2010:line " + (r + 1).ToString(CultureInfo.InvariantCulture));
                continue;
            }

            int?[] v = [random.Next(1, 6), random.Next(6) is var b && b == 0 ? null : b, random.Next(1, 6)];
            input.Append(id).Append(',').Append(v[0]).Append(',').Append(v[1]).Append(',').Append(v[2]).Append("\r\n");
            var keyed = new[] { v[0], v[1], 6 - v[2] }.Where(x => x is not null).Select(x => (double)x!.Value).ToList();
            var total = keyed.Average().ToString("R", CultureInfo.InvariantCulture);
            expected.Add(v[1] is null ? $"{id},partial,{total},,RSP2004:b" : $"{id},complete,{total},,");
        }

        return (input.ToString(), expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_GeneratedInput_EqualsReferenceRowByRowInOrder(int workers)
    {
        const int rows = 30_000; // several blocks of 4,096 rows
        var (input, expected) = Generate(rows, 20261129 + workers);
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), DataFormat.Csv, plan);
        var pipeline = new ScoringPipeline(plan, reader);
        var output = new MemoryStream();
        long progress = 0;
        var counts = pipeline.Run(
            ResultFormat.CreateCsv(plan, pipeline.DiscoverColumns(), positional: true),
            output,
            new ScoringPipelineOptions { Workers = workers, Progress = n => progress = n });

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n");
        Assert.Equal(rows + 2, lines.Length); // header, rows, and the empty string after the last CRLF
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], lines[i]);
        }

        Assert.Equal(rows, counts.Total);
        Assert.Equal(rows, progress);
        Assert.Equal(expected.Count(e => e.Contains(",invalid,", StringComparison.Ordinal)), counts.Invalid);
        Assert.Equal(expected.Count(e => e.Contains(",partial,", StringComparison.Ordinal)), counts.Partial);
    }

    [Fact]
    public void Run_JsonInput_DiscoversColumnsFromTheFirstWellFormedRow()
    {
        var plan = TestPlans.Tiny;
        const string input = "[{\"id\":\"j1\" \"a\":1},{\"id\":\"j2\",\"site\":\"x\",\"a\":1,\"b\":2,\"c\":3}]";
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), DataFormat.Json, plan);
        var pipeline = new ScoringPipeline(plan, reader);
        Assert.Equal(["id", "site"], pipeline.DiscoverColumns());
        var output = new MemoryStream();
        var counts = pipeline.Run(ResultFormat.CreateCsv(plan, ["id", "site"]), output);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n");
        Assert.Equal("id,site,status,total,flags,diagnostics", lines[0]);
        Assert.StartsWith(",,invalid,,,RSP2010:line 1", lines[1], StringComparison.Ordinal);
        Assert.Equal("j2,x,complete,2,,", lines[2]);
        Assert.Equal(new ScoreCounts(1, 0, 1), counts);
    }

    [Fact]
    public void Run_Cancelled_Throws()
    {
        var (input, _) = Generate(20_000, 7);
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), DataFormat.Csv, TestPlans.Tiny);
        var pipeline = new ScoringPipeline(TestPlans.Tiny, reader);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            pipeline.Run(ResultFormat.CreateCsv(TestPlans.Tiny, ["id"], positional: true), Stream.Null, cancel: cancel.Token));
    }
}
