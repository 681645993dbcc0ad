using CsCheck;
using Instruments.Course;
using Instruments.Tests.Shared;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// <see cref="AllianceOutcomeAccumulator"/>: the early alliance and the correlation across clients, at their boundaries
/// (n = 2 and 3, no variance, no usable early value, unusable administrations inside the window), without allocation,
/// and against a two-pass reference written here.
/// </summary>
public sealed class AllianceOutcomeTests
{
    private const double N = double.NaN;

    // ---- the early alliance ----

    [Fact]
    public void EarlyAlliance_IsTheMeanOfTheFirstThree()
    {
        Assert.Equal(5, AllianceOutcomeAccumulator.EarlyAlliance([4, 5, 6, 100], 3, out var n));
        Assert.Equal(3, n);
    }

    [Fact]
    public void EarlyAlliance_UnusableAdministrationsCountTowardsTheWindow_AndAreNotReplaced()
    {
        // The second administration is not usable: the mean is over the first and third, not the fourth.
        Assert.Equal(5, AllianceOutcomeAccumulator.EarlyAlliance([4, N, 6, 100], 3, out var n));
        Assert.Equal(2, n);
    }

    [Fact]
    public void EarlyAlliance_NoUsableValueInTheWindow_IsNaN_EvenWithLaterValues()
    {
        Assert.True(double.IsNaN(AllianceOutcomeAccumulator.EarlyAlliance([N, N, N, 40, 50], 3, out var n)));
        Assert.Equal(0, n);
        Assert.True(double.IsNaN(AllianceOutcomeAccumulator.EarlyAlliance([], 3, out n)));
        Assert.Equal(0, n);
    }

    [Fact]
    public void EarlyAlliance_ShorterSeries_AndOtherWindows()
    {
        Assert.Equal(7, AllianceOutcomeAccumulator.EarlyAlliance([7], 3, out var n));
        Assert.Equal(1, n);
        Assert.Equal(4, AllianceOutcomeAccumulator.EarlyAlliance([4, 5, 6], 1, out n));
        Assert.Equal(1, n);
        Assert.Equal(5.5, AllianceOutcomeAccumulator.EarlyAlliance([4, 5, 6, 7], 4, out n));
        Assert.Equal(4, n);
        Assert.Throws<ArgumentOutOfRangeException>(() => AllianceOutcomeAccumulator.EarlyAlliance([4], 0, out _));
    }

    // ---- across clients ----

    [Fact]
    public void TwoClients_NoCorrelation_ThreeClients_One()
    {
        var a = new AllianceOutcomeAccumulator();
        Assert.True(a.Add(1, 10));
        Assert.True(a.Add(2, 8));
        var two = a.Summarize();
        Assert.Equal(2, two.Count);
        Assert.True(double.IsNaN(two.R));
        Assert.Contains("at least 3", two.NotComputed, StringComparison.Ordinal);

        Assert.True(a.Add(3, 6));
        var three = a.Summarize();
        Assert.Equal(3, three.Count);
        Assert.Null(three.NotComputed);
        Assert.Equal(-1, three.R, 12);
    }

