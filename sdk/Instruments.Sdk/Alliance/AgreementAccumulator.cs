namespace Instruments.Alliance;

/// <summary>
/// Accumulates (client, therapist) pairs of one score, one pair at a time, without allocating, and gives the agreement
/// between the two raters: means, the differences' mean and SD, Pearson r, ICC(A,1) and Bland-Altman limits of
/// agreement (<see cref="Summarize"/>). Use one per dyad (a client and a therapist across occasions) and one across
/// dyads. Pairs with a value that is not finite are refused (<see cref="ArgumentOutOfRangeException"/>): only scored
/// values belong here.
/// </summary>
/// <remarks>
/// Sums are kept as running means and co-moments (Welford 1962, Technometrics 4(3):419-420, extended to the
/// co-moment), which stay accurate when the values are large and close together. The statistics follow from them:
/// with d = client - therapist and s = client + therapist, var(d) = (M2c + M2t - 2 Cct) / (n - 1) and
/// var(s) = (M2c + M2t + 2 Cct) / (n - 1). See <see cref="AgreementSummary"/> for the formulas and their sources.
/// </remarks>
public sealed class AgreementAccumulator
{
    private long _n;
    private double _meanClient;
    private double _meanTherapist;
    private double _m2Client;
    private double _m2Therapist;
    private double _coMoment;

    /// <summary>The number of pairs added.</summary>
    public int Count => checked((int)_n);

    /// <summary>Adds one pair.</summary>
    /// <param name="client">The client's value of the score.</param>
    /// <param name="therapist">The therapist's value of the corresponding score.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or infinite.</exception>
    public void Add(double client, double therapist)
    {
        if (!double.IsFinite(client))
        {
            throw new ArgumentOutOfRangeException(nameof(client), client, "a scored value is a finite number");
        }

        if (!double.IsFinite(therapist))
        {
            throw new ArgumentOutOfRangeException(nameof(therapist), therapist, "a scored value is a finite number");
        }

        _n++;
        var dc = client - _meanClient;
        var dt = therapist - _meanTherapist;
        _meanClient += dc / _n;
        _meanTherapist += dt / _n;
        var dc2 = client - _meanClient;
        _m2Client += dc * dc2;
        _m2Therapist += dt * (therapist - _meanTherapist);
        _coMoment += dc * (therapist - _meanTherapist);
    }

    /// <summary>Forgets every pair (to reuse the accumulator for the next dyad).</summary>
    public void Clear()
    {
        _n = 0;
        _meanClient = _meanTherapist = _m2Client = _m2Therapist = _coMoment = 0;
    }

    /// <summary>The agreement statistics of the pairs added so far.</summary>
    public AgreementSummary Summarize()
    {
        var n = Count;
        if (n == 0)
        {
            const string none = "no pairs";
            var empty = AgreementStatistic.Undefined(0, none);
            return new AgreementSummary(0, empty, empty, empty, empty, empty, empty, empty, empty);
        }

        var meanDifference = _meanClient - _meanTherapist;
        AgreementStatistic sd, lower, upper, pearson, icc;
        if (n < 2)
        {
            const string one = "one pair: a spread needs at least two";
            sd = lower = upper = AgreementStatistic.Undefined(n, one);
        }
        else
        {
            // Sum of squared deviations of d, clamped at 0 against rounding.
            var ssd = Math.Max(0, _m2Client + _m2Therapist - (2 * _coMoment));
            var s = Math.Sqrt(ssd / (n - 1));
            sd = AgreementStatistic.Of(s, n);
            lower = AgreementStatistic.Of(meanDifference - (AgreementSummary.LimitsFactor * s), n);
            upper = AgreementStatistic.Of(meanDifference + (AgreementSummary.LimitsFactor * s), n);
        }

        if (n < 3)
        {
            pearson = AgreementStatistic.Undefined(n, n == 1 ? "one pair: a correlation needs at least three" : "two pairs: a correlation needs at least three (with two it is +1 or -1 whatever the data)");
        }
        else if (_m2Client <= 0 || _m2Therapist <= 0)
        {
            pearson = AgreementStatistic.Undefined(n, _m2Client <= 0 ? "the client values do not vary" : "the therapist values do not vary");
        }
        else
        {
            pearson = AgreementStatistic.Of(Math.Clamp(_coMoment / Math.Sqrt(_m2Client * _m2Therapist), -1, 1), n);
        }

        if (n < 2)
        {
            icc = AgreementStatistic.Undefined(n, "one pair: an intraclass correlation needs at least two");
        }
        else
        {
            // Two-way ANOVA mean squares for k = 2 raters (McGraw & Wong 1996), from d and s:
            // MSR = var(s) / 2, MSE = var(d) / 2, MSC = n * mean(d)^2 / 2.
            var msr = Math.Max(0, _m2Client + _m2Therapist + (2 * _coMoment)) / (n - 1) / 2;
            var mse = Math.Max(0, _m2Client + _m2Therapist - (2 * _coMoment)) / (n - 1) / 2;
            var msc = n * meanDifference * meanDifference / 2;
            var denominator = msr + mse + (2.0 / n * (msc - mse));
            icc = denominator > 0
                ? AgreementStatistic.Of((msr - mse) / denominator, n)
                : AgreementStatistic.Undefined(n, "every value is the same: no variance to apportion");
        }

        return new AgreementSummary(n,
            AgreementStatistic.Of(_meanClient, n), AgreementStatistic.Of(_meanTherapist, n), AgreementStatistic.Of(meanDifference, n),
            sd, lower, upper, pearson, icc);
    }
}
