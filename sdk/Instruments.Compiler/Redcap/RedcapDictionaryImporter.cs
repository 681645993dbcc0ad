using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Instruments.Compiler.Redcap;
using Instruments.Diagnostics;

namespace Instruments.Compiler;

/// <summary>
/// Turns a REDCap data dictionary (the CSV that REDCap's "Data Dictionary" page downloads, or the API's metadata
/// export) into an instrument YAML skeleton: each radio, dropdown, yes/no and true/false field becomes an item, each
/// distinct set of choices a response scale (shared by the fields that have it), and everything that cannot be mapped
/// (calculated fields, free text, checkboxes, sliders, branching logic, choices that do not parse) is a diagnostic at
/// the dictionary's line and column. No scoring rule is guessed: the skeleton's <c>TODO</c> comments say what to write
/// from the instrument's manual. The item texts are not shipped unless asked (<see cref="RedcapImportOptions.ShipTexts"/>):
/// a dictionary does not say under which licence its wording is.
/// </summary>
/// <example>
/// <code>
/// var import = RedcapDictionaryImporter.ImportFile("PHQ9_DataDictionary.csv", new RedcapImportOptions { Form = "phq9" });
/// foreach (var d in import.Diagnostics) Console.Error.WriteLine(d); // PHQ9_DataDictionary.csv(13,4): warning INS1181: ...
/// if (import.Success) File.WriteAllText("phq9.yaml", import.Yaml);
/// </code>
/// </example>
public static partial class RedcapDictionaryImporter
{
    /// <summary>Largest accepted data dictionary, in bytes (16 MiB).</summary>
    public const int MaxFileBytes = 16 << 20;

    // The columns of a data dictionary: the header REDCap writes in the CSV download, and the field of the API's metadata
    // export ("content=metadata") that holds the same value. The 18 CSV headers (columns A-R) as REDCap writes them are
    // quoted from a test that checks a real REDCap download, github.com/INM-6/redcap_bridge test_redcap_validator.py
    // ('Variable / Field Name', 'Form Name', 'Section Header', 'Field Type', 'Field Label', 'Choices, Calculations, OR
    // Slider Labels', 'Field Note', 'Text Validation Type OR Show Slider Number', 'Text Validation Min', 'Text Validation
    // Max', 'Identifier?', 'Branching Logic (Show field only if...)', 'Required Field?', 'Custom Alignment', 'Question
    // Number (surveys only)', 'Matrix Group Name', 'Matrix Ranking?', 'Field Annotation'), and described column by column at
    // https://bdeveer.github.io/REDCap_KB_RAG/RC-FD-08_Data-Dictionary-Column-Reference-and-Advanced-Techniques/ .
    // Headers are matched ignoring case and surrounding spaces.
    private static readonly (Column Column, string Header, string ApiName)[] Headers =
    [
        (Column.FieldName, "Variable / Field Name", "field_name"),
        (Column.FormName, "Form Name", "form_name"),
        (Column.FieldType, "Field Type", "field_type"),
        (Column.FieldLabel, "Field Label", "field_label"),
        (Column.Choices, "Choices, Calculations, OR Slider Labels", "select_choices_or_calculations"),
        (Column.ValidationMin, "Text Validation Min", "text_validation_min"),
        (Column.ValidationMax, "Text Validation Max", "text_validation_max"),
        (Column.BranchingLogic, "Branching Logic (Show field only if...)", "branching_logic"),
    ];

    // yesno and truefalse fields have no choices in the dictionary: REDCap stores 1 for Yes/True and 0 for No/False.
    // Source: the value spaces of REDCap's built-in yesno and truefalse fields in the LinkML REDCap schema,
    // https://linkml.io/linkml-redcap/reference/record/YesNo/ and https://linkml.io/linkml-redcap/reference/record/TrueFalse/
    // (1 Yes, 0 No; 1 True, 0 False); REDCap's own choice text for them is "1, Yes | 0, No" and "1, True | 0, False".
    private static readonly RedcapChoice[] YesNo = [new(1, "Yes"), new(0, "No")];
    private static readonly RedcapChoice[] TrueFalse = [new(1, "True"), new(0, "False")];

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex InstrumentIdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemIdPattern();

    private enum Column
    {
        FieldName,
        FormName,
        FieldType,
        FieldLabel,
        Choices,
        ValidationMin,
        ValidationMax,
        BranchingLogic,
    }

