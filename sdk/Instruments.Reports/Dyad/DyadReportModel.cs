using System.Collections.Immutable;
using Instruments.Alliance;
using Instruments.Course;

namespace Instruments.Reports;

/// <summary>
/// The data a dyad template sees for one client (and therapist) of a paired measure: both forms' public facts, every
/// occasion with a usable administration of either form, and per paired score the agreement table (client,
/// therapist, difference client minus therapist, discrepancy flag), the dyad's mean difference and its SD, what each
/// rater's rupture rules find in that rater's own series (<see cref="CourseAnalyzer"/>), and the geometry of a line
/// chart with both series. Plain dictionaries, lists, strings, numbers and booleans with snake_case keys (see
/// <c>docs/templates.md</c>); <c>format</c> and <c>generated_at</c> are added by <see cref="ReportRenderer"/> at
/// render time. Immutable.
/// </summary>
public sealed class DyadReportModel
{
    private DyadReportModel(string client, string? therapist, IReadOnlyDictionary<string, object?> data)
    {
        Client = client;
        Therapist = therapist;
        Data = data;
    }

    /// <summary>The client id as given (untrusted text).</summary>
    public string Client { get; }

    /// <summary>The therapist id as given, or null when pairing is by client alone (untrusted text).</summary>
    public string? Therapist { get; }

    /// <summary>The plain data (snake_case keys), without the render-time members.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>Builds the report data of one dyad handed over by the agreement pipeline (<c>AgreementOptions.OnDyad</c>).</summary>
    /// <param name="pairing">The pairing the dyad was matched with.</param>
    /// <param name="dyad">The dyad.</param>
    /// <param name="discrepancy">The discrepancy threshold in points (inclusive, <see cref="AgreementSummary.IsDiscrepancy"/>), or null for no flag.</param>
    public static DyadReportModel Create(InstrumentPairing pairing, AgreementDyad dyad, double? discrepancy = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        ArgumentNullException.ThrowIfNull(dyad);
        return Create(pairing, dyad, discrepancy, new DyadRuptures(pairing));
    }

    internal static DyadReportModel Create(InstrumentPairing pairing, AgreementDyad dyad, double? discrepancy, DyadRuptures ruptures)
    {
        if (dyad.Scores.Length != pairing.Scores.Length)
        {
            throw new ArgumentException($"The dyad has {dyad.Scores.Length} score summaries; the pairing pairs {pairing.Scores.Length} scores.", nameof(dyad));
        }

        if (discrepancy is { } t && !(t > 0 && double.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(discrepancy), t, "a discrepancy threshold is a positive number of points");
        }

        var raters = new[] { dyad.ClientAdministrations, dyad.TherapistAdministrations };
        foreach (var list in raters)
        {
            foreach (var a in list)
            {
                if (a.Values.Length != pairing.Scores.Length)
                {
                    throw new ArgumentException("An administration does not hold one value per paired score.", nameof(dyad));
                }
            }
        }

        var occasions = dyad.Occasions;

        var occasionData = occasions.Select(o => (object?)Obj(
            ("occasion", o.Occasion.ToString()),
            ("client_line", o.Client >= 0 ? raters[0][o.Client].Line : null),
            ("therapist_line", o.Therapist >= 0 ? raters[1][o.Therapist].Line : null),
            ("paired", o.Client >= 0 && o.Therapist >= 0))).ToList();

        var scores = new List<object?>();
        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            scores.Add(Score(pairing, dyad, s, discrepancy, ruptures, raters, occasions));
        }

