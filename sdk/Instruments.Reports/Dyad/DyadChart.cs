using System.Collections.Immutable;
using System.Globalization;
using Instruments.Alliance;
using Instruments.Course;

namespace Instruments.Reports;

/// <summary>
/// The geometry of one paired score's chart in a dyad report (<c>scores[].chart</c>): the client's and the therapist's
/// values across the dyad's occasions, each a series of its own (x: occasion order over both raters' occasions; y:
/// the score's range, higher up), with rupture and repair markers per rater, in the coordinates of a fixed view box so
/// that the template draws it with literal SVG (no script, no external resource).
/// </summary>
internal static class DyadChart
{
    private const double Width = 640, Height = 280, Left = 44, Right = 624, Top = 12, Bottom = 236;

    public static IReadOnlyDictionary<string, object?> Build(string title, double min, double max, int score, ImmutableArray<RatedAdministration>[] raters,
        ImmutableArray<DyadOccasion> occasions, List<RuptureFinding> findings)
    {
        var (lo, hi) = max > min ? (min, max) : Range(score, raters);
        double Y(double v) => R(Bottom - ((Math.Clamp(v, lo, hi) - lo) / (hi - lo) * (Bottom - Top)));
        var n = occasions.Length;
        double X(int i) => R(Left + ((i + 0.5) * (Right - Left) / Math.Max(n, 1)));

        var rows = new int[2][];
        for (var rater = 0; rater < 2; rater++)
        {
            rows[rater] = new int[raters[rater].Length];
        }

        for (var i = 0; i < n; i++)
        {
            if (occasions[i].Client >= 0)
            {
                rows[0][occasions[i].Client] = i;
            }

            if (occasions[i].Therapist >= 0)
            {
                rows[1][occasions[i].Therapist] = i;
            }
        }

        var series = new List<object?>();
        for (var rater = 0; rater < 2; rater++)
        {
            var name = DyadRuptures.RaterName(rater);
            var points = new List<object?>();
            var line = new List<string>();
            for (var p = 0; p < raters[rater].Length; p++)
            {
                var (x, y, v) = (X(rows[rater][p]), Y(raters[rater][p].Values[score]), raters[rater][p].Values[score]);
                points.Add(Obj(("x", x), ("y", y), ("occasion", raters[rater][p].Occasion.ToString()), ("value_text", D(v)),
                    ("text", $"{name}, occasion {raters[rater][p].Occasion}: {D(v)}")));
                line.Add(F(x) + "," + F(y));
            }

            var markers = new List<object?>();
            foreach (var group in findings.Where(f => f.Rater == rater).SelectMany(f => f.Ruptures.SelectMany(r =>
                         (IEnumerable<(int Position, int Kind, string Rule)>)(r.Repaired ? [(r.Position, 0, f.Rule.Id), (r.RepairPosition, 1, f.Rule.Id)] : [(r.Position, 0, f.Rule.Id)])))
                         .GroupBy(m => (m.Position, m.Kind)).OrderBy(g => g.Key.Position).ThenBy(g => g.Key.Kind))
            {
                var (position, kind) = group.Key;
                var rules = string.Join(", ", group.Select(g => g.Rule).Distinct());
                var a = raters[rater][position];
                markers.Add(Obj(("kind", kind == 0 ? "rupture" : "repair"), ("x", X(rows[rater][position])), ("y", Y(a.Values[score])),
                    ("occasion", a.Occasion.ToString()),
                    ("text", $"{name} {(kind == 0 ? "rupture" : "repair")} at occasion {a.Occasion} (rule {rules})")));
            }

            series.Add(Obj(("rater", name), ("index", rater), ("points", points), ("line", string.Join(" ", line)), ("single", line.Count == 1),
                ("markers", markers)));
        }

        var longest = n == 0 ? 1 : occasions.Max(o => o.Occasion.ToString().Length);
        var fit = Math.Max(1, (int)((Right - Left) / Math.Max(24, (longest * 7) + 8)));
        var step = Math.Max(1, (n + fit - 1) / fit);
        var xTicks = new List<object?>();
        for (var i = 0; i < n; i += step)
        {
            xTicks.Add(Obj(("x", X(i)), ("label", occasions[i].Occasion.ToString())));
        }

        var yTicks = new List<object?>();
        var tick = CourseChart.NiceStep((hi - lo) / 5);
        for (var v = Math.Ceiling(lo / tick) * tick; v <= hi + (tick * 1e-9); v += tick)
        {
            yTicks.Add(Obj(("y", Y(v)), ("label", D(v))));
        }

        var described = new List<string>();
        for (var rater = 0; rater < 2; rater++)
        {
            var list = raters[rater];
            var name = DyadRuptures.RaterName(rater);
            described.Add(list.Length == 0
                ? $"No usable {name} rating."
                : $"{char.ToUpperInvariant(name[0])}{name[1..]}: {string.Join(", ", list.Select(a => D(a.Values[score])))} at occasions {string.Join(", ", list.Select(a => a.Occasion.ToString()))}.");
        }

        return Obj(
            ("width", Width),
            ("height", Height),
            ("view_box", $"0 0 {F(Width)} {F(Height)}"),
            ("plot", Obj(("left", Left), ("top", Top), ("right", Right), ("bottom", Bottom), ("width", Right - Left), ("height", Bottom - Top))),
            ("y_min", lo),
            ("y_max", hi),
            ("title", $"{title}: client and therapist across occasions"),
            ("description", string.Join(" ", described)),
            ("series", series),
            ("has_ruptures", series.Cast<IReadOnlyDictionary<string, object?>>().Any(x => ((List<object?>)x["markers"]!).Count > 0)),
            ("x_ticks", xTicks),
            ("y_ticks", yTicks),
            ("x_label_y", Height - 8),
            ("x_tick_label_y", Bottom + 16));
    }

    private static (double Lo, double Hi) Range(int score, ImmutableArray<RatedAdministration>[] raters)
    {
        var values = raters.SelectMany(r => r.Select(a => a.Values[score])).ToList();
        if (values.Count == 0)
        {
            return (0, 1);
        }

        var (lo, hi) = (values.Min(), values.Max());
        var pad = Math.Max((hi - lo) * 0.1, 1);
        return (Math.Floor(lo - pad), Math.Ceiling(hi + pad));
    }

    private static double R(double v) => CourseChart.R(v);

    private static string F(double v) => CourseChart.F(v);

    private static string D(double v) => DyadReportModel.Display(v);

    private static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
