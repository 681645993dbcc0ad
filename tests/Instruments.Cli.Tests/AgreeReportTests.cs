using System.Text;
using System.Text.Json;
using Instruments.Alliance;
using Instruments.Compiler;
using Instruments.Data;
using Instruments.Reports;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments agree --report md|html --output DIR</c> end to end over a test-only client and therapist form pair
/// (no real therapist form ships) whose totals declare rupture rules: one report per dyad (names sanitised, clashes
/// -2, -3, a client named "service" kept apart from the summary), the service summary, no table, exit codes as for
/// the table; and the summary's figures equal, exactly, those of <c>agree --format json</c> over the same input.
/// </summary>
public sealed class AgreeReportTests
{
    private const string Manifest = "id: pair\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\n";

    private static string Form(string id, string respondent, string counterpart, string rule) => $$"""
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
          - id: total
            items: [i1, i2]
            method: sum
            change:
              direction: higher-is-better
              ruptures:
                - {{rule}}
          - { id: first, items: [i1], method: sum }
        """;

    private const string ClientForm = "counterpart: { instrument: pair.t, scores: { total: total, first: first } }";
    private const string ClientRule = "{ id: one-sd, k: 1, sd: client, sources: [test fixture] }";
    private const string TherapistRule = "{ id: two-points, points: 2, sources: [test fixture] }";

    private const string ClientRows = "client_id,therapist_id,session,i1,i2\n"
        + "a b,t1,1,5,5\na b,t1,2,4,4\na b,t1,3,1,2\na b,t1,4,5,5\na b,t1,5,5,4\n"
        + "a_b,t1,1,3,3\na_b,t1,2,3,4\n"
        + "service,t2,1,4,4\nservice,t2,2,2,2\n";

    private const string TherapistRows = "client_id,therapist_id,session,i1,i2\n"
        + "a b,t1,1,3,3\na b,t1,2,4,4\na b,t1,3,4,3\na b,t1,4,4,4\n"
        + "a_b,t1,1,2,3\na_b,t1,2,3,3\n"
        + "service,t2,1,4,4\nservice,t2,2,2,2\n";

    private static TempDir Plugin()
    {
        var dir = new TempDir();
        dir.File("pair/plugin.yaml", Manifest);
        dir.File("pair/instruments/c.yaml", Form("pair.c", "client", ClientForm, ClientRule));
        dir.File("pair/instruments/t.yaml", Form("pair.t", "therapist", string.Empty, TherapistRule));
        dir.File("c.csv", ClientRows);
        dir.File("t.csv", TherapistRows);
        return dir;
    }

