using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Instruments.Compiler.Tests.Schemas;

/// <summary>
/// Validates YAML text against a committed schema file (schemas/*.schema.json) the way an editor does: the YAML is turned
/// into JSON with the YAML 1.2 core schema's reading of plain scalars (true/false are booleans, null/~/empty is null,
/// integers and decimals are numbers, everything quoted or else is a string), then JsonSchema.Net 8 evaluates it.
/// Linked into the hosting tests (plugin manifests).
/// </summary>
internal static partial class SchemaValidation
{
    private static readonly Dictionary<string, JsonSchema> Loaded = [];
    private static readonly Lock Gate = new();

    public static string SchemaPath(string fileName) => Path.Combine(RepoRoot(), "schemas", fileName);

    /// <summary>The committed schema (loaded once: JsonSchema.Net registers each <c>$id</c> once per process).</summary>
    public static JsonSchema Schema(string fileName)
    {
        lock (Gate)
        {
            if (!Loaded.TryGetValue(fileName, out var schema))
            {
                schema = JsonSchema.FromText(File.ReadAllText(SchemaPath(fileName)));
                Loaded[fileName] = schema;
            }

            return schema;
        }
    }

    /// <summary>Null when <paramref name="yaml"/> is valid; otherwise the schema's errors, one a line.</summary>
    public static string? Errors(string fileName, string yaml)
    {
        var json = ToJson(yaml);
        using var document = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var results = Schema(fileName).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        var lines = (results.Details ?? []).Prepend(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"));
        return string.Join("\n", lines) is { Length: > 0 } text ? text : "invalid";
    }

    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? string.Empty] = Convert(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var child in sequence.Children)
                {
                    array.Add(Convert(child));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidOperationException("unexpected node " + node.NodeType);
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when FloatPattern().IsMatch(text) => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>The schema a shipped file's first line names: <c># yaml-language-server: $schema=RELATIVE</c>, resolved.</summary>
    public static string? ModelineTarget(string file)
    {
        var first = File.ReadLines(file).FirstOrDefault() ?? string.Empty;
        const string Prefix = "# yaml-language-server: $schema=";
        return first.StartsWith(Prefix, StringComparison.Ordinal)
            ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, first[Prefix.Length..]))
            : null;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found above " + AppContext.BaseDirectory);
    }
}
