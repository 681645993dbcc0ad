using System.Collections.Immutable;
using System.Text.Json;
using Instruments.Diagnostics;

namespace Instruments.Definitions;

/// <summary>
/// Writes an <see cref="InstrumentDefinition"/> as JSON, the shape <c>instruments describe --format json</c> prints:
/// id, version, title, respondent, language, instructions, missing codes, response scales, items, scores (with their
/// items, missing-data rule, bands and sources), flags, citation, licence and notes. Snake-case keys; absent optional
/// values are written as null (a band's <c>description</c> and the licence's <c>texts_source</c> are left out).
/// </summary>
public static class DefinitionJsonWriter
{
    /// <summary>The definition as a JSON string, written with <see cref="DiagnosticWriters.JsonOptions"/>.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="restrictedTextNote">
    /// Written as each item's <c>text_note</c> when the instrument's item texts are licensed separately and none were
    /// applied (null: no note).
    /// </param>
    public static string ToJson(InstrumentDefinition definition, string? restrictedTextNote = null) =>
        DiagnosticWriters.Write(w => Write(w, definition, restrictedTextNote));

    /// <summary>Writes the definition as one JSON object (see <see cref="ToJson"/> for <paramref name="restrictedTextNote"/>).</summary>
    public static void Write(Utf8JsonWriter w, InstrumentDefinition def, string? restrictedTextNote = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(def);
        var restricted = def.License.Texts == TextLicense.Restricted;
        w.WriteStartObject();
        w.WriteString("id", def.Id);
        w.WriteString("version", def.Version);
        w.WriteString("title", def.Title);
        w.WriteString("respondent", RespondentName(def.Respondent));
        w.WriteString("language", def.Language);
        w.WriteString("instructions", def.Instructions);
        w.WriteStartArray("missing_codes");
        foreach (var c in def.MissingCodes)
        {
            w.WriteNumberValue(c);
        }

        w.WriteEndArray();
        w.WriteStartArray("response_scales");
        foreach (var scale in def.ResponseScales)
        {
            w.WriteStartObject();
            w.WriteString("id", scale.Id);
            w.WriteStartArray("options");
            foreach (var o in scale.Options)
            {
                w.WriteStartObject();
                w.WriteNumber("value", o.Value);
                w.WriteString("label", o.Label);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("items");
        foreach (var item in def.Items)
        {
            w.WriteStartObject();
            w.WriteString("id", item.Id);
            w.WriteString("text", item.Text);
            if (restricted && def.License.TextsSource is null && restrictedTextNote is not null)
            {
                w.WriteString("text_note", restrictedTextNote);
            }

            w.WriteString("scale", item.Scale);
            w.WriteBoolean("reverse", item.Reverse);
            w.WriteBoolean("optional", item.Optional);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("scores");
        foreach (var s in def.Scores)
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteString("title", s.Title);
            w.WriteString("method", s.Method.ToString().ToLowerInvariant());
            if (s.Method == ScoreMethod.Expression)
            {
                w.WriteString("expression", s.Expression);
            }
            else
            {
                w.WriteStartArray("items");
                foreach (var i in s.Items)
                {
                    w.WriteStringValue(i);
                }

                w.WriteEndArray();
                w.WriteStartObject("missing");
                w.WriteNumber("max", s.Missing.MaxMissing);
                w.WriteBoolean("prorate", s.Missing.Prorate);
                WriteStrings(w, "sources", s.Missing.Sources);
                w.WriteEndObject();
            }

            w.WriteStartArray("bands");
            foreach (var b in s.Bands)
            {
                w.WriteStartObject();
                w.WriteNumber("min", b.Min);
                w.WriteNumber("max", b.Max);
                w.WriteString("label", b.Label);
                if (b.Description is not null)
                {
                    w.WriteString("description", b.Description);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteStrings(w, "sources", s.Sources);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("flags");
        foreach (var f in def.Flags)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("when", f.When);
            w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", f.Message);
            WriteStrings(w, "sources", f.Sources);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("citation", def.Citation);
        w.WriteStartObject("license");
        w.WriteString("name", def.License.Name);
        w.WriteString("texts", restricted ? "restricted" : "shipped");
        w.WriteString("url", def.License.Url);
        w.WriteString("notice", def.License.Notice);
        if (def.License.TextsSource is not null)
        {
            w.WriteString("texts_source", def.License.TextsSource);
        }

        w.WriteEndObject();
        w.WriteString("notes", def.Notes);
        w.WriteEndObject();
    }

    /// <summary>The respondent as written in JSON and text output: <c>client</c>, <c>clinician</c> ... (null when not given).</summary>
    public static string? RespondentName(Respondent? respondent) => respondent?.ToString().ToLowerInvariant();

    private static void WriteStrings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values.IsDefault ? [] : values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
