using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary><c>score</c>, <c>list</c> and <c>describe</c> with the shipped NHS Talking Therapies protocol.</summary>
public sealed class ProtocolCommandTests
{
    private const string Header = "client,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7";

    private const string Rows = Header + "\nc1,1,2,3,1,0,0,1,2,0,1,1,1,1,1,1,1\nc2,1,2,,1,0,0,1,2,0,3,3,3,3,3,3,x\nc3,\"open,1\n";

    [Fact]
    public async Task Score_Protocol_Csv_OneRowPerInputRow_WithEachInstrumentsColumns()
    {
        var r = await InProcess.RunAsync(["score", "nhs-talking-therapies", "--input", "-", "--quiet"], Rows);
        Assert.Equal(1, r.ExitCode);
        var lines = r.StdoutLines;
        Assert.Equal(4, lines.Length);
        Assert.Equal("client,status,phq-9.status,phq-9.total,phq-9.total_band,phq-9.flags,phq-9.diagnostics,gad-7.status,gad-7.total,gad-7.total_band,gad-7.flags,gad-7.diagnostics", lines[0]);
        Assert.Equal("c1,complete,complete,10,Moderate,,,complete,7,Mild,,", lines[1]);
        // phq9_3 missing: prorated 8 x 9 / 8; gad7_7 is not a number: GAD-7 invalid, so the row is invalid.
        Assert.Equal("c2,invalid,partial,7.875,Mild,,RSP2004:phq9_3;RSP2011:total,invalid,,,,RSP2002:gad7_7;RSP2005:total", lines[2]);
        Assert.StartsWith(",invalid,invalid,,,,RSP2010:line 4,invalid,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_ProtocolFile_Json_NestsEachInstrument()
    {
        var file = Path.Combine(Host.RepoRoot, "plugins", "symptoms", "protocols", "nhs-talking-therapies.yaml");
        var r = await InProcess.RunAsync(["score", file, "--input", "-", "--format", "json", "--quiet"], Rows);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("nhs-talking-therapies", root.GetProperty("protocol").GetString());
        var first = root.GetProperty("results")[0];
        Assert.Equal("c1", first.GetProperty("fields").GetProperty("client").GetString());
        Assert.Equal(10, first.GetProperty("instruments").GetProperty("phq-9").GetProperty("scores").GetProperty("total").GetDouble());
        Assert.Equal("Mild", first.GetProperty("instruments").GetProperty("gad-7").GetProperty("bands").GetProperty("total").GetString());
        Assert.Equal(3, root.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Score_Protocol_Ndjson()
    {
        var r = await InProcess.RunAsync(["score", "nhs-talking-therapies", "--input", "-", "--format", "ndjson", "--quiet"], Rows);
        var lines = r.StdoutLines.Where(l => l.Length > 0).ToArray();
        Assert.Equal(3, lines.Length);
        using var last = JsonDocument.Parse(lines[2]);
        Assert.Equal(4, last.RootElement.GetProperty("instruments").GetProperty("gad-7").GetProperty("diagnostics")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Score_Instrument_IsUnchanged()
    {
        var r = await InProcess.RunAsync(["score", "gad-7", "--input", "-", "--quiet"], Rows);
        // One instrument: its items are read, every other column (the PHQ-9's here) passes through, as before protocols.
        Assert.Equal("client,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,status,total,total_band,flags,diagnostics", r.StdoutLines[0]);
        Assert.Equal("c1,1,2,3,1,0,0,1,2,0,complete,7,Mild,,", r.StdoutLines[1]);
    }

    [Fact]
    public async Task List_And_Describe_ShowTheProtocol()
    {
        var list = await InProcess.RunAsync("list");
        Assert.Contains(list.StdoutLines, l => l.StartsWith("PROTOCOL", StringComparison.Ordinal));
        Assert.Contains(list.StdoutLines, l => l.StartsWith("nhs-talking-therapies ", StringComparison.Ordinal) && l.Contains("depression=phq-9.total", StringComparison.Ordinal));

        var text = await InProcess.RunAsync("describe", "nhs-talking-therapies");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("when: caseness and not depression_case_last and not anxiety_case_last", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("fingertips.phe.org.uk", text.Stdout, StringComparison.Ordinal);

        var json = await InProcess.RunAsync("describe", "nhs-talking-therapies", "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["depression", "anxiety"], doc.RootElement.GetProperty("measures").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(["caseness", "recovered"], doc.RootElement.GetProperty("outcomes").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("alliance_outcome").ValueKind);
    }

    [Fact]
    public async Task Describe_ShowsTheAllianceOutcomePairing()
    {
        var text = await InProcess.RunAsync("describe", "alliance-and-symptoms");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Alliance and outcome (a view of the data, not an outcome rule; see docs/alliance.md):", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("the mean of 'alliance' over the first 3 administrations (usable ones), beside the change in 'depression'", text.Stdout, StringComparison.Ordinal);

        var json = await InProcess.RunAsync("describe", "alliance-and-symptoms", "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var pairing = doc.RootElement.GetProperty("alliance_outcome");
        Assert.Equal("alliance", pairing.GetProperty("alliance").GetString());
        Assert.Equal("depression", pairing.GetProperty("outcome").GetString());
        Assert.Equal(3, pairing.GetProperty("early_sessions").GetInt32());
    }

    [Fact]
    public async Task Score_ProtocolFileWithErrors_ExitsTwo_WithFileLineColumn()
    {
        var dir = Directory.CreateTempSubdirectory("protocol-");
        try
        {
            var file = Path.Combine(dir.FullName, "bad.yaml");
            await File.WriteAllTextAsync(file, "protocol: bad\nversion: 1.0.0\ntitle: Bad\nmeasures:\n  - { id: d, instrument: phq9, score: total }\n");
            var r = await InProcess.RunAsync(["score", file, "--input", "-"], Rows);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("bad.yaml(5,26): error INS1100: Measure 'd': no instrument 'phq9' is loaded; did you mean 'phq-9'", r.Stderr, StringComparison.Ordinal);
            Assert.Empty(r.Stdout);

            var validate = await InProcess.RunAsync("validate", file);
            Assert.Equal(1, validate.ExitCode);
            Assert.Contains("bad.yaml(5,26): error INS1100:", validate.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("INS1010", validate.Stdout, StringComparison.Ordinal); // checked as a protocol, not as an instrument
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
