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

    // NHS Talking Therapies over the shipped PHQ-9 and GAD-7: p1 is a case on both at first and on neither at last;
    // p2's second PHQ-9 part is invalid (4 is not an option), so its depression course has one usable administration.
    private const string ProtocolHeader = "client_id,session,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n";

    private const string ProtocolInput = ProtocolHeader
        + "p1,1,2,2,2,2,2,2,2,2,0,2,2,2,2,1,1,1\n"
        + "p2,1,2,2,2,2,2,2,2,2,0,2,2,2,2,1,1,1\n"
        + "p1,2,0,0,1,0,0,1,0,0,0,0,1,0,0,0,1,0\n"
        + "p2,2,4,0,1,0,0,1,0,0,0,0,1,0,0,0,1,0\n";

    [Fact]
    public async Task Protocol_Csv_PrefixesEachInstrument_AndEndsWithTheOutcomes()
    {
        var r = await InProcess.RunAsync(["track", "nhs-talking-therapies", "--input", "-", "--quiet"], ProtocolInput);
        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["client", "administrations", "phq-9.used"], header[..3]);
        Assert.Contains("gad-7.total.rc.nhs-talking-therapies.outcome", header);
        Assert.Equal(["protocol.caseness", "protocol.recovered", "diagnostics"], header[^3..]);
        var p1 = lines[1].Split(',');
        Assert.Equal(["p1", "2", "2"], p1[..3]);
        Assert.Equal(["true", "true", ""], p1[^3..]);
        var p2 = lines[2].Split(',');
        Assert.Equal(["p2", "2", "1"], p2[..3]);
        Assert.Equal("true", p2[^3]);
        Assert.Equal("", p2[^2]);   // recovery unknown: the PHQ-9 has no last usable administration
        Assert.StartsWith("RSP2032:phq-9.total;RSP2030:line 5", p2[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protocol_Json_HasTheProtocolShape()
    {
        var r = await InProcess.RunAsync(["track", "nhs-talking-therapies", "--input", "-", "--format", "json", "--quiet"], ProtocolInput);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("nhs-talking-therapies", doc.RootElement.GetProperty("protocol").GetString());
        Assert.Equal(["phq-9", "gad-7"], doc.RootElement.GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("instrument").GetString()));
        var p1 = doc.RootElement.GetProperty("clients")[0];
        Assert.Equal(16, p1.GetProperty("instruments").GetProperty("phq-9").GetProperty("scores").GetProperty("total").GetProperty("first").GetProperty("value").GetDouble());
        Assert.True(p1.GetProperty("protocol").GetProperty("recovered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("clients")[1].GetProperty("protocol").GetProperty("recovered").ValueKind);
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

    [Fact]
    public async Task SuddenGains_RuleStatedOnTheCommandLine_FindsTheGain_AndJsonNamesTheRulesSource()
    {
        // PHQ-9 totals 18, 18, 16, 8, 8, 7: from 16 to 8 is a gain of 8 >= 6 (the NHS rule's threshold), >= 25% of 16,
        // and mean(18, 18, 16) - mean(8, 8, 7) = 9.67 > 2.776 * pooled SD (sqrt((2*1.333 + 2*0.333)/4) = 0.913).
        var rows = new[] { (1, "2,2,2,2,2,2,2,2,2"), (2, "2,2,2,2,2,2,2,2,2"), (3, "2,2,2,2,2,2,2,1,1"), (4, "1,1,1,1,1,1,1,1,0"), (5, "1,1,1,1,1,1,1,1,0"), (6, "1,1,1,1,1,1,1,0,0") };
        var input = "client_id,session,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n"
            + string.Concat(rows.Select(r => $"c1,{r.Item1},{r.Item2}\n"));

        var without = await InProcess.RunAsync(["track", "phq-9", "--input", "-", "--format", "json", "--quiet"], input);
        var with = await InProcess.RunAsync(["track", "phq-9", "--input", "-", "--format", "json", "--quiet", "--sudden-gains", "nhs-talking-therapies"], input);
        var points = await InProcess.RunAsync(["track", "phq-9", "--input", "-", "--quiet", "--sudden-gains", "9"], input);

        Assert.True(with.ExitCode == 0, with.ToString());
        var total = JsonDocument.Parse(without.Stdout).RootElement.GetProperty("clients")[0].GetProperty("scores").GetProperty("total");
        Assert.Equal(JsonValueKind.Null, total.GetProperty("sudden_gains").ValueKind); // the PHQ-9 declares no sudden-gain rule
        total = JsonDocument.Parse(with.Stdout).RootElement.GetProperty("clients")[0].GetProperty("scores").GetProperty("total");
        var gain = Assert.Single(total.GetProperty("sudden_gains").EnumerateArray());
        Assert.Equal("3", gain.GetProperty("pregain").GetString());
        Assert.Equal(8, gain.GetProperty("magnitude").GetDouble());
        Assert.False(gain.GetProperty("reversal").GetBoolean());
        Assert.True(points.ExitCode == 0, points.ToString());
        Assert.EndsWith(",,,", points.Stdout.Split('\n')[1].TrimEnd('\r'), StringComparison.Ordinal); // 8 < 9: no gain
    }

    [Theory]
    [InlineData("jt2", "--sudden-gains jt2: no score of 'phq-9' has a reliable-change rule 'jt2'")]
    [InlineData("-3", "INS1091")]
    public async Task SuddenGains_UnusableCutoff_IsExit2_WithTheReason(string option, string expected)
    {
        var r = await InProcess.RunAsync(["track", "phq-9", "--input", "-", "--sudden-gains", option], "client_id,session\n");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuddenGains_WithAProtocol_AppliesToEveryInstrumentWithTheRule()
    {
        var r = await InProcess.RunAsync(["track", "nhs-talking-therapies", "--input", "-", "--quiet", "--sudden-gains", "nhs-talking-therapies"], ProtocolInput);

        Assert.True(r.ExitCode is 0 or 1, r.ToString());
        var header = r.Stdout.Split('\n')[0];
        Assert.Contains("phq-9.total.sudden_gains", header, StringComparison.Ordinal);
        Assert.Contains("gad-7.total.sudden_gains", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllianceAndSymptoms_OverTheSample_CsvSaysTheSummaryOnStderr_JsonCarriesIt()
    {
        // samples/alliance-and-symptoms.csv: early WAI-SR totals 52, 32, 60, 36 (the second session unusable), 20, 48
        // beside PHQ-9 changes -9, 0, -27, -9, +9, -9.
        var sample = Host.Sample("alliance-and-symptoms.csv");
        var csv = await InProcess.RunAsync("track", "alliance-and-symptoms", "--input", sample, "--quiet");
        Assert.True(csv.ExitCode == 1, csv.ToString());   // c4's unusable WAI-SR (RSP2030)
        var rows = csv.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = rows[0].Split(',');
        var at = Array.IndexOf(header, "alliance_outcome.early_alliance");
        Assert.Equal(["c4", "36", "2", "-9", "improved"], [rows[4].Split(',')[0], .. rows[4].Split(',')[at..(at + 4)]]);
        var line = Assert.Single(csv.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("alliance and outcome", StringComparison.Ordinal));
        Assert.StartsWith("instruments: alliance and outcome: the early alliance (mean of 'alliance' (wai-sr total) over the first 3 sessions) against the change in 'depression' (phq-9 total): r = -0.92, n = 6 clients. ", line, StringComparison.Ordinal);
        Assert.EndsWith(Instruments.Course.AllianceOutcomeSummary.Caution, line, StringComparison.Ordinal);

        var json = await InProcess.RunAsync("track", "alliance-and-symptoms", "--input", sample, "--format", "json", "--quiet");
        Assert.DoesNotContain("alliance and outcome", json.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Stdout);
        var s = doc.RootElement.GetProperty("summary").GetProperty("alliance_outcome");
        Assert.Equal(6, s.GetProperty("n").GetInt32());
        Assert.Equal(-0.9157484263009925, s.GetProperty("r").GetDouble(), 12);
    }
}
