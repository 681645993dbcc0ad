using CsCheck;
using Instruments.Alliance;
using Instruments.Tests.Shared;

namespace Instruments.Sdk.Tests.Alliance;

/// <summary>
/// The agreement statistics against <see cref="AgreementReference"/> (random data and a published worked example),
/// and at their boundaries: one pair, two pairs, no variance, the discrepancy threshold exactly.
/// </summary>
public sealed class AgreementAccumulatorTests
{
    // Shrout & Fleiss (1979, Psychological Bulletin 86(2):420-428), the 6 targets x 4 judges example; their Table 4
    // gives ICC(2,1) = .29 (two decimals), which is McGraw & Wong's ICC(A,1).
    private static readonly double[][] ShroutFleiss =
    [
        [9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7],
    ];

    [Fact]
    public void Reference_ReproducesShroutAndFleissTable4()
    {
        Assert.Equal(0.29, Math.Round(AgreementReference.IccA1(ShroutFleiss)!.Value, 2));
    }

    [Fact]
    public void Icc_OnTwoJudgesOfTheShroutFleissExample_MatchesTheReference()
    {
        var (c, t) = (ShroutFleiss.Select(r => r[0]).ToArray(), ShroutFleiss.Select(r => r[1]).ToArray());
        var s = Summarize(c, t);
        Assert.Equal(AgreementReference.IccA1(c, t)!.Value, s.Icc.Value!.Value, 12);
        Assert.Equal(6, s.Icc.N);
    }

    [Fact]
    public void RandomPairs_AgreeWithTheReference()
    {
        Gen.Int[1, 40].SelectMany(n => Gen.Select(Gen.Int[0, 60].Array[n], Gen.Int[0, 60].Array[n], Gen.Int[0, 3]))
            .Sample((a, b, scale) =>
            {
                // Integer scores, half points, and large close values (where naive sums lose digits).
                double[] x = [.. a.Select(v => Scale(v, scale))];
                double[] y = [.. b.Select(v => Scale(v, scale))];
                var s = Summarize(x, y);
                var tolerance = 1e-9;
                Close(AgreementReference.Pearson(x, y), s.Pearson.Value, tolerance);
                Close(AgreementReference.IccA1(x, y), s.Icc.Value, tolerance);
                var (mean, sd, lower, upper) = AgreementReference.BlandAltman(x, y);
                Close(mean, s.MeanDifference.Value, tolerance);
                Close(sd, s.SdDifference.Value, tolerance);
                Close(lower, s.LowerLimit.Value, tolerance);
                Close(upper, s.UpperLimit.Value, tolerance);
                Close(x.Average(), s.MeanClient.Value, tolerance);
                Close(y.Average(), s.MeanTherapist.Value, tolerance);
                Assert.Equal(x.Length, s.N);
            });
    }

    private static double Scale(int v, int scale) => scale switch
    {
        0 => v,
        1 => v / 2.0,
        2 => 1e6 + v,
        _ => v / 7.0,
    };

    [Fact]
    public void OnePair_HasMeansAndADifference_AndNoSpreadCorrelationOrLimits()
    {
        var s = Summarize([4], [3]);
        Assert.Equal(1, s.MeanDifference.Value);
        Assert.Null(s.SdDifference.Value);
        Assert.Null(s.LowerLimit.Value);
        Assert.Null(s.UpperLimit.Value);
        Assert.Null(s.Pearson.Value);
        Assert.Null(s.Icc.Value);
        Assert.All(new[] { s.SdDifference, s.Pearson, s.Icc }, x => Assert.False(string.IsNullOrEmpty(x.Reason)));
        Assert.All(new[] { s.SdDifference, s.Pearson, s.Icc }, x => Assert.Equal(1, x.N));
    }

