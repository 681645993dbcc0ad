using System.Collections.ObjectModel;
using Instruments.Definitions;

namespace Instruments.Course;

/// <summary>
/// What one rupture rule (<see cref="RuptureRule"/>) finds in a client's series: the SD and threshold it used, the
/// ruptures with their repairs, the counts, and whether the first five administrations show the rupture-repair
/// V shape. Part of a <see cref="ScoreCourse"/> and refilled with it (the same storage rules: no allocation once the
/// list has grown; not thread-safe).
/// </summary>
public sealed class RuptureCourse
{
    private readonly List<Rupture> _ruptures = [];

    internal RuptureCourse(RuptureRule rule)
    {
        Rule = rule;
        Ruptures = new ReadOnlyCollection<Rupture>(_ruptures);
        Clear();
    }

    /// <summary>The rule applied.</summary>
    public RuptureRule Rule { get; }

    /// <summary>
    /// Why the rule could not be applied: <see cref="NoChangeReason.None"/> when it was; otherwise no usable
    /// administration, or only one (a drop needs two, and the client's own SD needs two values).
    /// </summary>
    public NoChangeReason NotEvaluable { get; private set; }

    /// <summary>
    /// The SD used: the client's own sample SD (n - 1 denominator, over the usable values of the series) for
    /// <c>sd: client</c>, or the stated SD; NaN for a <c>points</c> rule or when the rule is not evaluable. 0 for a
    /// constant series, which has no rupture.
    /// </summary>
    public double Sd { get; private set; }

    /// <summary>The smallest worsening in points that is a rupture (k x SD, or the rule's points); NaN when not evaluable.</summary>
    public double Threshold { get; private set; }

    /// <summary>The ruptures in series order; this result's own storage, changed by the next analysis.</summary>
    public IReadOnlyList<Rupture> Ruptures { get; }

    /// <summary>The number of ruptures.</summary>
    public int Count => _ruptures.Count;

    /// <summary>The number of repaired ruptures.</summary>
    public int Repaired { get; private set; }

    /// <summary>The number of unrepaired ruptures (<see cref="Count"/> - <see cref="Repaired"/>).</summary>
    public int Unrepaired => _ruptures.Count - Repaired;

    /// <summary>
    /// True when a rupture and its repair both fall within the first <see cref="CourseAnalyzer.EarlyAdministrations"/>
    /// administrations of the series (the rupture-repair V shape of the early alliance); null when the rule is not evaluable.
    /// </summary>
    public bool? VShape { get; private set; }

    internal List<Rupture> List => _ruptures;

    internal void Clear()
    {
        NotEvaluable = NoChangeReason.NoUsableAdministration;
        Sd = Threshold = double.NaN;
        Repaired = 0;
        VShape = null;
        _ruptures.Clear();
    }

    internal void Set(NoChangeReason reason, double sd, double threshold, int repaired, bool? vShape)
    {
        NotEvaluable = reason;
        Sd = sd;
        Threshold = threshold;
        Repaired = repaired;
        VShape = vShape;
    }
}
