using System.Collections.Immutable;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Reports;

/// <summary>What one rupture rule found in one rater's series of one paired score (copied out of the reusable <see cref="RuptureCourse"/>).</summary>
internal sealed record RuptureFinding(int Rater, int Score, RuptureRule Rule, NoChangeReason NotEvaluable, double Sd, double Threshold,
    int Repaired, ImmutableArray<Rupture> Ruptures);

/// <summary>
/// Runs the change engine (<see cref="CourseAnalyzer"/>) over each rater's series of each paired score: the values of
/// the rater's usable administrations in occasion order, with the rupture rules of the rater's own score definition.
/// One per pairing; not thread-safe (its results are reused).
/// </summary>
internal sealed class DyadRuptures
{
    private readonly InstrumentPairing _pairing;
    private readonly CourseAnalyzer[][] _analyzers;
    private readonly ScoreCourse[][] _courses;
    private double[] _series = new double[16];

    public DyadRuptures(InstrumentPairing pairing)
    {
        _pairing = pairing;
        _analyzers = new CourseAnalyzer[2][];
        _courses = new ScoreCourse[2][];
        for (var rater = 0; rater < 2; rater++)
        {
            var form = Form(rater);
            _analyzers[rater] = [.. pairing.Scores.Select(p => CourseAnalyzer.Create(form.Definition.Scores[rater == 0 ? p.ClientIndex : p.TherapistIndex]))];
            _courses[rater] = [.. _analyzers[rater].Select(a => a.CreateResult())];
        }
    }

    public static string RaterName(int rater) => rater == 0 ? "client" : "therapist";

    public ScoringPlan Form(int rater) => rater == 0 ? _pairing.Client : _pairing.Therapist;

    /// <summary>The rupture rules of one rater's score.</summary>
    public ImmutableArray<RuptureRule> Rules(int rater, int score) =>
        _analyzers[rater][score].Rules is { Ruptures.IsDefault: false } r ? r.Ruptures : [];

    /// <summary>Every rule's finding for one rater's series of one score.</summary>
    public List<RuptureFinding> Find(int rater, int score, ImmutableArray<RatedAdministration> administrations)
    {
        var findings = new List<RuptureFinding>();
        if (Rules(rater, score).IsEmpty)
        {
            return findings;
        }

        if (_series.Length < administrations.Length)
        {
            _series = new double[Math.Max(administrations.Length, _series.Length * 2)];
        }

        for (var i = 0; i < administrations.Length; i++)
        {
            _series[i] = administrations[i].Values[score];
        }

        var course = _courses[rater][score];
        _analyzers[rater][score].Analyze(_series.AsSpan(0, administrations.Length), course);
        foreach (var r in course.Ruptures)
        {
            findings.Add(new RuptureFinding(rater, score, r.Rule, r.NotEvaluable, r.Sd, r.Threshold, r.Repaired, [.. r.Ruptures]));
        }

        return findings;
    }

    /// <summary>The rule in words: <c>a drop of at least 2 SD (the client's own SD) ..., repaired within 3 administrations</c>.</summary>
    public static string RuleText(RuptureRule rule)
    {
        var size = rule.K is { } k
            ? $"a drop of at least {D(k)} SD ({(rule.ClientSd ? "the rater's own SD over this dyad's series" : "a stated SD of " + (rule.Sd is { } sd ? D(sd) : "?"))})"
            : $"a drop of at least {(rule.Points is { } p ? D(p) : "?")} points";
        var repair = rule.RepairWithin is { } w
            ? $"repaired when a later administration within {w} is back at the pre-rupture level or above"
            : "repaired when any later administration is back at the pre-rupture level or above";
        return $"Rule {rule.Id}: a rupture is {size} between consecutive usable administrations; {repair}.";
    }

    public static string NotEvaluableText(NoChangeReason reason) => reason switch
    {
        NoChangeReason.NoUsableAdministration => "no usable administration",
        NoChangeReason.OneUsableAdministration => "only one usable administration: a drop needs two",
        _ => string.Empty,
    };

    private static string D(double v) => DyadReportModel.Display(v);
}