        var unpairedClient = occasions.Count(o => o.Client >= 0 && o.Therapist < 0);
        var unpairedTherapist = occasions.Count(o => o.Therapist >= 0 && o.Client < 0);
        var data = Obj(
            ("client", dyad.Client),
            ("therapist", dyad.Therapist),
            ("instrument", ReportModel.Instrument(pairing.Client)),
            ("counterpart", ReportModel.Instrument(pairing.Therapist)),
            ("discrepancy", discrepancy),
            ("discrepancy_text", discrepancy is { } d ? DyadReportModel.Display(d) : null),
            ("pairs", dyad.Pairs),
            ("client_administrations", raters[0].Length),
            ("therapist_administrations", raters[1].Length),
            ("unpaired_client", unpairedClient),
            ("unpaired_therapist", unpairedTherapist),
            ("occasions", occasionData),
            ("scores", scores));
        return new DyadReportModel(dyad.Client, dyad.Therapist, data);
    }

    private static IReadOnlyDictionary<string, object?> Score(InstrumentPairing pairing, AgreementDyad dyad, int s, double? discrepancy, DyadRuptures ruptures,
        ImmutableArray<RatedAdministration>[] raters, ImmutableArray<DyadOccasion> occasions)
    {
        var paired = pairing.Scores[s];
        var clientScore = pairing.Client.Definition.Scores[paired.ClientIndex];
        var therapistScore = pairing.Therapist.Definition.Scores[paired.TherapistIndex];
        var findings = new List<RuptureFinding>();
        for (var rater = 0; rater < 2; rater++)
        {
            findings.AddRange(ruptures.Find(rater, s, raters[rater]));
        }

        // Events per occasion: "client rupture (stiles-2004, strauss-2006)", "therapist repair (strauss-2006)".
        var events = new List<string>[occasions.Length];
        var positionToRow = new Dictionary<(int Rater, int Position), int>();
        for (var i = 0; i < occasions.Length; i++)
        {
            events[i] = [];
            if (occasions[i].Client >= 0)
            {
                positionToRow[(0, occasions[i].Client)] = i;
            }

            if (occasions[i].Therapist >= 0)
            {
                positionToRow[(1, occasions[i].Therapist)] = i;
            }
        }

        var marks = new SortedDictionary<(int Rater, int Row, int Kind), List<string>>();
        foreach (var f in findings)
        {
            foreach (var r in f.Ruptures)
            {
                Mark(f.Rater, positionToRow[(f.Rater, r.Position)], 0, f.Rule.Id);
                if (r.Repaired)
                {
                    Mark(f.Rater, positionToRow[(f.Rater, r.RepairPosition)], 1, f.Rule.Id);
                }
            }
        }

        foreach (var ((rater, row, kind), rules) in marks)
        {
            events[row].Add($"{DyadRuptures.RaterName(rater)} {(kind == 0 ? "rupture" : "repair")} ({string.Join(", ", rules)})");
        }

        var rows = new List<object?>();
        for (var i = 0; i < occasions.Length; i++)
        {
            var (occasion, c, t) = occasions[i];
            double? client = c >= 0 ? raters[0][c].Values[s] : null;
            double? therapist = t >= 0 ? raters[1][t].Values[s] : null;
            double? difference = client is { } a && therapist is { } b ? a - b : null;
            rows.Add(Obj(
                ("occasion", occasion.ToString()),
                ("client", client),
                ("therapist", therapist),
                ("client_text", Text(client)),
                ("therapist_text", Text(therapist)),
                ("difference", difference),
                ("difference_text", Signed(difference)),
                ("discrepancy", difference is { } x && discrepancy is { } limit ? AgreementSummary.IsDiscrepancy(x, limit) : null),
                ("events", events[i].Select(e => (object?)e).ToList())));
        }

        var summary = dyad.Scores[s];
        var ruptureData = findings.Select(f => (object?)Obj(
            ("rater", DyadRuptures.RaterName(f.Rater)),
            ("score", f.Rater == 0 ? paired.ClientScore : paired.TherapistScore),
            ("rule", f.Rule.Id),
            ("rule_text", DyadRuptures.RuleText(f.Rule)),
            ("sources", f.Rule.Sources.Select(x => (object?)x).ToList()),
            ("evaluable", f.NotEvaluable == NoChangeReason.None),
            ("not_evaluable", f.NotEvaluable == NoChangeReason.None ? null : DyadRuptures.NotEvaluableText(f.NotEvaluable)),
            ("sd_text", double.IsFinite(f.Sd) ? DyadReportModel.Display(f.Sd) : null),
            ("threshold_text", double.IsFinite(f.Threshold) ? DyadReportModel.Display(f.Threshold) : null),
            ("count", f.Ruptures.Length),
            ("repaired", f.Repaired),
            ("unrepaired", f.Ruptures.Length - f.Repaired),
            ("ruptures", f.Ruptures.Select(r => (object?)Obj(
                ("occasion", raters[f.Rater][r.Position].Occasion.ToString()),
                ("pre_level_text", DyadReportModel.Display(r.PreLevel)),
                ("value_text", DyadReportModel.Display(r.Value)),
                ("drop_text", DyadReportModel.Display(r.Drop)),
                ("drop_sds_text", double.IsFinite(r.DropSds) ? DyadReportModel.Display(r.DropSds) : null),
                ("repair_occasion", r.Repaired ? raters[f.Rater][r.RepairPosition].Occasion.ToString() : null))).ToList()))).ToList();

        return Obj(
            ("id", paired.ClientScore),
            ("therapist_id", paired.TherapistScore),
            ("title", clientScore.Title ?? clientScore.Id),
            ("therapist_title", therapistScore.Title ?? therapistScore.Id),
            ("min", paired.Range.Min),
            ("max", paired.Range.Max),
            ("n", summary.N),
            ("mean_difference", Stat(summary.MeanDifference, signed: true)),
            ("sd_difference", Stat(summary.SdDifference)),
            ("rows", rows),
            ("ruptures", ruptureData),
            ("chart", DyadChart.Build(clientScore.Title ?? clientScore.Id, paired.Range.Min, paired.Range.Max, s, raters, occasions, findings)));

        void Mark(int rater, int row, int kind, string rule)
        {
            if (!marks.TryGetValue((rater, row, kind), out var list))
            {
                marks[(rater, row, kind)] = list = [];
            }

            if (!list.Contains(rule))
            {
                list.Add(rule);
            }
        }
    }

    /// <summary>
    /// A file name for this dyad's report: <c>&lt;client&gt;.md|html</c>, or <c>&lt;client&gt;_&lt;therapist&gt;.md|html</c>
    /// with a therapist, with only letters, digits, <c>.</c>, <c>-</c> and <c>_</c> of the ids kept (as
    /// <see cref="CourseReportModel.FileName(ReportFormat)"/>: others become <c>_</c>, at most 64 characters each, never
    /// <c>.</c> or <c>..</c>), so that an id such as <c>../../etc/passwd</c> cannot leave the output folder.
    /// </summary>
    /// <param name="format">The report's format, which gives the extension.</param>
    public string FileName(ReportFormat format)
    {
        var name = Sanitize(Client, "client");
        if (Therapist is { } t)
        {
            name += "_" + Sanitize(t, "therapist");
        }

        return name + "." + format.Extension();
    }

    internal static string Sanitize(string id, string fallback)
    {
        var name = new string([.. id.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        return name.Length == 0 || name.All(c => c == '.') ? fallback + name.Replace('.', '_') : name;
    }

    internal static IReadOnlyDictionary<string, object?> Stat(AgreementStatistic statistic, bool signed = false) => Obj(
        ("value", statistic.Value),
        ("text", statistic.Value is { } v ? (signed ? Signed(v) : DyadReportModel.Display(v)) : null),
        ("n", statistic.N),
        ("reason", statistic.Reason));

    /// <summary>A value for display: rounded to two decimals, without a minus sign on zero.</summary>
    internal static string Display(double v)
    {
        var text = ReportResponse.FormatDisplay(v);
        return text == "-0" ? "0" : text;
    }

    private static string? Text(double? v) => v is { } x ? DyadReportModel.Display(x) : null;

    internal static string? Signed(double? v) => v is not { } x ? null : x > 0 ? "+" + DyadReportModel.Display(x) : DyadReportModel.Display(x);

    internal static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
