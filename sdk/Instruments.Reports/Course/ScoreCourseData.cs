using System.Globalization;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Reports;

/// <summary>One score's course for the course-of-care model (<c>scores[]</c>): the engine's outcome as plain data.</summary>
internal static class ScoreCourseData
{
    public static IReadOnlyDictionary<string, object?> Build(ScoringPlan plan, int s, IReadOnlyList<CourseAdministration> administrations)
    {
        var score = plan.Definition.Scores[s];
        var rules = score.Change;
        var analyzer = CourseAnalyzer.Create(score);
        var n = administrations.Count;
        var series = new double[n];
        for (var i = 0; i < n; i++)
        {
            series[i] = administrations[i].IsUsable(s) ? administrations[i].Scores[s] : double.NaN;
        }

        var course = analyzer.CreateResult();
        analyzer.Analyze(series, course);
        var hasChange = course.NoChange == NoChangeReason.None && course.FirstPosition >= 0 && course.LastPosition >= 0;

        // The first occasion where the change from the first score is reliable, per rule.
        var ruleCount = rules?.ReliableChange.Length ?? 0;
        var firstReliable = new (int Position, ChangeOutcome Outcome)?[ruleCount];
        if (course.FirstPosition >= 0)
        {
            for (var r = 0; r < ruleCount; r++)
            {
                for (var p = course.FirstPosition + 1; p < n; p++)
                {
                    if (analyzer.Compare(course.First, series[p], r) is { } o && o != ChangeOutcome.Unchanged)
                    {
                        firstReliable[r] = (p, o);
                        break;
                    }
                }
            }
        }

        // Events per position.
        var events = new List<object?>[n];
        for (var i = 0; i < n; i++)
        {
            events[i] = [];
            if (!double.IsFinite(series[i]))
            {
                events[i].Add(Event("not_used", "not used: " + NotUsedReason(administrations[i], s)));
            }
        }

        foreach (var g in course.SuddenGains)
        {
            AddShift(events, administrations, g, "sudden_gain", "sudden gain");
        }

        foreach (var g in course.SuddenLosses)
        {
            AddShift(events, administrations, g, "sudden_loss", "sudden loss");
        }

        foreach (var group in Enumerable.Range(0, ruleCount).Where(r => firstReliable[r] is not null)
                     .GroupBy(r => firstReliable[r]!.Value).OrderBy(g => g.Key.Position))
        {
            var (position, outcome) = group.Key;
            var ids = string.Join(", ", group.Select(r => rules!.ReliableChange[r].Id));
            events[position].Add(Event(outcome == ChangeOutcome.Improved ? "reliable_improvement" : "reliable_deterioration",
                $"reliable {(outcome == ChangeOutcome.Improved ? "improvement" : "deterioration")} from the first score ({ids}): first occasion"));
        }

        CourseRuptures.AddEvents(events, course, administrations);
        if (course.Recovered == true)
        {
            events[course.LastPosition].Add(Event("recovered",
                $"recovered: a case at the first score ({Display(course.First)}), not a case at the last ({Display(course.Last)})"));
        }

        // The table of administrations.
        var rows = new List<object?>();
        var previous = double.NaN;
        for (var i = 0; i < n; i++)
        {
            var a = administrations[i];
            var v = a.Scores[s];
            var usable = double.IsFinite(series[i]);
            double? fromPrevious = usable && double.IsFinite(previous) ? Round(v - previous) : null;
            double? fromFirst = usable && i > course.FirstPosition && course.FirstPosition >= 0 ? Round(v - course.First) : null;
            var band = a.Bands[s] is var b and >= 0 && b < score.Bands.Length ? score.Bands[b].Label : null;
            rows.Add(Obj(
                ("position", i + 1),
                ("occasion", a.Occasion),
                ("line", a.Line),
                ("status", ReportResponse.StatusName(a.Status)),
                ("usable", usable),
                ("value", usable ? v : null),
                ("value_text", usable ? Display(v) : null),
                ("band", usable ? band : null),
                ("case", usable ? analyzer.IsCase(v) : null),
                ("change_previous", fromPrevious),
                ("change_previous_text", Signed(fromPrevious)),
                ("change_first", fromFirst),
                ("change_first_text", Signed(fromFirst)),
                ("events", events[i])));
            if (usable)
            {
                previous = v;
            }
        }

        var reliable = new List<object?>();
        for (var r = 0; r < ruleCount; r++)
        {
            var rule = rules!.ReliableChange[r];
            var index = hasChange ? course.Index(r) : double.NaN;
            var outcome = hasChange ? course.Outcome(r) : null;
            reliable.Add(Obj(
                ("id", rule.Id),
                ("method", rule.Method == ReliableChangeMethod.Fixed ? "fixed" : "jacobson_truax"),
                ("threshold", Finite(rule.PointThreshold)),
                ("threshold_text", double.IsFinite(rule.PointThreshold) ? Display(rule.PointThreshold) : null),
                ("index", Finite(index)),
                ("index_text", double.IsFinite(index) ? Display(index) : null),
                ("outcome", OutcomeName(outcome)),
                ("first_reliable", firstReliable[r] is { } fr
                    ? Obj(("position", fr.Position + 1), ("occasion", administrations[fr.Position].Occasion), ("outcome", OutcomeName(fr.Outcome)))
                    : null)));
        }

        var (min, max) = ReportModel.ScoreRange(plan, s);
        var gains = Shifts(course.SuddenGains, administrations);
        var losses = Shifts(course.SuddenLosses, administrations);
        var notUsed = new List<object?>();
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(series[i]))
            {
                notUsed.Add(Obj(("position", i + 1), ("occasion", administrations[i].Occasion), ("line", administrations[i].Line),
                    ("reason", NotUsedReason(administrations[i], s))));
            }
        }

        var summary = Summary(score, course, administrations, firstReliable, hasChange);
        CourseRuptures.Summarize(summary, course);
        var chart = CourseChart.Build(score, s, min, max, series, administrations, course, firstReliable, summary);
        return Obj(
            ("id", score.Id),
            ("title", score.Title),
            ("direction", rules is null ? null : rules.Direction == ChangeDirection.LowerIsBetter ? "lower_is_better" : "higher_is_better"),
            ("direction_text", rules is null ? null : rules.Direction == ChangeDirection.LowerIsBetter ? "lower is better" : "higher is better"),
            ("min", min),
            ("max", max),
            ("administrations", n),
            ("used", course.Used),
            ("first", Point(course.FirstPosition, course.First, administrations)),
            ("last", hasChange ? Point(course.LastPosition, course.Last, administrations) : null),
            ("change", hasChange ? Round(course.Change) : null),
            ("change_text", hasChange ? Signed(Round(course.Change)) : null),
            ("no_change", course.NoChange switch
            {
                NoChangeReason.NoUsableAdministration => "no_usable_administration",
                NoChangeReason.OneUsableAdministration => "one_usable_administration",
                _ => null,
            }),
            ("case_first", course.CaseFirst),
            ("case_last", hasChange ? course.CaseLast : null),
            ("recovered", hasChange ? course.Recovered : null),
            ("category", hasChange ? CategoryName(course.Category) : null),
            ("reliable_change", reliable),
            ("sudden_gains", gains),
            ("sudden_losses", losses),
            ("early_slope", course.Ruptures.Count > 0 ? Finite(course.EarlySlope) : null),
            ("early_slope_text", course.Ruptures.Count > 0 && double.IsFinite(course.EarlySlope) ? Signed(Round(course.EarlySlope)) : null),
            ("ruptures", CourseRuptures.Table(course, administrations)),
            ("rows", rows),
            ("not_used", notUsed),
            ("rules", CourseRules.Describe(score)),
            ("not_computed", CourseRules.NotComputed(score, course, administrations)),
            ("summary", summary.Select(t => (object?)t).ToList()),
            ("chart", chart));
    }

    private static void AddShift(List<object?>[] events, IReadOnlyList<CourseAdministration> administrations, SuddenShift g, string kind, string name)
    {
        var post = g.PregainPosition + 1;
        events[post].Add(Event(kind,
            $"{name} of {Display(g.Magnitude)} points after occasion {administrations[g.PregainPosition].Occasion} ({Display(g.Pregain)} to {Display(g.Postgain)}){(g.Reversal ? ", reversed later" : ", not reversed")}"));
    }

    private static List<object?> Shifts(IReadOnlyList<SuddenShift> shifts, IReadOnlyList<CourseAdministration> administrations) =>
        [.. shifts.Select(g => (object?)Obj(
            ("pregain_occasion", administrations[g.PregainPosition].Occasion),
            ("postgain_occasion", administrations[g.PregainPosition + 1].Occasion),
            ("pregain", g.Pregain),
            ("postgain", g.Postgain),
            ("magnitude", Round(g.Magnitude)),
            ("magnitude_text", Display(g.Magnitude)),
            ("reversal", g.Reversal)))];

    private static List<string> Summary(ScoreDefinition score, ScoreCourse course, IReadOnlyList<CourseAdministration> administrations,
        (int Position, ChangeOutcome Outcome)?[] firstReliable, bool hasChange)
    {
        var name = score.Title ?? score.Id;
        var list = new List<string>();
        var n = administrations.Count;
        list.Add($"{name}: {n} administration{(n == 1 ? string.Empty : "s")}, {course.Used} used.");
        if (course.FirstPosition < 0)
        {
            list.Add("No usable score: no course.");
            return list;
        }

        var first = $"{Display(course.First)} at occasion {administrations[course.FirstPosition].Occasion}";
        if (!hasChange)
        {
            list.Add($"One usable score ({first}): no change.");
        }
        else
        {
            list.Add($"From {first} to {Display(course.Last)} at occasion {administrations[course.LastPosition].Occasion}: change {Signed(Round(course.Change))}.");
        }

        var rules = score.Change;
        if (rules is null)
        {
            return list;
        }

        if (course.CaseFirst is { } cf)
        {
            list.Add(hasChange && course.CaseLast is { } cl
                ? $"{(cf ? "A case" : "Not a case")} at the first score, {(cl ? "a case" : "not a case")} at the last{(course.Recovered == true ? ": recovered" : string.Empty)}."
                : $"{(cf ? "A case" : "Not a case")} at the first score.");
        }

        if (hasChange)
        {
            for (var r = 0; r < rules.ReliableChange.Length; r++)
            {
                var outcome = OutcomeName(course.Outcome(r)) ?? "not computed";
                var when = firstReliable[r] is { } fr ? $"; first reliable at occasion {administrations[fr.Position].Occasion}" : string.Empty;
                list.Add($"Reliable change ({rules.ReliableChange[r].Id}): {outcome} from first to last{when}.");
            }

            if (CategoryName(course.Category) is { } category)
            {
                list.Add($"Clinical significance: {category}.");
            }
        }

        foreach (var g in course.SuddenGains)
        {
            list.Add($"Sudden gain of {Display(g.Magnitude)} points between occasions {administrations[g.PregainPosition].Occasion} and {administrations[g.PregainPosition + 1].Occasion}{(g.Reversal ? ", reversed later" : string.Empty)}.");
        }

        foreach (var g in course.SuddenLosses)
        {
            list.Add($"Sudden loss of {Display(g.Magnitude)} points between occasions {administrations[g.PregainPosition].Occasion} and {administrations[g.PregainPosition + 1].Occasion}{(g.Reversal ? ", reversed later" : string.Empty)}.");
        }

        return list;
    }

    internal static string NotUsedReason(CourseAdministration a, int s) =>
        a.NotUsed is { } why ? why
        : a.Status == ResponseStatus.Invalid ? "invalid" + (a.Problem is { } p ? " (" + p + ")" : string.Empty)
        : "score not computed (too many items missing)";

    private static IReadOnlyDictionary<string, object?>? Point(int position, double value, IReadOnlyList<CourseAdministration> administrations) =>
        position < 0 || !double.IsFinite(value)
            ? null
            : Obj(("position", position + 1), ("occasion", administrations[position].Occasion), ("value", value), ("value_text", Display(value)));

    private static IReadOnlyDictionary<string, object?> Event(string kind, string text) => Obj(("kind", kind), ("text", text));

    internal static string? OutcomeName(ChangeOutcome? outcome) => outcome switch
    {
        ChangeOutcome.Improved => "improved",
        ChangeOutcome.Deteriorated => "deteriorated",
        ChangeOutcome.Unchanged => "unchanged",
        _ => null,
    };

    private static string? CategoryName(ClinicalCategory? category) => category switch
    {
        ClinicalCategory.Recovered => "recovered",
        ClinicalCategory.Improved => "improved",
        ClinicalCategory.Unchanged => "unchanged",
        ClinicalCategory.Deteriorated => "deteriorated",
        _ => null,
    };

    internal static double? Finite(double v) => double.IsFinite(v) ? Round(v) : null;

    internal static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

    internal static string Display(double v) => ReportResponse.FormatDisplay(v);

    internal static string? Signed(double? v) => v is not { } x ? null : x > 0 ? "+" + Display(x) : Display(x);

    internal static string Number(double v) => Round(v).ToString("0.##", CultureInfo.InvariantCulture);

    private static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
