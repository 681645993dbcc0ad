using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Course;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="TrackingPipeline"/> over a protocol with an <c>alliance_outcome</c> pairing (docs/alliance.md, "Alliance
/// and outcome"): the per-client fields (an unusable administration inside the window, a client with no usable early
/// value, a duplicate occasion), the summary across clients in JSON, NDJSON and <see cref="TrackingCounts"/>, the CSV
/// columns, and the same numbers whether the input is grouped by client or interleaved (a restarted run counts no
/// client twice).
/// </summary>
public sealed class AllianceOutcomeTrackingTests
{
    // An alliance: two 1-5 items, sum (none may be missing), higher is better. A symptom measure: two 0-9 items, sum,
    // lower is better, a reliable change of 4 points.
    private const string Ally = """
        instrument: ally
        version: 1.0.0
        title: Ally
        license: { name: test, texts: restricted }
        response_scales:
          five: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" } ] }
        items:
          - { id: w1, scale: five }
          - { id: w2, scale: five }
        scores:
          - id: total
            items: [w1, w2]
            method: sum
            change: { direction: higher-is-better }
        """;

    private const string Sym = """
        instrument: sym
        version: 1.0.0
        title: Sym
        license: { name: test, texts: restricted }
        response_scales:
          ten: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" }, { value: 6, label: "6" }, { value: 7, label: "7" }, { value: 8, label: "8" }, { value: 9, label: "9" } ] }
        items:
          - { id: s1, scale: ten }
          - { id: s2, scale: ten }
        scores:
          - id: total
            items: [s1, s2]
            method: sum
            change:
              direction: lower-is-better
              reliable_change:
                - { id: four, method: fixed, threshold: 4, sources: [test] }
        """;

    private static string ProtocolYaml(string pairing) => $"""
        protocol: ally-sym
        version: 1.0.0
        title: Alliance and symptoms
        measures:
          - {"{"} id: alliance, instrument: ally, score: total {"}"}
          - {"{"} id: symptoms, instrument: sym, score: total, reliable_change: four {"}"}
        {pairing}
        """;

    private static readonly ProtocolPlan Protocol = Build("alliance_outcome: { alliance: alliance, outcome: symptoms }");

    private static ProtocolPlan Build(string pairing)
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(ProtocolYaml(pairing), "ally-sym.yaml"), [TestPlans.Compile(Ally), TestPlans.Compile(Sym)]);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan;
    }

    private const string Header = "client_id,session,w1,w2,s1,s2\n";

    // Per client (sessions; alliance total = w1 + w2, symptoms = s1 + s2):
    // a: alliance 4, 6, 8, 10 -> early mean of 4, 6, 8 = 6 (n 3); symptoms 16 -> 4: change -12, improved.
    // b: alliance 10, invalid (9), 6, 2 -> early mean of 10, 6 = 8 (n 2: the invalid one counts towards the three and is
    //    not replaced by the fourth); symptoms 10 -> 8: change -2, unchanged.
    // c: alliance missing at 1-3 (not computed), 10 at 4 -> no early alliance (n 0), not counted; symptoms 2 -> 12.
    // d: two rows at session 1 (RSP2033: neither is used), alliance 2 at 2 and 4 at 3 -> mean 3 (n 2); symptoms 5 -> 9: change +4, deteriorated.
    // e: alliance 10 at 1 only; symptoms at 1 only -> early 10 (n 1), no change: not counted.
    private const string Rows =
        "a,1,2,2,8,8\na,2,3,3,6,6\na,3,4,4,4,4\na,4,5,5,2,2\n"
        + "b,1,5,5,5,5\nb,2,9,1,5,5\nb,3,3,3,4,4\nb,4,1,1,4,4\n"
        + "c,1,,,1,1\nc,2,,,1,1\nc,3,,,1,1\nc,4,5,5,6,6\n"
        + "d,1,1,1,2,3\nd,1,1,1,2,3\nd,2,1,1,2,3\nd,3,2,2,4,5\n"
        + "e,1,5,5,3,3\n";

    private static (string Output, TrackingCounts Counts) Track(string input, DataFormat output, ProtocolPlan? protocol = null, bool occasions = false)
    {
        var pipeline = new TrackingPipeline(protocol ?? Protocol, new MemoryStream(Encoding.UTF8.GetBytes(input)), DataFormat.Csv, new TrackingOptions { Occasions = occasions });
        var bytes = new MemoryStream();
        var counts = pipeline.Run(output, bytes);
        return (Encoding.UTF8.GetString(bytes.ToArray()), counts);
    }

    private static double? Num(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    [Fact]
    public void Json_PerClientFields_AndTheSummary()
    {
        var (json, counts) = Track(Header + Rows, DataFormat.Json);
        using var doc = JsonDocument.Parse(json);
        var clients = doc.RootElement.GetProperty("clients").EnumerateArray().ToDictionary(c => c.GetProperty("client").GetString()!, c => c.GetProperty("alliance_outcome"));
        (double? Early, int N, double? Change, string? Rc) Of(string id)
        {
            var o = clients[id];
            return (Num(o.GetProperty("early_alliance")), o.GetProperty("early_n").GetInt32(), Num(o.GetProperty("change")), o.GetProperty("reliable_change").GetString());
        }

        Assert.Equal((6, 3, -12, "improved"), Of("a"));
        Assert.Equal((8, 2, -2, "unchanged"), Of("b"));
        Assert.Equal((null, 0, 10, "deteriorated"), Of("c"));
        Assert.Equal((3, 2, 4, "deteriorated"), Of("d"));   // a fixed threshold is inclusive
        Assert.Equal((10, 1, null, null), Of("e"));

        // Over a, b and d: (6, -12), (8, -2), (3, 4).
        var expected = Pearson([6, 8, 3], [-12, -2, 4]);
        var s = doc.RootElement.GetProperty("summary").GetProperty("alliance_outcome");
        Assert.Equal("alliance", s.GetProperty("alliance").GetString());
        Assert.Equal("symptoms", s.GetProperty("outcome").GetString());
        Assert.Equal(3, s.GetProperty("early_sessions").GetInt32());
        Assert.Equal(3, s.GetProperty("n").GetInt32());
        Assert.Equal(expected, s.GetProperty("r").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, s.GetProperty("not_computed").ValueKind);
        Assert.Equal(AllianceOutcomeSummary.Caution, s.GetProperty("caution").GetString());
        Assert.Equal(3, counts.AllianceOutcome!.Count);
        Assert.Equal(expected, counts.AllianceOutcome.R, 12);
    }

    [Fact]
    public void Interleaved_AndGrouped_GiveTheSameSummary_WithNoClientCountedTwice()
    {
        var lines = Rows.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var interleaved = Header + string.Join("\n", lines.Select((l, i) => (l, i)).OrderBy(x => x.i % 4).ThenBy(x => x.i).Select(x => x.l)) + "\n";
        var grouped = Track(Header + Rows, DataFormat.Json).Counts;
        var mixed = Track(interleaved, DataFormat.Json).Counts;
        Assert.True(grouped.Streamed);
        Assert.Equal(grouped.AllianceOutcome!.Count, mixed.AllianceOutcome!.Count);
        Assert.Equal(grouped.AllianceOutcome.R, mixed.AllianceOutcome.R, 12);
    }

    [Fact]
    public void Ndjson_EndsWithOneSummaryLine()
    {
        var (ndjson, _) = Track(Header + Rows, DataFormat.Ndjson);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal(["summary"], last.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, last.RootElement.GetProperty("summary").GetProperty("alliance_outcome").GetProperty("n").GetInt32());
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(6, first.RootElement.GetProperty("alliance_outcome").GetProperty("early_alliance").GetDouble());
    }

    [Fact]
    public void Csv_HasThePerClientColumns_AndTheSummaryOnlyInTheCounts()
    {
        var (csv, counts) = Track(Header + Rows, DataFormat.Csv);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = rows[0].Split(',');
        var at = Array.IndexOf(header, "alliance_outcome.early_alliance");
        Assert.Equal(["alliance_outcome.early_alliance", "alliance_outcome.early_n", "alliance_outcome.change", "alliance_outcome.reliable_change", "diagnostics"], header[at..]);
        Assert.Equal(["6", "3", "-12", "improved"], rows[1].Split(',')[at..(at + 4)]);
        Assert.Equal(["", "0", "10", "deteriorated"], rows[3].Split(',')[at..(at + 4)]);
        Assert.Equal(["10", "1", "", ""], rows[5].Split(',')[at..(at + 4)]);
        Assert.Equal(6, rows.Length);
        Assert.Equal(3, counts.AllianceOutcome!.Count);
    }

    [Fact]
    public void FewerThanThreeClients_NoR_WithTheReason()
    {
        var (json, counts) = Track(Header + "a,1,2,2,8,8\na,2,3,3,6,6\nb,1,5,5,5,5\nb,2,4,4,5,5\n", DataFormat.Json);
        using var doc = JsonDocument.Parse(json);
        var s = doc.RootElement.GetProperty("summary").GetProperty("alliance_outcome");
        Assert.Equal(2, s.GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("r").ValueKind);
        Assert.Contains("at least 3", s.GetProperty("not_computed").GetString(), StringComparison.Ordinal);
        Assert.True(double.IsNaN(counts.AllianceOutcome!.R));
    }

    [Fact]
    public void EarlySessions_FromTheProtocol_SetsTheWindow()
    {
        var one = Build("alliance_outcome: { alliance: alliance, outcome: symptoms, early_sessions: 1 }");
        var (json, _) = Track(Header + Rows, DataFormat.Json, one);
        using var doc = JsonDocument.Parse(json);
        var a = doc.RootElement.GetProperty("clients")[0].GetProperty("alliance_outcome");
        Assert.Equal(4, a.GetProperty("early_alliance").GetDouble());
        Assert.Equal(1, a.GetProperty("early_n").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("summary").GetProperty("alliance_outcome").GetProperty("early_sessions").GetInt32());
    }

    [Fact]
    public void WithoutAPairing_NothingChanges()
    {
        var plain = Build(string.Empty);
        var (json, counts) = Track(Header + Rows, DataFormat.Json, plain);
        using var doc = JsonDocument.Parse(json);
        Assert.False(doc.RootElement.TryGetProperty("summary", out _));
        Assert.False(doc.RootElement.GetProperty("clients")[0].TryGetProperty("alliance_outcome", out _));
        Assert.Null(counts.AllianceOutcome);
        var (csv, _) = Track(Header + Rows, DataFormat.Csv, plain);
        Assert.DoesNotContain("alliance_outcome", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Occasions_StillEndWithTheSummary()
    {
        var (json, _) = Track(Header + Rows, DataFormat.Json, occasions: true);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(3, doc.RootElement.GetProperty("summary").GetProperty("alliance_outcome").GetProperty("n").GetInt32());
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        var sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
