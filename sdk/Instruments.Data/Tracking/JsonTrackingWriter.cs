using System.Text.Encodings.Web;
using System.Text.Json;
using Instruments.Course;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// JSON: <c>{"instrument", "version", "clients": [...], "diagnostics": [...]}</c>, or for a protocol
/// <c>{"protocol", "version", "instruments": [{"instrument", "version"}...], "clients": [...], "diagnostics": [...]}</c>
/// whose clients hold <c>"instruments": {"&lt;id&gt;": {"used", "scores"}}</c> and <c>"protocol": {"&lt;outcome&gt;": true|false|null}</c>
/// (and, with an alliance-and-outcome pairing, <c>"alliance_outcome"</c> per client and a top-level <c>"summary"</c>)
/// (indented; with
/// <see cref="TrackingOptions.Occasions"/>, <c>"administrations"</c> instead of <c>"clients"</c>), the top-level
/// diagnostics being the rows that belong to no client. NDJSON: one client (or administration) object per line, the
/// same shape, without the rows that belong to no client. An absent value is <c>null</c>: every key of the shape is
/// always written.
/// </summary>
internal sealed class JsonTrackingWriter : TrackingWriter
{
    private readonly bool _lines;
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _scoreIds;
    private readonly JsonEncodedText[] _instrumentIds;

    public JsonTrackingWriter(TrackedSet set, Stream output, bool occasions, bool lines)
        : base(set, output, occasions)
    {
        _lines = lines;
        _json = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Indented = !lines, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _scoreIds = [.. Scores.Select(s => JsonEncodedText.Encode(s.Id))];
        _instrumentIds = [.. set.Instruments.Select(p => JsonEncodedText.Encode(p.Definition.Id))];
    }

