using System.Collections.Immutable;
using System.Globalization;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Reports;

/// <summary>
/// One scored response, copied out of a (reusable) <see cref="ScoreResult"/> into plain data for a report:
/// status, scores with bands and ranges, flags, item answers, missing and invalid values, diagnostics and the
/// respondent fields of the input row. Immutable; templates never see the engine objects themselves.
/// </summary>
public sealed class ReportResponse
{
    /// <summary>Field names tried, in this order (case-insensitive), for <see cref="RespondentId"/>.</summary>
    public static readonly ImmutableArray<string> RespondentIdFields = ["respondent_id", "respondent", "client_id", "participant_id", "patient_id", "id"];

    private ReportResponse(int row, ResponseStatus status, string? respondentId, bool flagged, IReadOnlyDictionary<string, object?> data)
    {
        Row = row;
        Status = status;
        RespondentId = respondentId;
        HasRaisedFlags = flagged;
        Data = data;
    }

    /// <summary>1-based row number in the input.</summary>
    public int Row { get; }

    /// <summary>The status of the response.</summary>
    public ResponseStatus Status { get; }

    /// <summary>The respondent id found among the fields (see <see cref="RespondentIdFields"/>), or null.</summary>
    public string? RespondentId { get; }

    /// <summary>True when at least one flag was raised.</summary>
    public bool HasRaisedFlags { get; }

    /// <summary>The plain data templates see as one element of <c>responses</c> (snake_case keys).</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>
    /// Copies one scored response into report data.
    /// </summary>
    /// <param name="result">The result, just scored (it may be reused afterwards).</param>
    /// <param name="row">1-based row number of the response in its input.</param>
    /// <param name="values">The raw item values as given, in definition order (empty for a row that could not be read).</param>
    /// <param name="fields">The other fields of the input row (respondent id, visit, date ...), in input order; untrusted text.</param>
    /// <param name="line">The input line the row started on, or 0 when unknown.</param>
    public static ReportResponse Create(ScoreResult result, int row, ReadOnlySpan<ResponseValue> values,
        IEnumerable<KeyValuePair<string, string?>> fields, int line = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(fields);
        return CreateCore(result, row, values, [], fields, line);
    }

    /// <summary>
    /// Copies one response scored from a dictionary (<see cref="ScoringPlan.Score(IReadOnlyDictionary{string, string}, IEnumerable{string}, ScoreResult)"/>)
    /// into report data: the keys that are items give the answers (a non-numeric answer keeps its text), every other
    /// key becomes a field, in the dictionary's order.
    /// </summary>
    /// <param name="result">The result, just scored from <paramref name="response"/> (it may be reused afterwards).</param>
    /// <param name="row">1-based row number of the response in its input.</param>
    /// <param name="response">The dictionary the result was scored from: item ids and other keys to raw text; untrusted text.</param>
    /// <param name="line">The input line the row started on, or 0 when unknown.</param>
    public static ReportResponse Create(ScoreResult result, int row, IReadOnlyDictionary<string, string?> response, int line = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(response);
        var plan = result.Plan;
        var values = new ResponseValue[plan.ItemCount];
        var texts = new string?[plan.ItemCount];
        var fields = new List<KeyValuePair<string, string?>>();
        foreach (var (key, text) in response)
        {
            if (plan.IndexOfItem(key) is var i and >= 0)
            {
                values[i] = text is null ? ResponseValue.Missing : ResponseValue.Parse(text.AsSpan());
                texts[i] = text;
            }
            else
            {
                fields.Add(new(key, text));
            }
        }

        return CreateCore(result, row, values, texts, fields, line);
    }

