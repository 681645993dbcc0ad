using System.Text.Json;
using Instruments.Compiler;
using Instruments.Definitions;

namespace Instruments.Sdk.Tests.Writers;

public sealed class DefinitionJsonWriterTests
{
    private const string Yaml = """
        instrument: mood
        version: 1.0.0
        title: Mood
        respondent: client
        license: { name: test, texts: restricted }
        response_scales:
          f: { options: [ { value: 0, label: no }, { value: 1, label: yes } ] }
        items:
          - { id: m1, scale: f }
          - { id: m2, scale: f, reverse: true }
        scores:
          - { id: total, items: [m1, m2], method: sum, bands: [ { min: 0, max: 1, label: low }, { min: 2, max: 2, label: high, description: "High." } ] }
        """;

    private static InstrumentDefinition Mood()
    {
        var compilation = InstrumentCompiler.Compile(Yaml, "mood.yaml");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Definitions[0];
    }

    [Fact]
    public void ToJson_WritesTheDescribeShape_InDefinitionOrder()
    {
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood()));
        var root = doc.RootElement;

        Assert.Equal(
            ["id", "version", "title", "respondent", "language", "instructions", "missing_codes", "response_scales", "items", "scores", "flags", "citation", "license", "notes"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("client", root.GetProperty("respondent").GetString());
        Assert.Equal(["m1", "m2"], root.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.True(root.GetProperty("items")[1].GetProperty("reverse").GetBoolean());
        var bands = root.GetProperty("scores")[0].GetProperty("bands");
        Assert.False(bands[0].TryGetProperty("description", out _));
        Assert.Equal("High.", bands[1].GetProperty("description").GetString());
        Assert.Equal("restricted", root.GetProperty("license").GetProperty("texts").GetString());
    }

    [Fact]
    public void ToJson_WritesTheRestrictedTextNote_OnlyWhenOneIsGiven()
    {
        using var without = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood()));
        using var with = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood(), "texts are licensed separately"));

        Assert.False(without.RootElement.GetProperty("items")[0].TryGetProperty("text_note", out _));
        Assert.Equal("texts are licensed separately", with.RootElement.GetProperty("items")[0].GetProperty("text_note").GetString());
    }
}
