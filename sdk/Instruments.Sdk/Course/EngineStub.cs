// TEMPORARY: a stand-in for helper B's change engine (branch wt-engine), written from the shared spec's "Engine API"
// and "Semantics" so that the course-of-care report compiles and is tested on its own branch. Delete this file at
// merge; the real engine replaces every type in it.
#pragma warning disable CS1591
using Instruments.Definitions;

namespace Instruments.Course;

public enum ChangeOutcome { Improved, Unchanged, Deteriorated }

public enum ClinicalCategory { Recovered, Improved, Unchanged, Deteriorated }

public enum NoChangeReason { None, NoUsableAdministration, OneUsableAdministration }

public readonly record struct SuddenShift(int PregainPosition, double Pregain, double Postgain, double Magnitude, bool Reversal);

public sealed class CourseAnalyzer
{
    private CourseAnalyzer(ScoreDefinition score)
    {
        Score = score;
        Rules = score.Change;
    }

    public static CourseAnalyzer Create(ScoreDefinition score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new CourseAnalyzer(score);
    }

    public ScoreDefinition Score { get; }

    public ChangeRules? Rules { get; }

    public ScoreCourse CreateResult() => new(Rules?.ReliableChange.Length ?? 0);

    public bool? IsCase(double value) => Rules?.Caseness is { } c && !double.IsNaN(value) ? c.IsCase(value) : null;

    public ChangeOutcome? Compare(double from, double to, int rule)
    {
        if (Rules is null || !double.IsFinite(from) || !double.IsFinite(to))
        {
            return null;
        }

        var r = Rules.ReliableChange[rule];
        var change = to - from;
        var better = Rules.Direction == ChangeDirection.LowerIsBetter ? -change : change;
        var reliable = r.Method == ReliableChangeMethod.Fixed
            ? Math.Abs(change) >= r.PointThreshold
            : Math.Abs(change / r.StandardErrorOfDifference) > r.Critical;
        return !reliable ? ChangeOutcome.Unchanged : better > 0 ? ChangeOutcome.Improved : ChangeOutcome.Deteriorated;
    }

    public void Analyze(ReadOnlySpan<double> series, ScoreCourse result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Reset(series.Length);
        for (var i = 0; i < series.Length; i++)
        {
            if (double.IsFinite(series[i]))
            {
                result.Used++;
                if (result.FirstPosition < 0)
                {
                    result.FirstPosition = i;
                }

                result.LastPosition = i;
            }
        }

        if (result.Used == 0)
        {
            result.NoChange = NoChangeReason.NoUsableAdministration;
            return;
        }

        result.First = series[result.FirstPosition];
        result.Last = series[result.LastPosition];
        result.CaseFirst = IsCase(result.First);
        if (result.Used < 2)
        {
            result.NoChange = NoChangeReason.OneUsableAdministration;
            result.Last = double.NaN;
            result.LastPosition = -1;
            return;
        }

        result.Change = result.Last - result.First;
        result.CaseLast = IsCase(result.Last);
        result.Recovered = result.CaseFirst is { } cf && result.CaseLast is { } cl ? cf && !cl : null;
        if (Rules is null)
        {
            return;
        }

        for (var r = 0; r < result.RuleCount; r++)
        {
            var rule = Rules.ReliableChange[r];
            result.Thresholds[r] = rule.PointThreshold;
            result.Indexes[r] = rule.Method == ReliableChangeMethod.Fixed ? double.NaN : result.Change / rule.StandardErrorOfDifference;
            result.Outcomes[r] = Compare(result.First, result.Last, r);
        }

        if (Rules.ClinicalSignificance is { } cs && IndexOfRule(cs.ReliableChange) is var ri and >= 0 && result.Outcomes[ri] is { } outcome)
        {
            var cut = cs.CutoffValue(Rules.Direction);
            bool Functional(double v) => Rules.Direction == ChangeDirection.LowerIsBetter ? v < cut : v > cut;
            result.Category = outcome switch
            {
                ChangeOutcome.Improved when !Functional(result.First) && Functional(result.Last) => ClinicalCategory.Recovered,
                ChangeOutcome.Improved => ClinicalCategory.Improved,
                ChangeOutcome.Deteriorated => ClinicalCategory.Deteriorated,
                _ => ClinicalCategory.Unchanged,
            };
        }

        if (Rules.SuddenGains is { } sg)
        {
            var cutoff = sg.Cutoff ?? (sg.ReliableChange is { } id && Rules.FindReliableChange(id) is { } rc ? rc.PointThreshold : double.NaN);
            if (double.IsFinite(cutoff))
            {
                var sign = Rules.Direction == ChangeDirection.LowerIsBetter ? 1.0 : -1.0;
                Shifts(series, sign, cutoff, sg, result.Gains);
                Shifts(series, -sign, cutoff, sg, result.Losses);
            }
        }
    }