    private static ReportResponse CreateCore(ScoreResult result, int row, ReadOnlySpan<ResponseValue> values, ReadOnlySpan<string?> texts,
        IEnumerable<KeyValuePair<string, string?>> fields, int line)
    {
        var plan = result.Plan;
        var def = plan.Definition;

        var fieldList = new List<object?>();
        string? respondentId = null;
        var respondentRank = int.MaxValue;
        foreach (var (name, value) in fields)
        {
            fieldList.Add(Obj(("name", name), ("value", value)));
            var rank = IndexOf(RespondentIdFields, name);
            if (rank >= 0 && rank < respondentRank && !string.IsNullOrWhiteSpace(value))
            {
                respondentRank = rank;
                respondentId = value;
            }
        }

        // What the diagnostics say about each item, score and flag.
        var itemState = new string?[def.Items.Length];
        var itemMessage = new string?[def.Items.Length];
        var itemText = new string?[def.Items.Length]; // a non-numeric answer's text, as its RSP2002 carries it
        var diagnostics = new List<object?>();
        string? malformed = null;
        var unsettledTie = new bool[def.Scores.Length];
        foreach (var d in result.Diagnostics)
        {
            var message = result.FormatMessage(d);
            diagnostics.Add(Obj(
                ("id", d.Id),
                ("severity", Diagnostic.SeverityName(d.Severity)),
                ("message", message),
                ("item", d.Item >= 0 ? def.Items[d.Item].Id : null),
                ("score", d.Score >= 0 ? def.Scores[d.Score].Id : null),
                ("flag", d.Flag >= 0 ? def.Flags[d.Flag].Id : null)));
            if (d.Descriptor == InstrumentDiagnostics.MalformedRow)
            {
                malformed = message;
            }

            if (d.Descriptor == InstrumentDiagnostics.RoundingTieUnsettled && d.Score >= 0)
            {
                unsettledTie[d.Score] = true;   // RSP2015: a tie the source does not settle, left unrounded
            }

            if (d.Item < 0)
            {
                continue;
            }

            if (d.Descriptor == InstrumentDiagnostics.ValueNotAnOption || d.Descriptor == InstrumentDiagnostics.NonNumericValue)
            {
                itemState[d.Item] = "invalid";
                itemMessage[d.Item] = message;
                itemText[d.Item] ??= d.Text;
            }
            else if (d.Descriptor == InstrumentDiagnostics.MissingCodeUsed)
            {
                itemState[d.Item] = "missing_code";
                itemMessage[d.Item] = message;
            }
        }

        var items = new List<object?>();
        var missingItems = new List<object?>();
        var invalidItems = new List<object?>();
        for (var i = 0; i < def.Items.Length; i++)
        {
            var item = def.Items[i];
            var raw = i < values.Length ? values[i] : ResponseValue.Missing;
            var state = itemState[i] ?? (raw.Kind == ResponseValueKind.Missing ? "missing" : "answered");
            double? number = state == "answered" && raw.Kind == ResponseValueKind.Number ? raw.Number : null;
            var scale = def.FindScale(item.Scale);
            var label = number is { } n && scale is not null ? scale.Options.FirstOrDefault(o => o.Value == n)?.Label : null;
            var data = Obj(
                ("id", item.Id),
                ("text", item.Text),
                ("optional", item.Optional),
                ("status", state),
                ("value", number),
                ("given", raw.Kind switch
                {
                    ResponseValueKind.Missing => null,
                    ResponseValueKind.Number => FormatNumber(raw.Number),
                    _ => itemText[i] ?? (i < texts.Length ? texts[i] : null),
                }),
                ("label", label),
                ("message", itemMessage[i]));
            items.Add(data);
            if (state is "missing" or "missing_code")
            {
                missingItems.Add(data);
            }
            else if (state == "invalid")
            {
                invalidItems.Add(data);
            }
        }

        var scores = new List<object?>();
        for (var s = 0; s < def.Scores.Length; s++)
        {
            scores.Add(ScoreData(def.Scores[s], result, s, unsettledTie[s]));
        }

        var flags = new List<(FlagDefinition Def, FlagState State)>();
        for (var f = 0; f < def.Flags.Length; f++)
        {
            flags.Add((def.Flags[f], result.GetFlag(f)));
        }

        var ordered = flags.OrderBy(f => f.Def.Severity).ToList();   // critical first, then definition order (stable)
        IReadOnlyList<object?> FlagList(Func<FlagState, bool> which) =>
            [.. ordered.Where(f => which(f.State)).Select(f => FlagData(f.Def, f.State))];

        var raised = FlagList(s => s == FlagState.Raised);
        var response = Obj(
            ("row", row),
            ("line", line),
            ("status", StatusName(result.Status)),
            ("respondent_id", respondentId),
            ("fields", fieldList),
            ("malformed", malformed),
            ("scores", scores),
            ("flags", FlagList(_ => true)),
            ("raised_flags", raised),
            ("unknown_flags", FlagList(s => s == FlagState.Unknown)),
            ("items", items),
            ("missing_items", missingItems),
            ("invalid_items", invalidItems),
            ("prorated", scores.Any(s => s is IReadOnlyDictionary<string, object?> d && d["prorated"] is true)),
            ("diagnostics", diagnostics));
        return new ReportResponse(row, result.Status, respondentId, raised.Count > 0, response);
    }

    internal static string StatusName(ResponseStatus status) => status switch
    {
        ResponseStatus.Complete => "complete",
        ResponseStatus.Partial => "partial",
        _ => "invalid",
    };

