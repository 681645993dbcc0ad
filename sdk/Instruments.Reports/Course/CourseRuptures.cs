using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Reports;

/// <summary>
/// Ruptures and repairs of one score for the course-of-care model (docs/alliance.md, "Ruptures and repairs"): the
/// table per rule (<c>scores[].ruptures</c>), the events in the table of administrations, the sentences of the summary
/// and the rules in words. Scores without rupture rules get nothing from here, so their reports stay as they were.
/// </summary>
internal static class CourseRuptures
{
    /// <summary><c>scores[].ruptures</c>: one entry per rupture rule, in declaration order.</summary>
    public static List<object?> Table(ScoreCourse course, IReadOnlyList<CourseAdministration> administrations)
    {
        var list = new List<object?>();
        for (var r = 0; r < course.Ruptures.Count; r++)
        {
            var rc = course.Ruptures[r];
            var evaluable = rc.NotEvaluable == NoChangeReason.None;
            list.Add(Obj(
                ("id", rc.Rule.Id),
                ("index", r),
                ("not_evaluable", NotEvaluableText(rc.NotEvaluable)),
                ("sd", ScoreCourseData.Finite(rc.Sd)),
                ("sd_text", double.IsFinite(rc.Sd) ? ScoreCourseData.Display(rc.Sd) : null),
                ("threshold", ScoreCourseData.Finite(rc.Threshold)),
                ("threshold_text", double.IsFinite(rc.Threshold) ? ScoreCourseData.Display(rc.Threshold) : null),
                ("count", evaluable ? rc.Count : null),
                ("repaired", evaluable ? rc.Repaired : null),
                ("unrepaired", evaluable ? rc.Unrepaired : null),
                ("v_shape", rc.VShape),
                ("list", rc.Ruptures.Select(x => (object?)Obj(
                    ("position", x.Position + 1),
                    ("occasion", administrations[x.Position].Occasion),
                    ("pre_level", x.PreLevel),
                    ("pre_level_text", ScoreCourseData.Display(x.PreLevel)),
                    ("value", x.Value),
                    ("value_text", ScoreCourseData.Display(x.Value)),
                    ("drop", ScoreCourseData.Round(x.Drop)),
                    ("drop_text", ScoreCourseData.Display(x.Drop)),
                    ("drop_sds", ScoreCourseData.Finite(x.DropSds)),
                    ("drop_sds_text", double.IsFinite(x.DropSds) ? ScoreCourseData.Display(x.DropSds) : null),
                    ("repaired", x.Repaired),
                    ("repair_occasion", x.Repaired ? administrations[x.RepairPosition].Occasion : null))).ToList())));
        }

        return list;
    }

    /// <summary>Adds a <c>rupture</c> event at each rupture and a <c>repair</c> event where it was repaired (once per rule and administration).</summary>
    public static void AddEvents(List<object?>[] events, ScoreCourse course, IReadOnlyList<CourseAdministration> administrations)
    {
        foreach (var rc in course.Ruptures)
        {
            var id = rc.Rule.Id;
            var repairs = new HashSet<int>();
            foreach (var x in rc.Ruptures)
            {
                var sds = double.IsFinite(x.DropSds) ? $" ({ScoreCourseData.Display(x.DropSds)} SD)" : string.Empty;
                events[x.Position].Add(Event("rupture",
                    $"rupture ({id}): a drop of {ScoreCourseData.Display(x.Drop)} points{sds} from {ScoreCourseData.Display(x.PreLevel)} to {ScoreCourseData.Display(x.Value)}, "
                    + (x.Repaired ? $"repaired at occasion {administrations[x.RepairPosition].Occasion}" : "not repaired")));
                if (x.Repaired && repairs.Add(x.RepairPosition))
                {
                    var of = string.Join(", ", rc.Ruptures.Where(y => y.RepairPosition == x.RepairPosition).Select(y => administrations[y.Position].Occasion));
                    events[x.RepairPosition].Add(Event("repair", $"repair ({id}): back at the level before the rupture at occasion {of}"));
                }
            }
        }
    }

    /// <summary>The summary's sentences: the early-alliance slope, and per rule the count of ruptures.</summary>
    public static void Summarize(List<string> summary, ScoreCourse course)
    {
        // "five": CourseAnalyzer.EarlyAdministrations, in words as the templates say it.
        if (course.Ruptures.Count == 0)
        {
            return;
        }

        summary.Add(double.IsFinite(course.EarlySlope)
            ? $"Early alliance: a slope of {ScoreCourseData.Signed(ScoreCourseData.Round(course.EarlySlope))} points per session over the first five administrations."
            : $"Early alliance: no slope (fewer than two usable scores among the first five administrations).");
        foreach (var rc in course.Ruptures)
        {
            if (NotEvaluableText(rc.NotEvaluable) is { } why)
            {
                summary.Add($"Ruptures ({rc.Rule.Id}): not evaluable ({why}).");
                continue;
            }

            var count = rc.Count == 1 ? "1 rupture" : $"{rc.Count} ruptures";
            var detail = rc.Count == 0 ? string.Empty : $", {rc.Repaired} repaired, {rc.Unrepaired} not repaired{(rc.VShape == true ? "; a rupture and its repair within the first five administrations (V shape)" : string.Empty)}";
            summary.Add($"Ruptures ({rc.Rule.Id}, a drop of at least {ScoreCourseData.Display(rc.Threshold)} points): {count}{detail}.");
        }
    }

    /// <summary>The rupture rules in words, for <c>scores[].rules</c>.</summary>
    public static string Describe(RuptureRule r)
    {
        var threshold = r.K is { } k
            ? r.ClientSd
                ? $"at least {ReportResponse.FormatNumber(k)} SD of the client's own series (the sample SD of all its usable scores)"
                : $"at least {ReportResponse.FormatNumber(k)} x SD {ReportResponse.FormatNumber(r.Sd ?? double.NaN)}"
            : $"at least {ReportResponse.FormatNumber(r.Points ?? double.NaN)} points";
        var window = r.RepairWithin is { } w ? $"within the next {w} usable administrations" : "at any later administration";
        return $"Ruptures, rule {r.Id}: a worsening between consecutive usable administrations of {threshold} is a rupture; "
            + $"it is repaired when a later score is back at or beyond the level before it, {window}. A research rule, not a validated clinical alert.";
    }

    private static string? NotEvaluableText(NoChangeReason reason) => reason switch
    {
        NoChangeReason.None => null,
        NoChangeReason.OneUsableAdministration => "one usable administration",
        _ => "no usable administration",
    };

    private static IReadOnlyDictionary<string, object?> Event(string kind, string text) => Obj(("kind", kind), ("text", text));

    private static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
