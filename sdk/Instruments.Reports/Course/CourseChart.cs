using System.Globalization;
using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Reports;

/// <summary>
/// The geometry of one score's line chart (<c>scores[].chart</c>), in the coordinates of a fixed view box, so that a
/// template draws it with literal SVG around numbers: no script, no external resource, and the same output for the
/// same course. The y axis runs up (higher scores higher) whatever the direction; the x axis is occasion order.
/// </summary>
internal static class CourseChart
{
    private const double Width = 640, Height = 280, Left = 44, Right = 624, Top = 12, Bottom = 236;

    public static IReadOnlyDictionary<string, object?> Build(ScoreDefinition score, int scoreIndex, double? min, double? max, double[] series,
        IReadOnlyList<CourseAdministration> administrations, ScoreCourse course, (int Position, ChangeOutcome Outcome)?[] firstReliable,
        List<string> summary)
    {
        var rules = score.Change;
        var (lo, hi) = Range(score, min, max, series, course);
        double Y(double v) => R(Bottom - (Math.Clamp(v, lo, hi) - lo) / (hi - lo) * (Bottom - Top));
        var n = series.Length;
        double X(int i) => R(Left + (i + 0.5) * (Right - Left) / Math.Max(n, 1));

        // Bands: each runs to where the next one starts, so integer bands (0-4, 5-9) meet without gaps.
        var bands = new List<object?>();
        var sorted = score.Bands.OrderBy(b => b.Min).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            var start = Math.Clamp(sorted[i].Min, lo, hi);
            var end = Math.Clamp(i + 1 < sorted.Count ? sorted[i + 1].Min : sorted[i].Max, lo, hi);
            if (end <= start)
            {
                continue;
            }

            var (y0, y1) = (Y(end), Y(start));
            bands.Add(Obj(("label", sorted[i].Label), ("index", i), ("y", y0), ("height", R(y1 - y0)),
                ("label_y", R(y1 - 4)), ("show_label", y1 - y0 >= 13)));
        }

        IReadOnlyDictionary<string, object?>? caseness = null;
        if (rules?.Caseness is { } c && (c.Min ?? c.Max) is { } cut && cut >= lo && cut <= hi)
        {
            caseness = Obj(("y", Y(cut)), ("value", cut),
                ("text", c.Min is not null ? $"caseness: {D(cut)} or more" : $"caseness: {D(cut)} or less"));
        }

        var reliableBands = new List<object?>();
        if (course.FirstPosition >= 0 && rules is not null)
        {
            for (var r = 0; r < rules.ReliableChange.Length; r++)
            {
                var t = rules.ReliableChange[r].PointThreshold;
                if (!double.IsFinite(t))
                {
                    continue;
                }

                var (top, bottom) = (Y(course.First + t), Y(course.First - t));
                reliableBands.Add(Obj(("rule", rules.ReliableChange[r].Id), ("index", r), ("y", top), ("height", R(bottom - top)),
                    ("text", $"first score {D(course.First)} ± {D(t)} (rule {rules.ReliableChange[r].Id})")));
            }
        }