    public override void Start()
    {
        if (_lines)
        {
            return;
        }

        _json.WriteStartObject();
        if (Set.Protocol is { } protocol)
        {
            _json.WriteString("protocol", protocol.Definition.Id);
            _json.WriteString("version", protocol.Definition.Version);
            _json.WriteStartArray("instruments");
            foreach (var plan in Set.Instruments)
            {
                _json.WriteStartObject();
                _json.WriteString("instrument", plan.Definition.Id);
                _json.WriteString("version", plan.Definition.Version);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
        }
        else
        {
            _json.WriteString("instrument", Set.Instruments[0].Definition.Id);
            _json.WriteString("version", Set.Instruments[0].Definition.Version);
        }

        _json.WriteStartArray(Occasions ? "administrations" : "clients");
    }

    public override void Client(ClientCourse course)
    {
        if (Occasions)
        {
            for (var i = 0; i < course.Count; i++)
            {
                Begin();
                WriteAdministration(course, i);
                Finish();
            }
        }
        else
        {
            Begin();
            WriteClient(course);
            Finish();
        }

        MaybeFlush();
    }

    public override void End(IReadOnlyList<TrackDiagnostic> unattributed, AllianceOutcomeSummary? summary)
    {
        if (!_lines)
        {
            _json.WriteEndArray();
            WriteDiagnostics(unattributed);
            if (summary is not null)
            {
                WriteSummary(summary);
            }

            _json.WriteEndObject();
            _json.Flush();
            Buffer.Write((byte)'\n');
        }
        else if (summary is not null)
        {
            // NDJSON: one more line after the clients, {"summary": {...}}.
            Begin();
            _json.WriteStartObject();
            WriteSummary(summary);
            _json.WriteEndObject();
            Finish();
        }

        FlushStream();
    }

    /// <summary><c>"summary": {"alliance_outcome": {...}}</c>: the correlation across clients, with its n and the caution.</summary>
    private void WriteSummary(AllianceOutcomeSummary summary)
    {
        var w = _json;
        var pairing = Set.Protocol!.AllianceOutcome!;
        w.WriteStartObject("summary");
        w.WriteStartObject("alliance_outcome");
        w.WriteString("alliance", pairing.Alliance.Id);
        w.WriteString("outcome", pairing.Outcome.Id);
        w.WriteNumber("early_sessions", pairing.EarlySessions);
        w.WriteNumber("n", summary.Count);
        Number(w, "r", summary.R);
        if (summary.NotComputed is { } why)
        {
            w.WriteString("not_computed", why);
        }
        else
        {
            w.WriteNull("not_computed");
        }

        w.WriteString("caution", AllianceOutcomeSummary.Caution);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void Begin()
    {
        if (_lines)
        {
            _json.Reset(Buffer);
        }
    }

    private void Finish()
    {
        _json.Flush();
        if (_lines)
        {
            Buffer.Write((byte)'\n');
        }
    }

    private void WriteClient(ClientCourse c)
    {
        var w = _json;
        Span<byte> scratch = stackalloc byte[32];
        w.WriteStartObject();
        w.WriteString("client", c.Client);
        w.WriteNumber("administrations", c.Count);
        if (Set.Protocol is not { } protocol)
        {
            w.WriteNumber("used", c.Used);
            WriteScores(c, 0, scratch);
        }
        else
        {
            w.WriteStartObject("instruments");
            for (var k = 0; k < _instrumentIds.Length; k++)
            {
                w.WriteStartObject(_instrumentIds[k]);
                w.WriteNumber("used", c.UsedBy(k));
                WriteScores(c, k, scratch);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartObject("protocol");
            for (var o = 0; o < c.Outcomes.Length; o++)
            {
                Bool(w, protocol.Outcomes[o].Id, c.Outcomes[o]);
            }

            w.WriteEndObject();
            if (c.Pairing is not null)
            {
                w.WriteStartObject("alliance_outcome");
                Number(w, "early_alliance", c.EarlyAlliance);
                w.WriteNumber("early_n", c.EarlyCount);
                Number(w, "change", c.OutcomeChange);
                if (c.OutcomeReliable is { } reliable)
                {
                    w.WriteString("reliable_change", OutcomeName(reliable));
                }
                else
                {
                    w.WriteNull("reliable_change");
                }

                w.WriteEndObject();
            }
        }

        WriteDiagnostics(c.Diagnostics);
        w.WriteEndObject();
    }

    private void WriteScores(ClientCourse c, int instrument, Span<byte> scratch)
    {
        var w = _json;
        w.WriteStartObject("scores");
        for (var s = Set.ScoreStart[instrument]; s < Set.ScoreStart[instrument + 1]; s++)
        {
            var course = c.Courses[s];
            var rules = Scores[s].Change;
            w.WriteStartObject(_scoreIds[s]);
            WriteEnd(w, "first", c, course.FirstPosition, course.First, scratch);
            WriteEnd(w, "last", c, course.LastPosition, course.Last, scratch);
            Number(w, "change", course.Change);
            Bool(w, "case_first", course.CaseFirst);
            Bool(w, "case_last", course.CaseLast);
            Bool(w, "recovered", course.Recovered);
            w.WriteStartObject("reliable_change");
            for (var r = 0; r < course.RuleCount; r++)
            {
                w.WriteStartObject(rules!.ReliableChange[r].Id);
                Number(w, "threshold", course.Threshold(r));
                Number(w, "index", course.Index(r));
                if (course.Outcome(r) is { } outcome)
                {
                    w.WriteString("outcome", OutcomeName(outcome));
                }
                else
                {
                    w.WriteNull("outcome");
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            if (course.Category is { } category)
            {
                w.WriteString("category", CategoryName(category));
            }
            else
            {
                w.WriteNull("category");
            }

            Shifts(w, "sudden_gains", rules?.SuddenGains is not null, course.SuddenGains, c, scratch);
            Shifts(w, "sudden_losses", rules?.SuddenGains is not null, course.SuddenLosses, c, scratch);
            if (course.Ruptures.Count > 0)
            {
                WriteRuptures(w, course, c, scratch);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private void WriteAdministration(ClientCourse c, int i)
    {
        var w = _json;
        Span<byte> scratch = stackalloc byte[32];
        var a = c.Administrations[i];
        w.WriteStartObject();
        w.WriteString("client", c.Client);
        if (c.PositionOf(i) >= 0 || a.Kind == TrackedKind.WrongKind)
        {
            w.WriteString("occasion", Utf8(a.Occasion, scratch));
        }
        else
        {
            w.WriteString("occasion", c.Text(i));
        }

        w.WriteNumber("line", a.Line);
        w.WriteString("status", StatusName(a.Status));
        if (Set.Protocol is null)
        {
            WriteOccasionScores(c, i, 0);
        }
        else
        {
            w.WriteStartObject("instruments");
            for (var k = 0; k < _instrumentIds.Length; k++)
            {
                w.WriteStartObject(_instrumentIds[k]);
                w.WriteString("status", StatusName(c.Part(i, k).Status));
                WriteOccasionScores(c, i, k);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        WriteDiagnostics(DiagnosticsOf(c, i));
        w.WriteEndObject();
    }

    private void WriteOccasionScores(ClientCourse c, int i, int instrument)
    {
        var w = _json;
        w.WriteStartObject("scores");
        for (var s = Set.ScoreStart[instrument]; s < Set.ScoreStart[instrument + 1]; s++)
        {
            var (value, previous, first, events) = AtOccasion(c, i, s);
            w.WriteStartObject(_scoreIds[s]);
            Number(w, "value", value);
            Number(w, "change_previous", previous);
            Number(w, "change_first", first);
            w.WriteStartArray("events");
            foreach (var e in events)
            {
                w.WriteStringValue(e);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteEnd(Utf8JsonWriter w, string name, ClientCourse c, int position, double value, Span<byte> scratch)
    {
        if (position < 0)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("occasion", Utf8(c.OccasionAt(position), scratch));
        w.WriteNumber("value", value);
        w.WriteEndObject();
    }

    private static void Shifts(Utf8JsonWriter w, string name, bool declared, IReadOnlyList<SuddenShift> shifts, ClientCourse c, Span<byte> scratch)
    {
        if (!declared)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartArray(name);
        foreach (var g in shifts)
        {
            w.WriteStartObject();
            w.WriteString("pregain", Utf8(c.OccasionAt(g.PregainPosition), scratch));
            w.WriteNumber("magnitude", g.Magnitude);
            w.WriteBoolean("reversal", g.Reversal);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // Only for scores with rupture rules, so that the output of other scores stays as it was.
    private static void WriteRuptures(Utf8JsonWriter w, ScoreCourse course, ClientCourse c, Span<byte> scratch)
    {
        w.WriteStartObject("early_alliance");
        Number(w, "slope", course.EarlySlope);
        w.WriteEndObject();
        w.WriteStartObject("ruptures");
        foreach (var rule in course.Ruptures)
        {
            w.WriteStartObject(rule.Rule.Id);
            var evaluable = rule.NotEvaluable == NoChangeReason.None;
            if (NotEvaluableText(rule.NotEvaluable) is { } reason)
            {
                w.WriteString("not_evaluable", reason);
            }
            else
            {
                w.WriteNull("not_evaluable");
            }

            Number(w, "sd", rule.Sd);
            Number(w, "threshold", rule.Threshold);
            Count(w, "count", evaluable, rule.Count);
            Count(w, "repaired", evaluable, rule.Repaired);
            Count(w, "unrepaired", evaluable, rule.Unrepaired);
            Bool(w, "v_shape", rule.VShape);
            w.WriteStartArray("list");
            foreach (var r in rule.Ruptures)
            {
                w.WriteStartObject();
                w.WriteString("occasion", Utf8(c.OccasionAt(r.Position), scratch));
                Number(w, "pre_level", r.PreLevel);
                Number(w, "value", r.Value);
                Number(w, "drop", r.Drop);
                Number(w, "drop_sds", r.DropSds);
                w.WriteBoolean("repaired", r.Repaired);
                if (r.Repaired)
                {
                    w.WriteString("repair_occasion", Utf8(c.OccasionAt(r.RepairPosition), scratch));
                }
                else
                {
                    w.WriteNull("repair_occasion");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();

        static void Count(Utf8JsonWriter w, string name, bool evaluable, int value)
        {
            if (evaluable)
            {
                w.WriteNumber(name, value);
            }
            else
            {
                w.WriteNull(name);
            }
        }
    }

    private void WriteDiagnostics(IEnumerable<TrackDiagnostic> diagnostics)
    {
        var w = _json;
        w.WriteStartArray("diagnostics");
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("id", d.Descriptor.Id);
            w.WriteString("severity", Diagnostic.SeverityName(d.Severity));
            if (d.Line > 0)
            {
                w.WriteNumber("line", d.Line);
            }
            else
            {
                w.WriteNull("line");
            }

            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Bool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } b)
        {
            w.WriteBoolean(name, b);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
