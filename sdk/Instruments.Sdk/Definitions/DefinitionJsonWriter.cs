using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Instruments.Diagnostics;

namespace Instruments.Definitions;

/// <summary>
/// Writes an <see cref="InstrumentDefinition"/> as JSON, the shape <c>instruments describe --format json</c> prints:
/// id, version, title, respondent, counterpart (the other form of a paired measure and its score map, or null), language, instructions, missing codes, response scales, items, scores (with their
/// items, missing-data rule and its rounding, rounding, bands (inclusive <c>max</c> or exclusive <c>below</c>), sources and change rules), flags, citation, licence and notes. Snake-case keys; absent optional
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
        WriteCode(w, def.Code);
        if (def.Counterpart is { } counterpart)
        {
            w.WriteStartObject("counterpart");
            w.WriteString("instrument", counterpart.Instrument);
            w.WriteStartObject("scores");
            foreach (var pair in counterpart.Scores)
            {
                w.WriteString(pair.Score, pair.CounterpartScore);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("counterpart");
        }

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
                WriteCode(w, o.Code);
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
            w.WriteBoolean("keep", item.Keep);
            WriteCode(w, item.Code);
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
                WriteRounding(w, s.Missing.Rounding);
                WriteStrings(w, "sources", s.Missing.Sources);
                w.WriteEndObject();
            }

            WriteRounding(w, s.Rounding);

            w.WriteStartArray("bands");
            foreach (var b in s.Bands)
            {
                w.WriteStartObject();
                w.WriteNumber("min", b.Min);
                w.WriteNumber(b.UpperExclusive ? "below" : "max", b.Max);
                w.WriteString("label", b.Label);
                if (b.Description is not null)
                {
                    w.WriteString("description", b.Description);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteStrings(w, "sources", s.Sources);
            WriteCode(w, s.Code);
            WriteChange(w, s.Change);
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

    /// <summary>
    /// <c>"code": { "system", "code", "display", "sources" }</c> when a code is declared; nothing otherwise, so that the JSON of
    /// a definition without codes is as it was.
    /// </summary>
    private static void WriteCode(Utf8JsonWriter w, CodeDeclaration? code)
    {
        if (code is null)
        {
            return;
        }

        w.WriteStartObject("code");
        w.WriteString("system", code.System);
        w.WriteString("code", code.Code);
        w.WriteString("display", code.Display);
        WriteStrings(w, "sources", code.Sources);
        w.WriteEndObject();
    }

    /// <summary>
    /// Writes an instrument's summary into the current JSON object: <c>id</c>, <c>version</c>, <c>title</c>,
    /// <c>item_count</c>, <c>scores</c> (ids), <c>respondent</c>, <c>license</c>, <c>texts</c>, <c>license_url</c>,
    /// <c>license_notice</c> and <c>example_count</c>, the fields of <c>instruments list --format json</c> and of the
    /// service's <c>GET /instruments</c>.
    /// </summary>
    /// <param name="writer">A writer positioned inside an object.</param>
    /// <param name="definition">The instrument.</param>
    public static void WriteSummaryProperties(Utf8JsonWriter writer, InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(definition);
        writer.WriteString("id", definition.Id);
        writer.WriteString("version", definition.Version);
        writer.WriteString("title", definition.Title);
        writer.WriteNumber("item_count", definition.Items.Length);
        writer.WriteStartArray("scores");
        foreach (var s in definition.Scores)
        {
            writer.WriteStringValue(s.Id);
        }

        writer.WriteEndArray();
        writer.WriteString("respondent", RespondentName(definition.Respondent));
        writer.WriteString("license", definition.License.Name);
        writer.WriteString("texts", definition.License.Texts == TextLicense.Restricted ? "restricted" : "shipped");
        writer.WriteString("license_url", definition.License.Url);
        writer.WriteString("license_notice", definition.License.Notice);
        writer.WriteNumber("example_count", definition.Examples.Length);
    }

    /// <summary>The respondent as written in JSON and text output: <c>client</c>, <c>clinician</c> ... (null when not given).</summary>
    public static string? RespondentName(Respondent? respondent) => respondent?.ToString().ToLowerInvariant();

    /// <summary>The direction as written in YAML and JSON: <c>lower-is-better</c> or <c>higher-is-better</c>.</summary>
    public static string DirectionName(ChangeDirection direction) => direction switch
    {
        ChangeDirection.LowerIsBetter => "lower-is-better",
        ChangeDirection.HigherIsBetter => "higher-is-better",
        _ => ((int)direction).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A reliable-change method as written in YAML and JSON: <c>fixed</c> or <c>jacobson-truax</c>.</summary>
    public static string MethodName(ReliableChangeMethod method) => method switch
    {
        ReliableChangeMethod.Fixed => "fixed",
        ReliableChangeMethod.JacobsonTruax => "jacobson-truax",
        _ => ((int)method).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A clinical-significance cut-off as written in YAML and JSON: <c>a</c> or <c>c</c>.</summary>
    public static string CutoffName(ClinicalCutoff cutoff) => cutoff switch
    {
        ClinicalCutoff.A => "a",
        ClinicalCutoff.C => "c",
        _ => ((int)cutoff).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A score's change rules as the <c>change</c> object (null when the score has none): the rules as declared, and
    /// what follows from them: each rule's <c>point_threshold</c> (and a Jacobson-Truax rule's
    /// <c>standard_error_of_difference</c>), the clinical-significance cut-offs <c>cutoff_a</c>, <c>cutoff_c</c> and the
    /// one used, <c>cutoff_value</c>, and the sudden-gain cut-off in points; <c>ruptures</c> only when the score declares some.
    /// </summary>
    /// <summary><c>"rounding": { "method", "ties", "digits", "sources" }</c>, or null when the definition states none.</summary>
    private static void WriteRounding(Utf8JsonWriter w, RoundingRule? rule)
    {
        if (rule is null)
        {
            w.WriteNull("rounding");
            return;
        }

        w.WriteStartObject("rounding");
        w.WriteString("method", rule.Method == RoundingMethod.Nearest ? "nearest" : "none");
        if (rule.Method == RoundingMethod.Nearest)
        {
            w.WriteString("ties", rule.Ties switch
            {
                RoundingTies.HalfUp => "half-up",
                RoundingTies.HalfDown => "half-down",
                RoundingTies.HalfEven => "half-even",
                RoundingTies.HalfAwayFromZero => "half-away-from-zero",
                _ => "unstated",
            });
            w.WriteNumber("digits", rule.Digits);
        }

        WriteStrings(w, "sources", rule.Sources);
        w.WriteEndObject();
    }

    private static void WriteChange(Utf8JsonWriter w, ChangeRules? change)
    {
        if (change is null)
        {
            w.WriteNull("change");
            return;
        }

        w.WriteStartObject("change");
        w.WriteString("direction", DirectionName(change.Direction));
        if (change.Caseness is { } caseness)
        {
            w.WriteStartObject("caseness");
            Number(w, "min", caseness.Min);
            Number(w, "max", caseness.Max);
            WriteStrings(w, "sources", caseness.Sources);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("caseness");
        }

        w.WriteStartArray("reliable_change");
        foreach (var rule in change.ReliableChange.IsDefault ? [] : change.ReliableChange)
        {
            var jt = rule.Method == ReliableChangeMethod.JacobsonTruax;
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("method", MethodName(rule.Method));
            Number(w, "threshold", rule.Threshold);
            Number(w, "sd", rule.Sd);
            Number(w, "reliability", rule.Reliability);
            Number(w, "critical", jt ? rule.Critical : null);
            Number(w, "standard_error_of_difference", jt ? rule.StandardErrorOfDifference : null);
            Number(w, "point_threshold", rule.PointThreshold);
            // Fixed: a change of at least point_threshold is reliable; Jacobson-Truax: a change of more than it (strict).
            w.WriteBoolean("threshold_inclusive", !jt);
            WriteStrings(w, "sources", rule.Sources);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (change.ClinicalSignificance is { } cs)
        {
            w.WriteStartObject("clinical_significance");
            w.WriteStartObject("functional");
            Number(w, "mean", cs.FunctionalMean);
            Number(w, "sd", cs.FunctionalSd);
            w.WriteEndObject();
            w.WriteStartObject("dysfunctional");
            Number(w, "mean", cs.DysfunctionalMean);
            Number(w, "sd", cs.DysfunctionalSd);
            w.WriteEndObject();
            w.WriteString("cutoff", CutoffName(cs.Cutoff));
            Number(w, "cutoff_a", cs.CutoffA(change.Direction));
            Number(w, "cutoff_c", cs.CutoffC);
            Number(w, "cutoff_value", cs.CutoffValue(change.Direction));
            w.WriteString("reliable_change", cs.ReliableChange);
            WriteStrings(w, "sources", cs.Sources);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("clinical_significance");
        }

        if (change.SuddenGains is { } sg)
        {
            w.WriteStartObject("sudden_gains");
            Number(w, "cutoff", sg.Cutoff);
            w.WriteString("reliable_change", sg.ReliableChange);
            Number(w, "cutoff_points", sg.Cutoff ?? (sg.ReliableChange is { } id ? change.FindReliableChange(id)?.PointThreshold : null));
            Number(w, "relative", sg.Relative);
            w.WriteBoolean("stability", sg.Stability);
            WriteStrings(w, "sources", sg.Sources);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("sudden_gains");
        }

        // Written only when declared, so that the JSON of scores without rupture rules stays as it was.
        if (!change.Ruptures.IsDefaultOrEmpty)
        {
            w.WriteStartArray("ruptures");
            foreach (var rule in change.Ruptures)
            {
                w.WriteStartObject();
                w.WriteString("id", rule.Id);
                Number(w, "k", rule.K);
                if (rule.ClientSd)
                {
                    w.WriteString("sd", "client");
                }
                else
                {
                    Number(w, "sd", rule.Sd);
                }

                Number(w, "points", rule.Points);
                if (rule.RepairWithin is { } within)
                {
                    w.WriteNumber("repair_within", within);
                }
                else
                {
                    w.WriteNull("repair_within");
                }

                WriteStrings(w, "sources", rule.Sources);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>A number, or null when it is absent or not finite (JSON has no NaN or infinity).</summary>
    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

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
