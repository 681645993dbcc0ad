using System.Text.Json.Nodes;
using static Instruments.Compiler.Schemas.SchemaBuilder;
using R = Instruments.Compiler.YamlDefinitionReader;

namespace Instruments.Compiler.Schemas;

/// <summary>
/// The JSON Schema of instrument files, built from <see cref="YamlDefinitionReader"/>'s key and name tables; the types,
/// required keys and descriptions (from docs/yaml-format.md) are added here. Each mapping is a <c>$defs</c> entry named
/// after its table (<c>ItemKeys</c>: <c>item</c>); the top level is <c>TopKeys</c>.
/// </summary>
internal static class InstrumentSchema
{
    public const string FileName = "instrument.schema.json";

    public const string InstrumentIdPattern = "^[a-z0-9][a-z0-9.-]*$";
    public const string ElementIdPattern = "^[A-Za-z_][A-Za-z0-9_]*$";
    public const string RuleIdPattern = "^[a-z][a-z0-9_-]*$";
    public const string VersionPattern = @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$";

    /// <summary>The <c>$defs</c> entry of each key table of <see cref="YamlDefinitionReader"/> (the top level is the root).</summary>
    internal static readonly IReadOnlyDictionary<string, string> DefinitionOfTable = new Dictionary<string, string>
    {
        [nameof(R.LicenseKeys)] = "license",
        [nameof(R.CounterpartKeys)] = "counterpart",
        [nameof(R.ScaleKeys)] = "scale",
        [nameof(R.OptionKeys)] = "option",
        [nameof(R.ItemKeys)] = "item",
        [nameof(R.ScoreKeys)] = "score",
        [nameof(R.CodeKeys)] = "code",
        [nameof(R.MissingKeys)] = "missing",
        [nameof(R.RoundingKeys)] = "rounding",
        [nameof(R.BandKeys)] = "band",
        [nameof(R.ChangeKeys)] = "change",
        [nameof(R.RuptureKeys)] = "rupture",
        [nameof(R.CasenessKeys)] = "caseness",
        [nameof(R.ReliableChangeKeys)] = "reliableChange",
        [nameof(R.ClinicalKeys)] = "clinicalSignificance",
        [nameof(R.NormKeys)] = "norm",
        [nameof(R.SuddenGainKeys)] = "suddenGains",
        [nameof(R.FlagKeys)] = "flag",
        [nameof(R.ExampleKeys)] = "example",
        [nameof(R.AdministrationKeys)] = "administration",
        [nameof(R.CourseExpectKeys)] = "courseExpectation",
        [nameof(R.ExpectKeys)] = "expectation",
    };

    public static string Generate() => Write(Build());

