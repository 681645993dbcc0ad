using System.Collections.Immutable;
using Instruments.Diagnostics;

namespace Instruments.Compiler;

/// <summary>What <see cref="RedcapDictionaryImporter"/> imports and how. The defaults suit a dictionary of one form.</summary>
public sealed class RedcapImportOptions
{
    /// <summary>The options used when none are given.</summary>
    public static RedcapImportOptions Default { get; } = new();

    /// <summary>
    /// The REDCap form (instrument) to import, by its name in the dictionary's "Form Name" column (case-sensitive).
    /// </summary>
    /// <value>Null (the default): the dictionary's only form; a dictionary of several forms is then INS1188.</value>
    public string? Form { get; init; }

    /// <summary>The instrument id of the skeleton: lowercase letters, digits, '-' and '.', starting with a letter or digit.</summary>
    /// <value>Null (the default): the form name, lower-cased, with every other character run replaced by '-' (<c>phq_9</c> gives <c>phq-9</c>).</value>
    public string? InstrumentId { get; init; }

    /// <summary>
    /// True to write the field labels as item texts (<c>texts: shipped</c>). Only for a dictionary whose item wording you
    /// may distribute: a data dictionary does not say under which licence its texts are.
    /// </summary>
    /// <value>False (the default): <c>texts: restricted</c>; the labels are written as comments for reference only.</value>
    public bool ShipTexts { get; init; }
}

/// <summary>
/// The outcome of importing a REDCap data dictionary: the instrument YAML skeleton (when at least one field became an
/// item) and a diagnostic for every field that was not imported or not imported whole.
/// </summary>
public sealed class RedcapImportResult
{
    internal RedcapImportResult(string? yaml, string? instrumentId, string? form, ImmutableArray<string> items, ImmutableArray<string> scales, ImmutableArray<Diagnostic> diagnostics)
    {
        Yaml = yaml;
        InstrumentId = instrumentId;
        Form = form;
        Items = items;
        Scales = scales;
        Diagnostics = diagnostics;
    }

    /// <summary>
    /// The instrument YAML skeleton: it compiles with <see cref="InstrumentCompiler"/> as it is, and its <c>TODO</c>
    /// comments name what must still be written from the instrument's manual (scores, bands, sources, citation,
    /// licence). Null when nothing could be imported (<see cref="Diagnostics"/> say why).
    /// </summary>
    public string? Yaml { get; }

    /// <summary>True when a skeleton was written (<see cref="Yaml"/> is not null).</summary>
    public bool Success => Yaml is not null;

    /// <summary>The skeleton's instrument id; null when no form was chosen.</summary>
    public string? InstrumentId { get; }

    /// <summary>The REDCap form imported; null when none could be chosen (INS1188).</summary>
    public string? Form { get; }

    /// <summary>The item ids of the skeleton (the REDCap field names imported), in the dictionary's order.</summary>
    public ImmutableArray<string> Items { get; }

    /// <summary>The response scale ids of the skeleton: one per distinct set of choices, shared by the fields that have it.</summary>
    public ImmutableArray<string> Scales { get; }

    /// <summary>The import's diagnostics (INS1180-INS1189), each at the dictionary's line and column, in file order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }
}
