// TEMPORARY (branch wt-track): a straightforward implementation of the engine API of the issue-14 spec, so that the
// tracking pipeline compiles and its tests run before helper B's engine (branch wt-engine) is merged. At the merge this
// whole file is deleted and replaced by B's files; nothing else lives here.
using Instruments.Definitions;

namespace Instruments.Course;

/// <summary>The outcome of one reliable-change rule between two values.</summary>
public enum ChangeOutcome
{
    /// <summary>A reliable change for the better.</summary>
    Improved,

    /// <summary>No reliable change.</summary>
    Unchanged,

    /// <summary>A reliable change for the worse.</summary>
    Deteriorated,
}

/// <summary>Jacobson &amp; Truax (1991) clinical-significance category.</summary>
public enum ClinicalCategory
{
    /// <summary>Reliably improved and moved from the dysfunctional to the functional side of the cut-off.</summary>
    Recovered,

    /// <summary>Reliably improved, without crossing into the functional range.</summary>
    Improved,

    /// <summary>No reliable change.</summary>
    Unchanged,

    /// <summary>Reliably deteriorated.</summary>
    Deteriorated,
}

/// <summary>Why a course has no change.</summary>
public enum NoChangeReason
{
    /// <summary>There is a change (two or more usable values).</summary>
    None,

    /// <summary>No administration has a usable value.</summary>
    NoUsableAdministration,

    /// <summary>Only one administration has a usable value.</summary>
    OneUsableAdministration,
}

/// <summary>A sudden gain or loss between positions n and n+1 of a series.</summary>
/// <param name="PregainPosition">n: the position before the shift.</param>
/// <param name="Pregain">x(n).</param>
/// <param name="Postgain">x(n+1).</param>
/// <param name="Magnitude">The size of the shift in points (positive).</param>
/// <param name="Reversal">True when a later value reverses at least half of the shift.</param>
public readonly record struct SuddenShift(int PregainPosition, double Pregain, double Postgain, double Magnitude, bool Reversal);

/// <summary>Analyses the course of one score across administrations with the score's change rules. Immutable, thread-safe.</summary>
public sealed class CourseAnalyzer
{
    private readonly double[] _thresholds;
    private readonly double[] _sdiff;
    private readonly int _categoryRule;
    private readonly double _gainCutoff;

    private CourseAnalyzer(ScoreDefinition score)
    {
        Score = score;
        Rules = score.Change;
        var rules = Rules?.ReliableChange ?? [];
        _thresholds = [.. rules.Select(r => r.PointThreshold)];
        _sdiff = [.. rules.Select(r => r.StandardErrorOfDifference)];
        _categoryRule = Rules?.ClinicalSignificance is { } cs ? rules.IndexOf(Rules.FindReliableChange(cs.ReliableChange)!) : -1;
        _gainCutoff = Rules?.SuddenGains is { } sg
            ? sg.Cutoff ?? (sg.ReliableChange is { } id && Rules.FindReliableChange(id) is { } rule ? rule.PointThreshold : double.NaN)
            : double.NaN;
    }

    /// <summary>An analyzer for <paramref name="score"/> (without change rules: first, last and change only).</summary>
    /// <param name="score">The score.</param>
    /// <returns>The analyzer.</returns>
    public static CourseAnalyzer Create(ScoreDefinition score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new CourseAnalyzer(score);
    }

    /// <summary>The score analysed.</summary>
    public ScoreDefinition Score { get; }

    /// <summary>Its change rules, or null.</summary>
    public ChangeRules? Rules { get; }

    /// <summary>A result to pass to <see cref="Analyze"/>, reusable.</summary>
    /// <returns>The result.</returns>
    public ScoreCourse CreateResult()
    {
        var result = new ScoreCourse(_thresholds.Length);
        result.SetThresholds(_thresholds);
        return result;
    }