    internal static JsonObject Build()
    {
        var top = Mapping("An instrument definition (docs/yaml-format.md).", R.TopKeys, new Dictionary<string, JsonObject>
        {
            ["instrument"] = Pattern(InstrumentIdPattern, "The instrument's id: lowercase letters, digits, '-' and '.', starting with a letter or digit (phq-9)."),
            ["version"] = Pattern(VersionPattern, "Semantic version of this definition (1.0.0). Raise it when scoring changes."),
            ["title"] = TextValue("Human-readable name."),
            ["citation"] = TextValue("The publication the instrument comes from."),
            ["license"] = Ref("license", "The licence of the instrument and whether its item texts may be shipped."),
            ["respondent"] = Enum(R.RespondentNames, "Who fills it in."),
            ["counterpart"] = Ref("counterpart", "The other form of a paired measure and which scores correspond."),
            ["language"] = TextValue("Language of the texts (a BCP 47 tag such as en, de-CH)."),
            ["instructions"] = TextValue("Instructions shown to the respondent."),
            ["notes"] = TextValue("What users should know: choices made, facts that are unconfirmed and therefore left out."),
            ["missing_codes"] = ListOf(new JsonObject { ["type"] = "integer" }, "Codes that mean 'not answered' (for example -99)."),
            ["response_scales"] = MapOf(new JsonObject { ["$ref"] = "#/$defs/scale" }, "Scale id -> scale."),
            ["items"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/item" }, "The items, in presentation order."),
            ["scores"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/score" }, "The scores, in output order."),
            ["flags"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/flag" }, "Conditions that raise a flag."),
            ["examples"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/example" },
                "Worked examples: responses (or a series of administrations) with the results the manual's rules give them."),
            ["code"] = Ref("code", "The instrument's code in a terminology, for example its LOINC panel."),
        }, "instrument", "version", "title", "license", "response_scales", "items", "scores");

        var defs = new JsonObject
        {
            ["text"] = new JsonObject { ["type"] = Types("string", "number", "boolean"), ["description"] = "A text value." },
            ["sources"] = ListOf(new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 },
                "Where the rule comes from: a list of citations or URLs."),
            ["scalar"] = new JsonObject
            {
                ["type"] = Types("string", "number", "boolean", "null"),
                ["description"] = "A value as it would appear in an input file (null: not answered).",
            },
            ["license"] = Mapping("The licence.", R.LicenseKeys, new Dictionary<string, JsonObject>
            {
                ["name"] = TextValue("Name or short statement of the licence."),
                ["texts"] = Enum(R.TextLicenseNames, "shipped: the item texts are in this file; restricted: they are licensed separately (a texts file)."),
                ["url"] = TextValue("Where the terms are published."),
                ["notice"] = TextValue("A notice that must accompany the instrument."),
            }, "name", "texts"),
            ["counterpart"] = Mapping("The other form of a paired measure.", R.CounterpartKeys, new Dictionary<string, JsonObject>
            {
                ["instrument"] = TextValue("The counterpart instrument's id."),
                ["scores"] = MapOf(new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 },
                    "This instrument's score id -> the counterpart's score id."),
            }, "instrument", "scores"),
            ["scale"] = Mapping("A response scale.", R.ScaleKeys, new Dictionary<string, JsonObject>
            {
                ["options"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/option" }, "The options: { value: <integer>, label: <text> }."),
            }, "options"),
            ["option"] = Mapping("A response option.", R.OptionKeys, new Dictionary<string, JsonObject>
            {
                ["value"] = Integer("The option's value, an integer unique within the scale."),
                ["label"] = TextValue("The option's label."),
                ["code"] = Ref("code", "The answer's code in a terminology, for example a LOINC answer code."),
            }, "value", "label"),
            ["item"] = Mapping("An item.", R.ItemKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(ElementIdPattern, "A letter or '_', then letters, digits or '_'. It names the item's column in response files."),
                ["text"] = TextValue("The item text; only when license.texts is shipped."),
                ["scale"] = TextValue("Id of a response scale."),
                ["reverse"] = Boolean("true for a reverse-keyed item. Default false."),
                ["optional"] = Boolean("true for an item that may be left empty without making the response partial. Default false."),
                ["keep"] = Boolean("true for an answer carried through to the output, never scored. Default false."),
                ["code"] = Ref("code", "The question's code in a terminology, for example a LOINC question code."),
            }, "id", "scale"),
            ["score"] = WithAnyRequired(Mapping("A score: a sum or mean of items (method), or derived (expression).", R.ScoreKeys,
                new Dictionary<string, JsonObject>
                {
                    ["id"] = Pattern(ElementIdPattern, "Same rule as item ids; may not equal an item id."),
                    ["title"] = TextValue("Human-readable name."),
                    ["items"] = ListOf(new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 }, "Item ids (sum and mean scores)."),
                    ["method"] = Enum(R.MethodNames, "sum or mean of the (reverse-keyed where declared) item values."),
                    ["expression"] = TextValue("An expression over items and other scores (a derived score: no items or method)."),
                    ["missing"] = Ref("missing", "The missing-data rule. Default: no item may be missing."),
                    ["rounding"] = Ref("roundingOrNone", "How every value of the score is rounded, as the manual states. Default: not rounded."),
                    ["bands"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/band" }, "Interpretation bands."),
                    ["sources"] = Ref("sources", "Where the score's rule and cut-offs come from."),
                    ["change"] = Ref("change", "Change rules: how change in the score between administrations is read."),
                    ["code"] = Ref("code", "The score's code in a terminology, for example the LOINC code of a total score."),
                }, "id"), "method", "expression"),
            ["code"] = Mapping("A code from a terminology (docs/yaml-format.md, Codes).", R.CodeKeys, new Dictionary<string, JsonObject>
            {
                ["system"] = TextValue("The code system as an absolute URI, such as http://loinc.org."),
                ["code"] = TextValue("The code, as the code system writes it."),
                ["display"] = TextValue("The code system's display text."),
                ["sources"] = Ref("sources", "Where the code is stated: the terminology, or an implementation guide that uses it."),
            }, "system", "code"),
            ["missing"] = Mapping("The missing-data rule.", R.MissingKeys, new Dictionary<string, JsonObject>
            {
                ["max"] = Integer("How many of the score's items may be missing. Default 0."),
                ["prorate"] = Boolean("true: a sum is prorated (sum of the answered items x number of items / number answered)."),
                ["rounding"] = Ref("roundingOrNone", "How a prorated value is rounded. Default: not rounded."),
                ["sources"] = Ref("sources", "Where the rule comes from."),
            }),
            ["roundingOrNone"] = new JsonObject
            {
                ["description"] = "none, or a rounding rule { method, ties, digits, sources }.",
                ["oneOf"] = new JsonArray(new JsonObject { ["const"] = "none" }, new JsonObject { ["$ref"] = "#/$defs/rounding" }),
            },
            ["rounding"] = Mapping("A rounding rule.", R.RoundingKeys, new Dictionary<string, JsonObject>
            {
                ["method"] = Enum(R.RoundingMethodNames, "nearest, or none to state that the manual uses the value as it is."),
                ["ties"] = Enum(R.RoundingTiesNames, "Where a value exactly halfway goes (required with nearest)."),
                ["digits"] = Integer("Decimals kept, 0 (the default) to 6."),
                ["sources"] = Ref("sources", "Where the rule comes from."),
            }, "method"),
            ["band"] = WithOneRequired(Mapping("An interpretation band: min and max (inclusive) or below (exclusive).", R.BandKeys,
                new Dictionary<string, JsonObject>
                {
                    ["min"] = Number("The band's lowest value (inclusive)."),
                    ["max"] = Number("The band's highest value (inclusive). Give max or below, never both."),
                    ["below"] = Number("The band's upper bound, exclusive (a half-open band). Give max or below, never both."),
                    ["label"] = TextValue("The label a value in the band gets."),
                    ["description"] = TextValue("What the band means."),
                }, "min", "label"), "max", "below"),
            ["change"] = Mapping("Change rules.", R.ChangeKeys, new Dictionary<string, JsonObject>
            {
                ["direction"] = Enum(R.DirectionNames, "Which way 'improved' points."),
                ["caseness"] = Ref("caseness", "The clinical cut-off, inclusive: exactly one of min and max."),
                ["reliable_change"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/reliableChange" }, "Named reliable-change rules, in order."),
                ["clinical_significance"] = Ref("clinicalSignificance", "Jacobson & Truax (1991) clinical significance."),
                ["sudden_gains"] = Ref("suddenGains", "Sudden gains (Tang & DeRubeis, 1999)."),
                ["ruptures"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/rupture" }, "Rupture-and-repair rules, in order."),
            }, "direction"),
            ["caseness"] = Mapping("The clinical cut-off.", R.CasenessKeys, new Dictionary<string, JsonObject>
            {
                ["min"] = Number("A score of min or more is a case."),
                ["max"] = Number("A score of max or less is a case."),
                ["sources"] = Ref("sources", "Where the cut-off comes from."),
            }),
            ["reliableChange"] = FixedHasNoCritical(Mapping("A reliable-change rule.", R.ReliableChangeKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(RuleIdPattern, "Lowercase letters, digits, '-' and '_', starting with a letter."),
                ["method"] = Enum(R.ReliableChangeMethodNames, "fixed (a threshold in points) or jacobson-truax (sd, reliability, critical)."),
                ["threshold"] = Number("fixed: a change of at least this many points is reliable."),
                ["sd"] = Number("jacobson-truax: SD of the reference sample."),
                ["reliability"] = Number("jacobson-truax: reliability, 0 <= r < 1."),
                ["critical"] = Number("jacobson-truax: the critical value, 1.96 by default."),
                ["sources"] = Ref("sources", "Where the rule comes from."),
            }, "id", "method")),
            ["clinicalSignificance"] = Mapping("Clinical significance.", R.ClinicalKeys, new Dictionary<string, JsonObject>
            {
                ["functional"] = Ref("norm", "The functional (non-clinical) sample: mean and sd."),
                ["dysfunctional"] = Ref("norm", "The dysfunctional (clinical) sample: mean and sd."),
                ["cutoff"] = Enum(R.CutoffNames, "The cut-off in use; c by default."),
                ["reliable_change"] = TextValue("The reliable-change rule the categories use."),
                ["sources"] = Ref("sources", "Where the norms come from."),
            }, "functional", "dysfunctional", "reliable_change"),
            ["norm"] = Mapping("A sample's mean and SD.", R.NormKeys, new Dictionary<string, JsonObject>
            {
                ["mean"] = Number("The sample mean."),
                ["sd"] = Number("The sample SD."),
            }, "mean", "sd"),
            ["suddenGains"] = Mapping("A sudden-gain rule.", R.SuddenGainKeys, new Dictionary<string, JsonObject>
            {
                ["cutoff"] = Number("The cut-off in points (or instead reliable_change)."),
                ["reliable_change"] = TextValue("A rule whose point threshold is the cut-off (or instead cutoff)."),
                ["relative"] = Number("The relative criterion, 0.25 by default."),
                ["stability"] = Boolean("The stability criterion, true by default."),
                ["sources"] = Ref("sources", "Where the rule comes from."),
            }),
            ["rupture"] = Mapping("A rupture-and-repair rule.", R.RuptureKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(RuleIdPattern, "Lowercase letters, digits, '-' and '_', starting with a letter."),
                ["k"] = Number("A drop of at least k SD is a rupture (needs sd)."),
                ["sd"] = new JsonObject
                {
                    ["description"] = "client (the client's own series SD) or a stated sample SD.",
                    ["anyOf"] = new JsonArray(new JsonObject { ["const"] = "client" }, new JsonObject { ["type"] = "number" }),
                },
                ["points"] = Number("A drop of at least this many points is a rupture."),
                ["repair_within"] = Integer("Repair within the next so many usable administrations."),
                ["sources"] = Ref("sources", "Where the rule comes from."),
            }, "id"),
            ["flag"] = Mapping("A flag.", R.FlagKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(ElementIdPattern, "Same rule as item ids."),
                ["when"] = TextValue("A condition: an expression whose top level is a comparison or a logical operator."),
                ["severity"] = Enum(R.SeverityNames, "warning by default."),
                ["message"] = TextValue("What the clinician should do."),
                ["sources"] = Ref("sources", "Where the rule behind the flag comes from."),
            }, "id", "when"),
            ["example"] = ExampleVariants(Mapping("A worked example: responses and what scoring must give them, or a series of administrations.",
                R.ExampleKeys, new Dictionary<string, JsonObject>
                {
                    ["name"] = TextValue("Printed by the test runner; unique within the file."),
                    ["source"] = TextValue("A published worked example, or 'computed from the published rule in <source>'."),
                    ["responses"] = MapOf(new JsonObject { ["$ref"] = "#/$defs/scalar" }, "Item id -> value (null: not answered)."),
                    ["series"] = new JsonObject
                    {
                        ["type"] = Types("array", "null"),
                        ["items"] = new JsonObject { ["$ref"] = "#/$defs/administration" },
                        ["description"] = "Administrations in occasion order (a series example; instead of responses).",
                    },
                    ["expect"] = new JsonObject { ["type"] = "object", ["description"] = "What scoring must give. Only the keys given are checked." },
                }, "name", "source", "expect")),
            ["administration"] = Mapping("An administration of a series example.", R.AdministrationKeys, new Dictionary<string, JsonObject>
            {
                ["occasion"] = TextValue("The occasion (each once)."),
                ["responses"] = MapOf(new JsonObject { ["$ref"] = "#/$defs/scalar" }, "Item id -> value (null: not answered)."),
            }, "occasion"),
            ["expectation"] = Mapping("What scoring must give an example's responses.", R.ExpectKeys, new Dictionary<string, JsonObject>
            {
                ["status"] = Enum(R.StatusNames, "The response's status."),
                ["scores"] = MapOf(new JsonObject { ["type"] = Types("number", "null") }, "Score id -> number (null: not computed)."),
                ["unrounded"] = MapOf(new JsonObject { ["type"] = Types("number", "null") }, "Score id -> the value before rounding."),
                ["bands"] = MapOf(new JsonObject { ["type"] = Types("string", "number", "boolean", "null") }, "Score id -> band label (null: no band)."),
                ["flags"] = TextList("The raised flags, exactly."),
                ["unevaluated_flags"] = TextList("The flags that could not be evaluated, exactly."),
                ["prorated"] = TextList("The prorated scores, exactly."),
                ["diagnostics"] = TextList("Response diagnostic IDs that must be reported."),
            }),
            ["courseExpectation"] = Mapping("What a score's course must give.", R.CourseExpectKeys, new Dictionary<string, JsonObject>
            {
                ["first"] = NumberOrNull("First usable value (null: none)."),
                ["last"] = NumberOrNull("Last usable value (null: fewer than two usable)."),
                ["change"] = NumberOrNull("last - first."),
                ["case_first"] = BooleanOrNull(R.BoolNames, "A case at the first usable administration."),
                ["case_last"] = BooleanOrNull(R.BoolNames, "A case at the last usable administration."),
                ["recovered"] = BooleanOrNull(R.BoolNames, "Recovered."),
                ["reliable_change"] = MapOf(Enum(R.OutcomeNames, "The rule's outcome.", orNull: true), "Rule id -> improved, unchanged, deteriorated or null."),
                ["category"] = Enum(R.CategoryNames, "The clinical-significance category.", orNull: true),
                ["sudden_gains"] = Occasions("Pregain occasions, exactly and in order ([] or null: none)."),
                ["sudden_losses"] = Occasions("Pre-loss occasions, exactly and in order ([] or null: none)."),
                ["ruptures"] = MapOf(Occasions("The rupture occasions."), "Rupture rule id -> the rupture occasions, exactly and in order."),
                ["repairs"] = MapOf(Occasions("The repair occasions."), "Rupture rule id -> the repair occasions of the repaired ruptures."),
                ["early_slope"] = NumberOrNull("The early-alliance slope."),
            }),
        };

        return Root(FileName, "Instruments: instrument file", top, defs);
    }

