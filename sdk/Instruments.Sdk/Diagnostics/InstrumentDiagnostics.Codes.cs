namespace Instruments.Diagnostics;

// INS117x: codes from terminologies (LOINC and others) declared on the instrument, items, response options and scores.
public static partial class InstrumentDiagnostics
{
    private const string Codes = "Codes";

    /// <summary>INS1170: a <c>code:</c> without its <c>system</c> or its <c>code</c>.</summary>
    public static readonly DiagnosticDescriptor IncompleteCode = new("INS1170", "Incomplete code", "{0}: the code has no '{1}'; a code needs 'system' (the code system's URI, such as http://loinc.org) and 'code'", Codes, DiagnosticSeverity.Error);

    /// <summary>INS1171: a code whose <c>system</c> is not an absolute URI.</summary>
    public static readonly DiagnosticDescriptor CodeSystemNotUri = new("INS1171", "Code system is not an absolute URI", "{0}: code system '{1}' is not an absolute URI; write the URI the terminology is known by, such as http://loinc.org", Codes, DiagnosticSeverity.Error);

    /// <summary>INS1172: two options of one response scale with the same code.</summary>
    public static readonly DiagnosticDescriptor DuplicateOptionCode = new("INS1172", "Duplicate answer code", "Response scale '{0}': options {1} and {2} both have code {3}; an answer code must name one option", Codes, DiagnosticSeverity.Error);

    /// <summary>INS1173: a code without a source.</summary>
    public static readonly DiagnosticDescriptor CodeWithoutSource = new("INS1173", "Code without a source", "{0}: code {1} has no source; add 'sources' citing where the code is stated (the terminology, or an implementation guide that uses it)", Codes, DiagnosticSeverity.Warning);

    /// <summary>INS1174: two items with the same code.</summary>
    public static readonly DiagnosticDescriptor DuplicateItemCode = new("INS1174", "Duplicate question code", "Items '{0}' and '{1}' both have code {2}; a question code must name one item", Codes, DiagnosticSeverity.Error);
}
