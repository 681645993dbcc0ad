using System.Text.Json.Nodes;
using static Instruments.Compiler.Schemas.SchemaBuilder;

namespace Instruments.Compiler.Schemas;

/// <summary>The JSON Schema of texts files, built from <see cref="InstrumentTexts"/>' key table.</summary>
internal static class TextsSchema
{
    public const string FileName = "texts.schema.json";

    public static string Generate() => Write(Build());

    internal static JsonObject Build()
    {
        var nonEmptyText = new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 };
        var top = Mapping("A texts file: the item wording of an instrument whose texts are licensed separately (docs/yaml-format.md, Texts files).",
            InstrumentTexts.Keys, new Dictionary<string, JsonObject>
            {
                ["instrument"] = Pattern(InstrumentSchema.InstrumentIdPattern, "The definition's id."),
                ["version"] = NonEmpty("The definition version the texts were written for."),
                ["language"] = NonEmpty("Language of the texts (a BCP 47 tag)."),
                ["instructions"] = NonEmpty("Replaces the definition's instructions."),
                ["texts"] = MapOf(nonEmptyText, "Item id -> text."),
            }, "instrument", "texts");
        return Root(FileName, "Instruments: texts file", top);
    }

    private static JsonObject NonEmpty(string description)
    {
        var text = TextValue(description);
        text["minLength"] = 1;
        return text;
    }
}
