using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// CSV, the JSON shape flattened. Per client: <c>client,administrations,used</c>, then for each score <c>s</c>:
/// <c>s.first_occasion,s.first,s.last_occasion,s.last,s.change</c>; <c>s.case_first,s.case_last,s.recovered</c> when
/// the score has a caseness rule; <c>s.rc.&lt;rule&gt;.threshold,s.rc.&lt;rule&gt;.index,s.rc.&lt;rule&gt;.outcome</c>
/// per reliable-change rule; <c>s.category</c> with clinical significance; <c>s.sudden_gains,s.sudden_losses</c> with
/// a sudden-gain rule; and <c>diagnostics</c>. Per administration (<see cref="TrackingOptions.Occasions"/>):
/// <c>client,occasion,line,status</c>, then per score <c>s,s.change_previous,s.change_first,s.events</c>, and
/// <c>diagnostics</c>. A protocol's columns are the same per instrument, prefixed with the instrument id
/// (<c>phq-9.used</c>, <c>phq-9.total.first</c>, ...; per administration <c>phq-9.status</c>, <c>phq-9.total</c>, ...),
/// followed per client by <c>protocol.&lt;outcome&gt;</c> and, with an alliance-and-outcome pairing,
/// <c>alliance_outcome.early_alliance,alliance_outcome.early_n,alliance_outcome.change</c> (and
/// <c>alliance_outcome.reliable_change</c> when the outcome measure names a rule). An absent value is an empty cell; text cells a spreadsheet
/// would run as a formula get a leading <c>'</c>.
/// </summary>
internal sealed class CsvTrackingWriter(TrackedSet set, Stream output, bool occasions) : TrackingWriter(set, output, occasions)
{
    private readonly NumberFormatter _numbers = new();
    private readonly ByteBuffer _cell = new(256);
    private readonly byte[][] _scoreNames = [.. Enumerable.Range(0, set.ScoreCount).Select(s => Encoding.UTF8.GetBytes(set.ScoreName(s)))];
    private readonly byte[][] _instrumentIds = [.. set.Instruments.Select(i => Encoding.UTF8.GetBytes(i.Definition.Id))];

    public override void Start()
    {
        var columns = new List<string>();
        var protocol = Set.Protocol;
        if (Occasions)
        {
            columns.AddRange(["client", "occasion", "line", "status"]);
            for (var k = 0; k < Set.Instruments.Length; k++)
            {
                if (protocol is not null)
                {
                    columns.Add(Set.Instruments[k].Definition.Id + ".status");
                }

                for (var s = Set.ScoreStart[k]; s < Set.ScoreStart[k + 1]; s++)
                {
                    var id = Set.ScoreName(s);
                    columns.AddRange([id, id + ".change_previous", id + ".change_first", id + ".events"]);
                }
            }
        }
        else
        {
            columns.AddRange(["client", "administrations"]);
            for (var k = 0; k < Set.Instruments.Length; k++)
            {
                columns.Add(protocol is null ? "used" : Set.Instruments[k].Definition.Id + ".used");
                for (var i = Set.ScoreStart[k]; i < Set.ScoreStart[k + 1]; i++)
                {
                    var s = Scores[i];
                    var id = Set.ScoreName(i);
                    columns.AddRange([id + ".first_occasion", id + ".first", id + ".last_occasion", id + ".last", id + ".change"]);
                    if (s.Change?.Caseness is not null)
                    {
                        columns.AddRange([id + ".case_first", id + ".case_last", id + ".recovered"]);
                    }

                    foreach (var r in s.Change?.ReliableChange ?? [])
                    {
                        columns.AddRange([$"{id}.rc.{r.Id}.threshold", $"{id}.rc.{r.Id}.index", $"{id}.rc.{r.Id}.outcome"]);
                    }

                    if (s.Change?.ClinicalSignificance is not null)
                    {
                        columns.Add(id + ".category");
                    }

                    if (s.Change?.SuddenGains is not null)
                    {
                        columns.AddRange([id + ".sudden_gains", id + ".sudden_losses"]);
                    }

                    if (s.Change is { Ruptures.IsDefaultOrEmpty: false } withRuptures)
                    {
                        columns.Add(id + ".early_slope");
                        foreach (var r in withRuptures.Ruptures)
                        {
                            var prefix = $"{id}.rupture.{r.Id}.";
                            columns.AddRange([prefix + "sd", prefix + "count", prefix + "repaired", prefix + "unrepaired", prefix + "v_shape", prefix + "list"]);
                        }
                    }
                }
            }

            foreach (var o in protocol?.Outcomes ?? [])
            {
                columns.Add("protocol." + o.Id);
            }

            if (protocol?.AllianceOutcome is { } pairing)
            {
                columns.AddRange(["alliance_outcome.early_alliance", "alliance_outcome.early_n", "alliance_outcome.change"]);
                if (pairing.Outcome.ReliableChange is not null)
                {
                    columns.Add("alliance_outcome.reliable_change");
                }
            }
        }

        columns.Add("diagnostics");
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0)
            {
                Buffer.Write((byte)',');
            }

