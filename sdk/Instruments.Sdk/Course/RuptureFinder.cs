using System.Runtime.CompilerServices;

namespace Instruments.Course;

/// <summary>
/// Ruptures and repairs (docs/alliance.md, "Ruptures and repairs") and the early-alliance slope, for
/// <see cref="CourseAnalyzer.Analyze(ReadOnlySpan{double}, ScoreCourse)"/>. Allocates nothing once the rupture lists
/// have grown.
/// </summary>
internal static class RuptureFinder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Find(ReadOnlySpan<double> x, bool lowerIsBetter, ScoreCourse result)
    {
        result.SetEarlySlope(EarlySlope(x));
        var used = result.Used;
        if (used < 2)
        {
            // The rupture courses keep their cleared state apart from the reason.
            foreach (var course in result.RuptureCourses)
            {
                course.Set(used == 0 ? NoChangeReason.NoUsableAdministration : NoChangeReason.OneUsableAdministration,
                    double.NaN, double.NaN, 0, null);
            }

            return;
        }

        var clientSd = double.NaN;
        foreach (var course in result.RuptureCourses)
        {
            var rule = course.Rule;
            double sd, threshold;
            if (rule.K is { } k)
            {
                if (rule.ClientSd)
                {
                    if (double.IsNaN(clientSd))
                    {
                        clientSd = SampleSd(x);
                    }

                    sd = clientSd;
                }
                else
                {
                    sd = rule.Sd ?? double.NaN;
                }

                threshold = k * sd;
            }
            else
            {
                sd = double.NaN;
                threshold = rule.Points ?? double.NaN;
            }

            var list = course.List;
            var repaired = 0;
            var vShape = false;

            // A rule without its numbers (reported by validation) or an SD of 0 (a constant series) finds no rupture.
            if (double.IsFinite(threshold) && threshold > 0)
            {
                var previous = -1;
                for (var i = 0; i < x.Length; i++)
                {
                    if (!double.IsFinite(x[i]))
                    {
                        continue;
                    }

                    if (previous >= 0)
                    {
                        var pre = x[previous];
                        var drop = lowerIsBetter ? x[i] - pre : pre - x[i];
                        if (drop > 0 && CourseAnalyzer.AtLeast(drop, threshold))
                        {
                            var repair = Repair(x, i, pre, lowerIsBetter, rule.RepairWithin);
                            list.Add(new Rupture(i, pre, x[i], drop, rule.K.HasValue ? drop / sd : double.NaN, repair));
                            if (repair >= 0)
                            {
                                repaired++;
                                vShape |= repair < CourseAnalyzer.EarlyAdministrations;
                            }
                        }
                    }

                    previous = i;
                }
            }

            course.Set(NoChangeReason.None, sd, threshold, repaired, vShape);
        }
    }

    /// <summary>
    /// The first usable position after <paramref name="at"/>, among the next <paramref name="within"/> usable ones (all
    /// when null), whose value is back at or beyond <paramref name="pre"/> (inclusive, with rounding slack); -1 when none.
    /// </summary>
    private static int Repair(ReadOnlySpan<double> x, int at, double pre, bool lowerIsBetter, int? within)
    {
        var limit = within ?? int.MaxValue;
        var seen = 0;
        for (var j = at + 1; j < x.Length && seen < limit; j++)
        {
            if (!double.IsFinite(x[j]))
            {
                continue;
            }

            seen++;
            var better = lowerIsBetter ? pre - x[j] : x[j] - pre;
            if (better >= -CourseAnalyzer.Slack(pre))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>The sample SD (n - 1) of the usable values; the caller ensures there are at least two.</summary>
    private static double SampleSd(ReadOnlySpan<double> x)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in x)
        {
            if (double.IsFinite(v))
            {
                sum += v;
                n++;
            }
        }

        var mean = sum / n;
        double squares = 0;
        foreach (var v in x)
        {
            if (double.IsFinite(v))
            {
                squares += (v - mean) * (v - mean);
            }
        }

        return Math.Sqrt(squares / (n - 1));
    }

    /// <summary>OLS slope of value on administration number (position + 1) over the usable values of the first five positions; NaN with fewer than two.</summary>
    private static double EarlySlope(ReadOnlySpan<double> x)
    {
        var end = Math.Min(x.Length, CourseAnalyzer.EarlyAdministrations);
        double sx = 0, sy = 0;
        var n = 0;
        for (var i = 0; i < end; i++)
        {
            if (double.IsFinite(x[i]))
            {
                sx += i + 1;
                sy += x[i];
                n++;
            }
        }

        if (n < 2)
        {
            return double.NaN;
        }

        double mx = sx / n, my = sy / n, sxy = 0, sxx = 0;
        for (var i = 0; i < end; i++)
        {
            if (double.IsFinite(x[i]))
            {
                sxy += (i + 1 - mx) * (x[i] - my);
                sxx += (i + 1 - mx) * (i + 1 - mx);
            }
        }

        return sxy / sxx;
    }
}
