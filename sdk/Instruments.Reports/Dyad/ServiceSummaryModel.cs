using Instruments.Alliance;

namespace Instruments.Reports;

/// <summary>
/// The data a service-summary template sees for one agreement run: how many dyads, pairs and unpaired
/// administrations; per paired score the across-dyad agreement (Pearson r, ICC(A,1), Bland-Altman mean difference and
/// 95% limits, each with n; over dyad means and over all pairs, as <c>instruments agree</c> computes them); ruptures
/// per 100 sessions per rater, score and rupture rule; and the published context. Built by a
/// <see cref="ServiceSummaryBuilder"/>. Plain data with snake_case keys (see <c>docs/templates.md</c>); <c>format</c>
/// and <c>generated_at</c> are added at render time. Immutable.
/// </summary>
public sealed class ServiceSummaryModel
{
    /// <summary>
    /// The published context, cited and not re-derived (Tryon, Blackwell &amp; Hammel 2007): context for the service's
    /// figures, not a benchmark.
    /// </summary>
    public const string PublishedContext =
        "In a meta-analysis of client and therapist alliance ratings, Tryon, Blackwell & Hammel (2007, Psychotherapy Research 17(6):629-642) "
        + "found the two moderately correlated (mean r = .36), with clients rating the alliance higher than therapists (mean d = .63). "
        + "This is context, not a benchmark: the studies differ from this service in instruments, timing and populations.";

    internal ServiceSummaryModel(int dyads, long pairs, IReadOnlyDictionary<string, object?> data)
    {
        Dyads = dyads;
        Pairs = pairs;
        Data = data;
    }

    /// <summary>The number of dyads with at least one pair.</summary>
    public int Dyads { get; }

    /// <summary>The number of pairs.</summary>
    public long Pairs { get; }

    /// <summary>The plain data (snake_case keys), without the render-time members.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>The file name of the service summary: <c>service.md</c> or <c>service.html</c>.</summary>
    /// <param name="format">The report's format, which gives the extension.</param>
    public static string FileName(ReportFormat format) => "service." + format.Extension();
}

/// <summary>
/// Builds the dyad reports and the service summary of one agreement run from the dyads the pipeline hands over
/// (<c>AgreementOptions.OnDyad</c>), in the order handed over: <see cref="Add"/> returns the dyad's
/// <see cref="DyadReportModel"/> and keeps what the summary needs (each dyad's means and pairs, and each rater's
/// ruptures and usable administrations), so nothing is read twice. Not thread-safe.
/// </summary>
/// <remarks>
/// Ruptures per 100 sessions, per rater, paired score and rupture rule = 100 x (ruptures that rule finds in that
/// rater's series, summed over every dyad) / (that rater's usable administrations, summed over every dyad). A usable
/// administration is one session rated by that rater, paired or not; the first session of a series counts in the
/// denominator although no rupture can fall on it.
/// </remarks>
public sealed class ServiceSummaryBuilder
{
    private readonly InstrumentPairing _pairing;
    private readonly double? _discrepancy;
    private readonly DyadRuptures _ruptures;
    private readonly AgreementAccumulator[] _overDyads;
    private readonly AgreementAccumulator[] _overPairs;
    private readonly long[] _administrations = new long[2];
    private readonly long[] _unpaired = new long[2];
    private readonly List<(int Rater, int Score, int Rule, string Id, List<string> Sources)> _rules = [];
    private readonly long[] _ruptureCounts;
    private readonly long[] _repairedCounts;
    private readonly long[] _evaluableDyads;
    private int _dyads;
    private int _dyadsWithoutPairs;
    private long _pairs;

    /// <summary>Creates a builder for one run.</summary>
    /// <param name="pairing">The pairing the run matched with.</param>
    /// <param name="discrepancy">The run's discrepancy threshold in points, or null.</param>
    public ServiceSummaryBuilder(InstrumentPairing pairing, double? discrepancy = null)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        if (discrepancy is { } t && !(t > 0 && double.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(discrepancy), t, "a discrepancy threshold is a positive number of points");
        }

        _pairing = pairing;
        _discrepancy = discrepancy;
        _ruptures = new DyadRuptures(pairing);
        _overDyads = [.. pairing.Scores.Select(_ => new AgreementAccumulator())];
        _overPairs = [.. pairing.Scores.Select(_ => new AgreementAccumulator())];
        for (var rater = 0; rater < 2; rater++)
        {
            for (var s = 0; s < pairing.Scores.Length; s++)
            {
                var rules = _ruptures.Rules(rater, s);
                for (var r = 0; r < rules.Length; r++)
                {
                    _rules.Add((rater, s, r, rules[r].Id, [.. rules[r].Sources]));
                }
            }
        }

