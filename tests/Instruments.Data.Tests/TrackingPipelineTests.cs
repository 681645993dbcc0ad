using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="TrackingPipeline"/> through its public API: ordering, grouping, every tracking diagnostic with the line
/// it names, the three output shapes (exact expected text), and a differential test of first/last/change against a
/// reference written here.
/// </summary>
public sealed class TrackingPipelineTests
{
    private const string Header = "client_id,session,a,b,c\r\n";

    // c1: 17, 15, 4, 3, 4 (a sudden gain after session 2, recovered); c2: one usable administration.
    private const string Grouped = Header
        + "c1,1,6,6,5\r\nc1,2,5,5,5\r\nc1,3,2,1,1\r\nc1,4,1,1,1\r\nc1,5,1,1,2\r\n"
        + "c2,1,4,4,4\r\n";

    [Fact]
    public void Csv_PerClient_IsTheFlattenedShape()
    {
        var (output, counts, _) = TrackingTestPlans.Track(Grouped, DataFormat.Csv);
        Assert.Equal(
            "client,administrations,used,total.first_occasion,total.first,total.last_occasion,total.last,total.change,total.case_first,total.case_last,total.recovered,"
            + "total.rc.fixed.threshold,total.rc.fixed.index,total.rc.fixed.outcome,total.rc.jt.threshold,total.rc.jt.index,total.rc.jt.outcome,total.category,"
            + "total.sudden_gains,total.sudden_losses,first.first_occasion,first.first,first.last_occasion,first.last,first.change,diagnostics\r\n"
            + "c1,5,5,1,17,5,4,-13,true,false,true,5,,improved,6.198064213930023,-4.110960958218893,improved,recovered,2:11,,1,6,5,1,-5,\r\n"
            + "c2,1,1,1,12,,,,true,,,5,,,6.198064213930023,,,,,,1,4,,,,RSP2032:total;RSP2032:first\r\n",
            output);
        Assert.Equal(new TrackingCounts(6, 2, 6, 0, Streamed: true), counts);
    }

