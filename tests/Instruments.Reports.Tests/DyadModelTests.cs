using Instruments.Alliance;
using Instruments.Course;

namespace Instruments.Reports.Tests;

/// <summary>
/// The dyad and service-summary models against an independent computation written here (never shared with the code
/// under test): ruptures and repairs per rater and rule, ruptures per 100 sessions, and the across-dyad agreement
/// figures (Pearson r, ICC(A,1) from the two-way ANOVA table, Bland-Altman mean difference and limits).
/// </summary>
public sealed class DyadModelTests
{
    private static IReadOnlyDictionary<string, object?> D(object? o) => (IReadOnlyDictionary<string, object?>)o!;

    private static List<object?> L(object? o) => (List<object?>)o!;

    private sealed record Rule(string Id, double? K, double? Points, int? Within);

    private static readonly Rule[][] Rules =
    [
        [new("two-sd", 2, null, null), new("one-sd", 1, null, null)],
        [new("two-points", null, 2, 2)],
    ];

    /// <summary>Independent: ruptures (position, repair position or -1) of a higher-is-better series.</summary>
    private static List<(int At, int Repair)> Ruptures(double[] x, Rule rule)
    {
        var found = new List<(int, int)>();
        if (x.Length < 2)
        {
            return found;
        }

        var mean = x.Average();
        var sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        var threshold = rule.K is { } k ? k * sd : rule.Points!.Value;
        for (var i = 1; i < x.Length; i++)
        {
            var drop = x[i - 1] - x[i];
            if (drop > 0 && drop >= threshold - 1e-12)
            {
                var repair = -1;
                for (var j = i + 1; j < x.Length && (rule.Within is not { } w || j - i <= w); j++)
                {
                    if (x[j] >= x[i - 1])
                    {
                        repair = j;
                        break;
                    }
                }

                found.Add((i, repair));
            }
        }

        return found;
    }

    [Fact]
    public void RupturesPer100_MatchAnIndependentCount()
    {
        var (_, service) = DyadData.Build();
        var rows = L(service.Data["ruptures"]).Select(D).ToList();
        Assert.Equal(3, rows.Count);
        foreach (var row in rows)
        {
            var rater = (string)row["rater"]! == "client" ? 0 : 1;
            var rule = Rules[rater].Single(r => r.Id == (string)row["rule"]!);
            long ruptures = 0, repaired = 0, sessions = 0;
            foreach (var dyad in DyadData.All)
            {
                var list = rater == 0 ? dyad.ClientAdministrations : dyad.TherapistAdministrations;
                var found = Ruptures([.. list.Select(a => a.Values[0])], rule);
                ruptures += found.Count;
                repaired += found.Count(f => f.Repair >= 0);
                sessions += list.Length;
            }

            Assert.Equal((ruptures, repaired, sessions), ((long)row["ruptures"]!, (long)row["repaired"]!, (long)row["administrations"]!));
            Assert.Equal(100.0 * ruptures / sessions, (double)row["per_100"]!, 12);
        }

        // The fixture's own numbers, so that a fixture without ruptures cannot pass: 1 of 10 client sessions, 1 of 9 therapist sessions.
        Assert.Equal([10.0, 10.0, 100.0 / 9], rows.Select(r => (double)r["per_100"]!));
    }

    [Fact]
    public void DyadRuptures_MatchAnIndependentFinder_IncludingARepairOnTheLastAllowedAdministration()
    {
        var (dyads, _) = DyadData.Build();
        var total = D(L(dyads[0].Data["scores"])[0]);
        var rows = L(total["ruptures"]).Select(D).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var rater = (string)rows[i]["rater"]! == "client" ? 0 : 1;
            var list = rater == 0 ? DyadData.First.ClientAdministrations : DyadData.First.TherapistAdministrations;
            var expected = Ruptures([.. list.Select(a => a.Values[0])], Rules[rater].Single(r => r.Id == (string)rows[i]["rule"]!));
            var got = L(rows[i]["ruptures"]).Select(D).Select(r => ((string)r["occasion"]!, (string?)r["repair_occasion"])).ToList();
            Assert.Equal(expected.Select(e => (list[e.At].Occasion.ToString(), e.Repair >= 0 ? list[e.Repair].Occasion.ToString() : null)), got);
        }