    private int IndexOfRule(string id)
    {
        for (var i = 0; i < Rules!.ReliableChange.Length; i++)
        {
            if (Rules.ReliableChange[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    // sign = +1: a shift is a fall (x(n) - x(n+1) > 0); sign = -1: a rise.
    private static void Shifts(ReadOnlySpan<double> x, double sign, double cutoff, SuddenGainRule rule, List<SuddenShift> into)
    {
        for (var n = 0; n + 1 < x.Length; n++)
        {
            if (!double.IsFinite(x[n]) || !double.IsFinite(x[n + 1]))
            {
                continue;
            }

            var shift = sign * (x[n] - x[n + 1]);
            if (shift < cutoff || shift <= 0)
            {
                continue;
            }

            // The relative criterion is stated for gains on lower-is-better scores (x(n) is the pregain severity);
            // mirrored shifts use the same fraction of x(n).
            if (shift < rule.Relative * Math.Abs(x[n]))
            {
                continue;
            }

            if (rule.Stability && !Stable(x, n, sign))
            {
                continue;
            }

            var reversal = false;
            for (var k = n + 2; k < x.Length; k++)
            {
                if (double.IsFinite(x[k]) && sign * (x[k] - x[n + 1]) > shift / 2)
                {
                    reversal = true;
                    break;
                }
            }

            into.Add(new SuddenShift(n, x[n], x[n + 1], shift, reversal));
        }
    }

    private static bool Stable(ReadOnlySpan<double> x, int n, double sign)
    {
        Span<double> pre = stackalloc double[3];
        Span<double> post = stackalloc double[3];
        var np = 0;
        var nq = 0;
        for (var k = n - 2; k <= n; k++)
        {
            if (k >= 0 && double.IsFinite(x[k]))
            {
                pre[np++] = x[k];
            }
        }

        for (var k = n + 1; k <= n + 3; k++)
        {
            if (k < x.Length && double.IsFinite(x[k]))
            {
                post[nq++] = x[k];
            }
        }

        if (np < 2 || nq < 2)
        {
            return false;
        }

        var t = (np + nq) switch { 6 => 2.776, 5 => 3.182, _ => 4.303 };
        var (mp, vp) = MeanVar(pre[..np]);
        var (mq, vq) = MeanVar(post[..nq]);
        var pooled = Math.Sqrt(((np - 1) * vp + (nq - 1) * vq) / (np + nq - 2));
        return sign * (mp - mq) > t * pooled;
    }

    private static (double Mean, double Var) MeanVar(ReadOnlySpan<double> v)
    {
        var mean = 0.0;
        foreach (var x in v)
        {
            mean += x;
        }

        mean /= v.Length;
        var ss = 0.0;
        foreach (var x in v)
        {
            ss += (x - mean) * (x - mean);
        }

        return (mean, ss / (v.Length - 1));
    }
}

public sealed class ScoreCourse
{
    internal ScoreCourse(int rules)
    {
        RuleCount = rules;
        Thresholds = new double[rules];
        Indexes = new double[rules];
        Outcomes = new ChangeOutcome?[rules];
        Reset(0);
    }

    public int Administrations { get; private set; }

    public int Used { get; internal set; }

    public int FirstPosition { get; internal set; }

    public int LastPosition { get; internal set; }

    public double First { get; internal set; }

    public double Last { get; internal set; }

    public double Change { get; internal set; }

    public NoChangeReason NoChange { get; internal set; }

    public bool? CaseFirst { get; internal set; }

    public bool? CaseLast { get; internal set; }

    public bool? Recovered { get; internal set; }

    public int RuleCount { get; }

    public ClinicalCategory? Category { get; internal set; }

    public IReadOnlyList<SuddenShift> SuddenGains => Gains;

    public IReadOnlyList<SuddenShift> SuddenLosses => Losses;

    internal double[] Thresholds { get; }

    internal double[] Indexes { get; }

    internal ChangeOutcome?[] Outcomes { get; }

    internal List<SuddenShift> Gains { get; } = [];

    internal List<SuddenShift> Losses { get; } = [];

    public double Threshold(int rule) => Thresholds[rule];

    public double Index(int rule) => Indexes[rule];

    public ChangeOutcome? Outcome(int rule) => Outcomes[rule];

    internal void Reset(int administrations)
    {
        Administrations = administrations;
        Used = 0;
        FirstPosition = -1;
        LastPosition = -1;
        First = Last = Change = double.NaN;
        NoChange = NoChangeReason.None;
        CaseFirst = CaseLast = Recovered = null;
        Category = null;
        Array.Fill(Thresholds, double.NaN);
        Array.Fill(Indexes, double.NaN);
        Array.Clear(Outcomes);
        Gains.Clear();
        Losses.Clear();
    }
}
