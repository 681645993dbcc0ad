using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Instruments.Data;
using Instruments.Scoring;

namespace Instruments.Benchmarks;

/// <summary>
/// <c>track</c> over 2,000 PHQ-9 clients x 10 administrations held in memory (CSV to CSV, one scoring worker): grouped
/// (pre-scan, then one client at a time) and shuffled (every administration held). The allocation column is the one
/// to watch: per-client analysis and writing should allocate next to nothing per administration.
/// </summary>
[MemoryDiagnoser]
public class TrackClients
{
    private ScoringPlan _phq9 = null!;
    private byte[] _grouped = null!;
    private byte[] _shuffled = null!;

    [GlobalSetup]
    public void Setup()
    {
        _phq9 = Definitions.Phq9();
        var random = new Random(14);
        var rows = new List<string>();
        for (var c = 0; c < 2000; c++)
        {
            var start = random.Next(8, 27);
            for (var s = 1; s <= 10; s++)
            {
                var level = Math.Max(0, start - (s * random.Next(0, 3)));
                var items = Enumerable.Range(0, 9).Select(i => Math.Min(3, (level + i) / 9).ToString(CultureInfo.InvariantCulture));
                rows.Add($"c{c:D5},{s}," + string.Join(',', items) + ",1");
            }
        }

        const string Header = "client_id,session,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_10\n";
        _grouped = Encoding.UTF8.GetBytes(Header + string.Join('\n', rows) + "\n");
        _shuffled = Encoding.UTF8.GetBytes(Header + string.Join('\n', rows.OrderBy(_ => random.Next())) + "\n");
    }

    [Benchmark(Baseline = true)]
    public long Grouped() => Track(_grouped);

    [Benchmark]
    public long Shuffled() => Track(_shuffled);

    private long Track(byte[] input)
    {
        var pipeline = new TrackingPipeline(_phq9, new MemoryStream(input), DataFormat.Csv, new TrackingOptions { Workers = 1 });
        return pipeline.Run(DataFormat.Csv, Stream.Null).Clients;
    }
}
