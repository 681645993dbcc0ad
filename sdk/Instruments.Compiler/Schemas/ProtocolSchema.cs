using System.Text.Json.Nodes;
using static Instruments.Compiler.Schemas.SchemaBuilder;
using P = Instruments.Compiler.YamlProtocolReader;

namespace Instruments.Compiler.Schemas;

/// <summary>The JSON Schema of protocol files, built from <see cref="YamlProtocolReader"/>'s key tables.</summary>
internal static class ProtocolSchema
{
    public const string FileName = "protocol.schema.json";

    /// <summary>The <c>$defs</c> entry of each key table of <see cref="YamlProtocolReader"/> (the top level is the root).</summary>
    internal static readonly IReadOnlyDictionary<string, string> DefinitionOfTable = new Dictionary<string, string>
    {
        [nameof(P.AllianceOutcomeKeys)] = "allianceOutcome",
        [nameof(P.MeasureKeys)] = "measure",
        [nameof(P.OutcomeKeys)] = "outcome",
    };

    public static string Generate() => Write(Build());

    internal static JsonObject Build()
    {
        var top = Mapping("A protocol: several instruments scored from the same rows, and outcome rules (docs/yaml-format.md, Protocols).",
            P.TopKeys, new Dictionary<string, JsonObject>
            {
                ["protocol"] = Pattern(InstrumentSchema.InstrumentIdPattern, "The protocol's id: lowercase letters, digits, '-' and '.'."),
                ["version"] = Pattern(InstrumentSchema.VersionPattern, "Semantic version (1.0.0)."),
                ["title"] = TextValue("Human-readable name."),
                ["citation"] = TextValue("The publication the protocol comes from."),
                ["notes"] = TextValue("What is unconfirmed and left out, choices made."),
                ["measures"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/measure" }, "The measures, at least one."),
                ["outcomes"] = ListOf(new JsonObject { ["$ref"] = "#/$defs/outcome" }, "Outcome rules, evaluated in order."),
                ["alliance_outcome"] = Ref("allianceOutcome", "Pairs an alliance measure with an outcome measure of the same protocol."),
            }, "protocol", "version", "title", "measures");

        var defs = new JsonObject
        {
            ["sources"] = ListOf(new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 },
                "Where the rule is published: a list of citations or URLs."),
            ["measure"] = Mapping("A measure.", P.MeasureKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(InstrumentSchema.ElementIdPattern, "The measure's alias (a letter or '_', then letters, digits or '_')."),
                ["instrument"] = TextValue("The id of a loaded instrument."),
                ["score"] = TextValue("One of that instrument's scores."),
                ["reliable_change"] = TextValue("The id of one of the score's reliable_change rules."),
            }, "id", "instrument", "score"),
            ["outcome"] = Mapping("An outcome rule.", P.OutcomeKeys, new Dictionary<string, JsonObject>
            {
                ["id"] = Pattern(InstrumentSchema.ElementIdPattern, "The outcome's id (same rule as a measure id)."),
                ["title"] = TextValue("What the outcome means."),
                ["when"] = TextValue("A condition over the measures' facts and earlier outcomes."),
                ["sources"] = Ref("sources", "Where the rule is published."),
            }, "id", "when"),
            ["allianceOutcome"] = Mapping("The alliance and outcome pairing.", P.AllianceOutcomeKeys, new Dictionary<string, JsonObject>
            {
                ["alliance"] = TextValue("The id of the measure that follows the alliance."),
                ["outcome"] = TextValue("The id of another measure: the outcome."),
                ["early_sessions"] = Integer("The client's first N administrations; a whole number, at least 1; default 3."),
            }, "alliance", "outcome"),
        };

        return Root(FileName, "Instruments: protocol file", top, defs);
    }
}
