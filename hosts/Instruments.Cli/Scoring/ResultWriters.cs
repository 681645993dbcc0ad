using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Cli.Scoring;

/// <summary>Writes one output record per scored row, streaming.</summary>
internal abstract class ResultWriter
{
    public abstract void WriteRow(int rowNumber, InputRow row, ScoreResult result);

    /// <summary>Writes whatever closes the output and flushes it.</summary>
    public abstract void Complete();

    public static string StatusName(ResponseStatus status) => status switch
    {
        ResponseStatus.Complete => "complete",
        ResponseStatus.Partial => "partial",
        _ => "invalid",
    };

    /// <summary>What a diagnostic is about, for the CSV column: an item, score or flag id, or the input line.</summary>
    public static string? Subject(ScoringPlan plan, in ResponseDiagnostic d)
    {
        var def = plan.Definition;
        if (d.Item >= 0)
        {
            return def.Items[d.Item].Id;
        }

        if (d.Score >= 0)
        {
            return def.Scores[d.Score].Id;
        }

        if (d.Flag >= 0)
        {
            return def.Flags[d.Flag].Id;
        }

        if (d.Descriptor == InstrumentDiagnostics.MalformedRow)
        {
            return "line " + d.Count.ToString(CultureInfo.InvariantCulture);
        }

        return d.Text;
    }
}

/// <summary>
/// CSV: pass-through columns, <c>status</c>, each score (followed by <c>&lt;score&gt;_band</c> when it has bands),
/// <c>flags</c> and <c>diagnostics</c>. Text cells that a spreadsheet would run as a formula are prefixed with <c>'</c>.
/// </summary>
internal sealed class CsvResultWriter : ResultWriter
{
    private const int MaxPendingRows = 10_000;

    private readonly TextWriter _out;
    private readonly ScoringPlan _plan;
    private readonly TextWriter _stderr;
    private readonly bool[] _banded;
    private readonly StringBuilder _tail = new();
    private readonly StringBuilder _diagnostics = new();
    private readonly char[] _number = new char[64];
    private string[]? _columns;                 // pass-through columns, fixed by the input (CSV) or by the first row (JSON)
    private readonly bool _positional;          // rows carry exactly _columns, in order
    private readonly List<string> _pending = [];  // JSON input: malformed rows seen before the columns were known
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public CsvResultWriter(TextWriter output, ScoringPlan plan, IReadOnlyList<string>? columns, TextWriter stderr)
    {
        _out = output;
        _plan = plan;
        _stderr = stderr;
        _banded = [.. plan.Definition.Scores.Select(s => s.Bands.Length > 0)];
        if (columns is not null)
        {
            _columns = [.. columns];
            _positional = true;
            WriteHeader();
        }
    }

