using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// A deliberately naive reference for the change rules, written from the shared spec (docs/change.md semantics: usable
/// values, first/last, caseness, reliable change, categories, sudden gains per Tang &amp; DeRubeis 1999 with the
/// Lutz et al. 2013 critical values). It shares no code with the engine: lists and LINQ, the formulas as the spec
/// writes them (pooled SD from sample SDs squared), gains and losses written out separately for each direction.
/// </summary>
internal static class CourseReference
{
    internal sealed record Shift(int Position, double Magnitude, bool Reversal);

    internal sealed record Expected(
        int Used, double First, double Last, double Change, NoChangeReason Reason,
        bool? CaseFirst, bool? CaseLast, bool? Recovered,
        ChangeOutcome?[] Outcomes, double[] Indexes, double[] Thresholds, ClinicalCategory? Category,
        List<Shift> Gains, List<Shift> Losses);

    public static Expected Compute(ChangeRules? rules, double[] series)
    {
        var usable = series.Select((v, i) => (v, i)).Where(p => !double.IsNaN(p.v) && !double.IsInfinity(p.v)).ToList();
        var reason = usable.Count switch { 0 => NoChangeReason.NoUsableAdministration, 1 => NoChangeReason.OneUsableAdministration, _ => NoChangeReason.None };
        var first = usable.Count >= 1 ? usable[0].v : double.NaN;
        var last = usable.Count >= 2 ? usable[^1].v : double.NaN;
        var change = usable.Count >= 2 ? last - first : double.NaN;
        var ruleList = rules?.ReliableChange.ToList() ?? [];
        var outcomes = new ChangeOutcome?[ruleList.Count];
        var indexes = Enumerable.Repeat(double.NaN, ruleList.Count).ToArray();
        var thresholds = new double[ruleList.Count];
        bool? caseFirst = null, caseLast = null, recovered = null;
        ClinicalCategory? category = null;
        var gains = new List<Shift>();
        var losses = new List<Shift>();
        if (rules is null)
        {
            return new Expected(usable.Count, first, last, change, reason, null, null, null, outcomes, indexes, thresholds, null, gains, losses);
        }

        var lowerBetter = rules.Direction == ChangeDirection.LowerIsBetter;
        bool IsCase(double v) => rules.Caseness!.Min.HasValue ? v >= rules.Caseness.Min.Value : v <= rules.Caseness.Max!.Value;
        if (rules.Caseness is not null && usable.Count >= 1)
        {
            caseFirst = IsCase(first);
        }

        if (rules.Caseness is not null && usable.Count >= 2)
        {
            caseLast = IsCase(last);
            recovered = caseFirst == true && caseLast == false;
        }

        for (var k = 0; k < ruleList.Count; k++)
        {
            var rule = ruleList[k];
            var sdiff = rule.Method == ReliableChangeMethod.JacobsonTruax ? rule.Sd!.Value * Math.Sqrt(2) * Math.Sqrt(1 - rule.Reliability!.Value) : double.NaN;
            thresholds[k] = rule.Method == ReliableChangeMethod.Fixed ? rule.Threshold!.Value : rule.Critical * sdiff;
            if (usable.Count < 2)
            {
                continue;
            }

            var betterDelta = lowerBetter ? first - last : last - first;
            bool reliable;
            if (rule.Method == ReliableChangeMethod.Fixed)
            {
                reliable = Math.Abs(change) >= rule.Threshold!.Value;
            }
            else
            {
                indexes[k] = change / sdiff;
                reliable = Math.Abs(indexes[k]) > rule.Critical;
            }

            outcomes[k] = !reliable || betterDelta == 0 ? ChangeOutcome.Unchanged
                : betterDelta > 0 ? ChangeOutcome.Improved : ChangeOutcome.Deteriorated;
        }

        if (rules.ClinicalSignificance is { } cs && usable.Count >= 2)
        {
            var m0 = cs.FunctionalMean;
            var s0 = cs.FunctionalSd;
            var m1 = cs.DysfunctionalMean;
            var s1 = cs.DysfunctionalSd;
            double cut = cs.Cutoff == ClinicalCutoff.C ? (s0 * m1 + s1 * m0) / (s0 + s1) : lowerBetter ? m1 - 2 * s1 : m1 + 2 * s1;
            bool Functional(double v) => lowerBetter ? v < cut : v > cut;
            var k = ruleList.FindIndex(r => r.Id == cs.ReliableChange);
            if (k >= 0)
            {
                category = outcomes[k] switch
                {
                    ChangeOutcome.Improved when !Functional(first) && Functional(last) => ClinicalCategory.Recovered,
                    ChangeOutcome.Improved => ClinicalCategory.Improved,
                    ChangeOutcome.Deteriorated => ClinicalCategory.Deteriorated,
                    _ => ClinicalCategory.Unchanged,
                };
            }
        }

        if (rules.SuddenGains is { } sg)
        {
            double cutoff;
            if (sg.Cutoff.HasValue)
            {
                cutoff = sg.Cutoff.Value;
            }
            else
            {
                var k = ruleList.FindIndex(r => r.Id == sg.ReliableChange);
                cutoff = k >= 0 ? thresholds[k] : double.NaN;
            }

            if (!double.IsNaN(cutoff))
            {
                // Lower is better: gains go down, losses go up. Higher is better: gains go up, losses go down.
                var downs = lowerBetter ? gains : losses;
                var ups = lowerBetter ? losses : gains;
                for (var n = 0; n + 1 < series.Length; n++)
                {
                    if (DownShift(series, n, cutoff, sg) is { } d)
                    {
                        downs.Add(d);
                    }

                    if (UpShift(series, n, cutoff, sg) is { } u)
                    {
                        ups.Add(u);
                    }
                }
            }
        }

        return new Expected(usable.Count, first, last, change, reason, caseFirst, caseLast, recovered, outcomes, indexes, thresholds, category, gains, losses);
    }