    /// <summary>Analyses one client's series (in occasion order; NaN = not usable) into <paramref name="result"/>.</summary>
    /// <param name="series">The values.</param>
    /// <param name="result">A result of this analyzer.</param>
    public void Analyze(ReadOnlySpan<double> series, ScoreCourse result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Reset(series.Length);
        var firstPos = -1;
        var lastPos = -1;
        var used = 0;
        for (var i = 0; i < series.Length; i++)
        {
            if (double.IsFinite(series[i]))
            {
                used++;
                if (firstPos < 0)
                {
                    firstPos = i;
                }

                lastPos = i;
            }
        }

        result.Used = used;
        result.FirstPosition = firstPos;
        result.LastPosition = lastPos;
        if (firstPos >= 0)
        {
            result.First = series[firstPos];
            result.Last = series[lastPos];
            result.CaseFirst = IsCase(result.First);
        }

        if (used < 2)
        {
            result.NoChange = used == 0 ? NoChangeReason.NoUsableAdministration : NoChangeReason.OneUsableAdministration;
        }
        else
        {
            result.NoChange = NoChangeReason.None;
            result.Change = result.Last - result.First;
            result.CaseLast = IsCase(result.Last);
            if (result.CaseFirst is { } cf && result.CaseLast is { } cl)
            {
                result.Recovered = cf && !cl;
            }

            for (var r = 0; r < _thresholds.Length; r++)
            {
                result.Outcomes[r] = Compare(result.First, result.Last, r);
                result.Indexes[r] = double.IsNaN(_sdiff[r]) ? double.NaN : result.Change / _sdiff[r];
            }

            if (Rules?.ClinicalSignificance is { } cs && _categoryRule >= 0)
            {
                var cut = cs.CutoffValue(Rules.Direction);
                bool Functional(double v) => Rules.Direction == ChangeDirection.LowerIsBetter ? v < cut : v > cut;
                result.Category = result.Outcomes[_categoryRule] switch
                {
                    ChangeOutcome.Improved when !Functional(result.First) && Functional(result.Last) => ClinicalCategory.Recovered,
                    ChangeOutcome.Improved => ClinicalCategory.Improved,
                    ChangeOutcome.Deteriorated => ClinicalCategory.Deteriorated,
                    _ => ClinicalCategory.Unchanged,
                };
            }
        }

        if (Rules?.SuddenGains is { } sg && !double.IsNaN(_gainCutoff))
        {
            Shifts(series, sg, gains: true, result.Gains);
            Shifts(series, sg, gains: false, result.Losses);
        }
    }

    private void Shifts(ReadOnlySpan<double> x, SuddenGainRule rule, bool gains, List<SuddenShift> into)
    {
        // "better" = +1 when a fall is an improvement (lower is better); a gain is a change for the better.
        var lowerBetter = Rules!.Direction == ChangeDirection.LowerIsBetter;
        var sign = (lowerBetter == gains) ? 1.0 : -1.0;   // shift = sign * (x(n) - x(n+1)) must be positive
        Span<double> pre = stackalloc double[3];
        Span<double> post = stackalloc double[3];
        for (var n = 0; n + 1 < x.Length; n++)
        {
            var a = x[n];
            var b = x[n + 1];
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                continue;
            }

            var shift = sign * (a - b);
            if (!(shift >= _gainCutoff) || !(shift >= rule.Relative * a))
            {
                continue;
            }

            if (rule.Stability)
            {
                var np = Collect(x, n - 2, n, pre);
                var nq = Collect(x, n + 1, n + 3, post);
                if (np < 2 || nq < 2)
                {
                    continue;
                }

                var t = (np + nq) switch { 6 => 2.776, 5 => 3.182, _ => 4.303 };
                var (mp, vp) = MeanVar(pre[..np]);
                var (mq, vq) = MeanVar(post[..nq]);
                var pooled = Math.Sqrt((((np - 1) * vp) + ((nq - 1) * vq)) / (np + nq - 2));
                if (!(sign * (mp - mq) > t * pooled))
                {
                    continue;
                }
            }

            var reversal = false;
            for (var k = n + 2; k < x.Length; k++)
            {
                if (double.IsFinite(x[k]) && sign * (x[k] - b) > shift / 2)
                {
                    reversal = true;
                    break;
                }
            }

            into.Add(new SuddenShift(n, a, b, shift, reversal));
        }
    }

    private static int Collect(ReadOnlySpan<double> x, int from, int to, Span<double> into)
    {
        var n = 0;
        for (var i = Math.Max(0, from); i <= to && i < x.Length; i++)
        {
            if (double.IsFinite(x[i]))
            {
                into[n++] = x[i];
            }
        }

        return n;
    }

    private static (double Mean, double Variance) MeanVar(ReadOnlySpan<double> v)
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

    /// <summary>The outcome of reliable-change rule <paramref name="rule"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The earlier value.</param>
    /// <param name="to">The later value.</param>
    /// <param name="rule">Index into <see cref="ChangeRules.ReliableChange"/>.</param>
    /// <returns>The outcome, or null when a value is NaN.</returns>
    public ChangeOutcome? Compare(double from, double to, int rule)
    {
        if (!double.IsFinite(from) || !double.IsFinite(to) || Rules is null)
        {
            return null;
        }

        var r = Rules.ReliableChange[rule];
        var change = to - from;
        var better = Rules.Direction == ChangeDirection.LowerIsBetter ? -change : change;
        bool reliable = r.Method == ReliableChangeMethod.Fixed
            ? Math.Abs(change) >= (r.Threshold ?? double.NaN)
            : Math.Abs(change / _sdiff[rule]) > r.Critical;
        return !reliable || better == 0 ? ChangeOutcome.Unchanged : better > 0 ? ChangeOutcome.Improved : ChangeOutcome.Deteriorated;
    }

    /// <summary>Whether <paramref name="value"/> is a case.</summary>
    /// <param name="value">A score value.</param>
    /// <returns>Null without caseness or for NaN.</returns>
    public bool? IsCase(double value) => Rules?.Caseness is { } c && double.IsFinite(value) ? c.IsCase(value) : null;
}