    [Fact]
    public async Task Markdown_OneReportPerDyad_AndTheServiceSummary_NamesSanitisedWithClashSuffixes()
    {
        using var dir = Plugin();
        var output = dir["reports"];
        var r = await InProcess.RunAsync("agree", "pair.c", "--input", dir["c.csv"], "--counterpart-input", dir["t.csv"], "--therapist", "therapist_id",
            "--plugins", dir["pair"], "--report", "md", "--output", output, "--discrepancy", "3");
        Assert.True(r.ExitCode == 1, r.ToString());   // a b at session 5 has no therapist rating: unpaired
        Assert.Equal("", r.Stdout);
        Assert.Equal(["a_b_t1-2.md", "a_b_t1.md", "service.md", "service_t2.md"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("instruments: 4 reports to " + output + ": 8 pairs in 3 dyads from 17 rows (pair.c with pair.t; 1 unpaired, 0 not usable)", r.Stderr, StringComparison.Ordinal);

        var first = File.ReadAllText(Path.Combine(output, "a_b_t1.md"));
        Assert.Contains("Client **a b**, therapist **t1**.", first, StringComparison.Ordinal);
        Assert.Contains("| 3 | 3 | 7 | -4 | yes | client rupture (one-sd) |", first, StringComparison.Ordinal);
        Assert.Contains("| 4 | 10 | 8 | +2 |  | client repair (one-sd) |", first, StringComparison.Ordinal);
        Assert.Contains("| 5 | 9 | – | – |  |  |", first, StringComparison.Ordinal);
        Assert.Contains("Client **a_b**", File.ReadAllText(Path.Combine(output, "a_b_t1-2.md")), StringComparison.Ordinal);
        Assert.Contains("therapist rupture (two-points)", File.ReadAllText(Path.Combine(output, "service_t2.md")), StringComparison.Ordinal);

        var service = File.ReadAllText(Path.Combine(output, "service.md"));
        Assert.Contains("- Dyads with at least one pair: 3", service, StringComparison.Ordinal);
        Assert.Contains("- Pairs: 8", service, StringComparison.Ordinal);
        Assert.Contains("| client | total | one-sd | 2 | 1 | 1 | 9 | 22.22 |", service, StringComparison.Ordinal);
        Assert.Contains("mean r = .36", service, StringComparison.Ordinal);

        // By client alone: a client named "service" does not take the summary's name.
        var byClient = dir["by-client"];
        var again = await InProcess.RunAsync("agree", "pair.c", "--input", dir["c.csv"], "--counterpart-input", dir["t.csv"],
            "--plugins", dir["pair"], "--report", "md", "--output", byClient, "--quiet");
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal(["a_b-2.md", "a_b.md", "service-2.md", "service.md"], Directory.GetFiles(byClient).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("Client **service**.", File.ReadAllText(Path.Combine(byClient, "service-2.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_DrawsBothRatersLines_WithMarkers_AndTheSummary()
    {
        using var dir = Plugin();
        var output = dir["html"];
        var r = await InProcess.RunAsync("agree", "pair.t", "--input", dir["t.csv"], "--counterpart-input", dir["c.csv"], "--therapist", "therapist_id",
            "--plugins", dir["pair"], "--report", "html", "--output", output, "--quiet");
        Assert.True(r.ExitCode == 1, r.ToString());
        var html = File.ReadAllText(Path.Combine(output, "a_b_t1.html"));
        foreach (var part in new[] { "<svg class=\"dyad-chart\"", "<polyline class=\"series-0\"", "<polyline class=\"series-1\"", "class=\"rupture marker-0\"",
                     "class=\"repair marker-0\"", "<span class=\"key client\"></span>client (pair.c)", "<span class=\"key therapist\"></span>therapist (pair.t)" })
        {
            Assert.Contains(part, html, StringComparison.Ordinal);
        }

        Assert.Contains("<h2>Ruptures per 100 sessions</h2>", File.ReadAllText(Path.Combine(output, "service.html")), StringComparison.Ordinal);
        Assert.DoesNotContain("reports to", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneFile_AProtocolHoldingBothForms_WritesTheReportsToo()
    {
        using var dir = new TempDir();
        dir.File("pair/plugin.yaml", Manifest + "instruments: [\"instruments/*.yaml\", \"protocols/*.yaml\"]\n");
        dir.File("pair/instruments/c.yaml", Form("pair.c", "client", ClientForm, ClientRule));
        dir.File("pair/instruments/t.yaml", Form("pair.t", "therapist", string.Empty, TherapistRule).Replace("i1", "j1", StringComparison.Ordinal).Replace("i2", "j2", StringComparison.Ordinal));
        dir.File("pair/protocols/both.yaml", """
            protocol: pair.both
            version: 1.0.0
            title: Both forms in one row
            measures:
              - { id: client, instrument: pair.c, score: total }
              - { id: therapist, instrument: pair.t, score: total }
            """);
        var input = dir.File("both.csv", "client_id,session,i1,i2,j1,j2\nx,1,5,5,3,3\nx,2,4,4,4,4\nx,3,1,1,4,4\n");
        var r = await InProcess.RunAsync("agree", "pair.both", "--input", input, "--plugins", dir["pair"], "--report", "md", "--output", dir["out"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["service.md", "x.md"], Directory.GetFiles(dir["out"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("| 3 | 2 | 8 | -6 |", File.ReadAllText(dir["out/x.md"]), StringComparison.Ordinal);
        Assert.Contains("client rupture (one-sd)", File.ReadAllText(dir["out/x.md"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesTheReports()
    {
        var r = await InProcess.RunAsync("agree", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--report FORMAT", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("service.md|html", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--report", "md" }, "--report needs --output DIR")]
    [InlineData(new[] { "--report", "md", "--output", "x", "--format", "json" }, "--report writes reports, not the table")]
    [InlineData(new[] { "--report", "md", "--output", "x", "--summary" }, "--report writes reports, not the table")]
    public async Task ReportUsageErrors_ExitTwo(string[] options, string message)
    {
        var r = await InProcess.RunAsync(["agree", "wai-sr", "--input", "c.csv", "--counterpart-input", "t.csv", .. options], stdin: null);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSummarysFigures_EqualAgreeJson_Exactly()
    {
        using var dir = Plugin();
        var json = await InProcess.RunAsync("agree", "pair.c", "--input", dir["c.csv"], "--counterpart-input", dir["t.csv"], "--therapist", "therapist_id",
            "--plugins", dir["pair"], "--format", "json", "--quiet");
        using var doc = JsonDocument.Parse(json.Stdout);

        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromText(File.ReadAllText(dir["pair/instruments/c.yaml"]), "c.yaml"),
            InstrumentSource.FromText(File.ReadAllText(dir["pair/instruments/t.yaml"]), "t.yaml")]);
        var plans = compilation.Definitions.Select(compilation.CreatePlan).ToList();
        var pairing = InstrumentPairing.Resolve(plans[0], plans).Pairing!;
        var builder = new ServiceSummaryBuilder(pairing);
        var pipeline = new AgreementPipeline(pairing, new MemoryStream(Encoding.UTF8.GetBytes(ClientRows)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(TherapistRows)), DataFormat.Csv,
            new AgreementOptions { TherapistColumn = "therapist_id", OnDyad = d => builder.Add(d), Workers = 1 });
        var counts = pipeline.Run(DataFormat.Csv, Stream.Null);
        var service = builder.Build(counts.Unusable);

        var scores = (List<object?>)service.Data["scores"]!;
        var compared = 0;
        foreach (var score in scores.Cast<IReadOnlyDictionary<string, object?>>())
        {
            var expected = doc.RootElement.GetProperty("summary").GetProperty("scores").GetProperty((string)score["id"]!);
            foreach (var level in new[] { "over_dyads", "over_pairs" })
            {
                var figures = (IReadOnlyDictionary<string, object?>)score[level]!;
                Assert.Equal(expected.GetProperty(level).GetProperty("n").GetInt32(), (int)figures["n"]!);
                foreach (var (ours, theirs) in new[] { ("mean_difference", "mean_difference"), ("lower_limit", "lower_limit"), ("upper_limit", "upper_limit"), ("pearson", "pearson_r"), ("icc", "icc_a1") })
                {
                    var want = expected.GetProperty(level).GetProperty(theirs).GetProperty("value");
                    var got = ((IReadOnlyDictionary<string, object?>)figures[ours]!)["value"];
                    Assert.Equal(want.ValueKind == JsonValueKind.Null ? null : want.GetDouble(), (double?)got);
                    compared += got is null ? 0 : 1;
                }
            }
        }

        Assert.True(compared >= 16, $"only {compared} figures had values");
        Assert.Equal((3, 8L), (service.Dyads, service.Pairs));
    }
}
