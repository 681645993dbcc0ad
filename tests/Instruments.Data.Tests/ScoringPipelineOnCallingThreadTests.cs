using System.Globalization;
using System.Text;
using Instruments.Tests.Shared;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="ScoringPipelineOptions.OnCallingThread"/>: the same bytes, warnings, counts and progress as the parallel
/// run, for every input and output format, over inputs of one row and of several blocks; and a small input does not
/// pay for a full block's buffers.
/// </summary>
public sealed class ScoringPipelineOnCallingThreadTests
{
    private static string Input(DataFormat format, int rows)
    {
        var random = new Random(20261129 + rows);
        var sb = new StringBuilder(format switch { DataFormat.Csv => "id,a,b,c,note\r\n", DataFormat.Json => "[", _ => string.Empty });
        for (var r = 1; r <= rows; r++)
        {
            var id = "r" + r.ToString(CultureInfo.InvariantCulture);
            var b = random.Next(7) switch { 0 => string.Empty, 1 => "x", 2 => "9", var v => v.ToString(CultureInfo.InvariantCulture) };
            var malformed = random.Next(60) == 0;
            sb.Append(format switch
            {
                DataFormat.Csv when malformed => $"{id},1,\"x\"y,3\r\n",
                DataFormat.Csv => $"{id},{random.Next(1, 6)},{b},{random.Next(1, 6)},\"n, {r}\"\r\n",
                _ when malformed => "{\"id\":\"" + id + "\" \"a\":1}",
                _ => $"{{\"id\":\"{id}\",\"a\":{random.Next(1, 6)},\"b\":\"{b}\",\"c\":{random.Next(1, 6)},\"note\":\"n {r}\"}}",
            });
            if (format == DataFormat.Json && r < rows)
            {
                sb.Append(",\n");
            }
            else if (format == DataFormat.Ndjson)
            {
                sb.Append('\n');
            }
        }

        return sb.Append(format == DataFormat.Json ? "]" : string.Empty).ToString();
    }

    private static (string Output, List<string> Warnings, ScoreCounts Counts, long Progress) Score(string input, DataFormat inputFormat, DataFormat outputFormat, bool onCallingThread)
    {
        var plan = TestPlans.Tiny;
        var warnings = new List<string>();
        using var reader = ResponseReader.Open(TestPlans.Utf8(input), inputFormat, plan, warnings.Add);
        var pipeline = new ScoringPipeline(plan, reader);
        var format = outputFormat == DataFormat.Csv ? ResultFormat.CreateCsv(plan, pipeline.DiscoverColumns(), positional: reader.Columns is not null)
            : ResultFormat.Create(outputFormat, plan, []);
        var output = new MemoryStream();
        long progress = 0;
        var counts = pipeline.Run(format, output, new ScoringPipelineOptions
        {
            OnCallingThread = onCallingThread,
            Workers = 2,
            Warnings = warnings.Add,
            Progress = n => progress = n,
        });
        return (Encoding.UTF8.GetString(output.ToArray()), warnings, counts, progress);
    }

    [Theory]
    [InlineData(DataFormat.Csv, 1)]
    [InlineData(DataFormat.Csv, 30_000)] // several blocks of 4,096 rows: the calling thread's block grows and is reused
    [InlineData(DataFormat.Ndjson, 1)]
    [InlineData(DataFormat.Ndjson, 12_000)]
    [InlineData(DataFormat.Json, 1)]
    [InlineData(DataFormat.Json, 12_000)]
    public void OnCallingThread_WritesWhatTheParallelRunWrites(DataFormat inputFormat, int rows)
    {
        var input = Input(inputFormat, rows);
        foreach (var outputFormat in new[] { DataFormat.Csv, DataFormat.Json, DataFormat.Ndjson })
        {
            var parallel = Score(input, inputFormat, outputFormat, onCallingThread: false);
            var inline = Score(input, inputFormat, outputFormat, onCallingThread: true);
            Assert.Equal(parallel.Output, inline.Output);
            Assert.Equal(parallel.Warnings, inline.Warnings);
            Assert.Equal(parallel.Counts, inline.Counts);
            Assert.Equal(rows, inline.Counts.Total);
            Assert.Equal(rows, inline.Progress);
        }
    }

    [Fact]
    public void OnCallingThread_OneRow_AllocatesFarLessThanAFullBlock()
    {
        // A full block holds about 0.8 MB (256 KiB of input, 512 KiB of output) and the reader 256 KiB: a one-row
        // input in memory needs a few KB. Measured on this thread, which does all the work.
        var bytes = Encoding.UTF8.GetBytes(Input(DataFormat.Csv, 1));
        var plan = TestPlans.Tiny;
        var format = ResultFormat.CreateCsv(plan, ["id", "note"], positional: true);
        var output = new MemoryStream(4096);
        var allocated = Allocations.SteadyState(() =>
        {
            output.SetLength(0);
            using var reader = ResponseReader.Open(new MemoryStream(bytes, writable: false), DataFormat.Csv, plan);
            new ScoringPipeline(plan, reader).Run(format, output, new ScoringPipelineOptions { OnCallingThread = true });
        });
        Assert.True(allocated < 64 * 1024, $"{allocated:N0} bytes allocated for one row");
    }
}
