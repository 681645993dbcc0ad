using System.Collections.Immutable;

namespace Instruments.Diagnostics;

/// <summary>
/// The catalogue of every diagnostic the SDK reports: <c>INS1xxx</c> for instrument definitions and
/// <c>RSP2xxx</c> for responses. IDs are stable; each is documented in <c>docs/diagnostics.md</c>.
/// </summary>
public static partial class InstrumentDiagnostics
{
    private const string Syntax = "Syntax";
    private const string Structure = "Structure";
    private const string Definition = "Definition";
    private const string Expression = "Expression";
    private const string Bands = "Bands";
    private const string Licensing = "Licensing";
    private const string Sources = "Sources";
    private const string Examples = "Examples";
    private const string Change = "Change";
    private const string Response = "Response";

    // ---- INS10xx: the file and its YAML ----

    /// <summary>INS1000: the file is not valid UTF-8.</summary>
    public static readonly DiagnosticDescriptor InvalidUtf8 = new("INS1000", "Invalid UTF-8", "The file is not valid UTF-8: byte {0} (offset {1:N0}) does not start or continue a character; save the file as UTF-8", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1001: the YAML text does not parse.</summary>
    public static readonly DiagnosticDescriptor YamlSyntaxError = new("INS1001", "YAML syntax error", "YAML syntax error: {0}", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1002: the file is empty or holds only comments.</summary>
    public static readonly DiagnosticDescriptor EmptyFile = new("INS1002", "Empty file", "The file is empty; an instrument definition needs at least 'instrument', 'version', 'title', 'license', 'response_scales', 'items' and 'scores'", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1003: the file exceeds the size limit.</summary>
    public static readonly DiagnosticDescriptor FileTooLarge = new("INS1003", "File too large", "The file is {0:N0} bytes; instrument files are limited to {1:N0} bytes", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1004: the YAML nests deeper than allowed.</summary>
    public static readonly DiagnosticDescriptor NestingTooDeep = new("INS1004", "Nesting too deep", "The YAML nests deeper than {0} levels", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1005: anchors and aliases are not allowed.</summary>
    public static readonly DiagnosticDescriptor AnchorOrAlias = new("INS1005", "Anchor or alias not allowed", "YAML {0} '{1}' is not allowed in instrument files; write the value out", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1006: merge keys are not allowed.</summary>
    public static readonly DiagnosticDescriptor MergeKey = new("INS1006", "Merge key not allowed", "The YAML merge key '<<' is not allowed in instrument files; write the keys out", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1007: more than one YAML document in one file.</summary>
    public static readonly DiagnosticDescriptor MultipleDocuments = new("INS1007", "More than one document", "The file holds more than one YAML document; put each instrument in its own file", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1008: two files define the same instrument id.</summary>
    public static readonly DiagnosticDescriptor DuplicateInstrumentId = new("INS1008", "Duplicate instrument id", "Instrument id '{0}' is already defined in {1}", Syntax, DiagnosticSeverity.Error);

    /// <summary>INS1009: the path is a FIFO, a device, a socket or a directory, not a regular file.</summary>
    public static readonly DiagnosticDescriptor NotARegularFile = new("INS1009", "Not a regular file", "The path is {0}, not a regular file; it was not read", Syntax, DiagnosticSeverity.Error);

    // ---- INS101x: keys and value types ----

    /// <summary>INS1010: a key that the format does not define.</summary>
    public static readonly DiagnosticDescriptor UnknownKey = new("INS1010", "Unknown key", "Unknown key '{0}' in {1}{2}", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1011: a required key is missing.</summary>
    public static readonly DiagnosticDescriptor MissingRequiredKey = new("INS1011", "Missing required key", "Missing required key '{0}' in {1}", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1012: a value has the wrong type.</summary>
    public static readonly DiagnosticDescriptor WrongValueType = new("INS1012", "Wrong value type", "'{0}' must be {1}, not {2}", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1013: the same key twice in one mapping.</summary>
    public static readonly DiagnosticDescriptor DuplicateKey = new("INS1013", "Duplicate key", "Key '{0}' appears more than once in {1}", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1014: an identifier does not follow the naming rule.</summary>
    public static readonly DiagnosticDescriptor InvalidId = new("INS1014", "Invalid identifier", "{0} id '{1}' is invalid: {2}", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1015: the version is not a semantic version.</summary>
    public static readonly DiagnosticDescriptor InvalidVersion = new("INS1015", "Invalid version", "Version '{0}' is not a semantic version such as 1.0.0", Structure, DiagnosticSeverity.Error);

    /// <summary>INS1016: a value is not one of the allowed words.</summary>
    public static readonly DiagnosticDescriptor InvalidEnumValue = new("INS1016", "Invalid value", "'{0}' is not a valid value for '{1}'; expected one of: {2}", Structure, DiagnosticSeverity.Error);

    // ---- INS102x: duplicates ----

    /// <summary>INS1020: two items share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateItemId = new("INS1020", "Duplicate item id", "Item id '{0}' is already used by item {1}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1021: two scores share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateScoreId = new("INS1021", "Duplicate score id", "Score id '{0}' is already used by score {1}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1022: two flags share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateFlagId = new("INS1022", "Duplicate flag id", "Flag id '{0}' is already used by flag {1}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1023: two response scales share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateScaleId = new("INS1023", "Duplicate response scale id", "Response scale id '{0}' is defined more than once", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1024: two options of a scale share a value.</summary>
    public static readonly DiagnosticDescriptor DuplicateOptionValue = new("INS1024", "Duplicate option value", "Response scale '{0}' has value {1} more than once", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1025: a score has the same id as an item.</summary>
    public static readonly DiagnosticDescriptor ScoreIdConflictsWithItem = new("INS1025", "Score id equals an item id", "Score id '{0}' is also an item id; expressions could not tell them apart", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1026: a score lists the same item twice.</summary>
    public static readonly DiagnosticDescriptor DuplicateScoreItem = new("INS1026", "Item listed twice in a score", "Score '{0}' lists item '{1}' more than once", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1027: a response scale spans more values than a scale can sensibly have.</summary>
    public static readonly DiagnosticDescriptor ScaleTooWide = new("INS1027", "Response scale too wide", "Response scale '{0}' spans {1} to {2}; option values of one scale must lie within {3} consecutive integers", Definition, DiagnosticSeverity.Error);

    // ---- INS103x: references and scoring rules ----

    /// <summary>INS1030: an item refers to a response scale that does not exist.</summary>
    public static readonly DiagnosticDescriptor UnknownScale = new("INS1030", "Unknown response scale", "Item '{0}' refers to unknown response scale '{1}'{2}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1031: a score refers to an item that does not exist.</summary>
    public static readonly DiagnosticDescriptor UnknownItem = new("INS1031", "Unknown item", "Score '{0}' refers to unknown item '{1}'{2}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1033: a sum or mean score has no items.</summary>
    public static readonly DiagnosticDescriptor ScoreWithoutItems = new("INS1033", "Score without items", "Score '{0}' uses method '{1}' but lists no items", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1034: a score has both an expression and items or a method.</summary>
    public static readonly DiagnosticDescriptor ScoreShapeConflict = new("INS1034", "Score has both items and an expression", "Score '{0}' has both {1}; a score is either a sum/mean of items or an expression", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1035: a derived score depends on itself.</summary>
    public static readonly DiagnosticDescriptor CircularScore = new("INS1035", "Circular score dependency", "Score '{0}' depends on itself: {1}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1036: a response scale has no options.</summary>
    public static readonly DiagnosticDescriptor ScaleWithoutOptions = new("INS1036", "Response scale without options", "Response scale '{0}' has no options", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1037: a missing-data rule is impossible.</summary>
    public static readonly DiagnosticDescriptor InvalidMissingRule = new("INS1037", "Invalid missing-data rule", "Score '{0}': {1}", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1038: a missing code is also an option value.</summary>
    public static readonly DiagnosticDescriptor MissingCodeIsOption = new("INS1038", "Missing code is also an answer", "Missing code {0} is also a value of response scale '{1}'; it could not be told apart from an answer", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1039: the instrument has no items.</summary>
    public static readonly DiagnosticDescriptor NoItems = new("INS1039", "Instrument without items", "Instrument '{0}' has no items", Definition, DiagnosticSeverity.Error);

    // ---- INS104x: expressions ----

    /// <summary>INS1040: an expression does not parse.</summary>
    public static readonly DiagnosticDescriptor ExpressionSyntax = new("INS1040", "Expression does not parse", "Expression error: {0}", Expression, DiagnosticSeverity.Error);

    /// <summary>INS1041: an expression names something that is neither an item nor a score.</summary>
    public static readonly DiagnosticDescriptor UnknownIdentifier = new("INS1041", "Unknown name in expression", "'{0}' is neither an item nor a score of this instrument{1}", Expression, DiagnosticSeverity.Error);

    /// <summary>INS1042: a flag condition is not a comparison or logical expression.</summary>
    public static readonly DiagnosticDescriptor FlagNotBoolean = new("INS1042", "Flag condition is not a condition", "Flag '{0}' condition '{1}' is a number, not a condition; write a comparison such as '{1} >= 1'", Expression, DiagnosticSeverity.Error);

    // ---- INS105x: bands ----

    /// <summary>INS1050: two bands overlap.</summary>
    public static readonly DiagnosticDescriptor BandsOverlap = new("INS1050", "Bands overlap", "Score '{0}': band '{1}' ({2}) overlaps band '{3}' ({4})", Bands, DiagnosticSeverity.Error);

    /// <summary>INS1051: bands leave a gap.</summary>
    public static readonly DiagnosticDescriptor BandsGap = new("INS1051", "Bands leave a gap", "Score '{0}': no band covers {1}, between band '{2}' and band '{3}'", Bands, DiagnosticSeverity.Error);

    /// <summary>INS1052: a band lies outside the range the score can take.</summary>
    public static readonly DiagnosticDescriptor BandOutsideRange = new("INS1052", "Band outside the score's range", "Score '{0}': band '{1}' ({2}) lies outside the range the score can take ({3})", Bands, DiagnosticSeverity.Error);

    /// <summary>INS1053: a non-integer score can fall between integer bands.</summary>
    public static readonly DiagnosticDescriptor BandsBetweenIntegers = new("INS1053", "Score can fall between bands", "Score '{0}' can take non-integer values ({1}), so a value between {2} and {3} would fall between band '{4}' and band '{5}'; such a value gets no band", Bands, DiagnosticSeverity.Warning);

    /// <summary>INS1054: the bands do not cover the whole range of the score.</summary>
    public static readonly DiagnosticDescriptor BandsIncomplete = new("INS1054", "Bands do not cover the range", "Score '{0}': no band covers {1} of its range {2}", Bands, DiagnosticSeverity.Warning);

    /// <summary>INS1055: a band's minimum is above its maximum.</summary>
    public static readonly DiagnosticDescriptor BandInverted = new("INS1055", "Band minimum above maximum", "Score '{0}': band '{1}' has min {2} above max {3}", Bands, DiagnosticSeverity.Error);

    // ---- INS115x: rounding and half-open bands ----

    /// <summary>INS1150: a rounding rule says <c>nearest</c> but not how ties (values exactly halfway) go.</summary>
    public static readonly DiagnosticDescriptor RoundingWithoutTies = new("INS1150", "Rounding rule without a tie rule", "{0} rounds to the nearest value but does not say how a value exactly halfway goes; add 'ties: half-up', 'half-down', 'half-even', 'half-away-from-zero', or 'unstated' when the source does not say", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1151: a rounding rule's <c>digits</c> is outside 0 to 6.</summary>
    public static readonly DiagnosticDescriptor RoundingDigitsOutOfRange = new("INS1151", "Rounding digits out of range", "{0} keeps {1} decimals; 'digits' must be 0 (whole numbers) to 6", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1152: a missing rule states a rounding but never prorates, so there is no prorated value to round.</summary>
    public static readonly DiagnosticDescriptor RoundingWithoutProrating = new("INS1152", "Rounding of a value that is never prorated", "Score '{0}': missing.rounding rounds prorated values, but this rule does not prorate ({1}); put the rounding on the score ('rounding:' beside 'missing:') to round every value", Definition, DiagnosticSeverity.Error);

    /// <summary>INS1153: a band gives both an inclusive <c>max</c> and an exclusive <c>below</c>.</summary>
    public static readonly DiagnosticDescriptor BandBothUpperBounds = new("INS1153", "Band with both max and below", "Score '{0}': band '{1}' gives both 'max' ({2}, inclusive) and 'below' ({3}, exclusive); give one", Bands, DiagnosticSeverity.Error);

    // ---- INS106x: licensing ----

    /// <summary>INS1060: item texts present although the licence restricts them.</summary>
    public static readonly DiagnosticDescriptor RestrictedTextPresent = new("INS1060", "Restricted item text present", "Item '{0}' has a text, but the licence says texts: restricted; remove the text from this file", Licensing, DiagnosticSeverity.Error);

    /// <summary>INS1061: a texts file written for another instrument.</summary>
    public static readonly DiagnosticDescriptor TextsForOtherInstrument = new("INS1061", "Texts file for another instrument", "The texts file is for instrument '{0}', not '{1}'; no text was applied", Licensing, DiagnosticSeverity.Error);

    /// <summary>INS1062: a texts file gives a text for an item the instrument does not have.</summary>
    public static readonly DiagnosticDescriptor TextForUnknownItem = new("INS1062", "Text for an unknown item", "'{0}' is not an item of instrument '{1}'{2}", Licensing, DiagnosticSeverity.Error);

    /// <summary>INS1063: a texts file gives no text for an item.</summary>
    public static readonly DiagnosticDescriptor ItemTextMissing = new("INS1063", "Item without a text", "The texts file has no text for item '{0}'", Licensing, DiagnosticSeverity.Warning);

    /// <summary>INS1064: a texts file written for another version of the definition.</summary>
    public static readonly DiagnosticDescriptor TextsVersionDiffers = new("INS1064", "Texts file for another version", "The texts file was written for version {0} of '{1}'; the definition is version {2}; check that the items still match", Licensing, DiagnosticSeverity.Warning);

    /// <summary>INS1065: a text holds a control character (an escape sequence could drive the terminal it is shown on).</summary>
    public static readonly DiagnosticDescriptor ControlCharacterInText = new("INS1065", "Control character in text", "The text holds the control character {0} at character {1} of the value; hosts show it escaped", Licensing, DiagnosticSeverity.Warning);

    // ---- INS107x: sources and worked examples ----

    /// <summary>INS1070: bands, a flag, a missing-data rule or a change rule without a source.</summary>
    public static readonly DiagnosticDescriptor RuleWithoutSource = new("INS1070", "Rule without a source", "{0} without a source; add 'sources' citing where it comes from", Sources, DiagnosticSeverity.Warning);

    /// <summary>INS1071: a worked example answers an item the instrument does not have.</summary>
    public static readonly DiagnosticDescriptor ExampleUnknownItem = new("INS1071", "Example names an unknown item", "Example '{0}': '{1}' is not an item of this instrument{2}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1072: a worked example expects a score, band, flag or diagnostic the instrument cannot produce.</summary>
    public static readonly DiagnosticDescriptor ExampleUnknownExpectation = new("INS1072", "Example expects something unknown", "Example '{0}': '{1}' is not {2}{3}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1073: two worked examples share a name.</summary>
    public static readonly DiagnosticDescriptor DuplicateExampleName = new("INS1073", "Duplicate example name", "Example name '{0}' is already used by example {1}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1074: a series example expects the course of a score the instrument does not have.</summary>
    public static readonly DiagnosticDescriptor CourseExampleUnknownScore = new("INS1074", "Series example names an unknown score", "Example '{0}': '{1}' is not a score of this instrument{2}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1075: a series example expects the outcome of a reliable-change rule the score does not have.</summary>
    public static readonly DiagnosticDescriptor CourseExampleUnknownRule = new("INS1075", "Series example names an unknown reliable-change rule", "Example '{0}': '{1}' is not a reliable-change rule of score '{2}'{3}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1076: a series example expects something the score's change rules cannot give.</summary>
    public static readonly DiagnosticDescriptor CourseExampleCannotProduce = new("INS1076", "Series example expects what the score cannot give", "Example '{0}': score '{1}' cannot give {2}: {3}", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1077: a series example without administrations.</summary>
    public static readonly DiagnosticDescriptor CourseExampleEmptySeries = new("INS1077", "Series example without administrations", "Example '{0}' has an empty series; list its administrations in occasion order", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1078: two administrations of a series example at the same occasion.</summary>
    public static readonly DiagnosticDescriptor CourseExampleDuplicateOccasion = new("INS1078", "Duplicate occasion in a series example", "Example '{0}': occasion '{1}' is already used by administration {2}; each administration needs its own occasion", Examples, DiagnosticSeverity.Error);

    /// <summary>INS1079: an example with both <c>responses</c> and <c>series</c>.</summary>
    public static readonly DiagnosticDescriptor CourseExampleShapeConflict = new("INS1079", "Example has both responses and a series", "Example '{0}' has both 'responses' and 'series'; an example is one response or a series of them (the responses were ignored)", Examples, DiagnosticSeverity.Error);

    // ---- INS108x-INS109x: change rules ----

    /// <summary>INS1080: a caseness rule gives both or neither of <c>min</c> and <c>max</c>.</summary>
    public static readonly DiagnosticDescriptor CasenessBoundaryUnclear = new("INS1080", "Caseness boundary unclear", "Score '{0}': caseness must give exactly one of 'min' (a score of min or more is a case) and 'max' (a score of max or less is a case); it gives {1}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1081: a caseness cut-off that makes every value, or no value, of the score's range a case.</summary>
    public static readonly DiagnosticDescriptor CasenessOutsideRange = new("INS1081", "Caseness cut-off outside the score's range", "Score '{0}': with caseness '{1}: {2}', {3} value the score can take ({4}) would be a case", Change, DiagnosticSeverity.Error);

    /// <summary>INS1082: a caseness rule that makes the better scores the cases.</summary>
    public static readonly DiagnosticDescriptor CasenessAgainstDirection = new("INS1082", "Caseness on the better side", "Score '{0}' is {1}, yet caseness '{2}: {3}' makes the {4} scores the cases; a case is normally on the worse side ('{5}'): check the caseness and the direction", Change, DiagnosticSeverity.Warning);

    /// <summary>INS1083: two reliable-change rules of one score share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateReliableChangeId = new("INS1083", "Duplicate reliable-change rule id", "Score '{0}': reliable-change rule id '{1}' is already used by rule {2}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1084: a fixed reliable-change rule without a positive finite threshold.</summary>
    public static readonly DiagnosticDescriptor InvalidFixedThreshold = new("INS1084", "Invalid fixed reliable-change threshold", "Score '{0}': fixed reliable-change rule '{1}' needs a 'threshold' that is a positive number of points; {2}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1085: a Jacobson-Truax rule with a missing or impossible sd, reliability or critical value.</summary>
    public static readonly DiagnosticDescriptor InvalidJacobsonTruaxParameter = new("INS1085", "Invalid Jacobson-Truax parameter", "Score '{0}': Jacobson-Truax rule '{1}': {2}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1086: a reliable-change rule carries a parameter of the other method.</summary>
    public static readonly DiagnosticDescriptor ParameterOfOtherMethod = new("INS1086", "Parameter of another reliable-change method", "Score '{0}': reliable-change rule '{1}' uses method '{2}', which does not take '{3}'; remove '{3}' or use method '{4}'", Change, DiagnosticSeverity.Error);

    /// <summary>INS1087: a computed threshold or cut-off is not a finite number.</summary>
    public static readonly DiagnosticDescriptor ChangeValueNotFinite = new("INS1087", "Change threshold is not a finite number", "Score '{0}': {1} works out to {2}, which is not a finite number; check {3}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1088: clinical significance with a missing, non-positive or non-finite norm.</summary>
    public static readonly DiagnosticDescriptor InvalidClinicalNorm = new("INS1088", "Invalid clinical-significance norm", "Score '{0}': clinical significance: '{1}' is {2}; it must be {3}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1089: clinical significance or sudden gains name a reliable-change rule the score does not declare.</summary>
    public static readonly DiagnosticDescriptor UnknownReliableChangeRule = new("INS1089", "Unknown reliable-change rule", "Score '{0}': {1} names reliable-change rule '{2}', which the score does not declare{3}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1090: a sudden-gain rule gives both or neither of <c>cutoff</c> and <c>reliable_change</c>.</summary>
    public static readonly DiagnosticDescriptor SuddenGainCutoffUnclear = new("INS1090", "Sudden-gain cut-off unclear", "Score '{0}': sudden gains must give exactly one of 'cutoff' (points) and 'reliable_change' (the id of a rule whose point threshold is the cut-off); it gives {1}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1091: a sudden-gain cut-off or relative criterion out of its range.</summary>
    public static readonly DiagnosticDescriptor InvalidSuddenGainParameter = new("INS1091", "Invalid sudden-gain parameter", "Score '{0}': sudden gains: '{1}' is {2}; it must be {3}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1092: a clinical-significance cut-off that makes every value, or no value, functional.</summary>
    public static readonly DiagnosticDescriptor ClinicalCutoffOutsideRange = new("INS1092", "Clinical cut-off outside the score's range", "Score '{0}': clinical-significance cut-off {1} = {2} lies outside the values the score can take ({3}), so {4} value would be functional", Change, DiagnosticSeverity.Warning);

    /// <summary>INS1093: functional and dysfunctional means in the wrong order for the direction.</summary>
    public static readonly DiagnosticDescriptor NormsAgainstDirection = new("INS1093", "Norms against the direction", "Score '{0}' is {1}, but the functional mean {2} is not {3} than the dysfunctional mean {4}; the cut-offs would be meaningless: check the norms and the direction", Change, DiagnosticSeverity.Error);

    // ---- INS1120-INS1129: rupture-and-repair rules ----

    /// <summary>INS1120: a rupture rule gives both or neither of <c>k</c> and <c>points</c>.</summary>
    public static readonly DiagnosticDescriptor RuptureThresholdUnclear = new("INS1120", "Rupture threshold unclear", "Score '{0}': rupture rule '{1}' must give exactly one of 'k' (standard deviations, with 'sd') and 'points'; it gives {2}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1121: a rupture rule's <c>k</c> or <c>points</c> is not a positive number.</summary>
    public static readonly DiagnosticDescriptor InvalidRuptureThreshold = new("INS1121", "Invalid rupture threshold", "Score '{0}': rupture rule '{1}': '{2}' is {3}; it must be a positive number", Change, DiagnosticSeverity.Error);

    /// <summary>INS1122: a rupture rule's <c>sd</c> is missing, misplaced, or neither <c>client</c> nor a positive number.</summary>
    public static readonly DiagnosticDescriptor InvalidRuptureSd = new("INS1122", "Invalid rupture SD", "Score '{0}': rupture rule '{1}': {2}", Change, DiagnosticSeverity.Error);

    /// <summary>INS1123: a rupture rule's <c>repair_within</c> is not a whole number of at least 1.</summary>
    public static readonly DiagnosticDescriptor InvalidRepairWindow = new("INS1123", "Invalid repair window", "Score '{0}': rupture rule '{1}': 'repair_within' is {2}; it must be a whole number of administrations, at least 1 (leave it out to let any later administration repair)", Change, DiagnosticSeverity.Error);

    /// <summary>INS1124: two rupture rules of one score share an id.</summary>
    public static readonly DiagnosticDescriptor DuplicateRuptureId = new("INS1124", "Duplicate rupture rule id", "Score '{0}': rupture rule id '{1}' is already used by rule {2}", Change, DiagnosticSeverity.Error);

    // ---- INS1160-INS1164: kept items ----

    /// <summary>INS1160: a score, derived score or flag uses an item declared <c>keep: true</c> (carried through, never scored).</summary>
    public static readonly DiagnosticDescriptor KeptItemScored = new("INS1160", "Kept item used in scoring", "{0} uses item '{1}', which is declared 'keep: true': a kept item is carried through to the output, never scored", Definition, DiagnosticSeverity.Error);

    // ---- RSP2xxx: responses ----

    /// <summary>RSP2001: a value that is not one of the item's response options.</summary>
    public static readonly DiagnosticDescriptor ValueNotAnOption = new("RSP2001", "Value is not a response option", "Item '{0}': {1} is not one of its response options ({2}); counted as missing", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2002: a value that is not a number.</summary>
    public static readonly DiagnosticDescriptor NonNumericValue = new("RSP2002", "Value is not a number", "Item '{0}': '{1}' is not a number; counted as missing", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2003: a value for an item the instrument does not have.</summary>
    public static readonly DiagnosticDescriptor UnknownResponseItem = new("RSP2003", "Unknown item in response", "'{0}' is not an item of this instrument; its value was ignored", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2004: an item was not answered.</summary>
    public static readonly DiagnosticDescriptor ItemMissing = new("RSP2004", "Item not answered", "Item '{0}' was not answered", Response, DiagnosticSeverity.Info);

    /// <summary>RSP2005: too many missing items for a score.</summary>
    public static readonly DiagnosticDescriptor TooManyMissing = new("RSP2005", "Too many missing items for a score", "Score '{0}' not computed: {1} of its {2} items missing, at most {3} allowed", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2006: a missing code was given.</summary>
    public static readonly DiagnosticDescriptor MissingCodeUsed = new("RSP2006", "Missing code used", "Item '{0}': missing code {1} (not answered)", Response, DiagnosticSeverity.Info);

    /// <summary>RSP2007: a score value that no band covers.</summary>
    public static readonly DiagnosticDescriptor ValueBetweenBands = new("RSP2007", "Score falls between bands", "Score '{0}' = {1} lies in no band{2}; no label given", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2008: a flag whose inputs are missing.</summary>
    public static readonly DiagnosticDescriptor FlagNotEvaluated = new("RSP2008", "Flag could not be evaluated", "Flag '{0}' could not be evaluated: {1}; check it by hand", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2009: a derived score whose inputs are missing.</summary>
    public static readonly DiagnosticDescriptor DerivedScoreNotComputed = new("RSP2009", "Derived score not computed", "Score '{0}' not computed: {1}", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2010: an input row that could not be read.</summary>
    public static readonly DiagnosticDescriptor MalformedRow = new("RSP2010", "Malformed input row", "Line {0}: {1}", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2011: a score computed by prorating.</summary>
    public static readonly DiagnosticDescriptor ScoreProrated = new("RSP2011", "Score prorated", "Score '{0}' prorated from {1} of its {2} items (mean of answered items x {2}{3})", Response, DiagnosticSeverity.Info);

    /// <summary>RSP2012: a plugin function threw while scoring this response.</summary>
    public static readonly DiagnosticDescriptor FunctionFailed = new("RSP2012", "Plugin function failed", "Function '{0}' ({1}) failed: {2}; its result was taken as missing", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2013: a plugin's response check threw while checking this response.</summary>
    public static readonly DiagnosticDescriptor ResponseCheckFailed = new("RSP2013", "Plugin response check failed", "A response check of plugin '{0}' failed: {1}", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2014: an expression score whose result is infinite.</summary>
    public static readonly DiagnosticDescriptor ScoreNotFinite = new("RSP2014", "Score is not a finite number", "Score '{0}' not computed: its expression gave {1}, which is not a finite number; taken as missing", Response, DiagnosticSeverity.Error);

    /// <summary>RSP2015: a value exactly halfway between two rounded values, under a rounding rule whose source does not settle ties.</summary>
    public static readonly DiagnosticDescriptor RoundingTieUnsettled = new("RSP2015", "Rounding tie not settled by the source", "Score '{0}' = {1} is exactly halfway between {2} and {3}, and the source of its rounding rule does not say which way a tie goes; left unrounded", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2016: a score whose value was rounded as its definition states.</summary>
    public static readonly DiagnosticDescriptor ScoreRounded = new("RSP2016", "Score rounded", "Score '{0}' rounded from {1} to {2} ({3})", Response, DiagnosticSeverity.Info);

    // ---- RSP203x: administrations over time (instruments track) ----

    /// <summary>RSP2030: an administration that is invalid, or whose score is not computed (beyond its missing rule), is not used.</summary>
    public static readonly DiagnosticDescriptor AdministrationNotUsed = new("RSP2030", "Administration not used", "Line {0}: administration not used for {1}: {2}", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2031: two or more administrations of one client at the same occasion (never merged).</summary>
    public static readonly DiagnosticDescriptor DuplicateOccasion = new("RSP2031", "Two administrations at one occasion", "Client '{0}': lines {1} are all at occasion {2}; none of them is used (they are never merged)", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2032: a score with fewer than two usable administrations has no change.</summary>
    public static readonly DiagnosticDescriptor NoChange = new("RSP2032", "Fewer than two usable administrations", "Client '{0}', score '{1}': {2}, so there is no change", Response, DiagnosticSeverity.Info);

    /// <summary>RSP2033: an occasion that is not a number or an ISO date, or not of the file's kind.</summary>
    public static readonly DiagnosticDescriptor OccasionNotUsable = new("RSP2033", "Occasion not usable", "Line {0}: occasion '{1}' {2}; the row is not used", Response, DiagnosticSeverity.Warning);

    /// <summary>RSP2034: a row whose client id is empty.</summary>
    public static readonly DiagnosticDescriptor ClientIdEmpty = new("RSP2034", "Client id empty", "Line {0}: the client column '{1}' is empty or absent; the row is not used", Response, DiagnosticSeverity.Warning);

    /// <summary>Every descriptor in this catalogue, ordered by ID.</summary>
    // Built on first use, not with the class: reflecting over the fields costs milliseconds at start-up, and only
    // documentation tools and tests ask for the whole list.
    public static ImmutableArray<DiagnosticDescriptor> All => s_all.IsDefault ? s_all = DiagnosticDescriptor.DeclaredIn(typeof(InstrumentDiagnostics)) : s_all;

    private static ImmutableArray<DiagnosticDescriptor> s_all;
}