    [Fact]
    public void TwoPairs_HaveAnSdAndAnIcc_ButNoCorrelation()
    {
        var s = Summarize([4, 6], [3, 4]);
        Assert.Equal(Math.Sqrt(0.5), s.SdDifference.Value!.Value, 12);
        Assert.NotNull(s.Icc.Value);
        Assert.Null(s.Pearson.Value);
        Assert.Contains("three", s.Pearson.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPairs_AreUndefinedWithNZero()
    {
        var s = new AgreementAccumulator().Summarize();
        Assert.Equal(0, s.N);
        Assert.Null(s.MeanDifference.Value);
        Assert.Equal("no pairs", s.Icc.Reason);
    }

    [Fact]
    public void ConstantTherapist_HasNoCorrelation_ButAnIccAndLimits()
    {
        var s = Summarize([3, 4, 5, 6], [4, 4, 4, 4]);
        Assert.Null(s.Pearson.Value);
        Assert.Equal("the therapist values do not vary", s.Pearson.Reason);
        Close(AgreementReference.IccA1([3, 4, 5, 6], [4, 4, 4, 4]), s.Icc.Value, 1e-12);
        Assert.NotNull(s.UpperLimit.Value);
    }

    [Fact]
    public void EveryValueEqual_LeavesIccAndPearsonUndefined_AndTheSdZero()
    {
        var s = Summarize([5, 5, 5], [5, 5, 5]);
        Assert.Null(s.Icc.Value);
        Assert.Equal("every value is the same: no variance to apportion", s.Icc.Reason);
        Assert.Null(s.Pearson.Value);
        Assert.Equal(0, s.SdDifference.Value);
        Assert.Equal(0, s.LowerLimit.Value);
    }

    [Fact]
    public void ConstantDifference_HasSdZero_AndLimitsAtTheMean()
    {
        var s = Summarize([5, 6, 7], [3, 4, 5]);
        Assert.Equal(0, s.SdDifference.Value);
        Assert.Equal(2, s.LowerLimit.Value);
        Assert.Equal(2, s.UpperLimit.Value);
        Assert.Equal(1, s.Pearson.Value!.Value, 12);
    }

    [Fact]
    public void Clear_ForgetsThePairs()
    {
        var a = new AgreementAccumulator();
        a.Add(10, 1);
        a.Clear();
        a.Add(4, 3);
        Assert.Equal(1, a.Summarize().MeanDifference.Value);
    }

    [Fact]
    public void Add_RefusesValuesThatAreNotFinite()
    {
        var a = new AgreementAccumulator();
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(1, double.PositiveInfinity));
    }

    [Fact]
    public void Add_AllocatesNothing()
    {
        var a = new AgreementAccumulator();
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                a.Add(i, i % 7);
            }
        }));
    }

    [Theory]
    [InlineData(3.0, 3.0, true)]      // exactly at the threshold: inclusive
    [InlineData(-3.0, 3.0, true)]     // either direction
    [InlineData(2.999, 3.0, false)]
    [InlineData(1.0999999999999996, 1.1, true)]   // 3.3 - 2.2 reaches 1.1 in exact arithmetic
    [InlineData(0.0, 0.5, false)]
    public void IsDiscrepancy_IsInclusiveAtTheThreshold(double difference, double threshold, bool expected)
    {
        Assert.Equal(expected, AgreementSummary.IsDiscrepancy(difference, threshold));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void IsDiscrepancy_RefusesAThresholdThatIsNotPositive(double threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AgreementSummary.IsDiscrepancy(1, threshold));
    }

    [Fact]
    public void Statistic_ToString_SaysNAndWhyUndefined()
    {
        var s = Summarize([4], [3]);
        Assert.Equal("1 (n = 1)", s.MeanDifference.ToString());
        Assert.StartsWith("undefined (n = 1): one pair", s.SdDifference.ToString(), StringComparison.Ordinal);
    }

    private static AgreementSummary Summarize(double[] client, double[] therapist)
    {
        var a = new AgreementAccumulator();
        for (var i = 0; i < client.Length; i++)
        {
            a.Add(client[i], therapist[i]);
        }

        return a.Summarize();
    }

    private static void Close(double? expected, double? actual, double tolerance)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.True(Math.Abs(expected.Value - actual.Value) <= tolerance * Math.Max(1, Math.Abs(expected.Value)), $"expected {expected}, got {actual}");
    }
}