    /// <summary>The reader's true/false words are YAML booleans: the enum holds the table's values, then null.</summary>
    private static JsonObject BooleanOrNull((string Name, bool Value)[] names, string description)
    {
        var values = new JsonArray();
        foreach (var (_, value) in names)
        {
            values.Add(value);
        }

        values.Add(null);
        return new JsonObject { ["enum"] = values, ["description"] = description };
    }

    private static JsonObject NumberOrNull(string description) => new() { ["type"] = Types("number", "null"), ["description"] = description };

    private static JsonObject Occasions(string description) => new()
    {
        ["type"] = Types("array", "null"),
        ["items"] = new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 },
        ["description"] = description,
    };

    /// <summary>A sum or mean score says its method; a derived score has an expression (INS1011 otherwise).</summary>
    private static JsonObject WithAnyRequired(JsonObject mapping, string first, string second)
    {
        mapping["anyOf"] = new JsonArray(new JsonObject { ["required"] = Types(first) }, new JsonObject { ["required"] = Types(second) });
        return mapping;
    }

    /// <summary>Exactly one of two keys (a band's max or below: INS1011 without either, INS1153 with both).</summary>
    private static JsonObject WithOneRequired(JsonObject mapping, string first, string second)
    {
        mapping["oneOf"] = new JsonArray(new JsonObject { ["required"] = Types(first) }, new JsonObject { ["required"] = Types(second) });
        return mapping;
    }

    /// <summary>A fixed rule has no critical value (INS1086, reported by the reader where the file shows it).</summary>
    private static JsonObject FixedHasNoCritical(JsonObject mapping)
    {
        mapping["if"] = new JsonObject
        {
            ["properties"] = new JsonObject { ["method"] = new JsonObject { ["const"] = "fixed" } },
            ["required"] = Types("method"),
        };
        mapping["then"] = new JsonObject { ["not"] = new JsonObject { ["required"] = Types("critical") } };
        return mapping;
    }

    /// <summary>
    /// An entry with <c>series</c> is a series example (no <c>responses</c>, INS1079; <c>expect</c> maps score ids to
    /// courses); any other is a responses example.
    /// </summary>
    private static JsonObject ExampleVariants(JsonObject mapping)
    {
        mapping["if"] = new JsonObject { ["required"] = Types("series") };
        mapping["then"] = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["responses"] = false,
                ["expect"] = new JsonObject { ["additionalProperties"] = new JsonObject { ["$ref"] = "#/$defs/courseExpectation" } },
            },
        };
        mapping["else"] = new JsonObject
        {
            ["properties"] = new JsonObject { ["expect"] = new JsonObject { ["$ref"] = "#/$defs/expectation" } },
        };
        return mapping;
    }
}
