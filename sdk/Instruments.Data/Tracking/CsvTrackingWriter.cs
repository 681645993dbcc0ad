using System.Globalization;
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
/// <c>diagnostics</c>. An absent value is an empty cell; text cells a spreadsheet would run as a formula get a
/// leading <c>'</c>.
/// </summary>
internal sealed class CsvTrackingWriter(ScoringPlan plan, Stream output, bool occasions) : TrackingWriter(plan, output, occasions)
{
    private readonly NumberFormatter _numbers = new();
    private readonly ByteBuffer _cell = new(256);

    public override void Start()
    {
        var columns = new List<string>();
        if (Occasions)
        {
            columns.AddRange(["client", "occasion", "line", "status"]);
            foreach (var s in Scores)
            {
                columns.AddRange([s.Id, s.Id + ".change_previous", s.Id + ".change_first", s.Id + ".events"]);
            }
        }
        else
        {
            columns.AddRange(["client", "administrations", "used"]);
            foreach (var s in Scores)
            {
                columns.AddRange([s.Id + ".first_occasion", s.Id + ".first", s.Id + ".last_occasion", s.Id + ".last", s.Id + ".change"]);
                if (s.Change?.Caseness is not null)
                {
                    columns.AddRange([s.Id + ".case_first", s.Id + ".case_last", s.Id + ".recovered"]);
                }

                foreach (var r in s.Change?.ReliableChange ?? [])
                {
                    columns.AddRange([$"{s.Id}.rc.{r.Id}.threshold", $"{s.Id}.rc.{r.Id}.index", $"{s.Id}.rc.{r.Id}.outcome"]);
                }

                if (s.Change?.ClinicalSignificance is not null)
                {
                    columns.Add(s.Id + ".category");
                }

                if (s.Change?.SuddenGains is not null)
                {
                    columns.AddRange([s.Id + ".sudden_gains", s.Id + ".sudden_losses"]);
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

    public override void End(IReadOnlyList<TrackDiagnostic> unattributed) => FlushStream();

    private void WriteClient(ClientCourse c)
    {
        var o = Buffer;
        Span<byte> scratch = stackalloc byte[32];
        Text(c.Client);
        o.Write((byte)',');
        Integer(c.Count);
        o.Write((byte)',');
        Integer(c.Used);
        for (var s = 0; s < Scores.Length; s++)
        {
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
                    o.Write(Encoding.UTF8.GetBytes(OutcomeName(outcome)));
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
        }

        o.Write((byte)',');
        Diagnostics(c.Diagnostics);
        o.Write("\r\n"u8);
    }

    private void WriteAdministration(ClientCourse c, int i)
    {
        var o = Buffer;
        Span<byte> scratch = stackalloc byte[32];
        var a = c.Administrations[i];
        Text(c.Client);
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
        o.Write(Encoding.UTF8.GetBytes(StatusName(a.Status)));
        for (var s = 0; s < Scores.Length; s++)
        {
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
            if (_cell.Length > 0)
            {
                _cell.Write((byte)';');
            }

            _cell.Write(Encoding.ASCII.GetBytes(d.Descriptor.Id));
            if (d.Descriptor == Instruments.Diagnostics.InstrumentDiagnostics.NoChange && d.Score >= 0)
            {
                _cell.Write((byte)':');
                _cell.Write(Encoding.UTF8.GetBytes(Scores[d.Score].Id));
            }
            else if (d.Line > 0)
            {
                _cell.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $":line {d.Line}")));
            }
        }

        Csv.WriteCell(Buffer, _cell.WrittenSpan);
    }

    private void Text(string text) => Csv.WriteCell(Buffer, Encoding.UTF8.GetBytes(text));

    private void Integer(int value)
    {
        value.TryFormat(Buffer.GetSpan(16), out var n, "D", CultureInfo.InvariantCulture);
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
