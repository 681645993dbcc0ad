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
            default:
            {
                // The table (CSV or NDJSON) through the writer that streaming uses, row by row: the same bytes either way.
                using var table = new AgreementTableWriter(format, output, pairing, options, result.State);
                table.Start();
                if (options.Summary)
                {
                    foreach (var d in result.Dyads)
                    {
                        table.Dyad(d);
                    }
                }
                else
                {
                    foreach (var p in result.Pairs)
                    {
                        table.Pair(p);
                    }

                    result.State.SortUnusable();
                    table.NotPaired(result.Unpaired, result.State.UnusableRows, table.Main, table.Main);
                }

                table.End(new AgreementTotalsSummary(result.Pairs.Count, result.Dyads.Count, result.Unpaired.Count, result.State.Unusable, result.OverDyads, result.OverPairs));
                break;
            }
        }
    }

    internal static JsonWriterOptions JsonOptions(bool indented) => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
        WriteSummary(json, pairing, new AgreementTotalsSummary(result.Pairs.Count, result.Dyads.Count, result.Unpaired.Count, result.State.Unusable, result.OverDyads, result.OverPairs));
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

    internal static void WritePair(Utf8JsonWriter json, InstrumentPairing pairing, AgreementOptions options, AgreementState state, PairRow p)
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

    internal static void WriteUnpaired(Utf8JsonWriter json, InstrumentPairing pairing, AgreementState state, UnpairedRow u)
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

    internal static void WriteUnusable(Utf8JsonWriter json, AgreementState state, UnusableRow u)
    {
        json.WriteStartObject();
        json.WriteString("status", "unusable");
        json.WriteString("form", u.Side == 0 ? "client" : "therapist");
        json.WriteString("input", state.SideName(u.Side));
        json.WriteNumber("line", u.Line);
        json.WriteString("client_id", u.Client);
        if (u.Therapist is not null)
        {
            json.WriteString("therapist_id", u.Therapist);
        }

        json.WriteString("occasion", u.Occasion);
        json.WriteString("reason", u.Reason);
        json.WriteEndObject();
    }

    internal static void WriteDyad(Utf8JsonWriter json, InstrumentPairing pairing, AgreementState state, DyadSummary d)
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

    internal static void WriteSummary(Utf8JsonWriter json, InstrumentPairing pairing, AgreementTotalsSummary result)
    {
        json.WriteStartObject();
        json.WriteNumber("pairs", result.Pairs);
        json.WriteNumber("dyads", result.Dyads);
        json.WriteNumber("unpaired", result.Unpaired);
        json.WriteNumber("unusable", result.Unusable);
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
}

/// <summary>The counts and across-dyad figures of a run, for the summary.</summary>
internal sealed record AgreementTotalsSummary(long Pairs, long Dyads, long Unpaired, long Unusable, AgreementSummary[] OverDyads, AgreementSummary[] OverPairs);
