using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Instruments.Compiler.Schemas;

namespace Instruments.Compiler.Tests.Schemas;

/// <summary>
/// The schemas under schemas/ are generated from the readers' key and name tables (one source of truth): every table is
/// a mapping of the schema with exactly its keys, every name table an enum with exactly its words, and the committed
/// files are what generation gives, byte for byte.
/// </summary>
public sealed class JsonSchemaTests
{
    private static readonly BindingFlags Statics = BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>Each string[] *Keys table of a reader, with the schema object that must have exactly its keys as properties.</summary>
    public static TheoryData<string, string> KeyTables()
    {
        var data = new TheoryData<string, string>();
        foreach (var table in Tables(typeof(YamlDefinitionReader), "Keys"))
        {
            data.Add("instrument", table);
        }

        foreach (var table in Tables(typeof(YamlProtocolReader), "Keys"))
        {
            data.Add("protocol", table);
        }

        data.Add("texts", "Keys");
        return data;
    }

    [Theory]
    [MemberData(nameof(KeyTables))]
    public void KeyTable_IsExactlyTheSchemaMappingsProperties(string kind, string table)
    {
        var (reader, schema, definitions) = kind switch
        {
            "instrument" => (typeof(YamlDefinitionReader), InstrumentSchema.Build(), InstrumentSchema.DefinitionOfTable),
            "protocol" => (typeof(YamlProtocolReader), ProtocolSchema.Build(), ProtocolSchema.DefinitionOfTable),
            _ => (typeof(InstrumentTexts), TextsSchema.Build(), new Dictionary<string, string>()),
        };
        var keys = (string[])reader.GetField(table, Statics)!.GetValue(null)!;
        JsonObject mapping;
        if (table is "TopKeys" or "Keys")
        {
            mapping = schema;
        }
        else
        {
            Assert.True(definitions.TryGetValue(table, out var definition), $"{reader.Name}.{table} has no schema mapping (add it to DefinitionOfTable)");
            mapping = schema["$defs"]![definition]!.AsObject();
        }

        var properties = mapping["properties"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.Equal(keys, properties);
        Assert.False(mapping["additionalProperties"]!.GetValue<bool>());
        foreach (var required in mapping["required"]?.AsArray() ?? [])
        {
            Assert.Contains(required!.GetValue<string>(), keys);
        }
    }

    /// <summary>Where each name table of the instrument reader is an enum in the schema.</summary>
    private static readonly Dictionary<string, string> EnumLocations = new()
    {
        ["RespondentNames"] = "properties/respondent",
        ["TextLicenseNames"] = "$defs/license/properties/texts",
        ["MethodNames"] = "$defs/score/properties/method",
        ["RoundingMethodNames"] = "$defs/rounding/properties/method",
        ["RoundingTiesNames"] = "$defs/rounding/properties/ties",
        ["DirectionNames"] = "$defs/change/properties/direction",
        ["ReliableChangeMethodNames"] = "$defs/reliableChange/properties/method",
        ["CutoffNames"] = "$defs/clinicalSignificance/properties/cutoff",
        ["StatusNames"] = "$defs/expectation/properties/status",
        ["SeverityNames"] = "$defs/flag/properties/severity",
        ["OutcomeNames"] = "$defs/courseExpectation/properties/reliable_change/additionalProperties",
        ["CategoryNames"] = "$defs/courseExpectation/properties/category",
        ["BoolNames"] = "$defs/courseExpectation/properties/recovered",
    };

    public static TheoryData<string> NameTables() => [.. Tables(typeof(YamlDefinitionReader), "Names")];

    [Theory]
    [MemberData(nameof(NameTables))]
    public void NameTable_IsExactlyTheSchemaEnum(string table)
    {
        Assert.True(EnumLocations.TryGetValue(table, out var location), $"YamlDefinitionReader.{table} has no enum in the schema test's map");
        JsonNode node = InstrumentSchema.Build();
        foreach (var part in location.Split('/'))
        {
            node = node[part]!;
        }

        var names = ((Array)typeof(YamlDefinitionReader).GetField(table, Statics)!.GetValue(null)!).Cast<object>()
            .Select(t => (string)t.GetType().GetField("Item1")!.GetValue(t)!).ToArray();
        var words = node["enum"]!.AsArray().Where(v => v is not null).Select(v => v!.ToJsonString().Trim('"')).ToArray();
        Assert.Equal(names, words);
    }

    [Fact]
    public void TheCourseExpectationsBooleans_AreTheBoolTable()
    {
        // case_first, case_last and recovered share the table; all three must carry it.
        var properties = InstrumentSchema.Build()["$defs"]!["courseExpectation"]!["properties"]!;
        foreach (var key in new[] { "case_first", "case_last" })
        {
            Assert.Equal(properties["recovered"]!["enum"]!.ToJsonString(), properties[key]!["enum"]!.ToJsonString());
        }
    }

    [Theory]
    [InlineData("instrument.schema.json")]
    [InlineData("protocol.schema.json")]
    [InlineData("texts.schema.json")]
    public void CommittedSchema_IsTheGeneratedOne(string fileName)
    {
        var generated = fileName switch
        {
            "instrument.schema.json" => JsonSchemas.Instrument(),
            "protocol.schema.json" => JsonSchemas.Protocol(),
            _ => JsonSchemas.Texts(),
        };
        var committed = File.ReadAllBytes(SchemaValidation.SchemaPath(fileName));
        Assert.True(Encoding.UTF8.GetBytes(generated).AsSpan().SequenceEqual(committed),
            $"schemas/{fileName} is not what generation gives: run 'instruments schema --output schemas/' and review the difference");
    }

    [Theory]
    [InlineData("instrument.schema.json")]
    [InlineData("protocol.schema.json")]
    [InlineData("texts.schema.json")]
    public void Schema_HasDraft202012AndAStableId(string fileName)
    {
        var root = JsonNode.Parse(File.ReadAllText(SchemaValidation.SchemaPath(fileName)))!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root["$schema"]!.GetValue<string>());
        Assert.Equal(JsonSchemas.BaseUri + fileName, root["$id"]!.GetValue<string>());
        _ = SchemaValidation.Schema(fileName); // JsonSchema.Net reads it as a schema
    }

    private static IEnumerable<string> Tables(Type reader, string suffix) =>
        reader.GetFields(Statics).Where(f => f.Name.EndsWith(suffix, StringComparison.Ordinal) && f.IsInitOnly).Select(f => f.Name).Order(StringComparer.Ordinal);
}