            Csv.WriteCell(Buffer, Encoding.UTF8.GetBytes(columns[i]));
        }

        Buffer.Write("\r\n"u8);
    }

    public override void Client(ClientCourse course)
    {
        if (Occasions)
        {
            for (var i = 0; i < course.Count; i++)
            {
                WriteAdministration(course, i);
            }
        }
        else
        {
            WriteClient(course);
        }

        MaybeFlush();
    }

    // The summary across clients has no place in a table: the caller gets it (TrackingCounts.AllianceOutcome).
    public override void End(IReadOnlyList<TrackDiagnostic> unattributed, AllianceOutcomeSummary? summary) => FlushStream();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteClient(ClientCourse c)
    {
        var o = Buffer;
        Span<byte> scratch = stackalloc byte[32];
        Csv.WriteCell(o, c.ClientUtf8);
        o.Write((byte)',');
        Integer(c.Count);
        for (var k = 0; k < Set.Instruments.Length; k++)
        {
            o.Write((byte)',');
            Integer(c.UsedBy(k));
            for (var s = Set.ScoreStart[k]; s < Set.ScoreStart[k + 1]; s++)
            {
                WriteCourse(c, s, scratch);
            }
        }

        foreach (var outcome in c.Outcomes)
        {
            o.Write((byte)',');
            Bool(outcome);
        }

        if (c.Pairing is { } pairing)
        {
            o.Write((byte)',');
            Number(c.EarlyAlliance);
            o.Write((byte)',');
            Integer(c.EarlyCount);
            o.Write((byte)',');
            Number(c.OutcomeChange);
            if (pairing.Outcome.ReliableChange is not null)
            {
                o.Write((byte)',');
                if (c.OutcomeReliable is { } reliable)
                {
                    o.Write(reliable switch { ChangeOutcome.Improved => "improved"u8, ChangeOutcome.Deteriorated => "deteriorated"u8, _ => "unchanged"u8 });
                }
            }
        }

        o.Write((byte)',');
        _cell.Clear();
        foreach (var d in c.Diagnostics)
        {
            Diagnostic(d);
        }

        Csv.WriteCell(Buffer, _cell.WrittenSpan);
        o.Write("\r\n"u8);
    }

    private void WriteCourse(ClientCourse c, int s, Span<byte> scratch)
    {
        var o = Buffer;
        var course = c.Courses[s];
        var rules = Scores[s].Change;
        o.Write((byte)',');
        if (course.FirstPosition >= 0)
        {
            o.Write(Utf8(c.OccasionAt(course.FirstPosition), scratch));
        }

        o.Write((byte)',');
        Number(course.First);
        o.Write((byte)',');
        if (course.LastPosition >= 0)
        {
            o.Write(Utf8(c.OccasionAt(course.LastPosition), scratch));
        }

        o.Write((byte)',');
        Number(course.Last);
        o.Write((byte)',');
        Number(course.Change);
        if (rules?.Caseness is not null)
        {
            o.Write((byte)',');
            Bool(course.CaseFirst);
            o.Write((byte)',');
            Bool(course.CaseLast);
            o.Write((byte)',');
            Bool(course.Recovered);
        }

        for (var r = 0; r < course.RuleCount; r++)
        {
            o.Write((byte)',');
            Number(course.Threshold(r));
            o.Write((byte)',');
            Number(course.Index(r));
            o.Write((byte)',');
            if (course.Outcome(r) is { } outcome)
            {
                o.Write(outcome switch { ChangeOutcome.Improved => "improved"u8, ChangeOutcome.Deteriorated => "deteriorated"u8, _ => "unchanged"u8 });
            }
        }

        if (rules?.ClinicalSignificance is not null)
        {
            o.Write((byte)',');
            if (course.Category is { } category)
            {
                o.Write(Encoding.UTF8.GetBytes(CategoryName(category)));
            }
        }

        if (rules?.SuddenGains is not null)
        {
            o.Write((byte)',');
            Shifts(course.SuddenGains, c, scratch);
            o.Write((byte)',');
            Shifts(course.SuddenLosses, c, scratch);
        }

        if (course.Ruptures.Count > 0)
        {
            o.Write((byte)',');
            Number(course.EarlySlope);
            for (var k = 0; k < course.Ruptures.Count; k++)
            {
                var rule = course.Ruptures[k];
                var evaluable = rule.NotEvaluable == NoChangeReason.None;
                o.Write((byte)',');
                Number(rule.Sd);
                o.Write((byte)',');
                if (evaluable)
                {
                    Integer(rule.Count);
                    o.Write((byte)',');
                    Integer(rule.Repaired);
                    o.Write((byte)',');
                    Integer(rule.Unrepaired);
                }
                else
                {
                    o.Write(",,"u8);
                }

                o.Write((byte)',');
                Bool(rule.VShape);
                o.Write((byte)',');
                Ruptures(rule, c, scratch);
            }
        }
    }

    // "<occasion>:<drop>:<repair occasion>", or ":unrepaired" for the last part; ';' between ruptures.
    private void Ruptures(RuptureCourse rule, ClientCourse c, Span<byte> scratch)
    {
        _cell.Clear();
        for (var k = 0; k < rule.Ruptures.Count; k++)
        {
            var r = rule.Ruptures[k];
            if (_cell.Length > 0)
            {
                _cell.Write((byte)';');
            }

            _cell.Write(Utf8(c.OccasionAt(r.Position), scratch));
            _cell.Write((byte)':');
            _numbers.Write(_cell, r.Drop);
            _cell.Write((byte)':');
            if (r.Repaired)
            {
                _cell.Write(Utf8(c.OccasionAt(r.RepairPosition), scratch));
            }
            else
            {
                _cell.Write("unrepaired"u8);
            }
        }

        Csv.WriteCell(Buffer, _cell.WrittenSpan);
    }

    private void WriteAdministration(ClientCourse c, int i)
    {
        var o = Buffer;
        Span<byte> scratch = stackalloc byte[32];
        var a = c.Administrations[i];
        Csv.WriteCell(o, c.ClientUtf8);
        o.Write((byte)',');
        if (c.PositionOf(i) >= 0 || a.Kind == TrackedKind.WrongKind)
        {
            o.Write(Utf8(a.Occasion, scratch));
        }
        else
        {
            Csv.WriteCell(o, c.Text(i));
        }

        o.Write((byte)',');
        Integer(a.Line);
        o.Write((byte)',');
        o.Write(ResultFormat.StatusBytes(a.Status));
        for (var s = 0; s < Scores.Length; s++)
        {
            if (Set.Protocol is not null && s == Set.ScoreStart[Set.InstrumentOf(s)])
            {
                o.Write((byte)',');
                o.Write(ResultFormat.StatusBytes(c.Part(i, Set.InstrumentOf(s)).Status));
            }

            var (value, previous, first, events) = AtOccasion(c, i, s);
            o.Write((byte)',');
            Number(value);
            o.Write((byte)',');
            Number(previous);
            o.Write((byte)',');
            Number(first);
            o.Write((byte)',');
            Csv.WriteCell(o, Encoding.UTF8.GetBytes(string.Join(';', events)));
        }

        o.Write((byte)',');
        Diagnostics(DiagnosticsOf(c, i));
        o.Write("\r\n"u8);
    }

    // "<pregain occasion>:<magnitude>", with ":reversal" when the shift was reversed; ';' between shifts.
    private void Shifts(IReadOnlyList<SuddenShift> shifts, ClientCourse c, Span<byte> scratch)
    {
        _cell.Clear();
        foreach (var g in shifts)
        {
            if (_cell.Length > 0)
            {
                _cell.Write((byte)';');
            }

            _cell.Write(Utf8(c.OccasionAt(g.PregainPosition), scratch));
            _cell.Write((byte)':');
            _numbers.Write(_cell, g.Magnitude);
            if (g.Reversal)
            {
                _cell.Write(":reversal"u8);
            }
        }

        Csv.WriteCell(Buffer, _cell.WrittenSpan);
    }

    // "RSP2030:line 12;RSP2032:total": the ID, then the line it names (RSP2032: the score it concerns).
    private void Diagnostics(IEnumerable<TrackDiagnostic> diagnostics)
    {
        _cell.Clear();
        foreach (var d in diagnostics)
        {
            Diagnostic(d);
        }

        Csv.WriteCell(Buffer, _cell.WrittenSpan);
    }

    // One diagnostic of the cell, after a ';' when it is not the first; written without allocating (IDs are ASCII).
    private void Diagnostic(in TrackDiagnostic d)
    {
        var c = _cell;
        if (c.Length > 0)
        {
            c.Write((byte)';');
        }

        var id = d.Descriptor.Id;
        var span = c.GetSpan(id.Length);
        for (var i = 0; i < id.Length; i++)
        {
            span[i] = id[i] < 128 ? (byte)id[i] : (byte)'?';   // as Encoding.ASCII would
        }

        c.Advance(id.Length);
        if (d.Descriptor == Instruments.Diagnostics.InstrumentDiagnostics.NoChange && d.Score >= 0)
        {
            c.Write((byte)':');
            c.Write(_scoreNames[d.Score]);
        }
        else if (d.Line > 0)
        {
            c.Write(":line "u8);
            d.Line.TryFormat(c.GetSpan(11), out var n, default, CultureInfo.InvariantCulture);
            c.Advance(n);
            if (Set.Protocol is not null && d.Descriptor == Instruments.Diagnostics.InstrumentDiagnostics.AdministrationNotUsed && d.Score >= 0)
            {
                // "RSP2030:line 13:phq-9": which instrument's part of the row was not used.
                c.Write((byte)':');
                c.Write(_instrumentIds[Set.InstrumentOf(d.Score)]);
            }
        }
    }

    private void Integer(int value)
    {
        value.TryFormat(Buffer.GetSpan(16), out var n, default, CultureInfo.InvariantCulture);   // the default format: the fast path ("D" is parsed each call)
        Buffer.Advance(n);
    }

    private void Number(double value)
    {
        if (double.IsFinite(value))
        {
            _numbers.Write(Buffer, value);
        }
    }

    private void Bool(bool? value)
    {
        if (value is { } b)
        {
            Buffer.Write(b ? "true"u8 : "false"u8);
        }
    }
}