/// <summary>The course of one score for one client: a reusable mutable result filled by <see cref="CourseAnalyzer.Analyze"/>.</summary>
public sealed class ScoreCourse
{
    internal ScoreCourse(int rules)
    {
        RuleCount = rules;
        Outcomes = new ChangeOutcome?[rules];
        Indexes = new double[rules];
        ThresholdValues = new double[rules];
    }

    internal ChangeOutcome?[] Outcomes { get; }

    internal double[] Indexes { get; }

    internal double[] ThresholdValues { get; }

    internal List<SuddenShift> Gains { get; } = [];

    internal List<SuddenShift> Losses { get; } = [];

    /// <summary>Positions in the series.</summary>
    public int Administrations { get; private set; }

    /// <summary>Positions with a usable value.</summary>
    public int Used { get; internal set; }

    /// <summary>Position of the first usable value, or -1.</summary>
    public int FirstPosition { get; internal set; }

    /// <summary>Position of the last usable value, or -1.</summary>
    public int LastPosition { get; internal set; }

    /// <summary>The first usable value, or NaN.</summary>
    public double First { get; internal set; }

    /// <summary>The last usable value, or NaN.</summary>
    public double Last { get; internal set; }

    /// <summary>Last minus first, or NaN with fewer than two usable values.</summary>
    public double Change { get; internal set; }

    /// <summary>Why there is no change, or <see cref="NoChangeReason.None"/>.</summary>
    public NoChangeReason NoChange { get; internal set; }

    /// <summary>Whether the first value is a case.</summary>
    public bool? CaseFirst { get; internal set; }

    /// <summary>Whether the last value is a case (null without a change).</summary>
    public bool? CaseLast { get; internal set; }

    /// <summary>Case at first and not at last.</summary>
    public bool? Recovered { get; internal set; }

    /// <summary>The number of reliable-change rules.</summary>
    public int RuleCount { get; }

    /// <summary>The point threshold of rule <paramref name="rule"/>.</summary>
    /// <param name="rule">Rule index.</param>
    /// <returns>The threshold.</returns>
    public double Threshold(int rule) => ThresholdValues[rule];

    /// <summary>The Jacobson-Truax index of rule <paramref name="rule"/>; NaN for fixed rules or without change.</summary>
    /// <param name="rule">Rule index.</param>
    /// <returns>The index.</returns>
    public double Index(int rule) => Indexes[rule];

    /// <summary>The outcome of rule <paramref name="rule"/>, or null without change.</summary>
    /// <param name="rule">Rule index.</param>
    /// <returns>The outcome.</returns>
    public ChangeOutcome? Outcome(int rule) => Outcomes[rule];

    /// <summary>The clinical-significance category, or null.</summary>
    public ClinicalCategory? Category { get; internal set; }

    /// <summary>Sudden gains.</summary>
    public IReadOnlyList<SuddenShift> SuddenGains => Gains;

    /// <summary>Sudden losses.</summary>
    public IReadOnlyList<SuddenShift> SuddenLosses => Losses;

    internal void Reset(int administrations)
    {
        Administrations = administrations;
        Used = 0;
        FirstPosition = LastPosition = -1;
        First = Last = Change = double.NaN;
        NoChange = NoChangeReason.NoUsableAdministration;
        CaseFirst = CaseLast = Recovered = null;
        Category = null;
        Array.Fill(Outcomes, null);
        Array.Fill(Indexes, double.NaN);
        Gains.Clear();
        Losses.Clear();
    }

    internal void SetThresholds(double[] thresholds) => thresholds.CopyTo(ThresholdValues, 0);
}
