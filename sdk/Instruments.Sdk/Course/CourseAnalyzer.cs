using System.Runtime.CompilerServices;
using Instruments.Definitions;

namespace Instruments.Course;

/// <summary>
/// Interprets the course of one score across a client's administrations with the score's change rules
/// (<see cref="ScoreDefinition.Change"/>): first and last usable values and the change; caseness at the first and last
/// administration and recovery; reliable change per rule (fixed thresholds, inclusive; Jacobson &amp; Truax 1991,
/// |index| &gt; critical, strict); the Jacobson &amp; Truax clinical-significance category; sudden gains and losses
/// (Tang &amp; DeRubeis 1999, with the critical values for missing sessions that the R package suddengains attributes
/// to Lutz et al. 2013). Immutable and thread-safe: create one per score (it precomputes thresholds and cut-offs)
/// and share it; give each thread its own <see cref="ScoreCourse"/>.
/// </summary>
/// <example>
/// <code>
/// var analyzer = CourseAnalyzer.Create(definition.FindScore("total")!);
/// var course = analyzer.CreateResult();
/// analyzer.Analyze([17, 15, 8, 7, double.NaN, 6], course);   // NaN: an administration that is not usable
/// Console.WriteLine($"{course.First} -> {course.Last}: {course.Outcome(0)}, {course.SuddenGains.Count} sudden gain(s)");
/// </code>
/// </example>
public sealed class CourseAnalyzer
{
    /// <summary>
    /// Critical t for the stability criterion with three values on each side (df 4, two-sided alpha .05;
    /// Tang &amp; DeRubeis 1999 as implemented in suddengains).
    /// </summary>
    public const double CriticalTSixValues = 2.776;

    /// <summary>Critical t with one value missing on one side (2 + 3 values, df 3), after Lutz et al. (2013) as cited by suddengains.</summary>
    public const double CriticalTFiveValues = 3.182;

    /// <summary>Critical t with one value missing on each side (2 + 2 values, df 2), after Lutz et al. (2013) as cited by suddengains.</summary>
    public const double CriticalTFourValues = 4.303;

    /// <summary>
    /// How many administrations from the start of a series make the early alliance (<see cref="ScoreCourse.EarlySlope"/>,
    /// <see cref="RuptureCourse.VShape"/>): the first five sessions, as issue 15 of this project asks.
    /// </summary>
    public const int EarlyAdministrations = 5;

    private readonly bool _lowerIsBetter;
    private readonly CasenessRule? _caseness;
    private readonly bool[] _jacobsonTruax;
    private readonly double[] _thresholds;
    private readonly double[] _sdiff;
    private readonly double[] _critical;
    private readonly int _categoryRule = -1;
    private readonly double _cut = double.NaN;
    private readonly bool _suddenGains;
    private readonly double _gainCutoff = double.NaN;
    private readonly double _relative;
    private readonly bool _stability;
    private readonly bool _ruptures;

    private CourseAnalyzer(ScoreDefinition score)
    {
        Score = score;
        Rules = score.Change;
        var rules = Rules is { ReliableChange.IsDefault: false } r ? r.ReliableChange : [];
        _jacobsonTruax = new bool[rules.Length];
        _thresholds = new double[rules.Length];
        _sdiff = new double[rules.Length];
        _critical = new double[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            _jacobsonTruax[i] = rules[i].Method == ReliableChangeMethod.JacobsonTruax;
            _thresholds[i] = rules[i].PointThreshold;
            _sdiff[i] = rules[i].StandardErrorOfDifference;
            _critical[i] = rules[i].Critical;
        }

        if (Rules is null)
        {
            return;
        }

        _lowerIsBetter = Rules.Direction == ChangeDirection.LowerIsBetter;
        _caseness = Rules.Caseness;
        if (Rules.ClinicalSignificance is { } cs)
        {
            _categoryRule = IndexOfRule(cs.ReliableChange);
            _cut = cs.CutoffValue(Rules.Direction);
        }

        _ruptures = !Rules.Ruptures.IsDefaultOrEmpty;
        if (Rules.SuddenGains is { } sg)
        {
            _gainCutoff = sg.Cutoff ?? (sg.ReliableChange is { } id && IndexOfRule(id) is var k and >= 0 ? _thresholds[k] : double.NaN);
            _relative = sg.Relative;
            _stability = sg.Stability;
            _suddenGains = double.IsFinite(_gainCutoff) && double.IsFinite(_relative);
        }
    }

    /// <summary>
    /// Creates the analyzer of <paramref name="score"/>. A score without change rules still gets first, last and change;
    /// caseness, reliable change, categories and sudden gains need the corresponding rule. A rule that lacks its numbers
    /// (which definition validation reports) gives no outcome rather than a wrong one.
    /// </summary>
    public static CourseAnalyzer Create(ScoreDefinition score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new CourseAnalyzer(score);
    }

    /// <summary>The score analysed.</summary>
    public ScoreDefinition Score { get; }

