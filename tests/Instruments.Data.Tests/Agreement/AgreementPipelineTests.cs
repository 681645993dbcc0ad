using System.Text;
using System.Globalization;
using System.Text.Json;
using static Instruments.Data.Tests.Agreement.AgreementTestForms;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// <see cref="AgreementPipeline"/> through its public API: pairing by client and occasion (and therapist), every input
/// row mentioned exactly once (pair, unpaired, or a diagnostic with its file and line), the boundaries (a single-pair
/// dyad, the discrepancy threshold exactly, zero variance), the output shapes, and a differential test against a
/// naive join written here.
/// </summary>
public sealed class AgreementPipelineTests
{
    private const string Header = "client_id,session,a,b,c\r\n";

    [Fact]
    public void Pairs_ByClientAndOccasion_WithDifferenceClientMinusTherapist()
    {
        var (output, counts, warnings) = Agree(Header + "c1,1,5,5,5\r\nc1,2,4,4,4\r\n", Header + "c1,2,3,3,3\r\nc1,1,4,4,4\r\n");
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(("al-c", "al-t"), (root.GetProperty("instrument").GetString(), root.GetProperty("counterpart").GetString()));
        var pairs = root.GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal(["1", "2"], pairs.Select(p => p.GetProperty("occasion").GetString()));
        var first = pairs[0].GetProperty("scores").GetProperty("total");
        Assert.Equal((15.0, 12.0, 3.0), (first.GetProperty("client").GetDouble(), first.GetProperty("therapist").GetDouble(), first.GetProperty("difference").GetDouble()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("discrepancy").ValueKind);
        Assert.Equal((2, 3), (pairs[0].GetProperty("client_line").GetInt32(), pairs[0].GetProperty("therapist_line").GetInt32()));
        Assert.Equal(new AgreementCounts(4, 2, 0, 0, 1), counts);
        Assert.Empty(warnings);
        Assert.Empty(root.GetProperty("unpaired").EnumerateArray());
    }

    [Fact]
    public void EveryRow_IsMentionedExactlyOnce_AsAPairAnUnpairedAdministrationOrADiagnostic()
    {
        var client = Header
            + "c1,1,5,5,5\r\n"      // 2: paired
            + "c1,2,4,4,4\r\n"      // 3: unpaired (no therapist at 2)
            + "c1,3,9,4,4\r\n"      // 4: invalid (9 is not an option): RSP2040
            + "c1,4,3,3,3\r\n"      // 5: duplicate at 4 (with 6): RSP2041
            + "c1,4,2,2,2\r\n"      // 6
            + ",5,3,3,3\r\n"        // 7: no client: RSP2034
            + "c1,x,3,3,3\r\n"      // 8: bad occasion: RSP2033
            + "c1,6,3,,3\r\n"       // 9: a paired score not computed: RSP2040
            + "c2,1,3,3,3\r\n";     // 10: unpaired (therapist's at 1 is invalid)
        var therapist = Header
            + "c1,1,4,4,4\r\n"      // 2: paired
            + "c1,4,3,3,3\r\n"      // 3: unpaired (client's at 4 are several)
            + "c1,3,3,3,3\r\n"      // 4: unpaired (client's at 3 is invalid)
            + "c2,1,0,3,3\r\n"      // 5: invalid: RSP2040
            + "c3,1,3,3,3\r\n";     // 6: unpaired (no client c3)
        var (output, counts, warnings) = Agree(client, therapist);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        var mentions = new List<(string Input, int Line)>();
        foreach (var p in root.GetProperty("pairs").EnumerateArray())
        {
            mentions.Add(("c.csv", p.GetProperty("client_line").GetInt32()));
            mentions.Add(("t.csv", p.GetProperty("therapist_line").GetInt32()));
        }

        foreach (var u in root.GetProperty("unpaired").EnumerateArray())
        {
            mentions.Add((u.GetProperty("input").GetString()!, u.GetProperty("line").GetInt32()));
        }

        var diagnostics = root.GetProperty("diagnostics").EnumerateArray()
            .Select(d => (Id: d.GetProperty("id").GetString()!, Input: d.GetProperty("input").GetString()!, Line: d.GetProperty("line").GetInt32(), Message: d.GetProperty("message").GetString()!))
            .ToList();
        foreach (var d in diagnostics)
        {
            mentions.Add((d.Input, d.Line));
            if (d.Id == "RSP2041")
            {
                mentions.Add((d.Input, 6));   // the duplicate names both lines, 5 and 6
                Assert.Equal("c.csv: client 'c1': lines 5, 6 are all at occasion 4; none of them is paired (they are never merged)", d.Message);
            }
        }

        var expected = Enumerable.Range(2, 9).Select(l => ("c.csv", l)).Concat(Enumerable.Range(2, 5).Select(l => ("t.csv", l)));
        Assert.Equal(expected.Order(), mentions.Order());
        Assert.Equal(
            [("RSP2040", "c.csv", 4), ("RSP2041", "c.csv", 5), ("RSP2034", "c.csv", 7), ("RSP2033", "c.csv", 8), ("RSP2040", "c.csv", 9), ("RSP2040", "t.csv", 5)],
            diagnostics.Select(d => (d.Id, d.Input, d.Line)));
        Assert.Equal("c.csv line 9: administration not paired: score 'total' not computed (beyond its missing rule)", diagnostics[4].Message);
        Assert.StartsWith("c.csv line 4: administration not paired: invalid (RSP2001 on item 'a')", diagnostics[0].Message, StringComparison.Ordinal);
        var reasons = root.GetProperty("unpaired").EnumerateArray().Select(u => (u.GetProperty("input").GetString(), u.GetProperty("line").GetInt32(), u.GetProperty("reason").GetString())).ToList();
        Assert.Equal(
            [
                ("c.csv", 3, "no usable therapist administration at this occasion in t.csv"),
                ("c.csv", 10, "no usable therapist administration at this occasion in t.csv"),
                ("t.csv", 3, "the client administrations at this occasion (lines 5, 6) are several, so none is paired"),
                ("t.csv", 4, "no usable client administration at this occasion in c.csv"),
                ("t.csv", 6, "no usable client administration at this occasion in c.csv"),
            ], reasons);
        Assert.Equal(new AgreementCounts(14, 1, 5, 7, 1), counts);
        // JSON lists the unpaired administrations and the diagnostics: none is warned as well (each row is mentioned once).
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(DataFormat.Json, false, false)]
    [InlineData(DataFormat.Csv, false, false)]
    [InlineData(DataFormat.Ndjson, false, false)]
    [InlineData(DataFormat.Csv, true, true)]      // the summary does not list them
    [InlineData(DataFormat.Ndjson, true, true)]
    [InlineData(DataFormat.Json, true, false)]    // JSON lists them, summary or not
    public void UnpairedAdministrations_AreWarnedRowByRow_OnlyWhenTheOutputDoesNotListThem(DataFormat format, bool summary, bool warned)
    {
        var client = Header + "c1,1,5,5,5\r\nc1,2,4,4,4\r\n";
        var therapist = Header + "c1,1,4,4,4\r\nc2,1,3,3,3\r\n";
        var (output, counts, warnings) = Agree(client, therapist, format, new AgreementOptions { Summary = summary });
        Assert.Equal(2, counts.Unpaired);
        var expected = new[]
        {
            "RSP2042: warning: c.csv line 3: client 'c1' at occasion 2: no usable therapist administration at this occasion in t.csv",
            "RSP2042: warning: t.csv line 3: client 'c2' at occasion 1: no usable client administration at this occasion in c.csv",
        };
        Assert.Equal(warned ? expected : [], warnings.Where(w => w.StartsWith("RSP2042", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        if (!summary || format == DataFormat.Json)
        {
            Assert.Contains("no usable therapist administration at this occasion in t.csv", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnpairedAdministrations_AreWarnedRowByRow_WhenNothingIsWritten_AsForReports()
    {
        var warnings = new List<string>();
        var pipeline = new AgreementPipeline(Pairing, new MemoryStream(Encoding.UTF8.GetBytes(Header + "c1,1,5,5,5\r\nc1,2,4,4,4\r\n")), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(Header + "c1,1,4,4,4\r\n")), DataFormat.Csv,
            new AgreementOptions { ClientInputName = "c.csv", TherapistInputName = "t.csv", Warnings = warnings.Add, OnDyad = _ => { } });
        var counts = pipeline.Run(DataFormat.Json, Stream.Null);
        Assert.Equal(1, counts.Unpaired);
        Assert.Equal(["RSP2042: warning: c.csv line 3: client 'c1' at occasion 2: no usable therapist administration at this occasion in t.csv"], warnings);
    }

    [Fact]
    public void SinglePairDyad_HasNoSd_WithAReason_AndNoNaNAnywhere()
    {
        var (output, _, _) = Agree(Header + "c1,1,5,5,5\r\n", Header + "c1,1,4,4,4\r\n");
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        var dyad = doc.RootElement.GetProperty("dyads")[0];
        Assert.Equal(1, dyad.GetProperty("pairs").GetInt32());
        var sd = dyad.GetProperty("scores").GetProperty("total").GetProperty("sd_difference");
        Assert.Equal(JsonValueKind.Null, sd.GetProperty("value").ValueKind);
        Assert.Equal("one pair: a spread needs at least two", sd.GetProperty("reason").GetString());
        var summary = doc.RootElement.GetProperty("summary").GetProperty("scores").GetProperty("total");
        Assert.Equal(1, summary.GetProperty("over_dyads").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("over_pairs").GetProperty("icc_a1").GetProperty("value").ValueKind);
    }

    [Fact]
    public void EveryValueEqual_LeavesRAndIccNullWithReasons_AndTheLimitsAtZero()
    {
        var (output, _, _) = Agree(Header + "c1,1,3,3,3\r\nc2,1,3,3,3\r\nc3,1,3,3,3\r\n", Header + "c1,1,3,3,3\r\nc2,1,3,3,3\r\nc3,1,3,3,3\r\n");
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        foreach (var level in new[] { "over_dyads", "over_pairs" })
        {
            var x = doc.RootElement.GetProperty("summary").GetProperty("scores").GetProperty("total").GetProperty(level);
            Assert.Equal(3, x.GetProperty("n").GetInt32());
            Assert.Equal("the client values do not vary", x.GetProperty("pearson_r").GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.Null, x.GetProperty("icc_a1").GetProperty("value").ValueKind);
            Assert.Equal("every value is the same: no variance to apportion", x.GetProperty("icc_a1").GetProperty("reason").GetString());
            Assert.Equal((0.0, 0.0), (x.GetProperty("lower_limit").GetProperty("value").GetDouble(), x.GetProperty("upper_limit").GetProperty("value").GetDouble()));
        }
    }

    [Theory]
    [InlineData(3.0, "true")]     // |15 - 12| = 3: exactly at the threshold counts
    [InlineData(3.5, "false")]
    public void Discrepancy_IsInclusiveAtTheThreshold(double threshold, string flagged)
    {
        var (output, _, _) = Agree(Header + "c1,1,5,5,5\r\n", Header + "c1,1,4,4,4\r\n", DataFormat.Csv, new AgreementOptions { Discrepancy = threshold });
        Assert.Equal(
            "status,client_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,total.discrepancy,ab.client,ab.therapist,ab.difference,ab.discrepancy,reason\r\n"
            + $"paired,c1,1,2,2,15,12,3,{flagged},10,8,2,false,\r\n",
            output);
    }

    [Fact]
    public void PairsCsv_ListsUnpairedAdministrations_AfterThePairs()
    {
        var (output, _, _) = Agree(Header + "c1,1,5,5,5\r\nc1,2,1,1,1\r\n", Header + "c1,1,4,4,4\r\nc9,1,2,2,2\r\n", DataFormat.Csv);
        Assert.Equal(
            "status,client_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,ab.client,ab.therapist,ab.difference,reason\r\n"
            + "paired,c1,1,2,2,15,12,3,10,8,2,\r\n"
            + "unpaired,c1,2,3,,3,,,2,,,no usable therapist administration at this occasion in t.csv\r\n"
            + "unpaired,c9,1,,3,,6,,,4,,no usable client administration at this occasion in c.csv\r\n",
            output);
    }

    [Fact]
    public void PairsCsv_WithTherapistAndDiscrepancy_WritesFractionalAndLargeOccasionsAsRoundTripNumbers()
    {
        // The pairs table is written cell by cell; a whole number below 1e15 takes an integer path, anything else "R".
        const string header = "client_id,therapist_id,session,a,b,c\r\n";
        var (output, _, _) = Agree(
            header + "c1,t1,1.5,5,5,5\r\nc1,t1,10000000000000000,3,3,3\r\nc1,t1,0.1,2,2,2\r\n",
            header + "c1,t1,1.5,4,4,4\r\nc1,t1,10000000000000000,1,1,1\r\nc1,t1,7,1,2,3\r\n",
            DataFormat.Csv, new AgreementOptions { TherapistColumn = "therapist_id", Discrepancy = 3 });
        Assert.Equal(
            "status,client_id,therapist_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,total.discrepancy,ab.client,ab.therapist,ab.difference,ab.discrepancy,reason\r\n"
            + "paired,c1,t1,1.5,2,2,15,12,3,true,10,8,2,false,\r\n"
            + "paired,c1,t1,10000000000000000,3,3,9,3,6,true,6,2,4,true,\r\n"
            + "unpaired,c1,t1,0.1,4,,6,,,,4,,,,no usable therapist administration at this occasion in t.csv\r\n"
            + "unpaired,c1,t1,7,,4,,6,,,,3,,,no usable client administration at this occasion in c.csv\r\n",
            output);
    }

    [Fact]
    public void UnusableRows_WithTherapistAndDiscrepancy_HaveEveryColumn_InCsvAndNdjson()
    {
        // An invalid row in a dyad (its ids from the dyad), a row without a therapist, an unusable occasion, and two
        // rows of one dyad at one occasion: each a row of its own, with as many cells as the header.
        const string header = "client_id,therapist_id,session,a,b,c\r\n";
        var client = header + "c1,t1,1,5,5,5\r\nc1,t1,2,9,5,5\r\nc2,,1,3,3,3\r\nc3,t3,x,3,3,3\r\n";
        var therapist = header + "c1,t1,1,4,4,4\r\nc1,t1,3,2,2,2\r\nc1,t1,3,1,1,1\r\n";
        var options = new AgreementOptions { TherapistColumn = "therapist_id", Discrepancy = 3 };
        var (csv, counts, warnings) = Agree(client, therapist, DataFormat.Csv, options);
        Assert.Equal(
            "status,client_id,therapist_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,total.discrepancy,ab.client,ab.therapist,ab.difference,ab.discrepancy,reason\r\n"
            + "paired,c1,t1,1,2,2,15,12,3,true,10,8,2,false,\r\n"
            + "unusable,c1,t1,2,3,,,,,,,,,,RSP2040: c.csv line 3: administration not paired: invalid (RSP2001 on item 'a')\r\n"
            + "unusable,c2,,,4,,,,,,,,,,RSP2043: c.csv line 4: the therapist column 'therapist_id' is empty or absent; the row is not paired\r\n"
            + "unusable,c3,,x,5,,,,,,,,,,RSP2033: c.csv: Line 5: occasion 'x' is not a number or an ISO date (yyyy-MM-dd); the row is not used\r\n"
            + "unusable,c1,t1,3,,3,,,,,,,,,\"RSP2041: t.csv: client 'c1' with therapist 't1': lines 3, 4 are all at occasion 3; none of them is paired (they are never merged)\"\r\n"
            + "unusable,c1,t1,3,,4,,,,,,,,,\"RSP2041: t.csv: client 'c1' with therapist 't1': lines 3, 4 are all at occasion 3; none of them is paired (they are never merged)\"\r\n",
            csv);
        Assert.Equal(new AgreementCounts(7, 1, 0, 5, 1), counts with { Streamed = false });
        Assert.Empty(warnings);

        var (ndjson, _, _) = Agree(client, therapist, DataFormat.Ndjson, options);
        var unusable = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(o => o.GetProperty("status").GetString() == "unusable").ToList();
        Assert.Equal(5, unusable.Count);
        var first = unusable[0];
        Assert.Equal(("client", "c.csv", 3, "c1", "t1", "2"),
            (first.GetProperty("form").GetString(), first.GetProperty("input").GetString(), first.GetProperty("line").GetInt32(),
             first.GetProperty("client_id").GetString(), first.GetProperty("therapist_id").GetString(), first.GetProperty("occasion").GetString()));
        Assert.Equal("RSP2040: c.csv line 3: administration not paired: invalid (RSP2001 on item 'a')", first.GetProperty("reason").GetString());
        Assert.Equal(("therapist", "t.csv", 4), (unusable[4].GetProperty("form").GetString(), unusable[4].GetProperty("input").GetString(), unusable[4].GetProperty("line").GetInt32()));
    }

    [Fact]
    public void SummaryCsv_WithTherapistColumn_NamesBothIds_AndLeavesUndefinedFiguresEmpty()
    {
        const string header = "client_id,therapist_id,session,a,b,c\r\n";
        var (output, _, _) = Agree(
            header + "c1,t1,1,5,5,5\r\nc1,t1,2,4,4,3\r\nc2,t1,1,2,3,4\r\nc3,\"t,2\",1,1,1,2\r\n",
            header + "c1,t1,1,4,4,4\r\nc1,t1,2,4,4,4\r\nc2,t1,1,2,2,2\r\nc3,\"t,2\",1,1,1,1\r\n",
            DataFormat.Csv, new AgreementOptions { TherapistColumn = "therapist_id", Summary = true });
        Assert.Equal(
            "level,client_id,therapist_id,score,n,mean_client,mean_therapist,mean_difference,sd_difference,lower_limit,upper_limit,pearson_r,icc_a1\r\n"
            + "dyad,c1,t1,total,2,13,12,1,2.8284271247461903,,,,\r\n"
            + "dyad,c1,t1,ab,2,9,8,1,1.4142135623730951,,,,\r\n"
            + "dyad,c2,t1,total,1,9,6,3,,,,,\r\n"
            + "dyad,c2,t1,ab,1,5,4,1,,,,,\r\n"
            + "dyad,c3,\"t,2\",total,1,4,3,1,,,,,\r\n"
            + "dyad,c3,\"t,2\",ab,1,2,2,0,,,,,\r\n"
            + "over_dyads,,,total,3,8.666666666666666,7,1.666666666666666,1.1547005383792495,-0.5965463885566629,3.929879721889995,0.9678678369916546,0.9160305343511451\r\n"
            + "over_pairs,,,total,4,9.75,8.25,1.5,1.9148542155126762,-2.2531142624048455,5.2531142624048455,0.9110506463487545,0.8823529411764705\r\n"
            + "over_dyads,,,ab,3,5.333333333333333,4.666666666666667,0.6666666666666661,0.5773502691896216,-0.4649398609449922,1.7982731942783243,0.9941916256019202,0.9696969696969698\r\n"
            + "over_pairs,,,ab,4,6.25,5.5,0.75,0.9574271077563369,-1.1265571312024203,2.6265571312024205,0.9682539682539683,0.9420849420849421\r\n",
            output);
    }

    [Fact]
    public void SummaryCsv_HasOneRowPerDyadAndScore_ThenTheAcrossDyadRows()
    {
        // c1: differences 3, 0 on total; c2: one pair, difference -3. Over dyads: means (13.5, 12) and (6, 9).
        var (output, _, _) = Agree(Header + "c1,1,5,5,5\r\nc1,2,4,4,4\r\nc2,1,2,2,2\r\n", Header + "c1,1,4,4,4\r\nc1,2,4,4,4\r\nc2,1,3,3,3\r\n",
            DataFormat.Csv, new AgreementOptions { Summary = true });
        var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("level,client_id,score,n,mean_client,mean_therapist,mean_difference,sd_difference,lower_limit,upper_limit,pearson_r,icc_a1", lines[0]);
        Assert.Equal("dyad,c1,total,2,13.5,12,1.5,2.1213203435596424,,,,", lines[1]);
        Assert.Equal("dyad,c2,total,1,6,9,-3,,,,,", lines[3]);
        Assert.StartsWith("over_dyads,,total,2,9.75,10.5,-0.75,", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("over_pairs,,total,3,11,11,0,3,-5.88,5.88,", lines[6], StringComparison.Ordinal);
        Assert.Equal(9, lines.Length);
    }

    [Fact]
    public void TherapistColumn_PairsByTherapistToo_AndAnEmptyTherapistIsRSP2043()
    {
        const string header = "client_id,therapist,session,a,b,c\r\n";
        var (output, counts, _) = Agree(header + "c1,t1,1,5,5,5\r\nc1,t2,1,4,4,4\r\nc1,,2,4,4,4\r\n", header + "c1,t2,1,3,3,3\r\n",
            DataFormat.Json, new AgreementOptions { TherapistColumn = "therapist" });
        using var doc = JsonDocument.Parse(output);
        var pair = Assert.Single(doc.RootElement.GetProperty("pairs").EnumerateArray());
        Assert.Equal(("c1", "t2", 3), (pair.GetProperty("client_id").GetString(), pair.GetProperty("therapist_id").GetString(), pair.GetProperty("client_line").GetInt32()));
        var unpaired = Assert.Single(doc.RootElement.GetProperty("unpaired").EnumerateArray());
        Assert.Equal(("t1", 2), (unpaired.GetProperty("therapist_id").GetString(), unpaired.GetProperty("line").GetInt32()));
        var d = Assert.Single(doc.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("c.csv line 4: the therapist column 'therapist' is empty or absent; the row is not paired", d.GetProperty("message").GetString());
        Assert.Equal("RSP2043", d.GetProperty("id").GetString());
        Assert.Equal(new AgreementCounts(4, 1, 1, 1, 1), counts);
    }

    [Fact]
    public void NdjsonInput_PairsWithCsv_AndNdjsonOutputIsOneObjectPerPairThenPerUnpaired()
    {
        const string therapist = "{\"client_id\": \"c1\", \"session\": 1, \"a\": 4, \"b\": 4, \"c\": 4}\n{\"client_id\": \"c1\", \"session\": 3, \"a\": 1, \"b\": 1, \"c\": 1}\n";
        var pipeline = new AgreementPipeline(Pairing, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Header + "c1,1,5,5,5\r\n")), DataFormat.Csv,
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(therapist)), DataFormat.Ndjson, new AgreementOptions { TherapistInputName = "t.ndjson" });
        var output = new MemoryStream();
        pipeline.Run(DataFormat.Ndjson, output);
        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var pair = JsonDocument.Parse(lines[0]);
        Assert.Equal(("paired", 3.0), (pair.RootElement.GetProperty("status").GetString(), pair.RootElement.GetProperty("scores").GetProperty("total").GetProperty("difference").GetDouble()));
        using var unpaired = JsonDocument.Parse(lines[1]);
        Assert.Equal(("unpaired", "t.ndjson", 2), (unpaired.RootElement.GetProperty("status").GetString(), unpaired.RootElement.GetProperty("input").GetString(), unpaired.RootElement.GetProperty("line").GetInt32()));
    }

    [Fact]
    public void MissingColumn_IsAResponseFileException_NamingTheInput()
    {
        var e = Assert.Throws<ResponseFileException>(() => Agree(Header, "client_id,a,b,c\r\n"));
        Assert.StartsWith("t.csv: the input has no occasion column 'session'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomInputs_AgreeWithANaiveJoin()
    {
        var random = new Random(15);
        for (var round = 0; round < 20; round++)
        {
            var client = new List<(string Id, int Session, int[] Items)>();
            var therapist = new List<(string Id, int Session, int[] Items)>();
            foreach (var list in new[] { client, therapist })
            {
                var n = random.Next(0, 40);
                for (var i = 0; i < n; i++)
                {
                    list.Add(("c" + random.Next(0, 6), random.Next(1, 6), [random.Next(1, 6), random.Next(1, 6), random.Next(1, 6)]));
                }
            }

            static string Csv(List<(string Id, int Session, int[] Items)> rows) =>
                Header + string.Concat(rows.Select(r => $"{r.Id},{r.Session},{r.Items[0]},{r.Items[1]},{r.Items[2]}\r\n"));

            var (output, counts, _) = Agree(Csv(client), Csv(therapist));

            // The naive join: a (client, session) with exactly one row on each side is a pair.
            var c1 = client.GroupBy(r => (r.Id, r.Session)).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Items.Sum());
            var t1 = therapist.GroupBy(r => (r.Id, r.Session)).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Items.Sum());
            var expected = c1.Keys.Where(t1.ContainsKey).Select(k => (k.Id, k.Session, Difference: c1[k] - t1[k])).OrderBy(p => p.Id, StringComparer.Ordinal).ThenBy(p => p.Session).ToList();

            using var doc = JsonDocument.Parse(output);
            var actual = doc.RootElement.GetProperty("pairs").EnumerateArray()
                .Select(p => (Id: p.GetProperty("client_id").GetString()!, Session: int.Parse(p.GetProperty("occasion").GetString()!, CultureInfo.InvariantCulture),
                    Difference: (int)p.GetProperty("scores").GetProperty("total").GetProperty("difference").GetDouble()))
                .OrderBy(p => p.Id, StringComparer.Ordinal).ThenBy(p => p.Session).ToList();
            Assert.Equal(expected, actual);
            var duplicates = client.GroupBy(r => (r.Id, r.Session)).Where(g => g.Count() > 1).Sum(g => g.Count())
                + therapist.GroupBy(r => (r.Id, r.Session)).Where(g => g.Count() > 1).Sum(g => g.Count());
            Assert.Equal(client.Count + therapist.Count, (2 * counts.Pairs) + counts.Unpaired + counts.Unusable);
            Assert.Equal(duplicates, counts.Unusable);

            // Over pairs: the mean difference and Pearson r of the totals, two-pass.
            var summary = doc.RootElement.GetProperty("summary").GetProperty("scores").GetProperty("total").GetProperty("over_pairs");
            if (expected.Count > 0)
            {
                Assert.Equal(expected.Average(p => (double)p.Difference), summary.GetProperty("mean_difference").GetProperty("value").GetDouble(), 9);
            }

            var xs = expected.Select(p => (double)c1[(p.Id, p.Session)]).ToArray();
            var ys = expected.Select(p => (double)t1[(p.Id, p.Session)]).ToArray();
            var r = summary.GetProperty("pearson_r").GetProperty("value");
            if (xs.Length >= 3 && Variance(xs) > 0 && Variance(ys) > 0)
            {
                var (mx, my) = (xs.Average(), ys.Average());
                var expectedR = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / Math.Sqrt(xs.Sum(x => (x - mx) * (x - mx)) * ys.Sum(y => (y - my) * (y - my)));
                Assert.Equal(expectedR, r.GetDouble(), 9);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, r.ValueKind);
            }
        }
    }

    private static double Variance(double[] x) => x.Sum(v => (v - x.Average()) * (v - x.Average()));
}
