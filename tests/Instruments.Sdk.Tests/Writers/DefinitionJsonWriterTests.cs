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
            ["id", "version", "title", "respondent", "counterpart", "language", "instructions", "missing_codes", "response_scales", "items", "scores", "flags", "citation", "license", "notes"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("client", root.GetProperty("respondent").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("counterpart").ValueKind);
        Assert.Equal(["m1", "m2"], root.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.True(root.GetProperty("items")[1].GetProperty("reverse").GetBoolean());
        var bands = root.GetProperty("scores")[0].GetProperty("bands");
        Assert.False(bands[0].TryGetProperty("description", out _));
        Assert.Equal("High.", bands[1].GetProperty("description").GetString());
        Assert.Equal("restricted", root.GetProperty("license").GetProperty("texts").GetString());
    }

    [Fact]
    public void ToJson_WritesTheCounterpart_InstrumentAndScoreMapInOrder()
    {
        var def = Mood();
        var paired = new InstrumentDefinition
        {
            Id = def.Id, Version = def.Version, Title = def.Title, License = def.License, Respondent = def.Respondent, ResponseScales = def.ResponseScales,
            Items = def.Items, Scores = def.Scores,
            Counterpart = new CounterpartDeclaration { Instrument = "mood-t", Scores = [new ScorePairing { Score = "total", CounterpartScore = "sum" }] },
        };
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(paired));
        var counterpart = doc.RootElement.GetProperty("counterpart");
        Assert.Equal("mood-t", counterpart.GetProperty("instrument").GetString());
        Assert.Equal([("total", "sum")], counterpart.GetProperty("scores").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
    }

    [Fact]
    public void ToJson_WritesTheRestrictedTextNote_OnlyWhenOneIsGiven()
    {
        using var without = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood()));
        using var with = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood(), "texts are licensed separately"));

        Assert.False(without.RootElement.GetProperty("items")[0].TryGetProperty("text_note", out _));
        Assert.Equal("texts are licensed separately", with.RootElement.GetProperty("items")[0].GetProperty("text_note").GetString());
    }

    [Fact]
    public void ToJson_WritesChangeRules_WithComputedThresholdsAndCutoffs()
    {
        var compilation = InstrumentCompiler.Compile(Yaml.Replace(
            "{ min: 2, max: 2, label: high, description: \"High.\" } ] }",
            """
            { min: 2, max: 2, label: high, description: "High." } ],
                  change: { direction: lower-is-better, caseness: { min: 1, sources: [c] },
                    reliable_change: [ { id: fixed, method: fixed, threshold: 1, sources: [f] }, { id: jt, method: jacobson-truax, sd: 2, reliability: .5, sources: [j] } ],
                    clinical_significance: { functional: { mean: 0.5, sd: 0.5 }, dysfunctional: { mean: 1.5, sd: 1 }, reliable_change: jt, sources: [n] },
                    sudden_gains: { reliable_change: jt, sources: [g] } } }
            """, StringComparison.Ordinal), "mood.yaml");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(compilation.Definitions[0]));
        var change = doc.RootElement.GetProperty("scores")[0].GetProperty("change");

        Assert.Equal("lower-is-better", change.GetProperty("direction").GetString());
        Assert.Equal(1, change.GetProperty("caseness").GetProperty("min").GetDouble());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("caseness").GetProperty("max").ValueKind);
        var rules = change.GetProperty("reliable_change");
        Assert.Equal(("fixed", 1.0, true), (rules[0].GetProperty("method").GetString(), rules[0].GetProperty("point_threshold").GetDouble(),
            rules[0].GetProperty("threshold_inclusive").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, rules[0].GetProperty("critical").ValueKind);

        // Worked out by hand: S_diff = 2 x sqrt(2) x sqrt(0.5) = 2; threshold = 1.96 x 2 = 3.92 (strict).
        Assert.Equal("jacobson-truax", rules[1].GetProperty("method").GetString());
        Assert.Equal(2, rules[1].GetProperty("standard_error_of_difference").GetDouble(), 1e-12);
        Assert.Equal(3.92, rules[1].GetProperty("point_threshold").GetDouble(), 1e-12);
        Assert.False(rules[1].GetProperty("threshold_inclusive").GetBoolean());
        Assert.Equal("j", rules[1].GetProperty("sources")[0].GetString());

        // a = M1 - 2 s1 = -0.5; c = (0.5 x 1.5 + 1 x 0.5) / 1.5 = 0.8333...
        var cs = change.GetProperty("clinical_significance");
        Assert.Equal("c", cs.GetProperty("cutoff").GetString());
        Assert.Equal(-0.5, cs.GetProperty("cutoff_a").GetDouble(), 1e-12);
        Assert.Equal(1.25 / 1.5, cs.GetProperty("cutoff_c").GetDouble(), 1e-12);
        Assert.Equal(1.25 / 1.5, cs.GetProperty("cutoff_value").GetDouble(), 1e-12);
        Assert.Equal("jt", cs.GetProperty("reliable_change").GetString());

        var sg = change.GetProperty("sudden_gains");
        Assert.Equal(JsonValueKind.Null, sg.GetProperty("cutoff").ValueKind);
        Assert.Equal(3.92, sg.GetProperty("cutoff_points").GetDouble(), 1e-12);
        Assert.Equal((0.25, true), (sg.GetProperty("relative").GetDouble(), sg.GetProperty("stability").GetBoolean()));
        Assert.False(change.TryGetProperty("ruptures", out _));   // only written when declared
    }

    [Fact]
    public void ToJson_WritesRuptureRules_WhenDeclared()
    {
        var compilation = InstrumentCompiler.Compile(Yaml.Replace(
            "{ min: 2, max: 2, label: high, description: \"High.\" } ] }",
            """
            { min: 2, max: 2, label: high, description: "High." } ],
                  change: { direction: higher-is-better, ruptures: [ { id: own, k: 2, sd: client, sources: [a] },
                    { id: stated, k: 1, sd: 0.5, repair_within: 2, sources: [b] }, { id: pts, points: 1, sources: [c] } ] } }
            """, StringComparison.Ordinal), "mood.yaml");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(compilation.Definitions[0]));
        var ruptures = doc.RootElement.GetProperty("scores")[0].GetProperty("change").GetProperty("ruptures");
        Assert.Equal(("own", 2.0, "client", JsonValueKind.Null), (ruptures[0].GetProperty("id").GetString(), ruptures[0].GetProperty("k").GetDouble(),
            ruptures[0].GetProperty("sd").GetString(), ruptures[0].GetProperty("repair_within").ValueKind));
        Assert.Equal((0.5, 2), (ruptures[1].GetProperty("sd").GetDouble(), ruptures[1].GetProperty("repair_within").GetInt32()));
        Assert.Equal((JsonValueKind.Null, 1.0, JsonValueKind.Null), (ruptures[2].GetProperty("k").ValueKind, ruptures[2].GetProperty("points").GetDouble(),
            ruptures[2].GetProperty("sd").ValueKind));
        Assert.Equal("c", ruptures[2].GetProperty("sources")[0].GetString());
    }

    [Fact]
    public void ToJson_ScoreWithoutChangeRules_WritesNull()
    {
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Mood()));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("scores")[0].GetProperty("change").ValueKind);
    }
}