    private static bool Usable(double[] x, int i) => i >= 0 && i < x.Length && double.IsFinite(x[i]);

    private static Shift? DownShift(double[] x, int n, double cutoff, SuddenGainRule rule)
    {
        if (!Usable(x, n) || !Usable(x, n + 1))
        {
            return null;
        }

        var gain = x[n] - x[n + 1];
        if (gain <= 0 || !(gain >= cutoff) || !(gain >= rule.Relative * x[n]))
        {
            return null;
        }

        if (rule.Stability)
        {
            var pre = new[] { n - 2, n - 1, n }.Where(i => Usable(x, i)).Select(i => x[i]).ToList();
            var post = new[] { n + 1, n + 2, n + 3 }.Where(i => Usable(x, i)).Select(i => x[i]).ToList();
            if (pre.Count < 2 || post.Count < 2 || !(pre.Average() - post.Average() > T(pre.Count, post.Count) * Pooled(pre, post)))
            {
                return null;
            }
        }

        var reversal = Enumerable.Range(n + 2, Math.Max(0, x.Length - n - 2)).Any(i => Usable(x, i) && x[i] > x[n + 1] + gain / 2);
        return new Shift(n, gain, reversal);
    }

    private static Shift? UpShift(double[] x, int n, double cutoff, SuddenGainRule rule)
    {
        if (!Usable(x, n) || !Usable(x, n + 1))
        {
            return null;
        }

        var gain = x[n + 1] - x[n];
        if (gain <= 0 || !(gain >= cutoff) || !(gain >= rule.Relative * x[n]))
        {
            return null;
        }

        if (rule.Stability)
        {
            var pre = new[] { n - 2, n - 1, n }.Where(i => Usable(x, i)).Select(i => x[i]).ToList();
            var post = new[] { n + 1, n + 2, n + 3 }.Where(i => Usable(x, i)).Select(i => x[i]).ToList();
            if (pre.Count < 2 || post.Count < 2 || !(post.Average() - pre.Average() > T(pre.Count, post.Count) * Pooled(pre, post)))
            {
                return null;
            }
        }

        var reversal = Enumerable.Range(n + 2, Math.Max(0, x.Length - n - 2)).Any(i => Usable(x, i) && x[i] < x[n + 1] - gain / 2);
        return new Shift(n, gain, reversal);
    }

    /// <summary>The spec's table: 2.776 with 3 + 3 values, 3.182 with 2 + 3 or 3 + 2, 4.303 with 2 + 2.</summary>
    private static double T(int pre, int post) => (pre, post) switch
    {
        (3, 3) => 2.776,
        (2, 3) or (3, 2) => 3.182,
        (2, 2) => 4.303,
        _ => throw new InvalidOperationException("window sizes " + pre + "+" + post),
    };

    private static double Pooled(List<double> pre, List<double> post)
    {
        static double Sd(List<double> v)
        {
            var m = v.Average();
            return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1));
        }

        double sdPre = Sd(pre), sdPost = Sd(post);
        return Math.Sqrt(((pre.Count - 1) * sdPre * sdPre + (post.Count - 1) * sdPost * sdPost) / (pre.Count + post.Count - 2));
    }
}
