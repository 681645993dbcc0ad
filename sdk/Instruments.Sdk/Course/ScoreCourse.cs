using System.Collections.ObjectModel;

namespace Instruments.Course;

/// <summary>
/// The course of one score across a client's administrations: first and last usable values, the change, caseness,
/// reliable change per rule, the clinical-significance category, sudden gains and losses, and ruptures and repairs
/// with the early-alliance slope. A reusable, mutable
/// result: create it once with <see cref="CourseAnalyzer.CreateResult"/> and let
/// <see cref="CourseAnalyzer.Analyze(ReadOnlySpan{double}, ScoreCourse)"/> refill it for each client (no allocation
/// once its sudden-shift lists have grown to the longest series seen). Not thread-safe; use one per thread.
/// </summary>
public sealed class ScoreCourse
{
    private readonly double[] _thresholds;
    private readonly double[] _indexes;
    private readonly ChangeOutcome?[] _outcomes;
    private readonly List<SuddenShift> _gains = [];
    private readonly List<SuddenShift> _losses = [];
    private readonly RuptureCourse[] _ruptures;

    internal ScoreCourse(CourseAnalyzer analyzer, int rules)
    {
        Analyzer = analyzer;
        _thresholds = new double[rules];
        _indexes = new double[rules];
        _outcomes = new ChangeOutcome?[rules];
        SuddenGains = new ReadOnlyCollection<SuddenShift>(_gains);
        SuddenLosses = new ReadOnlyCollection<SuddenShift>(_losses);
        var ruptures = analyzer.Rules is { Ruptures.IsDefault: false } r ? r.Ruptures : [];
        _ruptures = [.. ruptures.Select(rule => new RuptureCourse(rule))];
        Ruptures = new ReadOnlyCollection<RuptureCourse>(_ruptures);
        Clear(0);
    }

    /// <summary>The analyzer that created this result (and the only one that fills it).</summary>
    public CourseAnalyzer Analyzer { get; }

    /// <summary>The number of administrations in the series analysed (usable or not).</summary>
    public int Administrations { get; private set; }

    /// <summary>The number of usable administrations (a finite value).</summary>
    public int Used { get; private set; }

    /// <summary>Position of the first usable administration in the series; -1 when none.</summary>
    public int FirstPosition { get; private set; }

    /// <summary>Position of the last usable administration; -1 when there are fewer than two usable administrations.</summary>
    public int LastPosition { get; private set; }

    /// <summary>The first usable value; NaN when none.</summary>
    public double First { get; private set; }

    /// <summary>The last usable value; NaN when there are fewer than two usable administrations.</summary>
    public double Last { get; private set; }

    /// <summary>Last minus first (signed, in points); NaN when there are fewer than two usable administrations.</summary>
    public double Change { get; private set; }

    /// <summary>Why there is no change (<see cref="NoChangeReason.None"/> when there is one).</summary>
    public NoChangeReason NoChange { get; private set; }

    /// <summary>Whether the first usable value is a case (<see cref="Definitions.CasenessRule.IsCase"/>); null without a caseness rule or a first value.</summary>
    public bool? CaseFirst { get; private set; }

    /// <summary>Whether the last usable value is a case; null without a caseness rule or without a change.</summary>
    public bool? CaseLast { get; private set; }

    /// <summary>A case at the first administration and not a case at the last; null without a caseness rule or without a change.</summary>
    public bool? Recovered { get; private set; }

    /// <summary>The number of reliable-change rules (<see cref="Definitions.ChangeRules.ReliableChange"/>); 0 without change rules.</summary>
    public int RuleCount => _outcomes.Length;

    /// <summary>
    /// The Jacobson &amp; Truax (1991) clinical-significance category; null when the score declares no clinical
    /// significance or there is no change.
    /// </summary>
    public ClinicalCategory? Category { get; private set; }

    /// <summary>
    /// Sudden gains (Tang &amp; DeRubeis 1999) in series order; empty without a sudden-gain rule. The list is this
    /// result's own storage: it changes with the next <see cref="CourseAnalyzer.Analyze(ReadOnlySpan{double}, ScoreCourse)"/>.
    /// </summary>
    public IReadOnlyList<SuddenShift> SuddenGains { get; }

    /// <summary>Sudden losses (sudden gains mirrored: a sudden worsening), in series order; the same storage rules as <see cref="SuddenGains"/>.</summary>
    public IReadOnlyList<SuddenShift> SuddenLosses { get; }

    /// <summary>
    /// What each rupture rule (<see cref="Definitions.ChangeRules.Ruptures"/>) finds, in declaration order; empty
    /// without rupture rules.
    /// </summary>
    public IReadOnlyList<RuptureCourse> Ruptures { get; }

    /// <summary>
    /// The early alliance: the ordinary least-squares slope of the value on the administration number (1 to 5) over
    /// the usable values among the first <see cref="CourseAnalyzer.EarlyAdministrations"/> administrations, in points
    /// per administration. NaN with fewer than two usable values there, or when the score declares no rupture rule.
    /// </summary>
    public double EarlySlope { get; private set; }

    /// <summary>
    /// The threshold of reliable-change rule <paramref name="rule"/> in points (<see cref="Definitions.ReliableChangeRule.PointThreshold"/>):
    /// a fixed rule's threshold, or critical x S_diff for a Jacobson-Truax rule. Reported with or without a change.
    /// </summary>
    public double Threshold(int rule) => _thresholds[rule];

    /// <summary>
    /// The Jacobson &amp; Truax (1991) reliable change index of rule <paramref name="rule"/>, change / S_diff (signed);
    /// NaN for a fixed rule or when there is no change.
    /// </summary>
    public double Index(int rule) => _indexes[rule];

    /// <summary>The outcome of reliable-change rule <paramref name="rule"/>; null when there is no change.</summary>
    public ChangeOutcome? Outcome(int rule) => _outcomes[rule];

    internal double[] Thresholds => _thresholds;

    internal double[] Indexes => _indexes;

    internal ChangeOutcome?[] Outcomes => _outcomes;

    internal List<SuddenShift> Gains => _gains;

    internal List<SuddenShift> Losses => _losses;

    internal void Clear(int administrations)
    {
        Administrations = administrations;
        Used = 0;
        FirstPosition = LastPosition = -1;
        First = Last = Change = double.NaN;
        NoChange = NoChangeReason.NoUsableAdministration;
        CaseFirst = CaseLast = Recovered = null;
        Category = null;
        Array.Fill(_indexes, double.NaN);
        Array.Fill(_outcomes, null);
        _gains.Clear();
        _losses.Clear();
        EarlySlope = double.NaN;
        foreach (var rupture in _ruptures)
        {
            rupture.Clear();
        }
    }

    internal RuptureCourse[] RuptureCourses => _ruptures;

    internal void SetEarlySlope(double slope) => EarlySlope = slope;

    internal void SetFirst(int used, int position, double value, NoChangeReason reason)
    {
        Used = used;
        FirstPosition = position;
        First = value;
        NoChange = reason;
    }

    internal void SetLast(int position, double value)
    {
        LastPosition = position;
        Last = value;
        Change = value - First;
    }

    internal void SetCase(bool? first, bool? last, bool? recovered)
    {
        CaseFirst = first;
        CaseLast = last;
        Recovered = recovered;
    }

    internal void SetCategory(ClinicalCategory? category) => Category = category;
}