    private static IReadOnlyDictionary<string, object?> ScoreData(ScoreDefinition score, ScoreResult result, int index, bool unsettledTie)
    {
        var value = result.GetScore(index);
        var (min, max) = ReportModel.ScoreRange(result.Plan, index);
        var bandIndex = result.GetBandIndex(index);
        var band = bandIndex >= 0 && bandIndex < score.Bands.Length ? score.Bands[bandIndex] : null;
        var bands = ReportModel.BandData(score, min, max, band);
        double? position = value is { } v && min is { } lo && max is { } hi && hi > lo
            ? Math.Round(Math.Clamp((v - lo) / (hi - lo) * 100, 0, 100), 2)
            : null;

        // A value a rule rounded to 3 decimals is shown with them; otherwise at most 2 decimals, as before.
        var decimals = Math.Max(2, Math.Max(Digits(score.Rounding), Digits(score.Missing.Rounding)));
        var valueText = value is { } x ? FormatDisplay(x, decimals) : null;
        var rounded = value is not null && result.IsRounded(index);
        double? unrounded = rounded ? result.GetUnroundedScore(index) : null;

        // The value lies in none of the bands (RSP2007): name the bands around it instead of leaving the band empty.
        var between = value is { } y && band is null && score.Bands.Length > 0
            ? BandNeighbours.Describe(score.Bands, y, label => label)
            : null;
        return Obj(
            ("id", score.Id),
            ("title", score.Title),
            ("value", value),
            ("value_text", valueText),
            ("unrounded", unrounded),
            ("unrounded_text", unrounded is { } u ? UnroundedText(u, valueText!) : null),
            ("rounded", rounded),
            ("unsettled_tie", unsettledTie),
            ("computed", value is not null),
            ("prorated", result.IsProrated(index)),
            ("answered", result.GetAnsweredCount(index)),
            ("item_count", score.Items.Length),
            ("min", min),
            ("max", max),
            ("position_percent", position),
            ("band", band is null ? null : Obj(
                ("label", band.Label),
                ("description", band.Description),
                ("min", band.Min),
                ("max", band.Max),
                ("upper_exclusive", band.UpperExclusive))),
            ("between", between),
            ("bands", bands));
    }

    private static int Digits(RoundingRule? rule) => rule is { Method: RoundingMethod.Nearest } ? rule.Digits : 0;

    /// <summary>
    /// The unrounded value for display: at most 2 decimals, or up to 6 (then all of them) when 2 would read the same
    /// as the rounded value's text (a value rounded to 2 decimals, say).
    /// </summary>
    private static string UnroundedText(double unrounded, string valueText)
    {
        var text = FormatDisplay(unrounded);
        if (text == valueText)
        {
            text = FormatDisplay(unrounded, RoundingRules.MaxDigits);
        }

        return text == valueText ? FormatNumber(unrounded) : text;
    }

    private static IReadOnlyDictionary<string, object?> FlagData(FlagDefinition flag, FlagState state) => Obj(
        ("id", flag.Id),
        ("severity", ReportModel.SeverityName(flag.Severity)),
        ("message", flag.Message),
        ("state", state switch
        {
            FlagState.Raised => "raised",
            FlagState.Unknown => "unknown",
            _ => "not_raised",
        }));

    private static int IndexOf(ImmutableArray<string> names, string name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    internal static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>At most two decimals (or <paramref name="decimals"/>), for display; the exact value stays in <c>value</c>.</summary>
    internal static string FormatDisplay(double value, int decimals = 2) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);

    internal static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members)
    {
        var d = new Dictionary<string, object?>(members.Length, StringComparer.Ordinal);
        foreach (var (key, value) in members)
        {
            d.Add(key, value);
        }

        return d;
    }
}

/// <summary>
/// The data a report template sees: the instrument's public facts, the responses and a summary, all as plain
/// dictionaries, lists, strings, numbers and booleans with snake_case keys (see <c>docs/templates.md</c>).
/// <c>format</c> and <c>generated_at</c> are added by <see cref="ReportRenderer"/> at render time.
/// </summary>
public sealed class ReportModel
{
    private ReportModel(IReadOnlyDictionary<string, object?> data, int responseCount)
    {
        Data = data;
        ResponseCount = responseCount;
    }

    /// <summary>The plain data (snake_case keys), without the render-time members.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>How many responses the report covers.</summary>
    public int ResponseCount { get; }