    [Fact]
    public void Json_PerClient_HasTheIssuesShape_WithNullForAbsentValues()
    {
        var (output, _, _) = TrackingTestPlans.Track(Header + "c2,1,4,4,4\r\n");
        Assert.Equal("""
            {
              "instrument": "course",
              "version": "1.2.0",
              "clients": [
                {
                  "client": "c2",
                  "administrations": 1,
                  "used": 1,
                  "scores": {
                    "total": {
                      "first": {
                        "occasion": "1",
                        "value": 12
                      },
                      "last": null,
                      "change": null,
                      "case_first": true,
                      "case_last": null,
                      "recovered": null,
                      "reliable_change": {
                        "fixed": {
                          "threshold": 5,
                          "index": null,
                          "outcome": null
                        },
                        "jt": {
                          "threshold": 6.198064213930023,
                          "index": null,
                          "outcome": null
                        }
                      },
                      "category": null,
                      "sudden_gains": [],
                      "sudden_losses": []
                    },
                    "first": {
                      "first": {
                        "occasion": "1",
                        "value": 4
                      },
                      "last": null,
                      "change": null,
                      "case_first": null,
                      "case_last": null,
                      "recovered": null,
                      "reliable_change": {},
                      "category": null,
                      "sudden_gains": null,
                      "sudden_losses": null
                    }
                  },
                  "diagnostics": [
                    {
                      "id": "RSP2032",
                      "severity": "info",
                      "line": 2,
                      "message": "Client 'c2', score 'total': only one usable administration (line 2), so there is no change"
                    },
                    {
                      "id": "RSP2032",
                      "severity": "info",
                      "line": 2,
                      "message": "Client 'c2', score 'first': only one usable administration (line 2), so there is no change"
                    }
                  ]
                }
              ],
              "diagnostics": []
            }

            """.ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_TheFullCourse_MatchesTheHandComputedValues()
    {
        var (output, _, _) = TrackingTestPlans.Track(Grouped);
        using var doc = JsonDocument.Parse(output);
        var total = doc.RootElement.GetProperty("clients")[0].GetProperty("scores").GetProperty("total");
        Assert.Equal("1", total.GetProperty("first").GetProperty("occasion").GetString());
        Assert.Equal(17, total.GetProperty("first").GetProperty("value").GetDouble());
        Assert.Equal(4, total.GetProperty("last").GetProperty("value").GetDouble());
        Assert.Equal(-13, total.GetProperty("change").GetDouble());
        // JT: -13 / (5 * sqrt(2) * sqrt(0.2)) = -13 / 3.16228
        Assert.Equal(-13 / Math.Sqrt(10), total.GetProperty("reliable_change").GetProperty("jt").GetProperty("index").GetDouble(), 12);
        Assert.Equal("recovered", total.GetProperty("category").GetString());
        var gain = Assert.Single(total.GetProperty("sudden_gains").EnumerateArray());
        Assert.Equal("2", gain.GetProperty("pregain").GetString());
        Assert.Equal(11, gain.GetProperty("magnitude").GetDouble());
        Assert.False(gain.GetProperty("reversal").GetBoolean());
    }

    [Fact]
    public void Ndjson_IsOneClientObjectPerLine_TheSameAsTheJsonClients()
    {
        var json = TrackingTestPlans.Track(Grouped).Output;
        var ndjson = TrackingTestPlans.Track(Grouped, DataFormat.Ndjson).Output;
        var lines = ndjson.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[^1]);
        using var doc = JsonDocument.Parse(json);
        var clients = doc.RootElement.GetProperty("clients").EnumerateArray().Select(c => c.GetRawText()).ToList();
        for (var i = 0; i < 2; i++)
        {
            Assert.DoesNotContain('\n', lines[i]);
            using var line = JsonDocument.Parse(lines[i]);
            using var expected = JsonDocument.Parse(clients[i]);
            Assert.True(JsonElement.DeepEquals(expected.RootElement, line.RootElement), lines[i]);
        }
    }

    [Fact]
    public void Occasions_Csv_IsOneRowPerAdministration_WithChangesAndEvents()
    {
        var (output, _, _) = TrackingTestPlans.Track(Header + "c1,2,5,5,5\r\nc1,1,6,6,5\r\nc1,3,2,1,1\r\nc1,3,2,2,2\r\nc1,4,1,1,1\r\nc1,x,1,1,1\r\n", DataFormat.Csv, occasions: true);
        Assert.Equal(
            "client,occasion,line,status,total,total.change_previous,total.change_first,total.events,first,first.change_previous,first.change_first,first.events,diagnostics\r\n"
            + "c1,1,3,complete,17,,,,6,,,,\r\n"
            + "c1,2,2,complete,15,-2,-2,,5,-1,-1,,\r\n"
            + "c1,3,4,complete,,,,,,,,,RSP2031:line 4\r\n"
            + "c1,3,5,complete,,,,,,,,,RSP2031:line 4\r\n"
            + "c1,4,6,complete,3,-12,-14,reliable_improvement:fixed;reliable_improvement:jt;recovered,1,-4,-5,,\r\n"
            + "c1,x,7,complete,,,,,,,,,RSP2033:line 7\r\n",
            output);
    }

    [Fact]
    public void Occasions_Json_NamesEveryAdministration()
    {
        var (output, _, _) = TrackingTestPlans.Track(Grouped, occasions: true);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("administrations").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        var third = rows[2];
        Assert.Equal("c1", third.GetProperty("client").GetString());
        Assert.Equal("3", third.GetProperty("occasion").GetString());
        Assert.Equal(4, third.GetProperty("line").GetInt32());
        var total = third.GetProperty("scores").GetProperty("total");
        Assert.Equal(4, total.GetProperty("value").GetDouble());
        Assert.Equal(-11, total.GetProperty("change_previous").GetDouble());
        Assert.Equal(-13, total.GetProperty("change_first").GetDouble());
        Assert.Equal(["sudden_gain", "reliable_improvement:fixed", "reliable_improvement:jt", "recovered"],
            total.GetProperty("events").EnumerateArray().Select(e => e.GetString()!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InterleavedAndUnordered_GiveTheSameClientsAsGrouped(bool seekable)
    {
        var grouped = TrackingTestPlans.Track(Grouped);
        var interleaved = Header + "c1,3,2,1,1\r\nc2,1,4,4,4\r\nc1,5,1,1,2\r\nc1,1,6,6,5\r\nc1,4,1,1,1\r\nc1,2,5,5,5\r\n";
        var shuffled = TrackingTestPlans.Track(interleaved, seekable: seekable);
        Assert.True(grouped.Counts.Streamed);
        Assert.False(shuffled.Counts.Streamed);

        // The same analysis; only the lines named differ (the rows moved).
        using var a = JsonDocument.Parse(grouped.Output);
        using var b = JsonDocument.Parse(shuffled.Output);
        var ca = a.RootElement.GetProperty("clients");
        var cb = b.RootElement.GetProperty("clients");
        Assert.Equal(2, cb.GetArrayLength());
        for (var i = 0; i < 2; i++)
        {
            Assert.True(JsonElement.DeepEquals(ca[i].GetProperty("scores"), cb[i].GetProperty("scores")), cb[i].GetRawText());
        }
    }

    [Theory]
    [InlineData(DataFormat.Csv)]
    [InlineData(DataFormat.Json)]
    public void GroupedInput_IsStreamedInOnePass_WhenTheOutputCanSeek_AsWithThePreScan(DataFormat format)
    {
        // A seekable output: one optimistic pass; a forward-only output: the pre-scan, then a second pass. Same bytes.
        var onePass = TrackingTestPlans.Track(Grouped, format);
        var preScanned = TrackingTestPlans.Track(Grouped, format, seekableOutput: false);
        Assert.True(onePass.Counts.Streamed);
        Assert.True(preScanned.Counts.Streamed);
        Assert.Equal(preScanned.Output, onePass.Output);
    }

    [Theory]
    [InlineData(DataFormat.Csv)]
    [InlineData(DataFormat.Json)]
    [InlineData(DataFormat.Ndjson)]
    public void ClientComingBack_EndsTheOnePassGuess_OutputStartsAgain_WarningsAndProgressAreNotRepeated(DataFormat format)
    {
        // c1 and c2 are written by the optimistic pass before c1 comes back on the last line; the run then starts again
        // buffered. The row without a client (RSP2034) was warned about in the first pass: not again.
        var input = Header + ",1,1,1,1\r\n"
            + string.Concat(Enumerable.Range(1, 3000).Select(s => $"c1,{s},1,1,1\r\n"))
            + string.Concat(Enumerable.Range(1, 3000).Select(s => $"c2,{s},2,2,2\r\n"))
            + "c1,3001,0,0,0\r\n";
        var progress = new List<long>();
        var restarted = TrackingTestPlans.Track(input, format, progress: progress);
        var buffered = TrackingTestPlans.Track(input, format, seekableOutput: false);
        Assert.False(restarted.Counts.Streamed);
        Assert.Equal(buffered.Output, restarted.Output);
        Assert.Equal(buffered.Counts, restarted.Counts);
        Assert.Equal(buffered.Warnings, restarted.Warnings);
        Assert.Single(restarted.Warnings, w => w.Contains("RSP2034", StringComparison.Ordinal));
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(progress.Distinct(), progress);
        Assert.Equal(6002, progress[^1]);
    }

    [Fact]
    public void ClientComingBack_CutsOnlyWhatTheRunWrote_NotWhatTheOutputHeldBefore()
    {
        var input = Header + "c1,1,6,6,6\r\nc2,1,1,1,1\r\nc1,2,1,1,1\r\n";
        var expected = TrackingTestPlans.Track(input, DataFormat.Csv, seekableOutput: false).Output;
        var pipeline = new TrackingPipeline(TrackingTestPlans.Course, new MemoryStream(Encoding.UTF8.GetBytes(input)), DataFormat.Csv);
        var output = new MemoryStream();
        output.Write("kept\n"u8);
        pipeline.Run(DataFormat.Csv, output);
        Assert.Equal("kept\n" + expected, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void GroupedInput_ThatCannotSeek_IsBufferedWithTheSameOutput()
    {
        var seekable = TrackingTestPlans.Track(Grouped, DataFormat.Csv);
        var forwardOnly = TrackingTestPlans.Track(Grouped, DataFormat.Csv, seekable: false);
        Assert.True(seekable.Counts.Streamed);
        Assert.False(forwardOnly.Counts.Streamed);
        Assert.Equal(seekable.Output, forwardOnly.Output);
    }

    [Fact]
    public void PreScan_ReadsClientIdsAsTheReaderDoes_QuotedOrNot()
    {
        // "c1" and c1 are one client: grouped (streamed) when its rows are together, buffered when another comes between.
        var together = TrackingTestPlans.Track(Header + "c1,1,6,6,6\r\n\"c1\",2,1,1,1\r\nc2,1,1,1,1\r\n", DataFormat.Csv);
        Assert.True(together.Counts.Streamed);
        Assert.StartsWith("c1,2,2,", together.Output.Split("\r\n")[1], StringComparison.Ordinal);
        var apart = TrackingTestPlans.Track(Header + "\"c1\",1,6,6,6\r\nc2,1,1,1,1\r\nc1,2,1,1,1\r\n", DataFormat.Csv);
        Assert.False(apart.Counts.Streamed);
        Assert.Equal(together.Output, apart.Output);
    }

    [Fact]
    public void Dates_AreOrderedAsDates()
    {
        var input = Header + "d1,2026-03-01,1,1,1\r\nd1,2025-12-31,6,6,6\r\nd1,2026-01-15,5,5,5\r\n";
        var (output, _, _) = TrackingTestPlans.Track(input, DataFormat.Csv);
        var row = output.Split("\r\n")[1].Split(',');
        Assert.Equal(["d1", "3", "3", "2025-12-31", "18", "2026-03-01", "3", "-15"], row[..8]);
    }

    [Fact]
    public void Numbers_AreCanonical_AndCompareByValue()
    {
        // "01" and "1" are the same occasion; 10 comes after 9 (not as text); 2.5 between 2 and 3.
        var input = Header + "n1,10,1,1,1\r\nn1,9,2,2,2\r\nn1,01,6,6,6\r\nn1,2.5,5,5,5\r\nn1,1e0,6,6,6\r\n";
        var (output, _, _) = TrackingTestPlans.Track(input, DataFormat.Csv, occasions: true);
        var lines = output.Split("\r\n");
        Assert.Equal(["1", "1", "2.5", "9", "10"], lines[1..6].Select(l => l.Split(',')[1]));
        Assert.EndsWith("RSP2031:line 4", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void MixedKinds_RSP2033_NamesTheLine_AndTheRowIsNotUsed()
    {
        var input = Header + "m1,1,6,6,6\r\nm1,2026-01-01,1,1,1\r\nm1,week 3,1,1,1\r\nm1,2,5,5,5\r\n";
        var (output, counts, _) = TrackingTestPlans.Track(input);
        using var doc = JsonDocument.Parse(output);
        var client = doc.RootElement.GetProperty("clients")[0];
        Assert.Equal(4, client.GetProperty("administrations").GetInt32());
        Assert.Equal(2, client.GetProperty("used").GetInt32());
        Assert.Equal(15, client.GetProperty("scores").GetProperty("total").GetProperty("last").GetProperty("value").GetDouble());
        var d = client.GetProperty("diagnostics").EnumerateArray().Where(x => x.GetProperty("id").GetString() == "RSP2033").ToList();
        Assert.Equal(2, d.Count);
        Assert.Equal(3, d[0].GetProperty("line").GetInt32());
        Assert.Equal("Line 3: occasion '2026-01-01' is a date, but the file's first occasion (line 2) is a number; the row is not used", d[0].GetProperty("message").GetString());
        Assert.Equal(4, d[1].GetProperty("line").GetInt32());
        Assert.Equal("Line 4: occasion 'week 3' is not a number or an ISO date (yyyy-MM-dd); the row is not used", d[1].GetProperty("message").GetString());
        Assert.Equal(2, counts.Problems);
    }

    [Fact]
    public void DuplicateOccasions_RSP2031_NamesBothLines_AndNeitherIsUsed()
    {
        var input = Header + "d1,1,6,6,6\r\nd1,2,1,1,1\r\nd1,2,5,5,5\r\n";
        var (output, _, _) = TrackingTestPlans.Track(input);
        using var doc = JsonDocument.Parse(output);
        var client = doc.RootElement.GetProperty("clients")[0];
        var total = client.GetProperty("scores").GetProperty("total");
        Assert.Equal(JsonValueKind.Null, total.GetProperty("change").ValueKind);
        Assert.Equal("1", total.GetProperty("first").GetProperty("occasion").GetString());
        Assert.Equal(JsonValueKind.Null, total.GetProperty("last").ValueKind);
        var d = Assert.Single(client.GetProperty("diagnostics").EnumerateArray(), x => x.GetProperty("id").GetString() == "RSP2031");
        Assert.Equal(3, d.GetProperty("line").GetInt32());
        Assert.Equal("Client 'd1': lines 3, 4 are all at occasion 2; none of them is used (they are never merged)", d.GetProperty("message").GetString());
    }

    [Fact]
    public void InvalidAndBeyondMissing_RSP2030_AreNeverFirstOrLast()
    {
        // Line 2: invalid (10 is not an option); line 3: two of three items missing (beyond max 1); line 6: invalid.
        var input = Header + "v1,1,10,1,1\r\nv1,2,1,,\r\nv1,3,6,6,6\r\nv1,4,1,1,1\r\nv1,5,1,x,1\r\n";
        var (output, counts, _) = TrackingTestPlans.Track(input);
        using var doc = JsonDocument.Parse(output);
        var client = doc.RootElement.GetProperty("clients")[0];
        var total = client.GetProperty("scores").GetProperty("total");
        Assert.Equal("3", total.GetProperty("first").GetProperty("occasion").GetString());
        Assert.Equal("4", total.GetProperty("last").GetProperty("occasion").GetString());
        Assert.Equal(-15, total.GetProperty("change").GetDouble());
        var messages = client.GetProperty("diagnostics").EnumerateArray()
            .Select(d => (d.GetProperty("id").GetString(), d.GetProperty("line").GetInt32(), d.GetProperty("message").GetString())).ToList();
        Assert.Equal(
            [
                ("RSP2030", 2, "Line 2: administration not used for any score: it is invalid (RSP2001 on item 'a')"),
                ("RSP2030", 3, "Line 3: administration not used for total: the score is not computed (more items missing than its missing rule allows)"),
                ("RSP2030", 6, "Line 6: administration not used for any score: it is invalid (RSP2002 on item 'b')"),
            ],
            messages);
        Assert.Equal(3, client.GetProperty("used").GetInt32());   // line 3 still gives 'first'
        Assert.Equal(3, counts.Problems);
    }

    [Fact]
    public void AClientIdOfOnlySpacesAndTabs_IsNoClient_AndSpacesAroundOccasionsAreIgnored()
    {
        var input = Header + "e1, 1 ,1,1,1\r\n \t ,2,1,1,1\r\ne1,\t3\t,2,2,2\r\n\t,4,1,1,1\r\n";
        var (output, counts, warnings) = TrackingTestPlans.Track(input);
        using var doc = JsonDocument.Parse(output);
        var top = doc.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("line").GetInt32())).ToList();
        Assert.Equal([("RSP2034", 3), ("RSP2034", 5)], top);
        var client = Assert.Single(doc.RootElement.GetProperty("clients").EnumerateArray());
        Assert.Equal("e1", client.GetProperty("client").GetString());
        Assert.Equal(2, client.GetProperty("used").GetInt32());
        var total = client.GetProperty("scores").GetProperty("total");
        Assert.Equal("1", total.GetProperty("first").GetProperty("occasion").GetString());
        Assert.Equal("3", total.GetProperty("last").GetProperty("occasion").GetString());
        Assert.Equal(2, warnings.Count);
        Assert.Equal(new TrackingCounts(4, 1, 2, 2, Streamed: true), counts);
    }

    [Fact]
    public void EmptyClientAndMalformedRows_BelongToNoClient_AndNameTheirLines()
    {
        var input = Header + "e1,1,1,1,1\r\n,2,1,1,1\r\ne1,2,1,\"x\"y,1\r\ne1,3,2,2,2\r\n";
        var (output, counts, warnings) = TrackingTestPlans.Track(input);
        using var doc = JsonDocument.Parse(output);
        var top = doc.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("line").GetInt32())).ToList();
        Assert.Equal([("RSP2034", 3), ("RSP2010", 4)], top);
        Assert.Equal(2, doc.RootElement.GetProperty("clients")[0].GetProperty("administrations").GetInt32());
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("RSP2034: warning: Line 3: the client column 'client_id' is empty or absent", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("RSP2010: error: Line 4: ", warnings[1], StringComparison.Ordinal);
        Assert.Equal(new TrackingCounts(4, 1, 2, 2, Streamed: true), counts);
    }

    [Fact]
    public void OtherColumnNames_AndJsonInput()
    {
        const string json = """[{"who":"j1","when":1,"a":6,"b":6,"c":6},{"who":"j1","when":"2","a":1,"b":1,"c":1},{"when":3,"a":1,"b":1,"c":1}]""";
        var (output, _, _) = TrackingTestPlans.Track(json, DataFormat.Csv, DataFormat.Json, client: "who", occasion: "when");
        var lines = output.Split("\r\n");
        Assert.StartsWith("j1,2,2,1,18,2,3,-15,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CsvWithoutTheClientColumn_IsAFileError()
    {
        var e = Assert.Throws<ResponseFileException>(() => TrackingTestPlans.Track("id,session,a,b,c\r\nx,1,1,1,1\r\n"));
        Assert.Equal("the input has no client column 'client_id' (its columns other than items: id, session)", e.Message);
    }

    [Fact]
    public void ClientIds_ThatLookLikeFormulas_AreDefused()
    {
        var (output, _, _) = TrackingTestPlans.Track(Header + "=cmd(),1,1,1,1\r\n", DataFormat.Csv);
        Assert.StartsWith("'=cmd(),1,1,", output.Split("\r\n")[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ManyClients_FirstLastChange_EqualAReferenceComputedHere(int workers)
    {
        // 1,500 clients, up to 12 rows each, shuffled (so buffered) and grouped (so streamed), across several blocks.
        var random = new Random(1411 + workers);
        var rows = new List<(string Client, int Session, int?[] Items)>();
        for (var c = 0; c < 1500; c++)
        {
            var sessions = Enumerable.Range(1, 20).OrderBy(_ => random.Next()).Take(random.Next(1, 13)).ToList();
            foreach (var s in sessions)
            {
                rows.Add(("c" + c.ToString(CultureInfo.InvariantCulture), s,
                    [random.Next(10), random.Next(8) == 0 ? null : random.Next(10), random.Next(8) == 0 ? null : random.Next(10)]));
            }
        }

        static string Csv(IEnumerable<(string Client, int Session, int?[] Items)> rows) =>
            Header + string.Concat(rows.Select(r => $"{r.Client},{r.Session},{r.Items[0]},{r.Items[1]},{r.Items[2]}\r\n"));

        // Reference: per client, sessions in order; total usable when at most one item is missing (prorated sum).
        var expected = rows.GroupBy(r => r.Client).ToDictionary(g => g.Key, g =>
        {
            var usable = g.OrderBy(r => r.Session).Where(r => r.Items.Count(i => i is null) <= 1)
                .Select(r => (r.Session, Total: r.Items.Where(i => i is not null).Sum(i => (double)i!.Value) * 3 / r.Items.Count(i => i is not null))).ToList();
            return (Count: g.Count(), First: usable.Count > 0 ? usable[0] : default, Last: usable.Count > 0 ? usable[^1] : default, usable.Count);
        });

        var shuffled = rows.OrderBy(_ => random.Next()).ToList();
        var grouped = rows.GroupBy(r => r.Client).SelectMany(g => g).ToList();
        foreach (var (input, streamed) in new[] { (Csv(shuffled), false), (Csv(grouped), true) })
        {
            var (output, counts, _) = TrackingTestPlans.Track(input, DataFormat.Csv, workers: workers);
            Assert.Equal(streamed, counts.Streamed);
            var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.Equal(expected.Count, lines.Count);
            foreach (var line in lines)
            {
                var cells = line.Split(',');
                var e = expected[cells[0]];
                Assert.Equal(e.Count.ToString(CultureInfo.InvariantCulture), cells[1]);
                if (e.Item4 == 0)
                {
                    Assert.Equal(["", "", "", "", ""], cells[3..8]);
                    continue;
                }

                Assert.Equal(e.First.Session.ToString(CultureInfo.InvariantCulture), cells[3]);
                Assert.Equal(e.First.Total, double.Parse(cells[4], CultureInfo.InvariantCulture), 9);
                if (e.Item4 == 1)
                {
                    // One usable administration: a first, no last (the engine's rule), no change.
                    Assert.Equal(["", "", ""], cells[5..8]);
                    continue;
                }

                Assert.Equal(e.Last.Session.ToString(CultureInfo.InvariantCulture), cells[5]);
                Assert.Equal(e.Last.Total, double.Parse(cells[6], CultureInfo.InvariantCulture), 9);
                if (e.Item4 >= 2)
                {
                    Assert.Equal(e.Last.Total - e.First.Total, double.Parse(cells[7], CultureInfo.InvariantCulture), 9);
                }
                else
                {
                    Assert.Equal("", cells[7]);
                }
            }
        }
    }
}
