using System.Runtime.CompilerServices;

namespace Instruments.Course;

/// <summary>
/// A protocol's alliance-and-outcome pairing, resolved (<see cref="ProtocolPlan.AllianceOutcome"/>): the member that
/// follows the working alliance, the member whose change is the outcome, and the early window. Immutable.
/// </summary>
public sealed class AllianceOutcomePairing
{
    internal AllianceOutcomePairing(ProtocolMember alliance, ProtocolMember outcome, int earlySessions)
    {
        Alliance = alliance;
        Outcome = outcome;
        EarlySessions = earlySessions;
    }

    /// <summary>The alliance measure (its score is higher-is-better).</summary>
    public ProtocolMember Alliance { get; }

    /// <summary>The outcome measure: its course change (<see cref="ScoreCourse.Change"/>) and, when it names one, its reliable-change outcome.</summary>
    public ProtocolMember Outcome { get; }

    /// <summary>How many of a client's first administrations (usable or not) make the early alliance; at least 1.</summary>
    public int EarlySessions { get; }
}

/// <summary>
/// The alliance beside the outcome (docs/alliance.md, "Alliance and outcome"). Per client,
/// <see cref="EarlyAlliance"/> is the mean of the usable alliance values among the first N administrations; across
/// clients, <see cref="Add"/> collects (early alliance, outcome change) pairs and <see cref="Summarize"/> gives the
/// Pearson correlation with its n, or why there is none. Allocation-free per client (running sums, updated one pair at
/// a time). Mutable and not thread-safe: one per run.
/// </summary>
/// <example>
/// <code>
/// var across = new AllianceOutcomeAccumulator();
/// foreach (var (alliance, symptoms) in clients)   // per client: the alliance series and the outcome's ScoreCourse
/// {
///     var early = AllianceOutcomeAccumulator.EarlyAlliance(alliance, 3, out var n);
///     across.Add(early, symptoms.Change);
/// }
/// var summary = across.Summarize();   // summary.R, summary.Count, summary.NotComputed, AllianceOutcomeSummary.Caution
/// </code>
/// </example>
public sealed class AllianceOutcomeAccumulator
{
    /// <summary>The fewest clients with both values for which a correlation is given.</summary>
    public const int MinimumClients = 3;

    // Running means and co-moments (Welford's update, extended to the cross product): stable for long runs of close values.
    private double _meanX;
    private double _meanY;
    private double _sxx;
    private double _syy;
    private double _sxy;

    /// <summary>The clients added with both an early alliance and an outcome change.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The early alliance of one client: the mean of the usable (finite) values among the first
    /// <paramref name="earlySessions"/> entries of <paramref name="series"/> (one entry per administration in occasion
    /// order, NaN where not usable; unusable ones count towards the window and are not replaced by later ones); NaN
    /// when none of them is usable.
    /// </summary>
    /// <param name="series">The alliance score's values, one per administration, in occasion order.</param>
    /// <param name="earlySessions">The window, at least 1.</param>
    /// <param name="used">Receives how many values the mean is over (0 to <paramref name="earlySessions"/>).</param>
    /// <returns>The mean, or NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double EarlyAlliance(ReadOnlySpan<double> series, int earlySessions, out int used)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(earlySessions, 1);
        var end = Math.Min(series.Length, earlySessions);
        double sum = 0;
        used = 0;
        for (var i = 0; i < end; i++)
        {
            if (double.IsFinite(series[i]))
            {
                sum += series[i];
                used++;
            }
        }

        return used == 0 ? double.NaN : sum / used;
    }

    /// <summary>
    /// Adds one client's pair; a client without either value (NaN) is not counted and changes nothing.
    /// </summary>
    /// <param name="earlyAlliance">The client's early alliance (<see cref="EarlyAlliance"/>).</param>
    /// <param name="change">The outcome's change, last minus first usable value (<see cref="ScoreCourse.Change"/>).</param>
    /// <returns>True when the pair was counted.</returns>
    public bool Add(double earlyAlliance, double change)
    {
        if (!double.IsFinite(earlyAlliance) || !double.IsFinite(change))
        {
            return false;
        }

        Count++;
        var dx = earlyAlliance - _meanX;
        var dy = change - _meanY;
        _meanX += dx / Count;
        _meanY += dy / Count;
        _sxx += dx * (earlyAlliance - _meanX);
        _syy += dy * (change - _meanY);
        _sxy += dx * (change - _meanY);
        return true;
    }

    /// <summary>Forgets every pair.</summary>
    public void Clear()
    {
        Count = 0;
        _meanX = _meanY = _sxx = _syy = _sxy = 0;
    }

    /// <summary>
    /// The correlation over the pairs added so far: Pearson's r with its n; r is NaN, with the reason, when fewer than
    /// <see cref="MinimumClients"/> clients have both values or when either variable does not vary.
    /// </summary>
    public AllianceOutcomeSummary Summarize()
    {
        if (Count < MinimumClients)
        {
            return new AllianceOutcomeSummary(Count, double.NaN, Count switch
            {
                0 => "no client has both an early alliance and an outcome change",
                1 => "one client has both an early alliance and an outcome change; a correlation needs at least 3",
                _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Count} clients have both an early alliance and an outcome change; a correlation needs at least 3"),
            });
        }

        if (_sxx == 0)
        {
            return new AllianceOutcomeSummary(Count, double.NaN, "the early alliance is the same for every client");
        }

        if (_syy == 0)
        {
            return new AllianceOutcomeSummary(Count, double.NaN, "the outcome change is the same for every client");
        }

        var r = _sxy / Math.Sqrt(_sxx * _syy);
        return new AllianceOutcomeSummary(Count, Math.Clamp(r, -1, 1), null);
    }
}

/// <summary>
/// The alliance and outcome across clients: Pearson's r between the early alliance and the outcome change, over
/// <see cref="Count"/> clients with both. Immutable. Read it with <see cref="Caution"/>.
/// </summary>
public sealed class AllianceOutcomeSummary
{
    /// <summary>
    /// What the correlation is and is not, in plain words; written beside it in every output
    /// (docs/alliance.md, "Alliance and outcome").
    /// </summary>
    public const string Caution =
        "A correlation across this service's clients in this data only: it describes how early alliance and symptom "
        + "change went together here, not whether the alliance caused the change, and it is not a benchmark to judge "
        + "an individual client or therapist by.";

    internal AllianceOutcomeSummary(int count, double r, string? notComputed)
    {
        Count = count;
        R = r;
        NotComputed = notComputed;
    }

    /// <summary>The number of clients with both an early alliance and an outcome change (n).</summary>
    public int Count { get; }

    /// <summary>Pearson's r, between -1 and 1; NaN when it is not computed (see <see cref="NotComputed"/>).</summary>
    public double R { get; }

    /// <summary>Why there is no r, in words; null when there is one.</summary>
    public string? NotComputed { get; }
}