    /// <summary>Builds the model of a report about <paramref name="responses"/> of one instrument.</summary>
    /// <param name="plan">The instrument's plan (the one that scored the responses): its definition and score ranges.</param>
    /// <param name="responses">The responses, in input order (one for a per-response report).</param>
    /// <param name="combined">True for a combined report of several responses.</param>
    public static ReportModel Create(ScoringPlan plan, IEnumerable<ReportResponse> responses, bool combined)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(responses);
        var list = responses.ToList();
        var summary = ReportResponse.Obj(
            ("responses", list.Count),
            ("complete", list.Count(r => r.Status == ResponseStatus.Complete)),
            ("partial", list.Count(r => r.Status == ResponseStatus.Partial)),
            ("invalid", list.Count(r => r.Status == ResponseStatus.Invalid)),
            ("flagged", list.Count(r => r.HasRaisedFlags)));
        var data = ReportResponse.Obj(
            ("combined", combined),
            ("instrument", Instrument(plan)),
            ("responses", list.Select(r => (object?)r.Data).ToList()),
            ("summary", summary));
        return new ReportModel(data, list.Count);
    }

    /// <summary>The instrument's public facts as plain data (the <c>instrument</c> member of the model).</summary>
    /// <param name="plan">The instrument's plan: its definition and the range of each score.</param>
    public static IReadOnlyDictionary<string, object?> Instrument(ScoringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var def = plan.Definition;
        return ReportResponse.Obj(
            ("id", def.Id),
            ("version", def.Version),
            ("title", def.Title),
            ("citation", def.Citation),
            ("respondent", def.Respondent?.ToString().ToLowerInvariant()),
            ("language", def.Language),
            ("instructions", def.Instructions),
            ("notes", def.Notes),
            ("license", ReportResponse.Obj(
                ("name", def.License.Name),
                ("texts", def.License.Texts == TextLicense.Restricted ? "restricted" : "shipped"),
                ("url", SafeUrl(def.License.Url)),
                ("notice", def.License.Notice))),
            ("missing_codes", def.MissingCodes.Select(c => (object?)c).ToList()),
            ("scales", def.ResponseScales.Select(s => (object?)ReportResponse.Obj(
                ("id", s.Id),
                ("min", s.Min),
                ("max", s.Max),
                ("options", s.Options.Select(o => (object?)ReportResponse.Obj(("value", o.Value), ("label", o.Label))).ToList()))).ToList()),
            ("items", def.Items.Select(i => (object?)ReportResponse.Obj(
                ("id", i.Id),
                ("text", i.Text),
                ("scale", i.Scale),
                ("reverse", i.Reverse),
                ("optional", i.Optional))).ToList()),
            ("scores", def.Scores.Select((s, index) =>
            {
                var (min, max) = ScoreRange(plan, index);
                return (object?)ReportResponse.Obj(
                    ("id", s.Id),
                    ("title", s.Title),
                    ("method", s.Method.ToString().ToLowerInvariant()),
                    ("items", s.Items.Select(x => (object?)x).ToList()),
                    ("expression", s.Expression),
                    ("min", min),
                    ("max", max),
                    ("missing", ReportResponse.Obj(("max", s.Missing.MaxMissing), ("prorate", s.Missing.Prorate))),
                    ("bands", BandData(s, min, max, null)));
            }).ToList()),
            ("flags", def.Flags.Select(f => (object?)ReportResponse.Obj(
                ("id", f.Id),
                ("when", f.When),
                ("severity", SeverityName(f.Severity)),
                ("message", f.Message))).ToList()));
    }

    /// <summary>
    /// The range a score can take, for chart scales: the plan's <see cref="ScoringPlan.GetScoreRange(int)"/> (the
    /// same analysis the compiler checks bands with), or nulls when it is unknown or unbounded.
    /// </summary>
    /// <param name="plan">The instrument's plan.</param>
    /// <param name="score">The score's index in the definition.</param>
    public static (double? Min, double? Max) ScoreRange(ScoringPlan plan, int score)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var range = plan.GetScoreRange(score);
        return range.IsFinite ? (range.Min, range.Max) : (null, null);
    }

    internal static List<object?> BandData(ScoreDefinition score, double? min, double? max, Band? current)
    {
        var sorted = score.Bands.OrderBy(b => b.Min).ToList();
        var list = new List<object?>();
        for (var i = 0; i < sorted.Count; i++)
        {
            var b = sorted[i];
            double? start = null, width = null;
            if (min is { } lo && max is { } hi && hi > lo)
            {
                // A band runs to where the next one starts, so that integer bands (0-4, 5-9) meet without gaps.
                var end = i + 1 < sorted.Count ? sorted[i + 1].Min : b.Max;
                var s = Math.Clamp((b.Min - lo) / (hi - lo) * 100, 0, 100);
                var e = Math.Clamp((end - lo) / (hi - lo) * 100, 0, 100);
                start = Math.Round(s, 2);
                width = Math.Round(Math.Max(0, e - s), 2);
            }

            list.Add(ReportResponse.Obj(
                ("label", b.Label),
                ("description", b.Description),
                ("min", b.Min),
                ("max", b.Max),
                ("upper_exclusive", b.UpperExclusive),
                ("index", i),
                ("current", current is not null && ReferenceEquals(b, current)),
                ("start_percent", start),
                ("width_percent", width)));
        }

        return list;
    }

    internal static string SeverityName(FlagSeverity severity) => severity switch
    {
        FlagSeverity.Critical => "critical",
        FlagSeverity.Info => "info",
        _ => "warning",
    };

    /// <summary>Only http and https links reach a template (no <c>javascript:</c> or <c>data:</c> URLs).</summary>
    internal static string? SafeUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}
