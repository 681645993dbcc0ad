namespace Instruments.Alliance;

/// <summary>
/// The agreement between client and therapist ratings of one score over n pairs (the pairs of one dyad, every pair,
/// or one pair of means per dyad), from an <see cref="AgreementAccumulator"/>. Every statistic carries its n and is
/// null with a reason when undefined. With c = client, t = therapist, d = c - t:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="MeanDifference"/> = mean(d); <see cref="SdDifference"/> = the sample SD of d (divisor n - 1; null
/// for one pair).</item>
/// <item><see cref="LowerLimit"/>, <see cref="UpperLimit"/>: Bland &amp; Altman (1986, Lancet 327(8476):307-310) 95%
/// limits of agreement, mean(d) -/+ 1.96 SD(d).</item>
/// <item><see cref="Pearson"/>: Pearson's r = sum((c - mean c)(t - mean t)) / sqrt(sum((c - mean c)^2) sum((t - mean t)^2));
/// null below three pairs or when either rater's values do not vary.</item>
/// <item><see cref="Icc"/>: ICC(A,1) of McGraw &amp; Wong (1996, Psychological Methods 1(1):30-46), two-way random
/// effects, absolute agreement, single measure (Shrout &amp; Fleiss's ICC(2,1)):
/// (MSR - MSE) / (MSR + (k - 1) MSE + k / n (MSC - MSE)) with k = 2 raters and the mean squares of the two-way ANOVA
/// (rows = the n pairs, columns = the two raters); null below two pairs or when every value is equal.</item>
/// </list>
/// </remarks>
public sealed class AgreementSummary
{
    /// <summary>The multiplier of the SD in the 95% limits of agreement (Bland &amp; Altman 1986): 1.96.</summary>
    public const double LimitsFactor = 1.96;

    internal AgreementSummary(int n, AgreementStatistic meanClient, AgreementStatistic meanTherapist, AgreementStatistic meanDifference,
        AgreementStatistic sdDifference, AgreementStatistic lowerLimit, AgreementStatistic upperLimit, AgreementStatistic pearson, AgreementStatistic icc)
    {
        N = n;
        MeanClient = meanClient;
        MeanTherapist = meanTherapist;
        MeanDifference = meanDifference;
        SdDifference = sdDifference;
        LowerLimit = lowerLimit;
        UpperLimit = upperLimit;
        Pearson = pearson;
        Icc = icc;
    }

    /// <summary>The number of pairs.</summary>
    public int N { get; }

    /// <summary>The mean of the client values.</summary>
    public AgreementStatistic MeanClient { get; }

    /// <summary>The mean of the therapist values.</summary>
    public AgreementStatistic MeanTherapist { get; }

    /// <summary>The mean difference, client minus therapist (Bland-Altman's bias): positive when clients rate higher.</summary>
    public AgreementStatistic MeanDifference { get; }

    /// <summary>The sample SD (divisor n - 1) of the differences; undefined for one pair.</summary>
    public AgreementStatistic SdDifference { get; }

    /// <summary>The lower 95% limit of agreement, mean difference - 1.96 SD.</summary>
    public AgreementStatistic LowerLimit { get; }

    /// <summary>The upper 95% limit of agreement, mean difference + 1.96 SD.</summary>
    public AgreementStatistic UpperLimit { get; }

    /// <summary>Pearson's r between client and therapist values; undefined below three pairs or without variance.</summary>
    public AgreementStatistic Pearson { get; }

    /// <summary>ICC(A,1), two-way random, absolute agreement, single measure (McGraw &amp; Wong 1996).</summary>
    public AgreementStatistic Icc { get; }

    /// <summary>
    /// True when a difference (client minus therapist) is a discrepancy: its magnitude is at least
    /// <paramref name="threshold"/> points (inclusive; no published threshold exists, so the user states it). A
    /// difference that reaches the threshold in exact arithmetic counts despite rounding (1e-9 relative slack, as the
    /// change engine's inclusive criteria).
    /// </summary>
    /// <param name="difference">Client minus therapist.</param>
    /// <param name="threshold">A positive, finite number of points.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not positive and finite.</exception>
    public static bool IsDiscrepancy(double difference, double threshold)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a discrepancy threshold is a positive number of points");
        }

        return Math.Abs(difference) >= threshold - (1e-9 * Math.Max(1, threshold));
    }
}
