using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// CSV of a protocol: the pass-through columns, <c>status</c> (the worst of the instruments'), then for each instrument
/// (in <see cref="ProtocolPlan.Instruments"/> order) <c>&lt;id&gt;.status</c>, each score <c>&lt;id&gt;.&lt;score&gt;</c>
/// (followed by <c>&lt;id&gt;.&lt;score&gt;_band</c> when it has bands), <c>&lt;id&gt;.flags</c> and
/// <c>&lt;id&gt;.diagnostics</c>.
/// </summary>
internal sealed class CsvProtocolResultFormat : ResultFormat
{
    private readonly CsvResultFormat[] _members;   // one per instrument: its cell encodings (bands, ids), no header of its own
    private readonly string[] _columns;
    private readonly bool _positional;
    private readonly byte[] _header;

    public CsvProtocolResultFormat(ProtocolPlan protocol, IReadOnlyList<string> columns, bool positional)
    {
        Protocol = protocol;
        _columns = [.. columns];
        _positional = positional;
        _members = [.. protocol.Instruments.Select(p => new CsvResultFormat(p, [], positional: true))];
        var header = new ByteBuffer(512);
        foreach (var c in _columns)
        {
            Csv.WriteCell(header, Encoding.UTF8.GetBytes(c));
            header.Write((byte)',');
        }

        header.Write("status"u8);
        foreach (var plan in protocol.Instruments)
        {
            var prefix = plan.Definition.Id + ".";
            void Column(string name)
            {
                header.Write((byte)',');
                Csv.WriteCell(header, Encoding.UTF8.GetBytes(prefix + name));
            }

            Column("status");
            foreach (var s in plan.Definition.Scores)
            {
                Column(s.Id);
                if (CsvResultFormat.HasUnroundedColumn(s))
                {
                    Column(s.Id + "_unrounded");
                }

                if (s.Bands.Length > 0)
                {
                    Column(s.Id + "_band");
                }
            }

            Column("flags");
            Column("diagnostics");
        }

        header.Write("\r\n"u8);
        _header = header.WrittenSpan.ToArray();
    }

    internal override void WriteHeader(ByteBuffer output) => output.Write(_header);

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    private sealed class Formatter(CsvProtocolResultFormat format) : ResultFormatter
    {
        private readonly CsvResultFormat.CellWriter[] _cells = [.. format._members.Select(m => new CsvResultFormat.CellWriter(m))];
        private readonly CsvResultFormat.PassThroughWriter _pass = new(format._columns, format._positional);

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block) =>
            throw new InvalidOperationException("a protocol's format writes protocol results");

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void WriteRow(long rowNumber, ResponseRow row, ProtocolResult result, RowBlock block)
        {
            var o = block.Output;
            _pass.Write(o, row, block);
            o.Write(StatusBytes(result.Status));
            for (var k = 0; k < _cells.Length; k++)
            {
                o.Write((byte)',');
                var r = result.GetResult(k);
                o.Write(StatusBytes(r.Status));
                _cells[k].WriteResult(o, r);
            }

            o.Write("\r\n"u8);
        }
    }
}

/// <summary>
/// JSON of a protocol (<c>{"protocol", "version", "instruments": [{"id", "version"}], "results": [...]}</c>, indented)
/// or NDJSON (one result object per line). Each result: <c>row</c>, <c>fields</c>, <c>status</c> (the worst of the
/// instruments') and <c>instruments</c>, an object with one entry per instrument id holding what a single instrument's
/// result holds (<c>status</c>, <c>scores</c>, <c>bands</c>, <c>prorated</c> when any, <c>flags</c>, <c>diagnostics</c>).
/// </summary>
internal sealed class JsonProtocolResultFormat : ResultFormat
{
    private static readonly JsonEncodedText Instruments = JsonEncodedText.Encode("instruments");
    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    private readonly bool _lines;
    private readonly JsonResultFormat[] _members;
    private readonly JsonEncodedText[] _ids;
    private readonly JsonWriterOptions _options;

    public JsonProtocolResultFormat(ProtocolPlan protocol, bool ndjson)
    {
        Protocol = protocol;
        _lines = ndjson;
        _options = new JsonWriterOptions { Indented = !ndjson, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        _members = [.. protocol.Instruments.Select(p => new JsonResultFormat(p, ndjson))];
        _ids = [.. protocol.Instruments.Select(p => JsonEncodedText.Encode(p.Definition.Id))];
    }

    internal override void WriteHeader(ByteBuffer output)
    {
        if (_lines)
        {
            return;
        }

        using var w = new Utf8JsonWriter(output, _options);
        w.WriteStartObject();
        w.WriteString("protocol", Protocol!.Definition.Id);
        w.WriteString("version", Protocol.Definition.Version);
        w.WriteStartArray("instruments");
        foreach (var plan in Protocol.Instruments)
        {
            w.WriteStartObject();
            w.WriteString("id", plan.Definition.Id);
            w.WriteString("version", plan.Definition.Version);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("results");
        w.Flush();
    }

    internal override void WriteFooter(ByteBuffer output, long rows)
    {
        if (_lines)
        {
            return;
        }

        JsonResultFormat.CloseResults(output, rows);
    }

    internal override ResultFormatter CreateFormatter() => new Formatter(this);

    private sealed class Formatter : ResultFormatter
    {
        private readonly JsonProtocolResultFormat _format;
        private readonly ByteBuffer _scratch = new(2048);
        private readonly Utf8JsonWriter _json;

        public Formatter(JsonProtocolResultFormat format)
        {
            _format = format;
            _json = new Utf8JsonWriter(_scratch, format._options);
        }

        public override void WriteRow(long rowNumber, ResponseRow row, ScoreResult result, RowBlock block) =>
            throw new InvalidOperationException("a protocol's format writes protocol results");

        public override void WriteRow(long rowNumber, ResponseRow row, ProtocolResult result, RowBlock block)
        {
            _scratch.Clear();
            _json.Reset(_scratch);
            var w = _json;
            w.WriteStartObject();
            JsonResultFormat.WriteRowAndFields(w, rowNumber, row);
            w.WriteString("status", StatusName(result.Status));
            w.WriteStartObject(Instruments);
            for (var k = 0; k < _format._members.Length; k++)
            {
                w.WritePropertyName(_format._ids[k]);
                w.WriteStartObject();
                _format._members[k].WriteResult(w, result.GetResult(k));
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
            JsonResultFormat.CopyRow(_format._lines, _scratch, block.Output, rowNumber);
        }
    }
}
