using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Instruments.Compiler.Schemas;

/// <summary>
/// Small helpers that build JSON Schema (draft 2020-12) nodes. A mapping is built from a reader's key table: every key of
/// the table must have a schema here and no other key may be given, so that a key added to a reader without a schema
/// fails generation (and the tests), and the schema never allows a key the reader reports as unknown (INS1010).
/// </summary>
internal static class SchemaBuilder
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>
    /// A placeholder base for the schemas' <c>$id</c>, consistent with the repository URL in sdk/Directory.Build.props
    /// (github.com/instruments-sdk/instruments, itself a placeholder until the repository is published).
    /// </summary>
    public const string BaseUri = "https://instruments-sdk.github.io/schemas/";

    /// <summary>The YAML scalars the readers accept as text: anything but a list, a mapping or an empty (null) value.</summary>
    public static JsonObject TextValue(string description) => new() { ["type"] = Types("string", "number", "boolean"), ["description"] = description };

    public static JsonObject Pattern(string pattern, string description) =>
        new() { ["type"] = "string", ["pattern"] = pattern, ["description"] = description };

    public static JsonObject Integer(string description) => new() { ["type"] = "integer", ["description"] = description };

    public static JsonObject Number(string description) => new() { ["type"] = "number", ["description"] = description };

    public static JsonObject Boolean(string description) => new() { ["type"] = "boolean", ["description"] = description };

    public static JsonObject Ref(string definition, string description) => new() { ["$ref"] = "#/$defs/" + definition, ["description"] = description };

    public static JsonObject ListOf(JsonNode items, string description) => new() { ["type"] = "array", ["items"] = items, ["description"] = description };

    public static JsonObject TextList(string description) => ListOf(new JsonObject { ["type"] = Types("string", "number", "boolean") }, description);

    /// <summary>A mapping whose keys are free (ids) and whose values all follow <paramref name="values"/>.</summary>
    public static JsonObject MapOf(JsonNode values, string description) =>
        new() { ["type"] = "object", ["additionalProperties"] = values, ["description"] = description };

    /// <summary>An enum from a reader's name table (the words it accepts), optionally also <c>null</c>.</summary>
    public static JsonObject Enum<T>((string Name, T Value)[] names, string description, bool orNull = false)
    {
        var values = new JsonArray();
        foreach (var (name, _) in names)
        {
            values.Add(name);
        }

        if (orNull)
        {
            values.Add(null);
        }

        return new JsonObject { ["enum"] = values, ["description"] = description };
    }

    public static JsonArray Types(params string[] types)
    {
        var array = new JsonArray();
        foreach (var type in types)
        {
            array.Add(type);
        }

        return array;
    }

    /// <summary>
    /// A mapping with exactly the keys of <paramref name="keys"/> (a reader's table), in its order, and
    /// <c>additionalProperties: false</c>. Throws when the table and <paramref name="properties"/> disagree.
    /// </summary>
    public static JsonObject Mapping(string description, string[] keys, IReadOnlyDictionary<string, JsonObject> properties, params string[] required)
    {
        var missing = keys.Where(k => !properties.ContainsKey(k)).ToList();
        var extra = properties.Keys.Where(k => Array.IndexOf(keys, k) < 0).ToList();
        var unknownRequired = required.Where(k => Array.IndexOf(keys, k) < 0).ToList();
        if (missing.Count > 0 || extra.Count > 0 || unknownRequired.Count > 0)
        {
            throw new InvalidOperationException(
                $"The schema of '{description}' does not match the reader's key table: no schema for [{string.Join(", ", missing)}], "
                + $"not in the table [{string.Join(", ", extra.Concat(unknownRequired))}].");
        }

        var props = new JsonObject();
        foreach (var key in keys)
        {
            props[key] = properties[key];
        }

        var result = new JsonObject { ["type"] = "object", ["description"] = description, ["properties"] = props };
        if (required.Length > 0)
        {
            result["required"] = Types(required);
        }

        result["additionalProperties"] = false;
        return result;
    }

    /// <summary>The root of a schema file: <c>$schema</c>, <c>$id</c>, title, then the body's keys, then <c>$defs</c>.</summary>
    public static JsonObject Root(string fileName, string title, JsonObject body, JsonObject? definitions = null)
    {
        var root = new JsonObject { ["$schema"] = Draft, ["$id"] = BaseUri + fileName, ["title"] = title };
        foreach (var (key, value) in body.ToList())
        {
            body.Remove(key);
            root[key] = value;
        }

        if (definitions is not null)
        {
            root["$defs"] = definitions;
        }

        return root;
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The file's text: indented with two spaces, <c>\n</c> line ends and a final newline, the same on every platform.</summary>
    public static string Write(JsonObject root)
    {
        var text = new StringBuilder(root.ToJsonString(Options));
        text.Append('\n');
        return text.ToString();
    }
}