    public override void WriteRow(int rowNumber, InputRow row, ScoreResult result)
    {
        RenderTail(result);
        if (_columns is null)
        {
            if (row.Malformed is not null && _pending.Count < MaxPendingRows)
            {
                _pending.Add(_tail.ToString());
                return;
            }

            FixColumns(row);
        }

        var columns = _columns!;
        if (row.Malformed is null && _positional)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                WriteText(row.Fields[c].Value);
                _out.Write(',');
            }
        }
        else if (row.Malformed is null)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                WriteText(Find(row, columns[c]));
                _out.Write(',');
            }

            WarnExtraFields(row);
        }
        else
        {
            for (var c = 0; c < columns.Length; c++)
            {
                _out.Write(',');
            }
        }

        WriteTail();
    }

    public override void Complete()
    {
        if (_columns is null)
        {
            _columns = [];
            WriteHeader();
            foreach (var tail in _pending)
            {
                _out.Write(tail);
                _out.Write("\r\n");
            }
        }

        _out.Flush();
    }

    private void FixColumns(InputRow row)
    {
        _columns = [.. row.Fields.Select(f => f.Name).Distinct(StringComparer.Ordinal)];
        WriteHeader();
        foreach (var tail in _pending)
        {
            _out.Write(new string(',', _columns.Length));
            _out.Write(tail);
            _out.Write("\r\n");
        }

        _pending.Clear();
    }

    private void WriteHeader()
    {
        foreach (var c in _columns!)
        {
            WriteText(c);
            _out.Write(',');
        }

        _out.Write("status");
        var scores = _plan.Definition.Scores;
        for (var s = 0; s < scores.Length; s++)
        {
            _out.Write(',');
            WriteText(scores[s].Id);
            if (_banded[s])
            {
                _out.Write(',');
                WriteText(scores[s].Id + "_band");
            }
        }

        _out.Write(",flags,diagnostics\r\n");
    }

    private static string? Find(InputRow row, string name)
    {
        foreach (var f in row.Fields)
        {
            if (ReferenceEquals(f.Name, name) || string.Equals(f.Name, name, StringComparison.Ordinal))
            {
                return f.Value;
            }
        }

        return null;
    }

    private void WarnExtraFields(InputRow row)
    {
        foreach (var f in row.Fields)
        {
            if (Array.IndexOf(_columns!, f.Name) < 0 && _warned.Add(f.Name))
            {
                _stderr.WriteLine($"instruments: warning: field '{f.Name}' (line {row.Line}) is not in the first row, so the CSV output has no column for it; use --format json or ndjson to keep every field");
            }
        }
    }

    // Status, scores, bands, flags and diagnostics of the row, into _tail.
    private void RenderTail(ScoreResult result)
    {
        var sb = _tail.Clear();
        sb.Append(StatusName(result.Status));
        for (var s = 0; s < _plan.ScoreCount; s++)
        {
            sb.Append(',');
            var v = result.GetScoreValue(s);
            if (!double.IsNaN(v) && v.TryFormat(_number, out var n, "R", CultureInfo.InvariantCulture))
            {
                sb.Append(_number, 0, n);
            }

            if (_banded[s])
            {
                sb.Append(',');
                AppendText(sb, result.GetBand(s));
            }
        }

        sb.Append(',');
        var first = true;
        var flags = _plan.Definition.Flags;
        for (var f = 0; f < _plan.FlagCount; f++)
        {
            if (result.GetFlag(f) == FlagState.Raised)
            {
                if (!first)
                {
                    sb.Append(';');
                }

                sb.Append(flags[f].Id);
                first = false;
            }
        }

        sb.Append(',');
        var diagnostics = _diagnostics.Clear();
        foreach (ref readonly var d in result.Diagnostics)
        {
            if (diagnostics.Length > 0)
            {
                diagnostics.Append(';');
            }

            diagnostics.Append(d.Id);
            if (Subject(_plan, d) is { } subject)
            {
                diagnostics.Append(':').Append(subject);
            }
        }

        AppendText(sb, diagnostics.ToString());
    }

    private void WriteTail()
    {
        foreach (var chunk in _tail.GetChunks())
        {
            _out.Write(chunk.Span);
        }

        _out.Write("\r\n");
    }

    private void WriteText(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _out.Write(Escape(value));
        }
    }

    private static void AppendText(StringBuilder sb, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            sb.Append(Escape(value));
        }
    }

    /// <summary>Quotes a cell when needed and neutralises formulas (a leading =, +, -, @, tab or CR, unless the cell is a plain number).</summary>
    internal static string Escape(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

/// <summary>JSON (<c>{"instrument", "version", "results": [...]}</c>) or NDJSON (one result object per line).</summary>
internal sealed class JsonResultWriter : ResultWriter
{
    private static readonly JsonEncodedText Row = JsonEncodedText.Encode("row");
    private static readonly JsonEncodedText Fields = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Scores = JsonEncodedText.Encode("scores");
    private static readonly JsonEncodedText Bands = JsonEncodedText.Encode("bands");
    private static readonly JsonEncodedText Prorated = JsonEncodedText.Encode("prorated");
    private static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText Diagnostics = JsonEncodedText.Encode("diagnostics");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");
    private static readonly JsonEncodedText Item = JsonEncodedText.Encode("item");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText Flag = JsonEncodedText.Encode("flag");
    private static readonly JsonEncodedText Line = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");

    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly bool _lines;
    private readonly ScoringPlan _plan;
    private readonly JsonEncodedText[] _scoreIds;
    private readonly JsonEncodedText[] _flagIds;
    private readonly JsonEncodedText[] _itemIds;

    public JsonResultWriter(Stream stream, ScoringPlan plan, bool ndjson)
    {
        _stream = stream;
        _lines = ndjson;
        _plan = plan;
        _json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = !ndjson, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var def = plan.Definition;
        _scoreIds = [.. def.Scores.Select(s => JsonEncodedText.Encode(s.Id))];
        _flagIds = [.. def.Flags.Select(f => JsonEncodedText.Encode(f.Id))];
        _itemIds = [.. def.Items.Select(i => JsonEncodedText.Encode(i.Id))];
        if (!ndjson)
        {
            _json.WriteStartObject();
            _json.WriteString("instrument", def.Id);
            _json.WriteString("version", def.Version);
            _json.WriteStartArray("results");
        }
    }

    public override void WriteRow(int rowNumber, InputRow row, ScoreResult result)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteNumber(Row, rowNumber);
        w.WriteStartObject(Fields);
        foreach (var f in row.Fields)
        {
            switch (f.Kind)
            {
                case FieldKind.Null:
                    w.WriteNull(f.Name);
                    break;
                case FieldKind.Literal:
                    w.WritePropertyName(f.Name);
                    w.WriteRawValue(f.Value!, skipInputValidation: true);
                    break;
                default:
                    w.WriteString(f.Name, f.Value);
                    break;
            }
        }

        w.WriteEndObject();
        w.WriteString(Status, StatusName(result.Status));
        w.WriteStartObject(Scores);
        var anyProrated = false;
        for (var s = 0; s < _plan.ScoreCount; s++)
        {
            var v = result.GetScoreValue(s);
            if (double.IsNaN(v))
            {
                w.WriteNull(_scoreIds[s]);
            }
            else
            {
                w.WriteNumber(_scoreIds[s], v);
            }

            anyProrated |= result.IsProrated(s);
        }

        w.WriteEndObject();
        w.WriteStartObject(Bands);
        var scores = _plan.Definition.Scores;
        for (var s = 0; s < _plan.ScoreCount; s++)
        {
            if (scores[s].Bands.Length > 0)
            {
                if (result.GetBand(s) is { } band)
                {
                    w.WriteString(_scoreIds[s], band);
                }
                else
                {
                    w.WriteNull(_scoreIds[s]);
                }
            }
        }

        w.WriteEndObject();
        if (anyProrated)
        {
            w.WriteStartArray(Prorated);
            for (var s = 0; s < _plan.ScoreCount; s++)
            {
                if (result.IsProrated(s))
                {
                    w.WriteStringValue(_scoreIds[s]);
                }
            }

            w.WriteEndArray();
        }

        w.WriteStartArray(Flags);
        for (var f = 0; f < _plan.FlagCount; f++)
        {
            if (result.GetFlag(f) == FlagState.Raised)
            {
                w.WriteStringValue(_flagIds[f]);
            }
        }

        w.WriteEndArray();
        w.WriteStartArray(Diagnostics);
        foreach (ref readonly var d in result.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString(Id, d.Id);
            w.WriteString(Severity, Diagnostic.SeverityName(d.Severity));
            if (d.Item >= 0)
            {
                w.WriteString(Item, _itemIds[d.Item]);
            }

            if (d.Score >= 0)
            {
                w.WriteString(Score, _scoreIds[d.Score]);
            }

            if (d.Flag >= 0)
            {
                w.WriteString(Flag, _flagIds[d.Flag]);
            }

            if (d.Descriptor == InstrumentDiagnostics.MalformedRow)
            {
                w.WriteNumber(Line, d.Count);
            }

            w.WriteString(Message, result.FormatMessage(d));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        if (_lines)
        {
            w.Flush();
            _stream.WriteByte((byte)'\n');
            w.Reset();
        }
        else if (w.BytesPending > 32 * 1024)
        {
            w.Flush();
        }
    }

    public override void Complete()
    {
        if (!_lines)
        {
            _json.WriteEndArray();
            _json.WriteEndObject();
            _json.Flush();
            _stream.WriteByte((byte)'\n');
        }

        _json.Flush();
        _stream.Flush();
    }
}
