using System.Text;
using System.Text.Json.Nodes;
using Instruments.Compiler.Tests.Schemas;
using Instruments.Diagnostics;

namespace Instruments.Hosting.Tests.Schemas;

/// <summary>
/// schemas/plugin.schema.json is generated from the manifest reader's key table, is committed as generated, every shipped
/// plugin.yaml names it on its first line and validates, and it agrees with the reader on structural mistakes (unknown
/// key PLG3002, missing key, invalid value) and valid variants. Meaning (the SDK range satisfied, files found, the
/// assembly loaded) is the host's, not the schema's.
/// </summary>
public sealed class PluginManifestSchemaTests
{
    private const string Schema = PluginManifestSchema.FileName;

    [Fact]
    public void KeyTable_IsExactlyTheSchemasProperties()
    {
        var root = PluginManifestSchema.Build();
        Assert.Equal(PluginManifest.Keys, root["properties"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.False(root["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void CommittedSchema_IsTheGeneratedOne()
    {
        var committed = File.ReadAllBytes(SchemaValidation.SchemaPath(Schema));
        Assert.True(Encoding.UTF8.GetBytes(PluginManifestSchema.Generate()).AsSpan().SequenceEqual(committed),
            "schemas/plugin.schema.json is not what generation gives: run 'instruments schema --output schemas/' and review the difference");
        var root = JsonNode.Parse(committed)!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root["$schema"]!.GetValue<string>());
        Assert.Equal(Instruments.Compiler.JsonSchemas.BaseUri + Schema, root["$id"]!.GetValue<string>());
    }

    public static TheoryData<string> ShippedManifests()
    {
        var root = SchemaValidation.RepoRoot();
        return [.. Directory.EnumerateFiles(Path.Combine(root, "plugins"), "plugin.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(ShippedManifests))]
    public void ShippedManifest_NamesItsSchemaOnTheFirstLine_AndValidates(string relative)
    {
        var file = Path.Combine(SchemaValidation.RepoRoot(), relative);
        Assert.Equal(SchemaValidation.SchemaPath(Schema), SchemaValidation.ModelineTarget(file));
        Assert.Null(SchemaValidation.Errors(Schema, File.ReadAllText(file)));
    }

    [Fact]
    public void EveryBuiltInPlugin_HasAManifestTested() => Assert.True(ShippedManifests().Count >= 4);

    private const string Base = """
        id: demo
        version: 1.0.0
        description: A demo plugin
        sdk: ">=0.1.0 <1.0.0"
        instruments: ["instruments/*.yaml"]

        """;

    public static TheoryData<string, string, string, string> Mistakes() => new()
    {
        { "unknown key", "description:", "descripton:", "PLG3002" },
        { "missing id", "id: demo\n", "", "PLG3003" },
        { "missing sdk", "sdk: \">=0.1.0 <1.0.0\"\n", "", "PLG3003" },
        { "id with capitals", "id: demo", "id: Demo", "PLG3004" },
        { "version not semantic", "version: 1.0.0", "version: \"1.0\"", "PLG3004" },
        { "instruments not a list", "instruments: [\"instruments/*.yaml\"]", "instruments: instruments/*.yaml", "PLG3004" },
        { "empty description", "description: A demo plugin", "description: \"\"", "PLG3004" },
        { "empty pattern", "[\"instruments/*.yaml\"]", "[\"\"]", "PLG3004" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistake_IsRejectedByTheSchemaAndTheReader(string name, string find, string replace, string id)
    {
        var text = Apply(find, replace);
        var diagnostics = Read(text);
        Assert.True(diagnostics.Any(d => d.IsError && d.Id == id), $"{name}: the reader gave [{string.Join("; ", diagnostics)}], not {id}");
        Assert.True(SchemaValidation.Errors(Schema, text) is not null, $"{name}: the schema accepts what the reader rejects ({id})");
    }

    [Theory]
    [InlineData("the base", "", "")]
    [InlineData("only the required keys", "description: A demo plugin\n", "")]
    [InlineData("assembly and type", "", "assembly: bin/Demo.dll\ntype: Demo.Plugin\ntemplates: [\"templates/*.scriban\"]\n")]
    public void Variant_IsAcceptedByTheSchemaAndTheReader(string name, string find, string replace)
    {
        var text = Apply(find, replace);
        var diagnostics = Read(text);
        Assert.True(!diagnostics.Any(d => d.IsError), $"{name}: the reader rejects it: {string.Join("; ", diagnostics)}");
        Assert.Null(SchemaValidation.Errors(Schema, text));
    }

    private static List<Diagnostic> Read(string text)
    {
        var folder = Directory.CreateTempSubdirectory("schema-manifest-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, PluginManifest.FileName), text);
            var diagnostics = new List<Diagnostic>();
            _ = PluginManifest.Read(folder.FullName, diagnostics);
            return diagnostics;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Apply(string find, string replace)
    {
        var text = Base.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (find.Length == 0)
        {
            return text + replace;
        }

        Assert.Contains(find, text, StringComparison.Ordinal);
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
