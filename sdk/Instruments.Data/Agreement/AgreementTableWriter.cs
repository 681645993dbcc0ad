using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// Writes the agreement table (CSV or NDJSON) one row at a time: the pairs table (each pair, then each row that is not
/// paired: the unpaired administrations and the unusable rows, by input and line) or, with <see cref="AgreementOptions.Summary"/>, one row per dyad and score and then the across-dyad
/// rows. The buffered run and the streaming run both write through it, so their bytes cannot differ. Unpaired rows can
/// go to another <see cref="Target"/> (a spill), copied into the output at the end.
/// </summary>
internal sealed class AgreementTableWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // Enough for any double in "R" form (at most 24 characters) and any integer.
    private const int NumberBufferLength = 32;

    private readonly bool _csv;
    private readonly InstrumentPairing _pairing;
    private readonly AgreementOptions _options;
    private readonly AgreementState _state;
    private readonly bool _therapist;
    private readonly bool _flag;
    private readonly string[] _scoreCells;
    private byte[] _cells = new byte[64];
    private int _cellsLength;
    private int _cellsDyad = -1;

    public AgreementTableWriter(DataFormat format, Stream output, InstrumentPairing pairing, AgreementOptions options, AgreementState state)
    {
        _csv = format == DataFormat.Csv;
        _pairing = pairing;
        _options = options;
        _state = state;
        _therapist = options.TherapistColumn is not null;
        _flag = options.Discrepancy is not null;
        _scoreCells = [.. pairing.Scores.Select(s => Cell(s.ClientScore))];
        Main = CreateTarget(output);
    }

    /// <summary>The output.</summary>
    public Target Main { get; }

    /// <summary>The number of paired scores.</summary>
    public int ScoreCount => _pairing.Scores.Length;

    /// <summary>A target over another stream (for unpaired rows held until the pairs are written).</summary>
    public Target CreateTarget(Stream stream) => new(this, stream);

    /// <summary>The header row (CSV); nothing for NDJSON.</summary>
    public void Start()
    {
        if (!_csv)
        {
            return;
        }

        if (_options.Summary)
        {
            Main.Line("level,client_id," + (_therapist ? "therapist_id," : string.Empty)
                + "score,n,mean_client,mean_therapist,mean_difference,sd_difference,lower_limit,upper_limit,pearson_r,icc_a1");
            return;
        }

        var header = new List<string> { "status", "client_id" };
        if (_therapist)
        {
            header.Add("therapist_id");
        }

        header.AddRange(["occasion", "client_line", "therapist_line"]);
        foreach (var s in _pairing.Scores)
        {
            header.AddRange([s.ClientScore + ".client", s.ClientScore + ".therapist", s.ClientScore + ".difference"]);
            if (_flag)
            {
                header.Add(s.ClientScore + ".discrepancy");
            }
        }

        header.Add("reason");
        Main.Line(string.Join(",", header.Select(Cell)));
    }

    /// <summary>One pair (pairs table).</summary>
    public void Pair(PairRow p)
    {
        if (!_csv)
        {
            var json = Main.BeginLine();
            AgreementWriter.WritePair(json, _pairing, _options, _state, p);
            Main.EndLine();
            return;
        }

        // Cell by cell, in UTF-8, no string per cell: the numbers formatted in place; the ids are the dyad's cells,
        // encoded once per dyad.
        var w = Main.Bytes;
        w.Write("paired,"u8);
        w.Write(DyadCells(p.Dyad));
        w.Write((byte)',');
        WriteOccasion(w, p.Occasion);
        w.Write((byte)',');
        WriteInteger(w, _state.Usable[0][p.Client].Line);
        w.Write((byte)',');
        WriteInteger(w, _state.Usable[1][p.Therapist].Line);
        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            var (x, y) = (_state.Value(0, p.Client, s), _state.Value(1, p.Therapist, s));
            w.Write((byte)',');
            WriteNumber(w, x);
            w.Write((byte)',');
            WriteNumber(w, y);
            w.Write((byte)',');
            WriteNumber(w, x - y);
            if (_flag)
            {
                w.Write(AgreementSummary.IsDiscrepancy(x - y, _options.Discrepancy!.Value) ? ",true"u8 : ",false"u8);
            }
        }

        w.Write(",\r\n"u8);
        Main.EndLine();
    }

    // The client cell (and the therapist's, after a comma) of a dyad, in UTF-8: the last dyad's kept.
    private ReadOnlySpan<byte> DyadCells(int dyad)
    {
        if (dyad != _cellsDyad)
        {
            var (c, t) = _state.DyadIds(dyad);
            var text = _therapist ? Cell(c) + "," + Cell(t!) : Cell(c);
            var length = Utf8.GetByteCount(text);
            if (_cells.Length < length)
            {
                _cells = new byte[length * 2];
            }

            _cellsLength = Utf8.GetBytes(text, _cells);
            _cellsDyad = dyad;
        }

        return _cells.AsSpan(0, _cellsLength);
    }

    /// <summary>One unpaired administration (pairs table), into <paramref name="target"/>.</summary>
    public void Unpaired(Target target, UnpairedRow u)
    {
        if (!_csv)
        {
            var json = target.BeginLine();
            AgreementWriter.WriteUnpaired(json, _pairing, _state, u);
            target.EndLine();
            return;
        }

        var w = target.Bytes;
        var row = _state.Usable[u.Side][u.Row];
        w.Write("unpaired,"u8);
        w.Write(DyadCells(row.Dyad));
        w.Write((byte)',');
        WriteOccasion(w, row.Occasion);
        w.Write(u.Side == 0 ? ","u8 : ",,"u8);
        WriteInteger(w, row.Line);
        if (u.Side == 0)
        {
            w.Write((byte)',');
        }

        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            w.Write(u.Side == 0 ? ","u8 : ",,"u8);
            WriteNumber(w, _state.Value(u.Side, u.Row, s));
            w.Write(u.Side == 0 ? ",,"u8 : ","u8);
            if (_flag)
            {
                w.Write((byte)',');
            }
        }

        w.Write((byte)',');
        WriteText(w, Cell(u.Reason));
        w.Write("\r\n"u8);
        target.EndLine();
    }

    /// <summary>
    /// The rows that are not paired, unpaired and unusable, each list sorted by side and line: merged by side and line,
    /// each written to its side's target (the buffered run passes the output for both; streaming, each side's spill).
    /// </summary>
    public void NotPaired(List<UnpairedRow> unpaired, List<UnusableRow> unusable, Target client, Target therapist)
    {
        int i = 0, j = 0;
        while (i < unpaired.Count || j < unusable.Count)
        {
            var takeUnpaired = j == unusable.Count
                || (i < unpaired.Count && (unpaired[i].Side, _state.Usable[unpaired[i].Side][unpaired[i].Row].Line).CompareTo((unusable[j].Side, unusable[j].Line)) < 0);
            if (takeUnpaired)
            {
                var u = unpaired[i++];
                Unpaired(u.Side == 0 ? client : therapist, u);
            }
            else
            {
                var u = unusable[j++];
                Unusable(u.Side == 0 ? client : therapist, u);
            }
        }
    }

    /// <summary>One row that is not used (pairs table): its ids and occasion where known, its line, and why.</summary>
    public void Unusable(Target target, UnusableRow u)
    {
        if (!_csv)
        {
            var json = target.BeginLine();
            AgreementWriter.WriteUnusable(json, _state, u);
            target.EndLine();
            return;
        }

        var w = target.Bytes;
        w.Write("unusable,"u8);
        WriteText(w, Cell(u.Client));
        if (_therapist)
        {
            w.Write((byte)',');
            WriteText(w, Cell(u.Therapist ?? string.Empty));
        }

        w.Write((byte)',');
        WriteText(w, Cell(u.Occasion));
        w.Write(u.Side == 0 ? ","u8 : ",,"u8);
        WriteInteger(w, u.Line);
        if (u.Side == 0)
        {
            w.Write((byte)',');
        }

        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            w.Write(_flag ? ",,,,"u8 : ",,,"u8);
        }

        w.Write((byte)',');
        WriteText(w, Cell(u.Reason));
        w.Write("\r\n"u8);
        target.EndLine();
    }

    /// <summary>One dyad (summary).</summary>
    public void Dyad(DyadSummary d)
    {
        if (!_csv)
        {
            var json = Main.BeginLine();
            AgreementWriter.WriteDyad(json, _pairing, _state, d);
            Main.EndLine();
            return;
        }

        var (c, t) = _state.DyadIds(d.Dyad);
        var client = Cell(c);
        var therapist = _therapist ? Cell(t ?? string.Empty) : null;
        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            SummaryRow("dyad", client, therapist, s, d.Scores[s], full: false);
        }
    }

    /// <summary>The end: the across-dyad rows (summary), then every byte flushed to the output.</summary>
    public void End(AgreementTotalsSummary totals)
    {
        if (_options.Summary)
        {
            if (_csv)
            {
                for (var s = 0; s < _pairing.Scores.Length; s++)
                {
                    SummaryRow("over_dyads", string.Empty, _therapist ? string.Empty : null, s, totals.OverDyads[s], full: true);
                    SummaryRow("over_pairs", string.Empty, _therapist ? string.Empty : null, s, totals.OverPairs[s], full: true);
                }
            }
            else
            {
                var json = Main.BeginLine();
                AgreementWriter.WriteSummary(json, _pairing, totals);
                Main.EndLine();
            }
        }

        Main.Flush();
    }

    public void Dispose() => Main.Dispose();

    private void SummaryRow(string level, string client, string? therapist, int score, AgreementSummary x, bool full)
    {
        var w = Main.Bytes;
        WriteText(w, level);
        w.Write((byte)',');
        WriteText(w, client);
        if (therapist is not null)
        {
            w.Write((byte)',');
            WriteText(w, therapist);
        }

        w.Write((byte)',');
        WriteText(w, _scoreCells[score]);
        w.Write((byte)',');
        WriteInteger(w, x.N);
        WriteNumber(w, x.MeanClient.Value);
        WriteNumber(w, x.MeanTherapist.Value);
        WriteNumber(w, x.MeanDifference.Value);
        WriteNumber(w, x.SdDifference.Value);
        if (full)
        {
            WriteNumber(w, x.LowerLimit.Value);
            WriteNumber(w, x.UpperLimit.Value);
            WriteNumber(w, x.Pearson.Value);
            WriteNumber(w, x.Icc.Value);
            w.Write("\r\n"u8);
        }
        else
        {
            w.Write(",,,,\r\n"u8);
        }

        Main.EndLine();
    }

    private static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WriteText(ByteBuffer w, string text)
    {
        var span = w.GetSpan(Utf8.GetMaxByteCount(text.Length));
        w.Advance(Utf8.GetBytes(text, span));
    }

    // The text of Number(v), in UTF-8, without a string: a whole number below 1e15 (not -0) as an integer, which is
    // exactly what "R" writes for it; anything else with "R".
    internal static void WriteNumber(ByteBuffer w, double v)
    {
        var span = w.GetSpan(NumberBufferLength);
        int n;
        if (v is > -1000 and < 1000 && (int)v == v && !(v == 0 && double.IsNegative(v)))
        {
            // The usual score or difference: a whole number of at most three digits, written digit by digit.
            var i = (int)v;
            n = 0;
            if (i < 0)
            {
                span[n++] = (byte)'-';
                i = -i;
            }

            if (i >= 100)
            {
                span[n++] = (byte)('0' + (i / 100));
            }

            if (i >= 10)
            {
                span[n++] = (byte)('0' + (i / 10 % 10));
            }

            span[n++] = (byte)('0' + (i % 10));
        }
        else if (v == Math.Floor(v) && Math.Abs(v) < 1e15 && !(v == 0 && double.IsNegative(v)))
        {
            ((long)v).TryFormat(span, out n, default, CultureInfo.InvariantCulture);
        }
        else
        {
            v.TryFormat(span, out n, "R", CultureInfo.InvariantCulture);
        }

        w.Advance(n);
    }

    // A comma, then Number(value): nothing for an undefined statistic.
    private static void WriteNumber(ByteBuffer w, double? value)
    {
        w.Write((byte)',');
        if (value is { } v)
        {
            WriteNumber(w, v);
        }
    }

    private static void WriteInteger(ByteBuffer w, int v)
    {
        var span = w.GetSpan(NumberBufferLength);
        v.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
        w.Advance(n);
    }

    // Occasion.ToString() (canonical: a number in "R" form or yyyy-MM-dd; never a character CSV would quote).
    private static void WriteOccasion(ByteBuffer w, Occasion occasion)
    {
        if (occasion.Kind == OccasionKind.Number)
        {
            WriteNumber(w, occasion.Value);
        }
        else
        {
            WriteText(w, occasion.ToString());
        }
    }

    /// <summary>
    /// Where rows go: a stream, each row written as UTF-8 into a byte buffer (CSV directly, NDJSON through one reused
    /// JSON writer), handed to the stream in 64 KiB pieces.
    /// </summary>
    internal sealed class Target : IDisposable
    {
        private const int Chunk = 1 << 16;

        public Target(AgreementTableWriter owner, Stream stream)
        {
            Stream = stream;
            Bytes = new ByteBuffer(Chunk + 4096);
            if (!owner._csv)
            {
                Json = new Utf8JsonWriter(Bytes, AgreementWriter.JsonOptions(indented: false));
            }
        }

        public Stream Stream { get; }

        /// <summary>The bytes not yet handed to the stream; a row is written into it, then <see cref="EndLine"/>.</summary>
        public ByteBuffer Bytes { get; }

        public Utf8JsonWriter? Json { get; }

        public Utf8JsonWriter BeginLine()
        {
            Json!.Reset(Bytes);
            return Json;
        }

        /// <summary>A whole row of text and its line break (CSV).</summary>
        public void Line(string text)
        {
            WriteText(Bytes, text);
            Bytes.Write("\r\n"u8);
            EndLine();
        }

        /// <summary>The row is written (NDJSON: its line break is added).</summary>
        public void EndLine()
        {
            if (Json is not null)
            {
                Json.Flush();
                Bytes.Write((byte)'\n');
            }

            if (Bytes.Length >= Chunk)
            {
                Stream.Write(Bytes.WrittenSpan);
                Bytes.Clear();
            }
        }

        /// <summary>Hands every byte held to the stream (and flushes it).</summary>
        public void Flush()
        {
            Stream.Write(Bytes.WrittenSpan);
            Bytes.Clear();
            Stream.Flush();
        }

        public void Dispose() => Json?.Dispose();
    }
}