        var points = new List<object?>();
        var gaps = new List<object?>();
        var segments = new List<object?>();
        var current = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var occasion = administrations[i].Occasion;
            if (double.IsFinite(series[i]))
            {
                points.Add(Obj(("x", X(i)), ("y", Y(series[i])), ("occasion", occasion), ("value_text", D(series[i])),
                    ("text", $"occasion {occasion}: {D(series[i])}")));
                current.Add(F(X(i)) + "," + F(Y(series[i])));
            }
            else
            {
                gaps.Add(Obj(("x", X(i)), ("y", R(Bottom - 6)), ("occasion", occasion),
                    ("text", $"occasion {occasion}: not used ({ScoreCourseData.NotUsedReason(administrations[i], scoreIndex)})")));
                Flush();
            }
        }

        Flush();

        List<object?> Shifts(IReadOnlyList<SuddenShift> shifts, string name) =>
        [
            .. shifts.Select(g => (object?)Obj(
                ("x1", X(g.PregainPosition)), ("y1", Y(g.Pregain)), ("x2", X(g.PregainPosition + 1)), ("y2", Y(g.Postgain)),
                ("text", $"{name} of {D(g.Magnitude)} points between occasions {administrations[g.PregainPosition].Occasion} and {administrations[g.PregainPosition + 1].Occasion}{(g.Reversal ? ", reversed later" : string.Empty)}"))),
        ];

        var reliable = new List<object?>();
        foreach (var group in Enumerable.Range(0, firstReliable.Length).Where(r => firstReliable[r] is not null)
                     .GroupBy(r => firstReliable[r]!.Value).OrderBy(g => g.Key.Position))
        {
            var (p, outcome) = group.Key;
            var ids = string.Join(", ", group.Select(r => rules!.ReliableChange[r].Id));
            var word = outcome == ChangeOutcome.Improved ? "improvement" : "deterioration";
            reliable.Add(Obj(("x", X(p)), ("y", Y(series[p])), ("occasion", administrations[p].Occasion),
                ("outcome", ScoreCourseData.OutcomeName(outcome)), ("rules", ids),
                ("text", $"first reliable {word} from the first score at occasion {administrations[p].Occasion} (rule {ids})")));
        }

        IReadOnlyDictionary<string, object?>? recovery = course.Recovered == true && course.LastPosition >= 0
            ? Obj(("x", X(course.LastPosition)), ("y", Y(course.Last)), ("occasion", administrations[course.LastPosition].Occasion),
                ("text", $"recovered at occasion {administrations[course.LastPosition].Occasion}: not a case at the last score"))
            : null;

        // Ruptures and repairs, per rule: a downward triangle below the point where the score dropped, an upward one
        // above the point where it came back; the rule's index sets the style and how far from the point, so that two
        // rules at one administration do not hide each other.
        var ruptureRules = new List<object?>();
        var ruptureMarkers = new List<object?>();
        for (var r = 0; r < course.Ruptures.Count; r++)
        {
            var rc = course.Ruptures[r];
            var id = rc.Rule.Id;
            var offset = 12 + (r * 12);
            var repairs = new HashSet<int>();
            foreach (var x in rc.Ruptures)
            {
                var (cx, cy) = (X(x.Position), Beside(Y(x.Value), offset));
                ruptureMarkers.Add(Obj(("kind", "rupture"), ("rule", id), ("index", r), ("x", cx), ("y", cy),
                    ("points", Triangle(cx, cy, down: true)), ("occasion", administrations[x.Position].Occasion),
                    ("text", $"rupture ({id}) at occasion {administrations[x.Position].Occasion}: {D(x.PreLevel)} to {D(x.Value)}, a drop of {D(x.Drop)}")));
                if (x.Repaired && repairs.Add(x.RepairPosition))
                {
                    var (rx, ry) = (X(x.RepairPosition), Beside(Y(series[x.RepairPosition]), -offset));
                    ruptureMarkers.Add(Obj(("kind", "repair"), ("rule", id), ("index", r), ("x", rx), ("y", ry),
                        ("points", Triangle(rx, ry, down: false)), ("occasion", administrations[x.RepairPosition].Occasion),
                        ("text", $"repair ({id}) at occasion {administrations[x.RepairPosition].Occasion}: back at {D(series[x.RepairPosition])}")));
                }
            }

            ruptureRules.Add(Obj(("rule", id), ("index", r), ("ruptures", rc.Count), ("repairs", repairs.Count)));
        }

        // X labels: every occasion while they fit, else every k-th.
        var longest = administrations.Count == 0 ? 1 : administrations.Max(a => a.Occasion.Length);
        var fit = Math.Max(1, (int)((Right - Left) / Math.Max(24, longest * 7 + 8)));
        var step = Math.Max(1, (n + fit - 1) / fit);
        var xTicks = new List<object?>();
        for (var i = 0; i < n; i += step)
        {
            xTicks.Add(Obj(("x", X(i)), ("label", administrations[i].Occasion)));
        }

        var yTicks = new List<object?>();
        var tick = NiceStep((hi - lo) / 5);
        for (var v = Math.Ceiling(lo / tick) * tick; v <= hi + tick * 1e-9; v += tick)
        {
            yTicks.Add(Obj(("y", Y(v)), ("label", D(v))));
        }

        var name = score.Title ?? score.Id;
        return Obj(
            ("width", Width),
            ("height", Height),
            ("view_box", $"0 0 {F(Width)} {F(Height)}"),
            ("plot", Obj(("left", Left), ("top", Top), ("right", Right), ("bottom", Bottom), ("width", Right - Left), ("height", Bottom - Top))),
            ("y_min", lo),
            ("y_max", hi),
            ("title", $"{name} across occasions"),
            ("description", string.Join(" ", summary)),
            ("bands", bands),
            ("caseness", caseness),
            ("reliable_bands", reliableBands),
            ("segments", segments),
            ("points", points),
            ("gaps", gaps),
            ("sudden_gains", Shifts(course.SuddenGains, "sudden gain")),
            ("sudden_losses", Shifts(course.SuddenLosses, "sudden loss")),
            ("reliable", reliable),
            ("recovery", recovery),
            ("rupture_rules", ruptureRules),
            ("rupture_markers", ruptureMarkers),
            ("x_ticks", xTicks),
            ("y_ticks", yTicks),
            ("x_label_y", Height - 8),
            ("x_tick_label_y", Bottom + 16));

        void Flush()
        {
            if (current.Count > 0)
            {
                segments.Add(Obj(("points", string.Join(" ", current)), ("single", current.Count == 1)));
                current.Clear();
            }
        }
    }

    /// <summary>The value range drawn: the score's range when known, else what must be seen (values, bands, cut-off, bands of change), padded.</summary>
    private static (double Lo, double Hi) Range(ScoreDefinition score, double? min, double? max, double[] series, ScoreCourse course)
    {
        if (min is { } a && max is { } b && b > a)
        {
            return (a, b);
        }

        var values = series.Where(double.IsFinite).ToList();
        values.AddRange(score.Bands.SelectMany(x => new[] { x.Min, x.Max }));
        if (score.Change?.Caseness is { } c && (c.Min ?? c.Max) is { } cut)
        {
            values.Add(cut);
        }

        if (course.FirstPosition >= 0 && score.Change is { } rules)
        {
            foreach (var r in rules.ReliableChange)
            {
                if (double.IsFinite(r.PointThreshold))
                {
                    values.Add(course.First + r.PointThreshold);
                    values.Add(course.First - r.PointThreshold);
                }
            }
        }

        if (values.Count == 0)
        {
            return (0, 1);
        }

        var (lo, hi) = (values.Min(), values.Max());
        var pad = Math.Max((hi - lo) * 0.05, 1);
        return (Math.Floor(lo - pad), Math.Ceiling(hi + pad));
    }

    /// <summary>A marker's centre <paramref name="offset"/> below (positive) or above (negative) a point, on the other side when that would leave the plot.</summary>
    private static double Beside(double y, double offset) =>
        R(y + offset is var at && at - 5 >= Top && at + 5 <= Bottom ? at : y - offset);

    /// <summary>An equilateral-ish triangle of side 10 centred on (x, y), pointing down or up, as SVG polygon points.</summary>
    private static string Triangle(double x, double y, bool down)
    {
        var (tip, base_) = down ? (y + 4.5, y - 4.5) : (y - 4.5, y + 4.5);
        return $"{F(x - 5)},{F(base_)} {F(x + 5)},{F(base_)} {F(x)},{F(tip)}";
    }

    /// <summary>A tick step of 1, 2, 2.5 or 5 times a power of ten, at least <paramref name="raw"/> (1 when it is not positive); shared by the report charts.</summary>
    internal static double NiceStep(double raw)
    {
        if (!(raw > 0))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * magnitude >= raw)
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>Rounded to 2 decimals, half away from zero (the precision of <see cref="F"/>).</summary>
    internal static double R(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

    /// <summary>A coordinate for SVG: rounded to 2 decimals, invariant culture; shared by the report charts.</summary>
    internal static string F(double v) => R(v).ToString("0.##", CultureInfo.InvariantCulture);

    private static string D(double v) => ScoreCourseData.Display(v);

    private static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
