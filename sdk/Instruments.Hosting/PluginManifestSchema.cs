using System.Text.Json.Nodes;
using Instruments.Compiler;
using Instruments.Compiler.Schemas;
using static Instruments.Compiler.Schemas.SchemaBuilder;

namespace Instruments.Hosting;

/// <summary>
/// The JSON Schema (draft 2020-12) of <c>plugin.yaml</c>, generated from the manifest reader's key table (the other
/// file kinds' schemas are <see cref="JsonSchemas"/>).
/// </summary>
public static class PluginManifestSchema
{
    /// <summary>The schema's file name (<c>plugin.schema.json</c>).</summary>
    public const string FileName = "plugin.schema.json";

    /// <summary>The schema, as the text of a JSON file (two-space indents, <c>\n</c> line ends).</summary>
    public static string Generate() => Write(Build());

    internal static JsonObject Build()
    {
        var top = Mapping("A plugin manifest (docs/plugin-authoring.md).", PluginManifest.Keys, new Dictionary<string, JsonObject>
        {
            ["id"] = Pattern(InstrumentSchema.InstrumentIdPattern, "The plugin's id: lowercase letters, digits, '-' and '.'."),
            ["version"] = Pattern(InstrumentSchema.VersionPattern, "Semantic version of the plugin (1.0.0)."),
            ["description"] = NonEmpty("What the plugin holds."),
            ["sdk"] = NonEmpty("The SDK versions the plugin works with, a range such as \">=0.1.0 <1.0.0\"."),
            ["assembly"] = NonEmpty("A compiled plugin's assembly, relative to the plugin folder."),
            ["type"] = NonEmpty("The plugin class in the assembly."),
            ["instruments"] = Globs("Instrument (and protocol) file patterns relative to the plugin folder; default instruments/*.yaml."),
            ["templates"] = Globs("Report template patterns relative to the plugin folder; default templates/*.scriban."),
        }, "id", "version", "sdk");
        return Root(FileName, "Instruments: plugin manifest", top);
    }

    private static JsonObject NonEmpty(string description)
    {
        var text = TextValue(description);
        text["minLength"] = 1;
        return text;
    }

    private static JsonObject Globs(string description) =>
        ListOf(new JsonObject { ["type"] = Types("string", "number", "boolean"), ["minLength"] = 1 }, description);
}
