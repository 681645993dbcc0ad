using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Reports;

/// <summary>The rules of a score's course in words, with their sources, and what was not computed and why.</summary>
internal static class CourseRules
{
    public static List<object?> Describe(ScoreDefinition score)
    {
        var list = new List<object?>();
        if (score.Change is not { } rules)
        {
            return list;
        }

        var lower = rules.Direction == ChangeDirection.LowerIsBetter;
        list.Add(Rule("direction", null, lower ? "Lower scores are better." : "Higher scores are better.", []));
        if (rules.Caseness is { } c)
        {
            var text = c.Min is { } min
                ? $"Caseness: a score of {Exact(min)} or more is a case."
                : $"Caseness: a score of {Exact(c.Max ?? double.NaN)} or less is a case.";
            list.Add(Rule("caseness", null, text, c.Sources));
        }

        foreach (var r in rules.ReliableChange)
        {
            var text = r.Method == ReliableChangeMethod.Fixed
                ? $"Reliable change, rule {r.Id} (fixed): a change of at least {Exact(r.PointThreshold)} points, up or down, is reliable."
                : $"Reliable change, rule {r.Id} (Jacobson & Truax): |change| / (sd * sqrt(2) * sqrt(1 - r)) > {Exact(r.Critical)} with sd = {Exact(r.Sd ?? double.NaN)} and r = {Exact(r.Reliability ?? double.NaN)}; the standard error of the difference is {N(r.StandardErrorOfDifference)}, so a change of more than {N(r.PointThreshold)} points is reliable.";
            list.Add(Rule("reliable_change", r.Id, text, r.Sources));
        }

        if (rules.ClinicalSignificance is { } cs)
        {
            var cut = cs.CutoffValue(rules.Direction);
            var text = $"Clinical significance (Jacobson & Truax), cut-off {(cs.Cutoff == ClinicalCutoff.A ? "a" : "c")} = {N(cut)} " +
                       $"(functional mean {Exact(cs.FunctionalMean)}, SD {Exact(cs.FunctionalSd)}; dysfunctional mean {Exact(cs.DysfunctionalMean)}, SD {Exact(cs.DysfunctionalSd)}), " +
                       $"with reliable-change rule {cs.ReliableChange}: recovered = reliably improved and crossing from {(lower ? "at or above" : "at or below")} " +
                       $"the cut-off to {(lower ? "below" : "above")} it; a value exactly at the cut-off is not functional.";
            list.Add(Rule("clinical_significance", cs.ReliableChange, text, cs.Sources));
        }

        if (rules.SuddenGains is { } sg)
        {
            var cutoff = sg.Cutoff is { } points
                ? $"at least {Exact(points)} points"
                : $"at least the threshold of rule {sg.ReliableChange} ({N(rules.FindReliableChange(sg.ReliableChange ?? string.Empty)?.PointThreshold ?? double.NaN)} points)";
            var text = $"Sudden gains (Tang & DeRubeis): an improvement between consecutive administrations of {cutoff}, " +
                       $"and at least {N(sg.Relative * 100)}% of the score before it" +
                       (sg.Stability
                           ? ", and the mean of the three scores up to it minus the mean of the three after it (in the better direction) greater than t times their pooled SD (t = 2.776, 3.182 or 4.303 as one or two scores are missing; not evaluable with fewer than two on a side)"
                           : string.Empty) +
                       ". Reversed when a later score falls back by more than half the gain. Sudden losses are the same in the worse direction.";
            list.Add(Rule("sudden_gains", sg.ReliableChange, text, sg.Sources));
        }

        foreach (var r in rules.Ruptures.IsDefault ? [] : rules.Ruptures)
        {
            list.Add(Rule("ruptures", r.Id, CourseRuptures.Describe(r), r.Sources));
        }

        return list;
    }

    public static List<object?> NotComputed(ScoreDefinition score, ScoreCourse course, IReadOnlyList<CourseAdministration> administrations)
    {
        var list = new List<object?>();
        switch (course.NoChange)
        {
            case NoChangeReason.NoUsableAdministration:
                list.Add("No usable administration: no first score, last score or change.");
                break;
            case NoChangeReason.OneUsableAdministration:
                list.Add($"One usable administration (occasion {administrations[course.FirstPosition].Occasion}): no change, no caseness at the last score, no recovery, reliable change or clinical-significance category.");
                break;
        }

        if (score.Change is not { } rules)
        {
            list.Add("The definition has no change rules for this score: no caseness, reliable change, clinical significance or sudden gains; only the first and last scores and the change.");
            return list;
        }

        if (rules.Caseness is null)
        {
            list.Add("No caseness rule: no case at first or last, no recovery.");
        }

        if (rules.ReliableChange.IsEmpty)
        {
            list.Add("No reliable-change rule: no reliable change.");
        }

        if (rules.ClinicalSignificance is null)
        {
            list.Add("No clinical-significance rule (functional and dysfunctional norms): no category.");
        }

        if (rules.SuddenGains is null)
        {
            list.Add("No sudden-gain rule: sudden gains and losses were not looked for.");
        }

        return list;
    }

    private static object? Rule(string kind, string? id, string text, IEnumerable<string> sources) => ReportResponse.Obj(
        ("kind", kind),
        ("id", id),
        ("text", text),
        ("sources", sources.Select(s => (object?)s).ToList()));

    /// <summary>A derived number for display (at most two decimals).</summary>
    private static string N(double v) => double.IsFinite(v) ? ScoreCourseData.Display(v) : "?";

    /// <summary>A number as the definition states it, not rounded (a reliability of .851 stays 0.851).</summary>
    private static string Exact(double v) => double.IsFinite(v) ? ReportResponse.FormatNumber(v) : "?";
}
