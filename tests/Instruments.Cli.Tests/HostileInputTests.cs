using System.Text;
using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary>Broken input through the host (issue 13): one input row is one output row; no hang, no crash.</summary>
public sealed class HostileInputTests
{
    private const string Items = "\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5";

    [Fact]
    public async Task Score_JsonWithStrayClosingBrace_EndsWithOneInvalidRowForIt()
    {
        // Before the fix this wrote invalid rows forever; the capped output turns a loop into a failure, not a hang.
        var input = new MemoryStream(Encoding.UTF8.GetBytes("[{\"respondent_id\":\"r1\"," + Items + "}}]"));
        var output = new CappedStream(1024 * 1024);
        var r = await Task.Run(() => InProcess.Run(["score", "swls", "--input", "-", "--input-format", "json"], input, output))
            .WaitAsync(TimeSpan.FromMinutes(2));

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("r1,complete,", lines[1], StringComparison.Ordinal);
        Assert.Contains("RSP2010", lines[2], StringComparison.Ordinal);
        Assert.Contains("scored 2 rows", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_LoneSurrogateEscape_IsThatRowsRsp2010_NotACrash()
    {
        var input = "{\"respondent_id\":\"\\ud800\"," + Items + "}\n{\"respondent_id\":\"r2\"," + Items + "}\n";
        var r = await Host.RunAsync(["score", "swls", "--input", "-", "--input-format", "ndjson"], input, null);

        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.StdoutLines;
        Assert.Equal(3, lines.Length);
        Assert.Contains("RSP2010", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("r2,complete,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_CsvRowOverTheSizeLimit_IsOneInvalidRow()
    {
        var input = new StringBuilder("respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\n");
        input.Append('x', 20 * 1024 * 1024).Append(",5,5,5,5,5\nr3,5,5,5,5,5\n");
        var r = await InProcess.RunAsync(["score", "swls", "--input", "-"], input.ToString());

        var lines = r.StdoutLines;
        Assert.Equal(4, lines.Length);
        Assert.StartsWith(",invalid,", lines[2], StringComparison.Ordinal);
        Assert.Contains("RSP2010", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("r3,complete,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_ItemCellWithTrailingNul_IsNonNumeric()
    {
        var r = await InProcess.RunAsync(["score", "swls", "--input", "-"], "respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,7\0,7,7,7,7\n");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("RSP2002:swls1", r.StdoutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_DuplicatePassThroughColumns_GiveUniqueJsonKeysAndAWarning()
    {
        var r = await InProcess.RunAsync(
            ["score", "swls", "--input", "-", "--format", "json"], "respondent_id,respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,x,5,5,5,5,5\n");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var json = JsonDocument.Parse(r.Stdout);
        var fields = json.RootElement.GetProperty("results")[0].GetProperty("fields");
        Assert.Equal(["respondent_id", "respondent_id_2"], fields.EnumerateObject().Select(p => p.Name));
        Assert.Contains("names column 'respondent_id' more than once (columns 1 and 2)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_InvalidUtf8InPassThroughField_KeepsTheRowWithAWarning()
    {
        var input = new MemoryStream(Encoding.Latin1.GetBytes("respondent_id,note,swls1,swls2,swls3,swls4,swls5\nr1,caf\xE9,5,5,5,5,5\n"));
        var r = await Task.Run(() => InProcess.Run(["score", "swls", "--input", "-"], input, null));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("r1,caf\uFFFD,complete,", r.StdoutLines[1], StringComparison.Ordinal);
        Assert.Contains("field 'note' is not valid UTF-8 (line 2", r.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A memory stream that refuses to grow past a size (an output that never ends fails instead of filling the disk).</summary>
    private sealed class CappedStream(int cap) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        private void Check(int count)
        {
            if (Length + count > cap)
            {
                throw new IOException("the output grew past the test's cap");
            }
        }
    }
}