    [Fact]
    public void NoClient_OneClient_SayWhy()
    {
        var a = new AllianceOutcomeAccumulator();
        Assert.Equal("no client has both an early alliance and an outcome change", a.Summarize().NotComputed);
        a.Add(1, 1);
        Assert.StartsWith("one client", a.Summarize().NotComputed, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientsWithoutBothValues_AreNotCounted()
    {
        var a = new AllianceOutcomeAccumulator();
        Assert.False(a.Add(N, 3));
        Assert.False(a.Add(3, N));
        Assert.False(a.Add(double.PositiveInfinity, 3));
        Assert.Equal(0, a.Count);
        a.Add(1, 1);
        a.Add(2, 3);
        a.Add(3, 2);
        Assert.Equal(3, a.Summarize().Count);
        Assert.Equal(0.5, a.Summarize().R, 12);
    }

    [Fact]
    public void ZeroVariance_OnEitherSide_GivesNoCorrelation()
    {
        var x = new AllianceOutcomeAccumulator();
        foreach (var y in new double[] { -9, 0, 3, 12 })
        {
            x.Add(48, y);
        }

        Assert.True(double.IsNaN(x.Summarize().R));
        Assert.Equal("the early alliance is the same for every client", x.Summarize().NotComputed);

        var y2 = new AllianceOutcomeAccumulator();
        foreach (var e in new double[] { 20, 30, 40 })
        {
            y2.Add(e, -6);
        }

        Assert.True(double.IsNaN(y2.Summarize().R));
        Assert.Equal("the outcome change is the same for every client", y2.Summarize().NotComputed);
        Assert.Equal(3, y2.Summarize().Count);
    }

    [Fact]
    public void Clear_ForgetsEveryPair()
    {
        var a = new AllianceOutcomeAccumulator();
        a.Add(1, 2);
        a.Add(5, 1);
        a.Clear();
        a.Add(1, 1);
        a.Add(2, 2);
        a.Add(3, 3);
        Assert.Equal(3, a.Count);
        Assert.Equal(1, a.Summarize().R, 12);
    }

    [Fact]
    public void PerClient_AllocatesNothing()
    {
        var a = new AllianceOutcomeAccumulator();
        double[] series = [40, N, 44, 50, 52];
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                a.Add(AllianceOutcomeAccumulator.EarlyAlliance(series, 3, out _) + i, -i % 7);
            }
        }));
    }

    [Fact]
    public void Caution_SaysCorrelationalLocalNotCausalNotABenchmark()
    {
        var c = AllianceOutcomeSummary.Caution;
        Assert.Contains("correlation", c, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("this service's clients", c, StringComparison.Ordinal);
        Assert.Contains("not whether the alliance caused", c, StringComparison.Ordinal);
        Assert.Contains("not a benchmark", c, StringComparison.Ordinal);
    }

    // ---- property test against an independent reference ----

    /// <summary>The definitions of docs/alliance.md, "Alliance and outcome", computed the plain way (two passes).</summary>
    private static class Reference
    {
        public static (double Mean, int N) Early(double[] series, int window)
        {
            var usable = series.Take(window).Where(double.IsFinite).ToList();
            return usable.Count == 0 ? (double.NaN, 0) : (usable.Sum() / usable.Count, usable.Count);
        }

        public static (int N, double R) Pearson(List<(double X, double Y)> pairs)
        {
            var both = pairs.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (both.Count < 3)
            {
                return (both.Count, double.NaN);
            }

            var mx = both.Average(p => p.X);
            var my = both.Average(p => p.Y);
            var sxy = both.Sum(p => (p.X - mx) * (p.Y - my));
            var sxx = both.Sum(p => (p.X - mx) * (p.X - mx));
            var syy = both.Sum(p => (p.Y - my) * (p.Y - my));
            return sxx == 0 || syy == 0 ? (both.Count, double.NaN) : (both.Count, sxy / Math.Sqrt(sxx * syy));
        }
    }

    private static readonly Gen<double> GenValue =
        Gen.Frequency((5, Gen.Int[12, 60].Select(i => (double)i)), (1, Gen.Const(N)));

    private static readonly Gen<(int Window, (double[] Series, double Change)[] Clients)> GenRun =
        from window in Gen.Int[1, 6]
        from clients in Gen.Select(GenValue.Array[0, 8], Gen.Frequency((6, Gen.Int[-27, 27].Select(i => (double)i)), (1, Gen.Const(N)))).Array[0, 12]
        select (window, clients);

    [Fact]
    public void AgreesWithReference_ForRandomClients()
    {
        GenRun.Sample(run =>
        {
            var a = new AllianceOutcomeAccumulator();
            var pairs = new List<(double, double)>();
            foreach (var (series, change) in run.Clients)
            {
                var early = AllianceOutcomeAccumulator.EarlyAlliance(series, run.Window, out var n);
                var (mean, expectedN) = Reference.Early(series, run.Window);
                Assert.Equal(expectedN, n);
                Assert.True(double.IsNaN(mean) ? double.IsNaN(early) : Math.Abs(mean - early) < 1e-9, $"early {early} vs {mean}");
                a.Add(early, change);
                pairs.Add((mean, change));
            }

            var (count, r) = Reference.Pearson(pairs);
            var s = a.Summarize();
            Assert.Equal(count, s.Count);
            Assert.True(double.IsNaN(r) ? double.IsNaN(s.R) && s.NotComputed is not null : Math.Abs(r - s.R) < 1e-9 && s.NotComputed is null, $"r {s.R} vs {r}");
        });
    }
}