        // The therapist's repair at occasion 7 is the second administration after the rupture: the window's last (repair_within: 2).
        Assert.Contains(rows, r => (string)r["rater"]! == "therapist" && L(r["ruptures"]).Select(D).Single()["repair_occasion"] as string == "7");
    }

    [Fact]
    public void DiscrepancyFlag_IsInclusive_AndRowsCoverBothRatersOccasions()
    {
        var (dyads, _) = DyadData.Build();
        var second = L(D(L(dyads[1].Data["scores"])[0])["rows"]).Select(D).ToList();
        Assert.Equal([false, false, true], second.Select(r => (bool?)r["discrepancy"]));   // 0, +2, +4 with a threshold of 4
        var first = L(D(L(dyads[0].Data["scores"])[0])["rows"]).Select(D).ToList();
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], first.Select(r => (string)r["occasion"]!));
        Assert.Null(first[4]["difference"]);
        Assert.Null(first[6]["client"]);
    }

    [Fact]
    public void AcrossDyadFigures_MatchAnIndependentComputation_OverDyadMeansAndOverPairs()
    {
        var (_, service) = DyadData.Build();
        Assert.Equal((2, 1, 8L, 2L), ((int)service.Data["dyads"]!, (int)service.Data["dyads_without_pairs"]!, (long)service.Data["pairs"]!, (long)service.Data["not_usable"]!));
        Assert.Equal((2L, 1L), ((long)service.Data["unpaired_client"]!, (long)service.Data["unpaired_therapist"]!));
        var scores = L(service.Data["scores"]).Select(D).ToList();
        for (var s = 0; s < 2; s++)
        {
            var pairs = new List<(double C, double T)>();
            var means = new List<(double C, double T)>();
            foreach (var dyad in DyadData.All)
            {
                var own = dyad.ClientAdministrations.Join(dyad.TherapistAdministrations, a => a.Occasion, b => b.Occasion, (a, b) => (a.Values[s], b.Values[s])).ToList();
                pairs.AddRange(own);
                if (own.Count > 0)
                {
                    means.Add((own.Average(p => p.Item1), own.Average(p => p.Item2)));
                }
            }

            foreach (var (key, data) in new[] { ("over_dyads", means), ("over_pairs", pairs) })
            {
                var figures = D(scores[s][key]);
                Assert.Equal(data.Count, (int)figures["n"]!);
                var d = data.Select(p => p.C - p.T).ToArray();
                var mean = d.Average();
                var sd = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1));
                Assert.Equal(mean, Value(figures, "mean_difference"), 10);
                Assert.Equal(mean - (1.96 * sd), Value(figures, "lower_limit"), 10);
                Assert.Equal(mean + (1.96 * sd), Value(figures, "upper_limit"), 10);
                Assert.Equal(Icc(data), Value(figures, "icc"), 10);
                if (data.Count >= 3)
                {
                    Assert.Equal(Pearson(data), Value(figures, "pearson"), 10);
                }
                else
                {
                    Assert.Null(D(figures["pearson"])["value"]);
                }
            }
        }
    }

    [Fact]
    public void RandomRuns_RupturesPer100AndMeanDifferences_MatchTheIndependentComputation()
    {
        var random = new Random(15);
        for (var run = 0; run < 300; run++)
        {
            var dyads = new List<AgreementDyad>();
            for (var d = random.Next(1, 6); d > 0; d--)
            {
                dyads.Add(DyadData.Dyad("c" + d, null, RandomSeries(random), RandomSeries(random)));
            }

            var builder = new ServiceSummaryBuilder(DyadData.Pairing);
            foreach (var dyad in dyads)
            {
                builder.Add(dyad);
            }

            var service = builder.Build();
            foreach (var row in L(service.Data["ruptures"]).Select(D))
            {
                var rater = (string)row["rater"]! == "client" ? 0 : 1;
                var rule = Rules[rater].Single(r => r.Id == (string)row["rule"]!);
                var series = dyads.Select(x => rater == 0 ? x.ClientAdministrations : x.TherapistAdministrations).ToList();
                var ruptures = series.Sum(list => Ruptures([.. list.Select(a => a.Values[0])], rule).Count);
                var sessions = series.Sum(list => list.Length);
                Assert.Equal((long)ruptures, (long)row["ruptures"]!);
                Assert.Equal(sessions == 0 ? null : 100.0 * ruptures / sessions, (double?)row["per_100"]);
            }

            var pairs = dyads.SelectMany(x => x.ClientAdministrations.Join(x.TherapistAdministrations, a => a.Occasion, b => b.Occasion, (a, b) => a.Values[0] - b.Values[0])).ToList();
            var overPairs = D(D(L(service.Data["scores"])[0])["over_pairs"]);
            Assert.Equal(pairs.Count, (int)overPairs["n"]!);
            if (pairs.Count > 0)
            {
                Assert.Equal(pairs.Average(), Value(overPairs, "mean_difference"), 9);
            }
        }
    }

    private static System.Collections.Immutable.ImmutableArray<RatedAdministration> RandomSeries(Random random)
    {
        var sessions = Enumerable.Range(1, 9).Where(_ => random.Next(3) > 0).ToList();
        return DyadData.Series([.. sessions.Select(s => (s, (double)random.Next(3, 16), (double)random.Next(2, 11)))]);
    }

    private static double Value(IReadOnlyDictionary<string, object?> figures, string key) => (double)D(figures[key])["value"]!;

    private static double Pearson(List<(double C, double T)> p)
    {
        var (mc, mt) = (p.Average(x => x.C), p.Average(x => x.T));
        return p.Sum(x => (x.C - mc) * (x.T - mt)) / Math.Sqrt(p.Sum(x => (x.C - mc) * (x.C - mc)) * p.Sum(x => (x.T - mt) * (x.T - mt)));
    }

    /// <summary>ICC(A,1), McGraw &amp; Wong 1996, from the two-way ANOVA table (n rows, k = 2 columns).</summary>
    private static double Icc(List<(double C, double T)> p)
    {
        const int k = 2;
        var n = p.Count;
        var grand = p.Sum(x => x.C + x.T) / (n * k);
        var ssRows = k * p.Sum(x => Math.Pow(((x.C + x.T) / 2) - grand, 2));
        var ssCols = n * (Math.Pow(p.Average(x => x.C) - grand, 2) + Math.Pow(p.Average(x => x.T) - grand, 2));
        var ssTotal = p.Sum(x => Math.Pow(x.C - grand, 2) + Math.Pow(x.T - grand, 2));
        var msr = ssRows / (n - 1);
        var msc = ssCols / (k - 1);
        var mse = (ssTotal - ssRows - ssCols) / ((n - 1) * (k - 1));
        return (msr - mse) / (msr + ((k - 1) * mse) + (k / (double)n * (msc - mse)));
    }

    [Fact]
    public void FileNames_AreSanitised_WithTheTherapist()
    {
        var (dyads, _) = DyadData.Build();
        Assert.Equal(["c1_t1.md", "c2__b__t1.html", "c3_t2.md"], dyads.Select((d, i) => d.FileName(i == 1 ? ReportFormat.Html : ReportFormat.Markdown)));
        var byClient = DyadReportModel.Create(DyadData.Pairing, DyadData.Dyad("..", null, DyadData.Series((1, 9, 6)), []));
        Assert.Equal("client__.md", byClient.FileName(ReportFormat.Markdown));
        Assert.Equal("service.html", ServiceSummaryModel.FileName(ReportFormat.Html));
    }

    [Fact]
    public void ABrokenDyadTemplate_IsATplDiagnostic_NotACrash()
    {
        var renderer = new ReportRenderer(null, TestData.Clock);
        var (dyads, service) = DyadData.Build();
        var template = renderer.Parse("{{ scores[0].no_such_member }}", "broken.md.scriban", ReportFormat.Markdown);
        var rendering = renderer.Render(template, dyads[0]);
        Assert.Null(rendering.Text);
        Assert.StartsWith("TPL", Assert.Single(rendering.Diagnostics).Id, StringComparison.Ordinal);
        var unparsable = renderer.Parse("{{ for x in dyads }}", "broken.html.scriban", ReportFormat.Html);
        var failed = renderer.Render(unparsable, service);
        Assert.Null(failed.Text);
        Assert.All(failed.Diagnostics, d => Assert.StartsWith("TPL", d.Id, StringComparison.Ordinal));
        Assert.NotEmpty(failed.Diagnostics);
    }

    [Fact]
    public void ADyadWhoseSummariesDoNotMatchThePairing_IsRefused()
    {
        var dyad = new AgreementDyad("x", null, DyadData.Series((1, 9, 6)), [], [new AgreementAccumulator().Summarize()]);
        Assert.Throws<ArgumentException>(() => DyadReportModel.Create(DyadData.Pairing, dyad));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceSummaryBuilder(DyadData.Pairing, 0));
        Assert.Equal(Occasion.FromNumber(1), DyadData.First.ClientAdministrations[0].Occasion);
    }
}
