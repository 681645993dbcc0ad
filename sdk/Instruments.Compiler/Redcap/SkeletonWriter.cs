using System.Globalization;
using System.Text;

namespace Instruments.Compiler.Redcap;

/// <summary>A response scale of the skeleton: one distinct set of choices, and the fields that have it.</summary>
internal sealed record SkeletonScale(string Id, RedcapChoice[] Choices, List<string> Fields);

/// <summary>An item of the skeleton: a REDCap field that maps to one.</summary>
internal sealed record SkeletonItem(string Id, string Scale, int Line, string FieldType, string Label, string? BranchingLogic);

/// <summary>
/// Writes the instrument YAML skeleton. Every text from the dictionary is written as a double-quoted YAML scalar (or, in
/// a comment, on one line with control characters escaped), so no label or logic can change the YAML's structure.
/// </summary>
internal sealed class SkeletonWriter(string fileName, string form, string id, bool shipTexts, int fields, int diagnostics)
{
    private readonly StringBuilder _sb = new();

    public string Write(List<SkeletonScale> scales, List<SkeletonItem> items, List<(string Field, int Line, string Calculation)> calculations)
    {
        Line($"# Instrument skeleton imported from the REDCap data dictionary '{Comment(fileName)}', form '{Comment(form)}',");
        Line("# by 'instruments import redcap'. It compiles as it is but scores nothing yet: each TODO needs the");
        Line("# instrument's manual. Check the result with 'instruments validate' and 'instruments test'.");
        Line($"instrument: {id}");
        Line("version: 0.1.0");
        Line($"title: {Quote(form)}   # TODO: the instrument's full name");
        Line("# TODO: citation: the publication the instrument comes from");
        Line("license:");
        Line("  name: \"Unknown: a REDCap data dictionary does not state the licence of its instrument\"   # TODO: the instrument's licence");
        if (shipTexts)
        {
            Line("  texts: shipped   # TODO: asked for with --texts shipped: confirm that the licence allows the item texts in this file");
        }
        else
        {
            Line("  texts: restricted   # the licence is unknown, so the item texts are not shipped (see notes)");
        }

        var skipped = fields - items.Count;
        var notes = new StringBuilder();
        notes.Append(CultureInfo.InvariantCulture, $"Imported from the REDCap data dictionary '{fileName}', form '{form}': {items.Count} of its {fields} fields became items");
        notes.Append(skipped > 0 ? $" and {skipped} were not imported" : string.Empty);
        notes.Append(diagnostics > 0 ? " (see the importer's diagnostics, INS1180-INS1189)" : string.Empty);
        notes.Append(". Item ids are the REDCap field names; each distinct set of choices became one response scale with the codes and labels of the dictionary. ");
        notes.Append(shipTexts
            ? "The field labels are the item texts (asked for; the dictionary does not state their licence). "
            : "The dictionary does not state the licence of its wording, so the item texts are not shipped (texts: restricted); the field labels are kept as comments for reference only. ");
        notes.Append("No scoring rule was imported: the scores, the missing-data rule, the bands and their sources are still to be written from the instrument's manual.");
        Line($"notes: {Quote(notes.ToString())}");

        Line("response_scales:");
        foreach (var scale in scales)
        {
            var used = scale.Fields.Count == 1 ? "field " + scale.Fields[0]
                : $"{scale.Fields.Count} fields: " + (scale.Fields.Count <= 4 ? string.Join(", ", scale.Fields) : $"{scale.Fields[0]}, {scale.Fields[1]}, ... {scale.Fields[^1]}");
            Line($"  {scale.Id}:   # {used}");
            Line("    options:");
            foreach (var choice in scale.Choices)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"      - {{ value: {choice.Code}, label: {Quote(choice.Label)} }}"));
            }
        }

        Line("items:");
        foreach (var item in items)
        {
            var label = item.Label.Trim();
            if (item.BranchingLogic is { } logic)
            {
                Line($"  # TODO (INS1184): REDCap shows {item.Id} only if {Comment(logic)}; decide whether it is 'optional: true'");
            }

            var text = shipTexts && label.Length > 0 ? $", text: {Quote(label)}" : string.Empty;
            var comment = !shipTexts && label.Length > 0 ? $"   # line {item.Line.ToString(CultureInfo.InvariantCulture)}: {Comment(label)}" : string.Empty;
            Line($"  - {{ id: {Key(item.Id)}, scale: {item.Scale}{text} }}{comment}");
        }

        Line("scores:");
        Line("  # TODO: the scores, from the instrument's manual: for each its items, method (sum or mean), missing-data");
        Line("  # rule, bands, and the sources of each rule (docs/yaml-format.md#scores). None is guessed from the dictionary.");
        if (calculations.Count > 0)
        {
            Line("  # Calculated fields of the dictionary (not imported, INS1181), for reference:");
            foreach (var (field, line, calculation) in calculations)
            {
                Line($"  #   {field} (line {line.ToString(CultureInfo.InvariantCulture)}): {Comment(calculation)}");
            }
        }

        Line("  []");
        Line("# TODO: flags (for example a critical item) and worked examples, each with its source.");
        return _sb.ToString();
    }

    private void Line(string text) => _sb.Append(text).Append('\n');

    /// <summary>A YAML double-quoted scalar: backslash, quote, control and line-separator characters escaped.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                case '\uFEFF': sb.Append("\\uFEFF"); break;
                default:
                    if (char.IsControl(ch))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)ch:X2}");
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Text for a comment: one line, white space runs collapsed, control characters escaped.</summary>
    internal static string Comment(string text)
    {
        var single = string.Join(' ', text.Split((char[])['\r', '\n', '\t', '\u0085', '\u2028', '\u2029'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return RedcapDictionaryImporter.Visible(single);
    }

    // An item id in flow style: plain, unless YAML 1.1 would read it as a boolean or null.
    private static string Key(string id) =>
        id.ToLowerInvariant() is "y" or "n" or "yes" or "no" or "true" or "false" or "on" or "off" or "null" ? Quote(id) : id;
}