    /// <summary>The score's change rules; null when it declares none.</summary>
    public ChangeRules? Rules { get; }

    /// <summary>The number of reliable-change rules (the valid arguments of <see cref="Compare"/> are 0 to RuleCount - 1).</summary>
    public int RuleCount => _thresholds.Length;

    /// <summary>The position of the reliable-change rule <paramref name="id"/> (ordinal) in <see cref="ChangeRules.ReliableChange"/>, or -1.</summary>
    public int IndexOfRule(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (Rules is null || Rules.ReliableChange.IsDefault)
        {
            return -1;
        }

        for (var i = 0; i < Rules.ReliableChange.Length; i++)
        {
            if (string.Equals(Rules.ReliableChange[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Creates a result for <see cref="Analyze"/> to fill; reuse it across clients.</summary>
    public ScoreCourse CreateResult() => new(this, RuleCount);

    /// <summary>
    /// Analyses one client's series of this score: the values of its administrations in occasion order, NaN (or any
    /// non-finite value) for an administration that is not usable (invalid, or beyond the score's missing rule).
    /// Fills <paramref name="result"/>, which must come from this analyzer's <see cref="CreateResult"/>; allocates
    /// nothing once the result's sudden-shift lists have grown.
    /// </summary>
    /// <remarks>
    /// Sudden gains (lower is better; mirrored for higher is better, and with the sign flipped for sudden losses), for
    /// consecutive positions n, n+1 with both values usable, gain g = x(n) - x(n+1) &gt; 0:
    /// (1) g &gt;= the cut-off (inclusive); (2) g &gt;= <see cref="SuddenGainRule.Relative"/> x x(n) (inclusive);
    /// (3) when <see cref="SuddenGainRule.Stability"/> holds: with the usable values of n-2..n and of n+1..n+3 (fewer than
    /// two on a side: not evaluable, no gain), mean_pre - mean_post &gt; t x pooled SD (strict), pooled SD =
    /// sqrt(((n_pre - 1) s_pre^2 + (n_post - 1) s_post^2) / (n_pre + n_post - 2)) with sample SDs, and t = 2.776, 3.182
    /// or 4.303 for 3 + 3, 3 + 2 (or 2 + 3) and 2 + 2 values (Tang &amp; DeRubeis 1999; Lutz et al. 2013 via suddengains).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Analyze(ReadOnlySpan<double> series, ScoreCourse result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!ReferenceEquals(result.Analyzer, this))
        {
            throw new ArgumentException("The result was created by another analyzer; use this analyzer's CreateResult().", nameof(result));
        }

        result.Clear(series.Length);
        int used = 0, first = -1, last = -1;
        for (var i = 0; i < series.Length; i++)
        {
            if (double.IsFinite(series[i]))
            {
                used++;
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        Array.Copy(_thresholds, result.Thresholds, _thresholds.Length);
        if (used == 0)
        {
            return;
        }

        var firstValue = series[first];
        result.SetFirst(used, first, firstValue, used == 1 ? NoChangeReason.OneUsableAdministration : NoChangeReason.None);
        bool? caseFirst = _caseness?.IsCase(firstValue);
        if (used == 1)
        {
            result.SetCase(caseFirst, null, null);
        }
        else
        {
            var lastValue = series[last];
            result.SetLast(last, lastValue);
            bool? caseLast = _caseness?.IsCase(lastValue);
            result.SetCase(caseFirst, caseLast, _caseness is null ? null : caseFirst == true && caseLast == false);
            var change = result.Change;
            for (var i = 0; i < _thresholds.Length; i++)
            {
                if (_jacobsonTruax[i])
                {
                    result.Indexes[i] = change / _sdiff[i];
                }

                result.Outcomes[i] = Decide(i, change);
            }

            if (_categoryRule >= 0 && result.Outcomes[_categoryRule] is { } outcome)
            {
                result.SetCategory(outcome switch
                {
                    ChangeOutcome.Improved => !Functional(firstValue) && Functional(lastValue) ? ClinicalCategory.Recovered : ClinicalCategory.Improved,
                    ChangeOutcome.Deteriorated => ClinicalCategory.Deteriorated,
                    _ => ClinicalCategory.Unchanged,
                });
            }
        }

        if (_suddenGains)
        {
            FindShifts(series, result);
        }

        if (_ruptures)
        {
            RuptureFinder.Find(series, _lowerIsBetter, result);
        }
    }

    /// <summary>
    /// The outcome of reliable-change rule <paramref name="rule"/> for a change from <paramref name="from"/> to
    /// <paramref name="to"/>; null when either value is not a finite number (or the rule lacks its numbers).
    /// </summary>
    public ChangeOutcome? Compare(double from, double to, int rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rule);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rule, RuleCount);
        return double.IsFinite(from) && double.IsFinite(to) ? Decide(rule, to - from) : null;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is a case under the score's caseness rule (inclusive as stated,
    /// <see cref="CasenessRule.IsCase"/>); null without a caseness rule or when the value is not a finite number.
    /// </summary>
    public bool? IsCase(double value) => _caseness is null || !double.IsFinite(value) ? null : _caseness.IsCase(value);

    private ChangeOutcome? Decide(int rule, double change)
    {
        var better = _lowerIsBetter ? -change : change;
        if (_jacobsonTruax[rule])
        {
            var index = change / _sdiff[rule];
            if (!double.IsFinite(index) || !double.IsFinite(_critical[rule]))
            {
                return null;
            }

            // Strict: the index must exceed the critical value (Jacobson & Truax 1991; Evans, CECPfuns).
            return Math.Abs(index) > _critical[rule] ? Direction(better) : ChangeOutcome.Unchanged;
        }

        var threshold = _thresholds[rule];
        if (!double.IsFinite(threshold))
        {
            return null;
        }

        // Inclusive: a change of at least the threshold.
        return AtLeast(Math.Abs(change), threshold) && change != 0 ? Direction(better) : ChangeOutcome.Unchanged;
    }

    /// <summary>
    /// How far two doubles may differ and still be the same boundary value: a prorated score is a fraction (108/7), and
    /// the difference or quarter of such values can land one rounding step on the wrong side of a boundary it meets
    /// exactly (27/7 against a quarter of 108/7). 1e-9 relative is far below any difference between scores.
    /// </summary>
    internal static double Slack(double bound) => 1e-9 * Math.Max(1, Math.Abs(bound));

    /// <summary>value &gt;= bound, counting a value within rounding of the bound as at it (inclusive criteria).</summary>
    internal static bool AtLeast(double value, double bound) => value >= bound - Slack(bound);

    /// <summary>value &gt; bound, counting a value within rounding of the bound as at it (strict criteria).</summary>
    private static bool Above(double value, double bound) => value > bound + Slack(bound);

    private static ChangeOutcome Direction(double better) => better > 0 ? ChangeOutcome.Improved : ChangeOutcome.Deteriorated;

    /// <summary>Strictly on the better side of the cut-off; a value exactly at the cut-off is not functional (documented choice).</summary>
    private bool Functional(double value) => _lowerIsBetter ? value < _cut : value > _cut;

    private void FindShifts(ReadOnlySpan<double> x, ScoreCourse result)
    {
        for (var n = 0; n + 1 < x.Length; n++)
        {
            double a = x[n], b = x[n + 1];
            if (!double.IsFinite(a) || !double.IsFinite(b) || a == b)
            {
                continue;
            }

            // A downward shift is a gain when lower is better, a loss otherwise.
            var down = b < a;
            var magnitude = down ? a - b : b - a;
            if (!AtLeast(magnitude, _gainCutoff) || !AtLeast(magnitude, _relative * a))
            {
                continue;
            }

            if (_stability && !Stable(x, n, down))
            {
                continue;
            }

            var reversal = false;
            var half = magnitude / 2;
            for (var k = n + 2; k < x.Length && !reversal; k++)
            {
                if (double.IsFinite(x[k]))
                {
                    reversal = down ? Above(x[k], b + half) : Above(b - half, x[k]);
                }
            }

            var shift = new SuddenShift(n, a, b, magnitude, reversal);
            (down == _lowerIsBetter ? result.Gains : result.Losses).Add(shift);
        }
    }

    private static bool Stable(ReadOnlySpan<double> x, int n, bool down)
    {
        var (countPre, meanPre, varPre) = Window(x, n - 2, n);
        var (countPost, meanPost, varPost) = Window(x, n + 1, n + 3);
        if (countPre < 2 || countPost < 2)
        {
            return false;
        }

        var t = (countPre + countPost) switch
        {
            6 => CriticalTSixValues,
            5 => CriticalTFiveValues,
            _ => CriticalTFourValues,
        };
        var df = countPre + countPost - 2;
        var pooled = Math.Sqrt(((countPre - 1) * varPre + (countPost - 1) * varPost) / df);
        var difference = down ? meanPre - meanPost : meanPost - meanPre;
        return difference > t * pooled;
    }

    /// <summary>Count, mean and sample variance of the usable values at positions from..to (clipped to the series).</summary>
    private static (int Count, double Mean, double Variance) Window(ReadOnlySpan<double> x, int from, int to)
    {
        int count = 0;
        double sum = 0;
        for (var i = Math.Max(from, 0); i <= to && i < x.Length; i++)
        {
            if (double.IsFinite(x[i]))
            {
                count++;
                sum += x[i];
            }
        }

        if (count < 2)
        {
            return (count, double.NaN, double.NaN);
        }

        var mean = sum / count;
        double squares = 0;
        for (var i = Math.Max(from, 0); i <= to && i < x.Length; i++)
        {
            if (double.IsFinite(x[i]))
            {
                squares += (x[i] - mean) * (x[i] - mean);
            }
        }

        return (count, mean, squares / (count - 1));
    }
}
