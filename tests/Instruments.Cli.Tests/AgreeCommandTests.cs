using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments agree</c> in process, end to end over a test-only plugin holding a client form and a therapist form
/// (no real therapist form ships): the pairing comes from the definitions (no option), pairing errors are diagnostics
/// with exit 2, unpaired rows give exit 1. The pairing and agreement rules are tested in Instruments.Compiler.Tests and
/// Instruments.Data.Tests.
/// </summary>
public sealed class AgreeCommandTests
{
    private const string Manifest = "id: pair\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\n";

    private static string Form(string id, string respondent, string counterpart) => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test form {{id}}
        license: { name: test, texts: restricted }
        respondent: {{respondent}}
        {{counterpart}}
        response_scales:
          f: { options: [ { value: 1, label: a }, { value: 2, label: b }, { value: 3, label: c }, { value: 4, label: d }, { value: 5, label: e } ] }
        items:
          - { id: i1, scale: f }
          - { id: i2, scale: f }
        scores:
          - { id: total, items: [i1, i2], method: sum }
        """;

    private static TempDir Plugin(string clientCounterpart = "counterpart: { instrument: pair.t, scores: { total: total } }")
    {
        var dir = new TempDir();
        dir.File("pair/plugin.yaml", Manifest);
        dir.File("pair/instruments/c.yaml", Form("pair.c", "client", clientCounterpart));
        dir.File("pair/instruments/t.yaml", Form("pair.t", "therapist", string.Empty));
        return dir;
    }

    [Fact]
    public async Task Validate_ChecksThePairing_ThatOnlyShowsWithBothFormsLoaded()
    {
        // A sound pair validates cleanly; a counterpart that is not there (INS1133) or a paired score that can take
        // other values (INS1135: the therapist's total over three items) is an error of validate, not only of agree.
        using (var sound = Plugin())
        {
            var ok = await InProcess.RunAsync("validate", sound["pair"]);
            Assert.True(ok.ExitCode == 0, ok.ToString());
            Assert.Contains("2 valid: 0 errors", ok.Stderr, StringComparison.Ordinal);
        }

        using var missing = Plugin(clientCounterpart: "counterpart: { instrument: pair.nope, scores: { total: total } }");
        var r = await InProcess.RunAsync("validate", missing["pair"]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("c.yaml(6,", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("error INS1133", r.Stdout, StringComparison.Ordinal);

        using var wider = Plugin();
        wider.File("pair/instruments/t.yaml", Form("pair.t", "therapist", string.Empty)
            .Replace("  - { id: i2, scale: f }\n", "  - { id: i2, scale: f }\n  - { id: i3, scale: f }\n", StringComparison.Ordinal)
            .Replace("items: [i1, i2]", "items: [i1, i2, i3]", StringComparison.Ordinal));
        var loose = await InProcess.RunAsync("validate", wider["pair/instruments"]);
        Assert.True(loose.ExitCode == 1, loose.ToString());
        Assert.Contains("error INS1135", loose.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamingEitherForm_PairsClientMinusTherapist_WithNoPairingOption()
    {
        using var dir = Plugin();
        var client = dir.File("client.csv", "client_id,session,i1,i2\nx,1,5,5\nx,2,4,4\n");
        var therapist = dir.File("therapist.csv", "client_id,session,i1,i2\nx,1,3,3\nx,2,4,4\n");
        foreach (var (named, input, other) in new[] { ("pair.c", client, therapist), ("pair.t", therapist, client) })
        {
            var r = await InProcess.RunAsync("agree", named, "--input", input, "--counterpart-input", other, "--plugins", dir["pair"], "--format", "json", "--discrepancy", "4");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var doc = JsonDocument.Parse(r.Stdout);
            Assert.Equal(("pair.c", "pair.t"), (doc.RootElement.GetProperty("instrument").GetString(), doc.RootElement.GetProperty("counterpart").GetString()));
            var first = doc.RootElement.GetProperty("pairs")[0].GetProperty("scores").GetProperty("total");
            Assert.Equal((4.0, true), (first.GetProperty("difference").GetDouble(), first.GetProperty("discrepancy").GetBoolean()));
            Assert.Contains("instruments: 2 pairs in 1 dyads from 4 rows (pair.c with pair.t; 0 unpaired, 0 not usable)", r.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnpairedRows_AreListed_AndExitOne_WrittenAtomicallyToAFile()
    {
        using var dir = Plugin();
        var client = dir.File("client.csv", "client_id,session,i1,i2\nx,1,5,5\nx,2,4,4\n");
        var therapist = dir.File("therapist.csv", "client_id,session,i1,i2\nx,1,3,3\n");
        var output = dir["out.csv"];
        var r = await InProcess.RunAsync("agree", "pair.c", "--input", client, "--counterpart-input", therapist, "--plugins", dir["pair"], "--output", output);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal(
            "status,client_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,reason\r\n"
            + "paired,x,1,2,2,10,6,4,\r\n"
            + $"unpaired,x,2,3,,8,,,no usable therapist administration at this occasion in {therapist}\r\n",
            File.ReadAllText(output));

        // Listed in the table, so not warned row by row as well; the summary line says where they are.
        Assert.DoesNotContain("RSP2042", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("instruments: 1 pairs in 1 dyads from 3 rows (pair.c with pair.t; 1 unpaired, 0 not usable, listed in the output)", r.Stderr, StringComparison.Ordinal);

        // With --summary the output does not list them: each is warned.
        var summary = await InProcess.RunAsync("agree", "pair.c", "--input", client, "--counterpart-input", therapist, "--plugins", dir["pair"], "--output", dir["summary.csv"], "--summary");
        Assert.True(summary.ExitCode == 1, summary.ToString());
        Assert.Contains($"instruments: warning: RSP2042: {client} line 3: client 'x' at occasion 2", summary.Stderr, StringComparison.Ordinal);
        Assert.Contains("; 1 unpaired, 0 not usable)", summary.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyUnpairedRows_EachWarnedOnce_InInputOrder_BeforeTheSummaryLine()
    {
        // The warnings are written in blocks (BlockWarnings): 1,000 of them span several blocks; none may be lost,
        // repeated or reordered, and the summary line comes last. (--summary: the output does not list them.)
        using var dir = Plugin();
        var rows = string.Concat(Enumerable.Range(1, 1000).Select(i => $"x,{i},5,5\n"));
        var client = dir.File("client.csv", "client_id,session,i1,i2\n" + rows);
        var therapist = dir.File("therapist.csv", "client_id,session,i1,i2\ny,1,3,3\n");
        var r = await InProcess.RunAsync("agree", "pair.c", "--input", client, "--counterpart-input", therapist, "--plugins", dir["pair"], "--output", dir["out.csv"], "--summary");
        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var warned = lines.Where(l => l.StartsWith("instruments: warning: RSP2042: " + client + " line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(2, 1000).Select(line => $"instruments: warning: RSP2042: {client} line {line}: client 'x' at occasion {line - 1}"),
            warned.Select(l => l[..l.IndexOf(": no usable", StringComparison.Ordinal)]));
        Assert.StartsWith("instruments: 0 pairs in 0 dyads from 1,001 rows", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCounterpartDeclared_IsINS1133_AndExitTwo_WithNothingWritten()
    {
        using var dir = Plugin(clientCounterpart: string.Empty);
        var client = dir.File("client.csv", "client_id,session,i1,i2\nx,1,5,5\n");
        var output = dir["out.csv"];
        var r = await InProcess.RunAsync("agree", "pair.c", "--input", client, "--counterpart-input", client, "--plugins", dir["pair"], "--output", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error INS1133: Instrument 'pair.c': it declares no counterpart", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("instruments: error: 'pair.c' cannot be paired with a counterpart; nothing was written", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task UnknownCounterpart_IsINS1133_WithTheFileLineAndColumn()
    {
        using var dir = Plugin(clientCounterpart: "counterpart: { instrument: pair.x, scores: { total: total } }");
        var client = dir.File("client.csv", "client_id,session,i1,i2\nx,1,5,5\n");
        var r = await InProcess.RunAsync("agree", "pair.c", "--input", client, "--counterpart-input", client, "--plugins", dir["pair"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{dir["pair/instruments/c.yaml"]}(6,28): error INS1133: Instrument 'pair.c': its counterpart 'pair.x' is not loaded", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--counterpart-input", "t.csv" }, "'agree' needs --input FILE")]
    [InlineData(new[] { "--input", "c.csv" }, "'agree' needs --counterpart-input FILE")]
    [InlineData(new[] { "--input", "c.csv", "--counterpart-input", "t.csv", "--discrepancy", "0" }, "--discrepancy must be a positive number of points, not '0'")]
    [InlineData(new[] { "--input", "-", "--counterpart-input", "-" }, "only one of --input and --counterpart-input can be standard input")]
    public async Task UsageErrors_ExitTwo(string[] options, string message)
    {
        var r = await InProcess.RunAsync(["agree", "wai-sr", .. options], stdin: null);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneFile_AProtocolHoldingBothForms_PairsEachRowsParts()
    {
        using var dir = new TempDir();
        dir.File("pair/plugin.yaml", Manifest + "instruments: [\"instruments/*.yaml\", \"protocols/*.yaml\"]\n");
        dir.File("pair/instruments/c.yaml", Form("pair.c", "client", "counterpart: { instrument: pair.t, scores: { total: total } }"));
        dir.File("pair/instruments/t.yaml", Form("pair.t", "therapist", string.Empty).Replace("i1", "j1", StringComparison.Ordinal).Replace("i2", "j2", StringComparison.Ordinal));
        dir.File("pair/protocols/both.yaml", """
            protocol: pair.both
            version: 1.0.0
            title: Both forms in one row
            measures:
              - { id: client, instrument: pair.c, score: total }
              - { id: therapist, instrument: pair.t, score: total }
            """);
        var input = dir.File("both.csv", "client_id,session,i1,i2,j1,j2\nx,1,5,5,3,3\nx,2,4,4,4,4\n");
        var r = await InProcess.RunAsync("agree", "pair.both", "--input", input, "--plugins", dir["pair"], "--summary", "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("level,client_id,score,n,mean_client,mean_therapist,mean_difference,sd_difference,lower_limit,upper_limit,pearson_r,icc_a1", r.StdoutLines[0]);
        Assert.Equal("dyad,x,total,2,9,7,2,2.8284271247461903,,,,", r.StdoutLines[1]);

        var both = await InProcess.RunAsync("agree", "pair.both", "--input", input, "--counterpart-input", input, "--plugins", dir["pair"]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("'pair.both' is a protocol: its rows hold both forms, so leave out --counterpart-input", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_DescribesThePairingAndTheExitCodes()
    {
        var r = await InProcess.RunAsync("agree", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--counterpart-input FILE", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("declares 'counterpart:'", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("exit codes:", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv", false)]
    [InlineData("csv", true)]
    [InlineData("ndjson", false)]
    public async Task GroupedFiles_FromFilesOrFromStandardInput_WriteTheSameBytes(string format, bool summary)
    {
        // Both files grouped by client, in the same order (a client only in each file, unpaired rows on both sides, an
        // invalid row): from files the run streams; with the therapist file on standard input (which cannot be read
        // twice) it holds everything. The output is the same, and so are the warnings (in another order).
        using var dir = Plugin();
        var client = dir.File("client.csv", "client_id,session,i1,i2\na,2,5,5\na,1,4,4\nb,1,3,3\nc,1,9,1\nc,2,2,2\nd,1,1,1\n");
        const string therapist = "client_id,session,i1,i2\na,1,3,3\na,2,4,4\ne,1,2,2\nc,2,2,1\nc,3,1,1\nd,1,2,2\n";
        var therapistFile = dir.File("therapist.csv", therapist);
        string[] Args(string counterpart) =>
            ["agree", "pair.c", "--input", client, "--counterpart-input", counterpart, "--plugins", dir["pair"], "--format", format, .. summary ? ["--summary"] : Array.Empty<string>()];
        var streamed = await InProcess.RunAsync(Args(therapistFile), stdin: null);
        var buffered = await InProcess.RunAsync(Args("-"), stdin: therapist);
        Assert.True(streamed.ExitCode == 1, streamed.ToString());
        Assert.True(buffered.ExitCode == 1, buffered.ToString());
        var named = buffered.Stdout.Replace("in -", "in " + therapistFile, StringComparison.Ordinal)
            .Replace("\"input\":\"-\"", "\"input\":\"" + therapistFile + "\"", StringComparison.Ordinal);
        Assert.Equal(named, streamed.Stdout);
        Assert.Contains("4 pairs in 3 dyads from 12 rows", streamed.Stderr, StringComparison.Ordinal);
        static string[] Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
        Assert.Equal(Lines(buffered.Stderr.Replace(": -", ": " + therapistFile, StringComparison.Ordinal).Replace("in -", "in " + therapistFile, StringComparison.Ordinal)), Lines(streamed.Stderr));
    }
}