        _ruptureCounts = new long[_rules.Count];
        _repairedCounts = new long[_rules.Count];
        _evaluableDyads = new long[_rules.Count];
    }

    /// <summary>Adds one dyad and returns its report data.</summary>
    /// <param name="dyad">The dyad, as the pipeline hands it over.</param>
    public DyadReportModel Add(AgreementDyad dyad)
    {
        ArgumentNullException.ThrowIfNull(dyad);
        var model = DyadReportModel.Create(_pairing, dyad, _discrepancy, _ruptures);
        _administrations[0] += dyad.ClientAdministrations.Length;
        _administrations[1] += dyad.TherapistAdministrations.Length;
        _unpaired[0] += dyad.ClientAdministrations.Length - dyad.Pairs;
        _unpaired[1] += dyad.TherapistAdministrations.Length - dyad.Pairs;
        if (dyad.Pairs > 0)
        {
            _dyads++;
            _pairs += dyad.Pairs;
            for (var s = 0; s < _pairing.Scores.Length; s++)
            {
                _overDyads[s].Add(dyad.Scores[s].MeanClient.Value!.Value, dyad.Scores[s].MeanTherapist.Value!.Value);
            }

            foreach (var o in dyad.Occasions)
            {
                if (o.IsPaired)
                {
                    var (a, b) = (dyad.ClientAdministrations[o.Client], dyad.TherapistAdministrations[o.Therapist]);
                    for (var s = 0; s < _pairing.Scores.Length; s++)
                    {
                        _overPairs[s].Add(a.Values[s], b.Values[s]);
                    }
                }
            }
        }
        else
        {
            _dyadsWithoutPairs++;
        }

        for (var i = 0; i < _rules.Count;)
        {
            var (rater, score, _, _, _) = _rules[i];
            var findings = _ruptures.Find(rater, score, rater == 0 ? dyad.ClientAdministrations : dyad.TherapistAdministrations);
            foreach (var f in findings)
            {
                _ruptureCounts[i] += f.Ruptures.Length;
                _repairedCounts[i] += f.Repaired;
                _evaluableDyads[i] += f.NotEvaluable == Course.NoChangeReason.None ? 1 : 0;
                i++;
            }
        }

        return model;
    }

    /// <summary>The service summary of the dyads added so far.</summary>
    /// <param name="notUsable">Input rows that were not usable (the run's count: unreadable, no client, therapist or usable occasion, invalid, or one of several at one occasion).</param>
    public ServiceSummaryModel Build(long notUsable = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(notUsable);
        var scores = new List<object?>();
        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            var paired = _pairing.Scores[s];
            var score = _pairing.Client.Definition.Scores[paired.ClientIndex];
            scores.Add(DyadReportModel.Obj(
                ("id", paired.ClientScore),
                ("therapist_id", paired.TherapistScore),
                ("title", score.Title ?? score.Id),
                ("over_dyads", Figures(_overDyads[s].Summarize())),
                ("over_pairs", Figures(_overPairs[s].Summarize()))));
        }

        var ruptures = new List<object?>();
        for (var i = 0; i < _rules.Count; i++)
        {
            var (rater, s, _, id, sources) = _rules[i];
            var administrations = _administrations[rater];
            double? rate = administrations > 0 ? 100.0 * _ruptureCounts[i] / administrations : null;
            ruptures.Add(DyadReportModel.Obj(
                ("rater", DyadRuptures.RaterName(rater)),
                ("score", rater == 0 ? _pairing.Scores[s].ClientScore : _pairing.Scores[s].TherapistScore),
                ("rule", id),
                ("sources", sources.Select(x => (object?)x).ToList()),
                ("ruptures", _ruptureCounts[i]),
                ("repaired", _repairedCounts[i]),
                ("unrepaired", _ruptureCounts[i] - _repairedCounts[i]),
                ("administrations", administrations),
                ("evaluable_dyads", _evaluableDyads[i]),
                ("per_100", rate),
                ("per_100_text", rate is { } r ? DyadReportModel.Display(r) : null)));
        }

        var data = DyadReportModel.Obj(
            ("instrument", ReportModel.Instrument(_pairing.Client)),
            ("counterpart", ReportModel.Instrument(_pairing.Therapist)),
            ("discrepancy", _discrepancy),
            ("dyads", _dyads),
            ("dyads_without_pairs", _dyadsWithoutPairs),
            ("pairs", _pairs),
            ("client_administrations", _administrations[0]),
            ("therapist_administrations", _administrations[1]),
            ("unpaired_client", _unpaired[0]),
            ("unpaired_therapist", _unpaired[1]),
            ("unpaired", _unpaired[0] + _unpaired[1]),
            ("not_usable", notUsable),
            ("scores", scores),
            ("ruptures", ruptures),
            ("context", ServiceSummaryModel.PublishedContext));
        return new ServiceSummaryModel(_dyads, _pairs, data);
    }

    private static IReadOnlyDictionary<string, object?> Figures(AgreementSummary summary) => DyadReportModel.Obj(
        ("n", summary.N),
        ("mean_client", DyadReportModel.Stat(summary.MeanClient)),
        ("mean_therapist", DyadReportModel.Stat(summary.MeanTherapist)),
        ("mean_difference", DyadReportModel.Stat(summary.MeanDifference, signed: true)),
        ("sd_difference", DyadReportModel.Stat(summary.SdDifference)),
        ("lower_limit", DyadReportModel.Stat(summary.LowerLimit, signed: true)),
        ("upper_limit", DyadReportModel.Stat(summary.UpperLimit, signed: true)),
        ("pearson", DyadReportModel.Stat(summary.Pearson)),
        ("icc", DyadReportModel.Stat(summary.Icc)));
}
