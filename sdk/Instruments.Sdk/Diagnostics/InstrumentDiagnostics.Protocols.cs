namespace Instruments.Diagnostics;

// INS110x-INS111x: protocol files (paired measures and batteries). Kept in their own file of the one catalogue.
public static partial class InstrumentDiagnostics
{
    private const string Protocols = "Protocols";

    /// <summary>INS1100: a measure names an instrument that is not loaded.</summary>
    public static readonly DiagnosticDescriptor ProtocolUnknownInstrument = new("INS1100", "Unknown instrument in protocol", "Measure '{0}': no instrument '{1}' is loaded{2}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1101: a measure names a score its instrument does not have.</summary>
    public static readonly DiagnosticDescriptor ProtocolUnknownScore = new("INS1101", "Unknown score in protocol", "Measure '{0}': instrument '{1}' has no score '{2}'{3}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1102: a measure names a reliable-change rule its score does not have.</summary>
    public static readonly DiagnosticDescriptor ProtocolUnknownReliableChange = new("INS1102", "Unknown reliable-change rule in protocol", "Measure '{0}': score '{1}' of '{2}' has no reliable-change rule '{3}'{4}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1103: a measure's facts are used, but its score has no rule to give them.</summary>
    public static readonly DiagnosticDescriptor ProtocolFactWithoutRule = new("INS1103", "Measure fact without a rule", "Measure '{0}': score '{1}' of '{2}' declares no {3}, so '{4}' is always unknown", Protocols, DiagnosticSeverity.Warning);

    /// <summary>INS1104: two measures share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateMeasureId = new("INS1104", "Duplicate measure id", "Measure id '{0}' is already used by measure {1}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1105: two outcomes share an id, or an outcome id is also the name of a measure's fact.</summary>
    public static readonly DiagnosticDescriptor DuplicateOutcomeId = new("INS1105", "Duplicate outcome id", "Outcome id '{0}' is already {1}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1106: two measures follow the same score of the same instrument.</summary>
    public static readonly DiagnosticDescriptor ProtocolInstrumentUsedTwice = new("INS1106", "Measure repeated", "Measure '{0}' follows score '{1}' of '{2}', as measure '{3}' already does", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1107: an item id belongs to two different instruments of the protocol.</summary>
    public static readonly DiagnosticDescriptor ProtocolItemCollision = new("INS1107", "Item id shared by two instruments", "Item '{0}' belongs to both '{1}' (measure '{2}') and '{3}' (measure '{4}'); one input column cannot feed two instruments", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1108: an outcome condition does not parse.</summary>
    public static readonly DiagnosticDescriptor OutcomeSyntax = new("INS1108", "Outcome condition does not parse", "Outcome '{0}': {1}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1109: an outcome condition names something that is neither a measure's fact nor an earlier outcome.</summary>
    public static readonly DiagnosticDescriptor OutcomeUnknownVariable = new("INS1109", "Unknown name in outcome", "Outcome '{0}': '{1}' is neither a measure's fact nor an earlier outcome{2}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1110: an outcome condition uses itself or an outcome defined after it.</summary>
    public static readonly DiagnosticDescriptor OutcomeUsesLaterOutcome = new("INS1110", "Outcome uses a later outcome", "Outcome '{0}' uses outcome '{1}', which is {2}; an outcome may use only the outcomes before it", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1111: an outcome without a source.</summary>
    public static readonly DiagnosticDescriptor OutcomeWithoutSource = new("INS1111", "Outcome without a source", "Outcome '{0}' has no source; add 'sources' citing where the rule comes from", Protocols, DiagnosticSeverity.Warning);

    /// <summary>INS1112: a protocol without measures.</summary>
    public static readonly DiagnosticDescriptor ProtocolWithoutMeasures = new("INS1112", "Protocol without measures", "Protocol '{0}' has no measures", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1113: a protocol id already used by an instrument or another protocol.</summary>
    public static readonly DiagnosticDescriptor DuplicateProtocolId = new("INS1113", "Duplicate protocol id", "Protocol id '{0}' is already used by {1}", Protocols, DiagnosticSeverity.Error);

    // ---- INS1140-INS1149: the alliance-and-outcome pairing of a protocol ----

    /// <summary>INS1140: <c>alliance_outcome</c> names a measure the protocol does not have.</summary>
    public static readonly DiagnosticDescriptor AllianceOutcomeUnknownMeasure = new("INS1140", "Unknown measure in alliance and outcome", "Alliance and outcome: '{0}' names measure '{1}', which the protocol does not have{2}", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1141: <c>alliance_outcome</c> names the same measure as the alliance and as the outcome.</summary>
    public static readonly DiagnosticDescriptor AllianceOutcomeSameMeasure = new("INS1141", "Alliance and outcome are one measure", "Alliance and outcome: measure '{0}' is both the alliance and the outcome; pair two different measures", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1142: <c>early_sessions</c> is not a whole number of at least 1.</summary>
    public static readonly DiagnosticDescriptor InvalidEarlySessions = new("INS1142", "Invalid early sessions", "Alliance and outcome: 'early_sessions' is {0}; it must be a whole number of administrations, at least 1 (leave it out for 3)", Protocols, DiagnosticSeverity.Error);

    /// <summary>INS1143: the alliance measure's score is not declared higher-is-better.</summary>
    public static readonly DiagnosticDescriptor AllianceNotHigherIsBetter = new("INS1143", "Alliance measure not higher-is-better", "Alliance and outcome: the alliance measure '{0}' (score '{1}' of '{2}') {3}; the early alliance is read as higher-is-better, so its score must declare 'direction: higher-is-better'", Protocols, DiagnosticSeverity.Error);
}
