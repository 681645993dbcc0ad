using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary><c>instruments track</c> in process: a shell over TrackingPipeline (whose rules are tested in Instruments.Data.Tests).</summary>
public sealed class TrackCommandTests
{
    private const string Header = "client_id,session,swls1,swls2,swls3,swls4,swls5\n";

    // c1: 10, 25, 35 (sessions given out of order); c2: one usable administration (its second is invalid: 9).
    private const string Input = Header + "c1,3,7,7,7,7,7\nc2,1,4,4,4,4,4\nc1,1,2,2,2,2,2\nc2,2,9,4,4,4,4\nc1,2,5,5,5,5,5\n";

    private static Task<RunResult> Track(string stdin, params string[] more) =>
        InProcess.RunAsync(["track", "swls", "--input", "-", .. more], stdin);

    [Fact]
    public async Task Csv_FromStandardInput_OneRowPerClient()
    {
        var r = await Track(Input);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal(
            "client,administrations,used,total.first_occasion,total.first,total.last_occasion,total.last,total.change,diagnostics\r\n"
            + "c1,3,3,1,10,3,35,25,\r\n"
            + "c2,2,1,1,20,,,,RSP2032:total;RSP2030:line 5\r\n",
            r.Stdout);
        Assert.Contains("instruments: tracked 2 clients from 5 rows (5 administrations; 1 not used in full)", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_HasTheClientsShape()
    {
        var r = await Track(Input, "--format", "json", "--quiet");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("swls", doc.RootElement.GetProperty("instrument").GetString());
        var c1 = doc.RootElement.GetProperty("clients")[0];
        Assert.Equal("c1", c1.GetProperty("client").GetString());
        var total = c1.GetProperty("scores").GetProperty("total");
        Assert.Equal(25, total.GetProperty("change").GetDouble());
        Assert.Equal("3", total.GetProperty("last").GetProperty("occasion").GetString());
        var d = doc.RootElement.GetProperty("clients")[1].GetProperty("diagnostics")[1];
        Assert.Equal("RSP2030", d.GetProperty("id").GetString());
        Assert.Equal(5, d.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Occasions_Ndjson_OneAdministrationPerLine()
    {
        var r = await Track(Input, "--occasions", "--format", "ndjson", "--quiet");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal(["1", "2", "3", "1", "2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("occasion").GetString()));
        using var second = JsonDocument.Parse(lines[1]);
        var total = second.RootElement.GetProperty("scores").GetProperty("total");
        Assert.Equal(15, total.GetProperty("change_previous").GetDouble());
        Assert.Equal(15, total.GetProperty("change_first").GetDouble());
    }

    [Fact]
    public async Task OtherColumns_AndAFile_AndExitZeroWhenEveryRowIsUsed()
    {
        var dir = Directory.CreateTempSubdirectory("track-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.csv");
            var output = Path.Combine(dir.FullName, "out.json");
            File.WriteAllText(input, "who,week,swls1,swls2,swls3,swls4,swls5\nx,2026-01-01,1,1,1,1,1\nx,2026-01-08,2,2,2,2,2\n");
            var r = await InProcess.RunAsync("track", "swls", "--input", input, "--client", "who", "--occasion", "week", "--output", output, "--quiet");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            var total = doc.RootElement.GetProperty("clients")[0].GetProperty("scores").GetProperty("total");
            Assert.Equal("2026-01-08", total.GetProperty("last").GetProperty("occasion").GetString());
            Assert.Equal(5, total.GetProperty("change").GetDouble());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task MissingClientColumn_IsAnErrorWithExitTwo()
    {
        var r = await Track("id,session,swls1\nx,1,1\n");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("instruments: error: the input has no client column 'client_id'", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoInput_IsAUsageError()
    {
        var r = await InProcess.RunAsync("track", "swls");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'track' needs --input FILE", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheOptions()
    {
        var r = await InProcess.RunAsync("track", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("usage: instruments track <instrument> [options]", r.Stdout, StringComparison.Ordinal);
        foreach (var option in new[] { "--input", "--client COL", "--occasion COL", "--format", "--output", "--occasions", "--input-format" })
        {
            Assert.Contains(option, r.Stdout, StringComparison.Ordinal);
        }
    }
}
