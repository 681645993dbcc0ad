namespace Instruments.Diagnostics;

// INS1180-INS1189: importing a REDCap data dictionary (Instruments.Compiler's RedcapDictionaryImporter). Each points at
// the dictionary's line and column, as the compiler's diagnostics point into YAML. Kept in their own file of the one catalogue.
public static partial class InstrumentDiagnostics
{
    private const string Import = "Import";

    /// <summary>INS1180: a field whose type holds no response options (text, notes, file, descriptive, sql, an unknown type) is not imported.</summary>
    public static readonly DiagnosticDescriptor RedcapFieldNotImported = new("INS1180", "REDCap field not imported", "Field '{0}' ({1}) is not imported: {2}", Import, DiagnosticSeverity.Warning);

    /// <summary>INS1181: a calculated field is not imported; its rule must be written as a score.</summary>
    public static readonly DiagnosticDescriptor RedcapCalculatedField = new("INS1181", "REDCap calculated field not imported", "Field '{0}' is a calculated field ({1}); calculations are not imported: write the rule as a score from the instrument's manual (a TODO in the skeleton)", Import, DiagnosticSeverity.Warning);

    /// <summary>INS1182: a checkbox field (several answers, one export column per choice) is not imported.</summary>
    public static readonly DiagnosticDescriptor RedcapCheckboxField = new("INS1182", "REDCap checkbox field not imported", "Field '{0}' is a checkbox field (any number of choices ticked; the export has one 0/1 column per choice, {0}___code); an item takes one answer, so it is not imported", Import, DiagnosticSeverity.Warning);

    /// <summary>INS1183: a slider field (a visual analogue scale, 0-100 by default, labels only at its anchors) is not imported.</summary>
    public static readonly DiagnosticDescriptor RedcapSliderField = new("INS1183", "REDCap slider field not imported", "Field '{0}' is a slider (a value from {1} to {2}, labelled only at its anchors); it has no response options to make a scale of, so it is not imported", Import, DiagnosticSeverity.Warning);

    /// <summary>INS1184: a field with branching logic is imported, but its condition is not.</summary>
    public static readonly DiagnosticDescriptor RedcapBranchingLogic = new("INS1184", "REDCap branching logic not imported", "Field '{0}' is shown only if {1}; the condition is not imported: the item is imported as always asked (decide whether it should be 'optional: true')", Import, DiagnosticSeverity.Warning);

    /// <summary>INS1185: a choice of a radio or dropdown field is not <c>code, label</c> with an integer code.</summary>
    public static readonly DiagnosticDescriptor RedcapChoiceSyntax = new("INS1185", "REDCap choice does not parse", "Field '{0}': choice '{1}' {2}; the field is not imported", Import, DiagnosticSeverity.Error);

    /// <summary>INS1186: two choices of one field share a code.</summary>
    public static readonly DiagnosticDescriptor RedcapDuplicateChoiceCode = new("INS1186", "REDCap choice code repeated", "Field '{0}': code {1} is given twice ('{2}' and '{3}'); the field is not imported", Import, DiagnosticSeverity.Error);

    /// <summary>INS1187: the file cannot be imported as a data dictionary at all (not CSV, columns missing, nothing importable).</summary>
    public static readonly DiagnosticDescriptor RedcapDictionaryNotImported = new("INS1187", "REDCap data dictionary not imported", "The data dictionary cannot be imported: {0}", Import, DiagnosticSeverity.Error);

    /// <summary>INS1188: the form to import is not named (the dictionary has several) or is not in the dictionary.</summary>
    public static readonly DiagnosticDescriptor RedcapFormNotFound = new("INS1188", "REDCap form not chosen or not found", "{0}; the data dictionary's forms are: {1}", Import, DiagnosticSeverity.Error);

    /// <summary>INS1189: a field name that cannot be an item id (not a letter or '_' then letters, digits or '_'), or a field named twice.</summary>
    public static readonly DiagnosticDescriptor RedcapFieldName = new("INS1189", "REDCap field name not usable as an item id", "Field '{0}' {1}; the field is not imported", Import, DiagnosticSeverity.Error);
}
