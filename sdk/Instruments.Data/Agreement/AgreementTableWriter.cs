using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Data.IO;

namespace Instruments.Data;

/// <summary>
/// Writes the agreement table (CSV or NDJSON) one row at a time: the pairs table (each pair, then each unpaired
/// administration) or, with <see cref="AgreementOptions.Summary"/>, one row per dyad and score and then the across-dyad
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
    private readonly char[] _buffer = new char[NumberBufferLength];
    private readonly string[] _scoreCells;

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

        var w = Main.Text!;
        if (_options.Summary)
        {
            w.WriteLine("level,client_id," + (_therapist ? "therapist_id," : string.Empty)
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
        w.WriteLine(string.Join(",", header.Select(Cell)));
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

        // Cell by cell, no string per cell: the numbers go through a char buffer; the ids are the dyad's strings.
        var w = Main.Text!;
        Span<char> buffer = _buffer;
        var (c, t) = _state.DyadIds(p.Dyad);
        w.Write("paired,");
        w.Write(Cell(c));
        if (_therapist)
        {
            w.Write(',');
            w.Write(Cell(t!));
        }

        w.Write(',');
        WriteOccasion(w, p.Occasion, buffer);
        w.Write(',');
        WriteInteger(w, _state.Usable[0][p.Client].Line, buffer);
        w.Write(',');
        WriteInteger(w, _state.Usable[1][p.Therapist].Line, buffer);
        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            var (x, y) = (_state.Value(0, p.Client, s), _state.Value(1, p.Therapist, s));
            w.Write(',');
            WriteNumber(w, x, buffer);
            w.Write(',');
            WriteNumber(w, y, buffer);
            w.Write(',');
            WriteNumber(w, x - y, buffer);
            if (_flag)
            {
                w.Write(AgreementSummary.IsDiscrepancy(x - y, _options.Discrepancy!.Value) ? ",true" : ",false");
            }
        }

        w.WriteLine(',');
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

        var w = target.Text!;
        Span<char> buffer = _buffer;
        var row = _state.Usable[u.Side][u.Row];
        var (c, t) = _state.DyadIds(row.Dyad);
        w.Write("unpaired,");
        w.Write(Cell(c));
        if (_therapist)
        {
            w.Write(',');
            w.Write(Cell(t!));
        }

        w.Write(',');
        WriteOccasion(w, row.Occasion, buffer);
        w.Write(u.Side == 0 ? "," : ",,");
        WriteInteger(w, row.Line, buffer);
        if (u.Side == 0)
        {
            w.Write(',');
        }

        for (var s = 0; s < _pairing.Scores.Length; s++)
        {
            w.Write(u.Side == 0 ? "," : ",,");
            WriteNumber(w, _state.Value(u.Side, u.Row, s), buffer);
            w.Write(u.Side == 0 ? ",," : ",");
            if (_flag)
            {
                w.Write(',');
            }
        }

        w.Write(',');
        w.WriteLine(Cell(u.Reason));
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
        var w = Main.Text!;
        Span<char> buffer = _buffer;
        w.Write(level);
        w.Write(',');
        w.Write(client);
        if (therapist is not null)
        {
            w.Write(',');
            w.Write(therapist);
        }

        w.Write(',');
        w.Write(_scoreCells[score]);
        w.Write(',');
        WriteInteger(w, x.N, buffer);
        WriteNumber(w, x.MeanClient.Value, buffer);
        WriteNumber(w, x.MeanTherapist.Value, buffer);
        WriteNumber(w, x.MeanDifference.Value, buffer);
        WriteNumber(w, x.SdDifference.Value, buffer);
        if (full)
        {
            WriteNumber(w, x.LowerLimit.Value, buffer);
            WriteNumber(w, x.UpperLimit.Value, buffer);
            WriteNumber(w, x.Pearson.Value, buffer);
            WriteNumber(w, x.Icc.Value, buffer);
            w.WriteLine();
        }
        else
        {
            w.WriteLine(",,,,");
        }
    }

    private static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // The text of Number(v) without a string: a whole number below 1e15 (not -0) as an integer, which is exactly what
    // "R" writes for it; anything else with "R".
    private static void WriteNumber(TextWriter w, double v, Span<char> buffer)
    {
        int n;
        if (v == Math.Floor(v) && Math.Abs(v) < 1e15 && !(v == 0 && double.IsNegative(v)))
        {
            ((long)v).TryFormat(buffer, out n, default, CultureInfo.InvariantCulture);
        }
        else
        {
            v.TryFormat(buffer, out n, "R", CultureInfo.InvariantCulture);
        }

        w.Write(buffer[..n]);
    }

    // A comma, then Number(value): nothing for an undefined statistic.
    private static void WriteNumber(TextWriter w, double? value, Span<char> buffer)
    {
        w.Write(',');
        if (value is { } v)
        {
            WriteNumber(w, v, buffer);
        }
    }

    private static void WriteInteger(TextWriter w, int v, Span<char> buffer)
    {
        v.TryFormat(buffer, out var n, default, CultureInfo.InvariantCulture);
        w.Write(buffer[..n]);
    }

    // Occasion.ToString() (canonical: a number in "R" form or yyyy-MM-dd; never a character CSV would quote).
    private static void WriteOccasion(TextWriter w, Occasion occasion, Span<char> buffer)
    {
        if (occasion.Kind == OccasionKind.Number)
        {
            WriteNumber(w, occasion.Value, buffer);
        }
        else
        {
            w.Write(occasion.ToString());
        }
    }

    /// <summary>
    /// Where rows go: a stream, through a text writer (CSV) or one reused JSON writer into a byte buffer, handed to the
    /// stream in 64 KiB pieces (NDJSON).
    /// </summary>
    internal sealed class Target : IDisposable
    {
        private const int Chunk = 1 << 16;
        private readonly ByteBuffer? _lines;

        public Target(AgreementTableWriter owner, Stream stream)
        {
            Stream = stream;
            if (owner._csv)
            {
                Text = new StreamWriter(stream, Utf8, Chunk, leaveOpen: true) { NewLine = "\r\n" };
            }
            else
            {
                _lines = new ByteBuffer(Chunk + 4096);
                Json = new Utf8JsonWriter(_lines, AgreementWriter.JsonOptions(indented: false));
            }
        }

        public Stream Stream { get; }

        public StreamWriter? Text { get; }

        public Utf8JsonWriter? Json { get; }

        public Utf8JsonWriter BeginLine()
        {
            Json!.Reset(_lines!);
            return Json;
        }

        public void EndLine()
        {
            Json!.Flush();
            _lines!.Write((byte)'\n');
            if (_lines.Length >= Chunk)
            {
                Stream.Write(_lines.WrittenSpan);
                _lines.Clear();
            }
        }

        /// <summary>Hands every byte held to the stream (and flushes it).</summary>
        public void Flush()
        {
            if (Text is not null)
            {
                Text.Flush();
                return;
            }

            Stream.Write(_lines!.WrittenSpan);
            _lines.Clear();
            Stream.Flush();
        }

        public void Dispose()
        {
            Text?.Dispose();
            Json?.Dispose();
        }
    }
}
