using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Instruments.Alliance;
using Instruments.Course;
using Instruments.Diagnostics;

namespace Instruments.Data;

/// <summary>
/// Writes an agreement result. JSON: <c>{"instrument", "counterpart", "therapist_column", "discrepancy", "scores",
/// "pairs", "unpaired", "dyads", "summary", "diagnostics"}</c> (indented). CSV and NDJSON: the pairs table (paired rows,
/// then the unpaired administrations, one row each), or with <see cref="AgreementOptions.Summary"/> the dyads and the
/// across-dyad rows. An undefined statistic is <c>null</c> in JSON (with its reason) and an empty cell in CSV; never NaN.
/// </summary>
internal static class AgreementWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void Write(DataFormat format, Stream output, InstrumentPairing pairing, AgreementOptions options, AgreementResult result)
    {
        switch (format)
        {
            case DataFormat.Json:
                WriteJson(output, pairing, options, result);
                break;
            case DataFormat.Csv:
            {
                using var text = new StreamWriter(output, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
                if (options.Summary)
                {
                    WriteSummaryCsv(text, pairing, options, result);
                }
                else
                {
                    WritePairsCsv(text, pairing, options, result);
                }

                break;
            }

            default:
                WriteLines(output, pairing, options, result);
                break;
        }
    }

    private static JsonWriterOptions JsonOptions(bool indented) => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteJson(Stream output, InstrumentPairing pairing, AgreementOptions options, AgreementResult result)
    {
        using var json = new Utf8JsonWriter(output, JsonOptions(indented: true));
        json.WriteStartObject();
        json.WriteString("instrument", pairing.Client.Definition.Id);
        json.WriteString("counterpart", pairing.Therapist.Definition.Id);
        json.WriteString("client_input", options.ClientInputName);
        json.WriteString("therapist_input", options.TherapistInputName);
        WriteNullable(json, "therapist_column", options.TherapistColumn);
        WriteNumber(json, "discrepancy", options.Discrepancy);
        json.WriteStartArray("scores");
        foreach (var s in pairing.Scores)
        {
            json.WriteStartObject();
            json.WriteString("score", s.ClientScore);
            json.WriteString("therapist_score", s.TherapistScore);
            json.WriteNumber("min", s.Range.Min);
            json.WriteNumber("max", s.Range.Max);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("pairs");
        foreach (var p in result.Pairs)
        {
            WritePair(json, pairing, options, result.State, p);
        }

        json.WriteEndArray();
        json.WriteStartArray("unpaired");
        foreach (var u in result.Unpaired)
        {
            WriteUnpaired(json, pairing, result.State, u);
        }

        json.WriteEndArray();
        json.WriteStartArray("dyads");
        foreach (var d in result.Dyads)
        {
            WriteDyad(json, pairing, result.State, d);
        }

        json.WriteEndArray();
        json.WritePropertyName("summary");
        WriteSummary(json, pairing, result);
        json.WriteStartArray("diagnostics");
        foreach (var d in result.Diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("id", d.Descriptor.Id);
            json.WriteString("severity", Diagnostic.SeverityName(d.Severity));
            json.WriteString("input", result.State.SideName(d.Side));
            json.WriteNumber("line", d.Line);
            json.WriteString("message", d.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static void WriteIds(Utf8JsonWriter json, AgreementState state, int dyad, bool therapist)
    {
        var (c, t) = state.DyadIds(dyad);
        json.WriteString("client_id", c);
        if (therapist)
        {
            WriteNullable(json, "therapist_id", t);
        }
    }

    private static void WritePair(Utf8JsonWriter json, InstrumentPairing pairing, AgreementOptions options, AgreementState state, PairRow p)
    {
        json.WriteStartObject();
        json.WriteString("status", "paired");
        WriteIds(json, state, p.Dyad, options.TherapistColumn is not null);
        json.WriteString("occasion", p.Occasion.ToString());
        json.WriteNumber("client_line", state.Usable[0][p.Client].Line);
        json.WriteNumber("therapist_line", state.Usable[1][p.Therapist].Line);
        json.WriteStartObject("scores");
        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            var (c, t) = (state.Value(0, p.Client, s), state.Value(1, p.Therapist, s));
            json.WriteStartObject(pairing.Scores[s].ClientScore);
            json.WriteNumber("client", c);
            json.WriteNumber("therapist", t);
            json.WriteNumber("difference", c - t);
            if (options.Discrepancy is { } threshold)
            {
                json.WriteBoolean("discrepancy", AgreementSummary.IsDiscrepancy(c - t, threshold));
            }
            else
            {
                json.WriteNull("discrepancy");
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteUnpaired(Utf8JsonWriter json, InstrumentPairing pairing, AgreementState state, UnpairedRow u)
    {
        var row = state.Usable[u.Side][u.Row];
        json.WriteStartObject();
        json.WriteString("status", "unpaired");
        json.WriteString("form", u.Side == 0 ? "client" : "therapist");
        json.WriteString("input", state.SideName(u.Side));
        json.WriteNumber("line", row.Line);
        WriteIds(json, state, row.Dyad, state.DyadIds(row.Dyad).Therapist is not null);
        json.WriteString("occasion", row.Occasion.ToString());
        json.WriteStartObject("scores");
        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            json.WriteNumber(pairing.Scores[s].ClientScore, state.Value(u.Side, u.Row, s));
        }

        json.WriteEndObject();
        json.WriteString("reason", u.Reason);
        json.WriteEndObject();
    }

    private static void WriteDyad(Utf8JsonWriter json, InstrumentPairing pairing, AgreementState state, DyadSummary d)
    {
        json.WriteStartObject();
        WriteIds(json, state, d.Dyad, state.DyadIds(d.Dyad).Therapist is not null);
        json.WriteNumber("pairs", d.Scores[0].N);
        json.WriteStartObject("scores");
        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            json.WriteStartObject(pairing.Scores[s].ClientScore);
            var x = d.Scores[s];
            WriteStatistic(json, "mean_client", x.MeanClient);
            WriteStatistic(json, "mean_therapist", x.MeanTherapist);
            WriteStatistic(json, "mean_difference", x.MeanDifference);
            WriteStatistic(json, "sd_difference", x.SdDifference);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, InstrumentPairing pairing, AgreementResult result)
    {
        json.WriteStartObject();
        json.WriteNumber("pairs", result.Pairs.Count);
        json.WriteNumber("dyads", result.Dyads.Count);
        json.WriteNumber("unpaired", result.Unpaired.Count);
        json.WriteNumber("unusable", result.State.Unusable);
        json.WriteString("over_dyads", "one pair of means (client, therapist) per dyad with at least one pair; n = dyads");
        json.WriteString("over_pairs", "every pair; n = pairs; pairs of one dyad are not independent, so treat these figures as descriptive");
        json.WriteStartObject("scores");
        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            json.WriteStartObject(pairing.Scores[s].ClientScore);
            json.WritePropertyName("over_dyads");
            WriteFull(json, result.OverDyads[s]);
            json.WritePropertyName("over_pairs");
            WriteFull(json, result.OverPairs[s]);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteFull(Utf8JsonWriter json, AgreementSummary x)
    {
        json.WriteStartObject();
        json.WriteNumber("n", x.N);
        WriteStatistic(json, "mean_client", x.MeanClient);
        WriteStatistic(json, "mean_therapist", x.MeanTherapist);
        WriteStatistic(json, "mean_difference", x.MeanDifference);
        WriteStatistic(json, "sd_difference", x.SdDifference);
        WriteStatistic(json, "lower_limit", x.LowerLimit);
        WriteStatistic(json, "upper_limit", x.UpperLimit);
        WriteStatistic(json, "pearson_r", x.Pearson);
        WriteStatistic(json, "icc_a1", x.Icc);
        json.WriteEndObject();
    }

    // {"value": 1.5, "n": 4, "reason": null}
    private static void WriteStatistic(Utf8JsonWriter json, string name, AgreementStatistic x)
    {
        json.WriteStartObject(name);
        WriteNumber(json, "value", x.Value);
        json.WriteNumber("n", x.N);
        WriteNullable(json, "reason", x.Reason);
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    // ---- NDJSON: the pairs table (or dyads and summary), one object per line ----

    private static void WriteLines(Stream output, InstrumentPairing pairing, AgreementOptions options, AgreementResult result)
    {
        var state = result.State;
        void Line(Action<Utf8JsonWriter> write)
        {
            using (var json = new Utf8JsonWriter(output, JsonOptions(indented: false)))
            {
                write(json);
            }

            output.WriteByte((byte)'\n');
        }

        if (!options.Summary)
        {
            foreach (var p in result.Pairs)
            {
                Line(j => WritePair(j, pairing, options, state, p));
            }

            foreach (var u in result.Unpaired)
            {
                Line(j => WriteUnpaired(j, pairing, state, u));
            }

            return;
        }

        foreach (var d in result.Dyads)
        {
            Line(j => WriteDyad(j, pairing, state, d));
        }

        Line(j => WriteSummary(j, pairing, result));
    }

    // ---- CSV ----

    private static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WritePairsCsv(TextWriter w, InstrumentPairing pairing, AgreementOptions options, AgreementResult result)
    {
        var state = result.State;
        var therapist = options.TherapistColumn is not null;
        var flag = options.Discrepancy is not null;
        var header = new List<string> { "status", "client_id" };
        if (therapist)
        {
            header.Add("therapist_id");
        }

        header.AddRange(["occasion", "client_line", "therapist_line"]);
        foreach (var s in pairing.Scores)
        {
            header.AddRange([s.ClientScore + ".client", s.ClientScore + ".therapist", s.ClientScore + ".difference"]);
            if (flag)
            {
                header.Add(s.ClientScore + ".discrepancy");
            }
        }

        header.Add("reason");
        w.WriteLine(string.Join(",", header.Select(Cell)));

        // One row per pair and per unpaired administration, written cell by cell (no string per cell: the numbers go
        // through a char buffer; the ids are the dyad's strings).
        Span<char> buffer = stackalloc char[NumberBufferLength];
        foreach (var p in result.Pairs)
        {
            var (c, t) = state.DyadIds(p.Dyad);
            w.Write("paired,");
            w.Write(Cell(c));
            if (therapist)
            {
                w.Write(',');
                w.Write(Cell(t!));
            }

            w.Write(',');
            WriteOccasion(w, p.Occasion, buffer);
            w.Write(',');
            WriteInteger(w, state.Usable[0][p.Client].Line, buffer);
            w.Write(',');
            WriteInteger(w, state.Usable[1][p.Therapist].Line, buffer);
            for (var s = 0; s < pairing.Scores.Length; s++)
            {
                var (x, y) = (state.Value(0, p.Client, s), state.Value(1, p.Therapist, s));
                w.Write(',');
                WriteNumber(w, x, buffer);
                w.Write(',');
                WriteNumber(w, y, buffer);
                w.Write(',');
                WriteNumber(w, x - y, buffer);
                if (flag)
                {
                    w.Write(AgreementSummary.IsDiscrepancy(x - y, options.Discrepancy!.Value) ? ",true" : ",false");
                }
            }

            w.WriteLine(',');
        }

        foreach (var u in result.Unpaired)
        {
            var row = state.Usable[u.Side][u.Row];
            var (c, t) = state.DyadIds(row.Dyad);
            w.Write("unpaired,");
            w.Write(Cell(c));
            if (therapist)
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

            for (var s = 0; s < pairing.Scores.Length; s++)
            {
                w.Write(u.Side == 0 ? "," : ",,");
                WriteNumber(w, state.Value(u.Side, u.Row, s), buffer);
                w.Write(u.Side == 0 ? ",," : ",");
                if (flag)
                {
                    w.Write(',');
                }
            }

            w.Write(',');
            w.WriteLine(Cell(u.Reason));
        }
    }

    // Enough for any double in "R" form (at most 24 characters) and any integer.
    private const int NumberBufferLength = 32;

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

    // Number(value): nothing for an undefined statistic.
    private static void WriteNumber(TextWriter w, double? value, Span<char> buffer)
    {
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

    private static void WriteSummaryCsv(TextWriter w, InstrumentPairing pairing, AgreementOptions options, AgreementResult result)
    {
        var state = result.State;
        var therapist = options.TherapistColumn is not null;
        w.WriteLine("level,client_id," + (therapist ? "therapist_id," : string.Empty)
            + "score,n,mean_client,mean_therapist,mean_difference,sd_difference,lower_limit,upper_limit,pearson_r,icc_a1");
        var buffer = new char[NumberBufferLength];
        void Row(string level, string client, string? th, string score, AgreementSummary x, bool full)
        {
            w.Write(level);
            w.Write(',');
            w.Write(Cell(client));
            if (therapist)
            {
                w.Write(',');
                w.Write(Cell(th ?? string.Empty));
            }

            w.Write(',');
            w.Write(Cell(score));
            w.Write(',');
            WriteInteger(w, x.N, buffer);
            foreach (var v in (ReadOnlySpan<AgreementStatistic>)[x.MeanClient, x.MeanTherapist, x.MeanDifference, x.SdDifference])
            {
                w.Write(',');
                WriteNumber(w, v.Value, buffer);
            }

            if (full)
            {
                foreach (var v in (ReadOnlySpan<AgreementStatistic>)[x.LowerLimit, x.UpperLimit, x.Pearson, x.Icc])
                {
                    w.Write(',');
                    WriteNumber(w, v.Value, buffer);
                }

                w.WriteLine();
            }
            else
            {
                w.WriteLine(",,,,");
            }
        }

        foreach (var d in result.Dyads)
        {
            var (c, t) = state.DyadIds(d.Dyad);
            for (var s = 0; s < pairing.Scores.Length; s++)
            {
                Row("dyad", c, t, pairing.Scores[s].ClientScore, d.Scores[s], full: false);
            }
        }

        for (var s = 0; s < pairing.Scores.Length; s++)
        {
            Row("over_dyads", string.Empty, null, pairing.Scores[s].ClientScore, result.OverDyads[s], full: true);
            Row("over_pairs", string.Empty, null, pairing.Scores[s].ClientScore, result.OverPairs[s], full: true);
        }
    }
}
