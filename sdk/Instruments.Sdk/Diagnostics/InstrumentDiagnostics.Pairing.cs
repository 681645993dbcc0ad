namespace Instruments.Diagnostics;

// INS113x: paired forms (a client form and its therapist counterpart) and RSP204x: their administrations paired
// (instruments agree). Kept in their own file of the one catalogue.
public static partial class InstrumentDiagnostics
{
    private const string Pairing = "Pairing";

    /// <summary>INS1130: a counterpart pairing names a score this instrument does not have.</summary>
    public static readonly DiagnosticDescriptor CounterpartUnknownOwnScore = new("INS1130", "Paired score not defined", "Counterpart '{0}': this instrument has no score '{1}'{2}", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1131: an instrument declares a counterpart without saying which rater fills it in.</summary>
    public static readonly DiagnosticDescriptor CounterpartWithoutRater = new("INS1131", "Paired form without a rater", "Instrument '{0}' declares counterpart '{1}' but its respondent is {2}; a paired form needs 'respondent: client' or 'respondent: therapist'", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1132: two scores of an instrument are paired with the same score of the counterpart.</summary>
    public static readonly DiagnosticDescriptor CounterpartScorePairedTwice = new("INS1132", "Counterpart score paired twice", "Counterpart '{0}': score '{1}' is paired with '{2}', which score '{3}' is already paired with", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1133: the counterpart an instrument declares is not loaded, or no loaded instrument pairs with it.</summary>
    public static readonly DiagnosticDescriptor CounterpartNotLoaded = new("INS1133", "Counterpart not loaded", "Instrument '{0}': {1}", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1134: a counterpart pairing names a score the counterpart does not have.</summary>
    public static readonly DiagnosticDescriptor CounterpartUnknownScore = new("INS1134", "Counterpart score not defined", "Instrument '{0}' pairs its score '{1}' with '{2}' of '{3}', which has no such score{4}", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1135: two paired scores can take different values.</summary>
    public static readonly DiagnosticDescriptor PairedScoreRangesDiffer = new("INS1135", "Paired scores on different scales", "Score '{0}' of '{1}' ({2}) and score '{3}' of '{4}' ({5}) can take different values; a difference between them would mix two scales", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1136: both forms declare a pairing, and the two declarations do not match.</summary>
    public static readonly DiagnosticDescriptor CounterpartsDisagree = new("INS1136", "Counterpart declarations disagree", "'{0}' and '{1}' both declare a counterpart, and they do not match: {2}", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1137: the two forms are not one client form and one therapist form.</summary>
    public static readonly DiagnosticDescriptor CounterpartRatersNotComplementary = new("INS1137", "Paired forms not client and therapist", "'{0}' (respondent {1}) and its counterpart '{2}' (respondent {3}) must be one client form and one therapist form", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1138: a counterpart declaration that names the instrument itself or pairs no scores.</summary>
    public static readonly DiagnosticDescriptor CounterpartDeclarationEmpty = new("INS1138", "Counterpart declaration unusable", "Counterpart '{0}': {1}", Pairing, DiagnosticSeverity.Error);

    /// <summary>INS1139: several loaded instruments name the same instrument as their counterpart.</summary>
    public static readonly DiagnosticDescriptor CounterpartAmbiguous = new("INS1139", "Counterpart ambiguous", "Instrument '{0}' is named as counterpart by several loaded instruments ({1}); declare 'counterpart' on '{0}' to choose one", Pairing, DiagnosticSeverity.Error);

    // ---- RSP204x: administrations of two forms paired (instruments agree) ----

    /// <summary>RSP2040: an administration that is invalid, or one of whose paired scores is not computed, is not paired.</summary>
    public static readonly DiagnosticDescriptor AdministrationNotPaired = new("RSP2040", "Administration not paired", "{0} line {1}: administration not paired: {2}", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2041: two or more administrations of one form for one dyad at the same occasion (never merged).</summary>
    public static readonly DiagnosticDescriptor DuplicatePairingOccasion = new("RSP2041", "Two administrations of one form at one occasion", "{0}: {1}: lines {2} are all at occasion {3}; none of them is paired (they are never merged)", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2042: a usable administration with no usable administration of the other form at its occasion.</summary>
    public static readonly DiagnosticDescriptor AdministrationWithoutPartner = new("RSP2042", "Administration without a partner", "{0} line {1}: {2} at occasion {3}: {4}", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2043: a row whose therapist id is empty, when a therapist column is named.</summary>
    public static readonly DiagnosticDescriptor TherapistIdEmpty = new("RSP2043", "Therapist id empty", "{0} line {1}: the therapist column '{2}' is empty or absent; the row is not paired", Response, DiagnosticSeverity.Warning);
}