    /// <summary>Reads and imports the data dictionary at <paramref name="path"/> (UTF-8; a byte order mark is skipped).</summary>
    /// <param name="path">The dictionary file; also the path diagnostics are reported under.</param>
    /// <param name="options">What to import; <see cref="RedcapImportOptions.Default"/> when null.</param>
    /// <returns>The skeleton and diagnostics; a file that is too large or not UTF-8 is INS1187.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="ArgumentException"><see cref="RedcapImportOptions.InstrumentId"/> is not a valid instrument id.</exception>
    public static RedcapImportResult ImportFile(string path, RedcapImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckOptions(options);
        if (SourceFileReader.SpecialKind(path) is { } kind)
        {
            // A FIFO or device would block or never end; a folder is not a file.
            return Failed(path, $"the path is {kind}, not a regular file; it was not read");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.CanSeek && stream.Length > MaxFileBytes)
        {
            return Failed(path, $"the file is {stream.Length:N0} bytes; a data dictionary is limited to {MaxFileBytes:N0} bytes");
        }

        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxFileBytes)
            {
                return Failed(path, $"the file is larger than {MaxFileBytes:N0} bytes, the limit for a data dictionary");
            }
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            return Failed(path, "the file is not valid UTF-8 (REDCap writes UTF-8; a spreadsheet may have saved it in another encoding: save it as 'CSV UTF-8')");
        }

        return Import(text, path, options);
    }

    /// <summary>Imports a data dictionary held as text.</summary>
    /// <param name="text">The dictionary's CSV text, header row first.</param>
    /// <param name="path">The path printed in diagnostics (and named in the skeleton's notes, without its folders).</param>
    /// <param name="options">What to import; <see cref="RedcapImportOptions.Default"/> when null.</param>
    /// <returns>The skeleton and diagnostics. Never throws for the dictionary's mistakes.</returns>
    /// <exception cref="ArgumentException"><see cref="RedcapImportOptions.InstrumentId"/> is not a valid instrument id.</exception>
    public static RedcapImportResult Import(string text, string path, RedcapImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        CheckOptions(options);
        options ??= RedcapImportOptions.Default;
        var records = DictionaryCsv.Parse(text, out var csvError, out var errorLine);
        if (records is null)
        {
            return Failed(path, csvError!, Location.At(path, errorLine, 1));
        }

        if (records.Count == 0)
        {
            return Failed(path, "the file is empty; a data dictionary starts with a header row ('Variable / Field Name', 'Form Name', 'Field Type', ...)");
        }

        // The header: which column holds what.
        var header = records[0];
        var columns = new int[Headers.Length];
        Array.Fill(columns, -1);
        for (var c = 0; c < header.Length; c++)
        {
            var name = header[c].Value.Trim();
            foreach (var (column, csvHeader, apiName) in Headers)
            {
                if (columns[(int)column] < 0
                    && (string.Equals(name, csvHeader, StringComparison.OrdinalIgnoreCase) || string.Equals(name, apiName, StringComparison.OrdinalIgnoreCase)))
                {
                    columns[(int)column] = c;
                }
            }
        }

        var missing = Headers.Take(3).Where(h => columns[(int)h.Column] < 0).Select(h => $"'{h.Header}'").ToList();
        if (missing.Count > 0)
        {
            return Failed(path, $"its header row has no {string.Join(", ", missing)} column (found: {string.Join(", ", header.Select(h => $"'{Visible(h.Value)}'").Take(8))}{(header.Length > 8 ? ", ..." : string.Empty)}); is it a REDCap data dictionary?",
                header.Length > 0 ? header[0].At(path, 0) : Location.At(path, 1, 1));
        }

        var rows = records.Skip(1).Select(r => new Row(r, columns)).ToList();
        var forms = rows.Select(r => r[Column.FormName].Value.Trim()).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (forms.Count == 0)
        {
            return Failed(path, "it has no fields (no row below the header names a form)");
        }

        string form;
        if (options.Form is { } wanted)
        {
            if (!forms.Contains(wanted, StringComparer.Ordinal))
            {
                var close = forms.FirstOrDefault(f => string.Equals(f, wanted, StringComparison.OrdinalIgnoreCase));
                return FormProblem(path, $"No form '{wanted}' in the data dictionary{(close is null ? string.Empty : $" (did you mean '{close}'? form names are case-sensitive)")}", forms);
            }

            form = wanted;
        }
        else if (forms.Count > 1)
        {
            return FormProblem(path, $"The data dictionary holds {forms.Count} forms; choose the one to import (--form NAME)", forms);
        }
        else
        {
            form = forms[0];
        }

        var id = options.InstrumentId ?? Slug(form);
        var importer = new FormImport(path, form, id, options.ShipTexts);

        // Field names are unique across the whole dictionary in REDCap; a repeated one is reported where it repeats.
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var name = row[Column.FieldName].Value.Trim();
            var inForm = string.Equals(row[Column.FormName].Value.Trim(), form, StringComparison.Ordinal);
            if (name.Length > 0 && !firstLine.TryAdd(name, row[Column.FieldName].Line) && inForm)
            {
                importer.Report(InstrumentDiagnostics.RedcapFieldName, row[Column.FieldName], name, $"is named twice (first on line {firstLine[name]})");
                continue;
            }

            if (inForm)
            {
                importer.Add(row);
            }
        }

        return importer.Finish();
    }

    /// <summary>The id a form name gives: lower-cased, each run of other characters replaced by '-', trimmed of '-' and '.'.</summary>
    internal static string Slug(string form)
    {
        var sb = new StringBuilder(form.Length);
        foreach (var ch in form.Trim().ToLowerInvariant())
        {
            if (ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.')
            {
                sb.Append(ch);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-', '.');
        return slug.Length > 0 && InstrumentIdPattern().IsMatch(slug) ? slug : "imported";
    }

    private static void CheckOptions(RedcapImportOptions? options)
    {
        if (options?.InstrumentId is { } id && !InstrumentIdPattern().IsMatch(id))
        {
            throw new ArgumentException($"'{id}' is not an instrument id: lowercase letters, digits, '-' and '.', starting with a letter or digit", nameof(options));
        }
    }

    private static RedcapImportResult Failed(string path, string reason, Location? location = null) =>
        new(null, null, null, [], [], [Diagnostic.Create(InstrumentDiagnostics.RedcapDictionaryNotImported, location ?? Location.InFile(path), reason)]);

    private static RedcapImportResult FormProblem(string path, string message, List<string> forms) =>
        new(null, null, null, [], [], [Diagnostic.Create(InstrumentDiagnostics.RedcapFormNotFound, Location.InFile(path), message, string.Join(", ", forms.Select(f => $"'{f}'")))]);

    /// <summary>Control characters as visible escapes, for messages that quote the dictionary.</summary>
    internal static string Visible(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            sb.Append(char.IsControl(ch) ? ch switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => $"\\u{(int)ch:x4}" } : ch.ToString());
        }

        return sb.ToString();
    }

    /// <summary>One row of the dictionary, its cells found by column (an absent column or a short row gives an empty cell).</summary>
    private readonly struct Row(DictionaryCell[] cells, int[] columns)
    {
        public DictionaryCell this[Column column] => columns[(int)column] is var c && c >= 0 && c < cells.Length ? cells[c] : DictionaryCell.Empty;

        public DictionaryCell First => cells[0];
    }

    /// <summary>The fields of one form on their way to a skeleton.</summary>
    private sealed class FormImport(string path, string form, string id, bool shipTexts)
    {
        private readonly List<Diagnostic> _diagnostics = [];
        private readonly List<SkeletonItem> _items = [];
        private readonly List<SkeletonScale> _scales = [];
        private readonly Dictionary<string, SkeletonScale> _scaleByChoices = new(StringComparer.Ordinal);
        private readonly List<(string Field, int Line, string Calculation)> _calculations = [];
        private int _fields;

        public void Report(DiagnosticDescriptor descriptor, DictionaryCell cell, params object?[] args) =>
            _diagnostics.Add(Diagnostic.Create(descriptor, cell.At(path, 0, cell.Value.Length), args));

        public void Add(Row row)
        {
            _fields++;
            var nameCell = row[Column.FieldName];
            var name = nameCell.Value.Trim();
            if (!ItemIdPattern().IsMatch(name))
            {
                Report(InstrumentDiagnostics.RedcapFieldName, nameCell.Line > 0 ? nameCell : row.First, Visible(name),
                    name.Length == 0 ? "is empty" : "is not a letter or '_' followed by letters, digits or '_' (an item id)");
                return;
            }

            var typeCell = row[Column.FieldType];
            var type = typeCell.Value.Trim().ToLowerInvariant();
            var choicesCell = row[Column.Choices];
            RedcapChoice[] choices;
            switch (type)
            {
                case "radio" or "dropdown":
                    var problems = new List<ChoiceProblem>();
                    var parsed = RedcapChoices.Parse(choicesCell.Value, problems);
                    foreach (var p in problems)
                    {
                        var at = choicesCell.At(path, p.Offset, p.Length);
                        _diagnostics.Add(p.DuplicateOf is { } code
                            ? Diagnostic.Create(InstrumentDiagnostics.RedcapDuplicateChoiceCode, at, name, code, p.FirstLabel, Visible(p.Text))
                            : Diagnostic.Create(InstrumentDiagnostics.RedcapChoiceSyntax, at, name, Visible(p.Text), p.Reason));
                    }

                    if (problems.Count > 0)
                    {
                        return;
                    }

                    if (parsed.Count == 0)
                    {
                        Report(InstrumentDiagnostics.RedcapChoiceSyntax, choicesCell.Value.Trim().Length > 0 ? choicesCell : typeCell, name, string.Empty,
                            $"is empty: a {type} field needs at least one 'code, label' choice ('0, Not at all | 1, Several days | ...')");
                        return;
                    }

                    choices = [.. parsed];
                    break;
                case "yesno":
                    choices = YesNo;
                    break;
                case "truefalse":
                    choices = TrueFalse;
                    break;
                case "calc":
                    var calculation = Visible(choicesCell.Value.Trim());
                    Report(InstrumentDiagnostics.RedcapCalculatedField, choicesCell.Value.Length > 0 ? choicesCell : typeCell, name, calculation.Length > 0 ? calculation : "no calculation given");
                    _calculations.Add((name, nameCell.Line, calculation));
                    return;
                case "checkbox":
                    Report(InstrumentDiagnostics.RedcapCheckboxField, typeCell, name);
                    return;
                case "slider":
                    var min = row[Column.ValidationMin].Value.Trim();
                    var max = row[Column.ValidationMax].Value.Trim();
                    Report(InstrumentDiagnostics.RedcapSliderField, typeCell, name, min.Length > 0 ? Visible(min) : "0", max.Length > 0 ? Visible(max) : "100");
                    return;
                default:
                    Report(InstrumentDiagnostics.RedcapFieldNotImported, typeCell.Line > 0 ? typeCell : nameCell, name, Visible(type), type switch
                    {
                        "text" => "a text field holds typed text, a date or a number, not one of a set of response options",
                        "notes" => "a notes field holds free text",
                        "file" => "a file upload (or signature) field holds a file",
                        "descriptive" => "a descriptive field shows text and takes no answer",
                        "sql" => "the choices of an sql field come from a database query, not from the dictionary",
                        "" => "it has no field type",
                        _ => "it is not a REDCap field type this importer knows (text, notes, radio, dropdown, checkbox, yesno, truefalse, calc, slider, file, descriptive, sql)",
                    });
                    return;
            }

            var branching = row[Column.BranchingLogic];
            var logic = branching.Value.Trim();
            if (logic.Length > 0)
            {
                Report(InstrumentDiagnostics.RedcapBranchingLogic, branching, name, Visible(logic));
            }

            var key = string.Join("\n", choices.Select(c => c.Code.ToString(CultureInfo.InvariantCulture) + "\t" + c.Label));
            if (!_scaleByChoices.TryGetValue(key, out var scale))
            {
                scale = new SkeletonScale("scale" + (_scales.Count + 1).ToString(CultureInfo.InvariantCulture), choices, []);
                _scaleByChoices[key] = scale;
                _scales.Add(scale);
            }

            scale.Fields.Add(name);
            _items.Add(new SkeletonItem(name, scale.Id, nameCell.Line, type, row[Column.FieldLabel].Value, logic.Length > 0 ? logic : null));
        }

        public RedcapImportResult Finish()
        {
            if (_items.Count == 0)
            {
                _diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.RedcapDictionaryNotImported, Location.InFile(path),
                    $"no field of form '{form}' could be imported as an item ({_fields} field{(_fields == 1 ? string.Empty : "s")}; items come from radio, dropdown, yesno and truefalse fields)"));
                return new RedcapImportResult(null, id, form, [], [], Sorted());
            }

            var skeleton = new SkeletonWriter(Path.GetFileName(path), form, id, shipTexts, _fields, _diagnostics.Count).Write(_scales, _items, _calculations);
            return new RedcapImportResult(skeleton, id, form, [.. _items.Select(i => i.Id)], [.. _scales.Select(s => s.Id)], Sorted());
        }

        private ImmutableArray<Diagnostic> Sorted() =>
            [.. _diagnostics.OrderBy(d => d.Location.HasPosition ? d.Location.Line : int.MaxValue).ThenBy(d => d.Location.Column)];   // file-wide ones last
    }
}
