using Instruments.Definitions;
using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// <c>code:</c> declarations (instrument, item, response option, score): read into <see cref="CodeDeclaration"/>, written
/// into the definition JSON, and checked (INS1170-INS1174) at the place marked with ‸.
/// </summary>
public sealed class CodeDiagnosticTests
{
    private const string Src = "sources: [https://example.org/terminology]";

    private const string CodedScales = """
        response_scales:
          freq:
            options:
              - { value: 0, label: Never, code: { system: "http://loinc.org", code: LA1-1, display: Never, sources: [https://example.org/a] } }
              - { value: 1, label: Sometimes, code: { system: "http://loinc.org", code: LA2-2, sources: [https://example.org/a] } }
              - { value: 2, label: Often }
        """;

    [Fact]
    public void Codes_AreReadAtEveryLevel()
    {
        var compilation = Compile(Doc(
            header: Header + "\ncode: { system: \"http://loinc.org\", code: 1-1, display: Panel, " + Src + " }",
            scales: CodedScales,
            items: """
                items:
                  - { id: mood, scale: freq, code: { system: "http://loinc.org", code: 2-2, sources: [https://example.org/q] } }
                  - { id: sleep, scale: freq }
                  - { id: energy, scale: freq }
                """,
            scores: """
                scores:
                  - id: total
                    items: [mood, sleep, energy]
                    method: sum
                    code: { system: "http://loinc.org", code: 3-3, sources: [https://example.org/s] }
                """));
        Assert.Empty(compilation.Diagnostics);
        var def = Assert.Single(compilation.Definitions);
        Assert.Equal("http://loinc.org|1-1", def.Code!.ToString());
        Assert.Equal("Panel", def.Code.Display);
        Assert.Equal(["https://example.org/terminology"], def.Code.Sources.AsEnumerable());
        Assert.Equal("LA1-1", def.ResponseScales[0].Options[0].Code!.Code);
        Assert.Equal("Never", def.ResponseScales[0].Options[0].Code!.Display);
        Assert.Null(def.ResponseScales[0].Options[2].Code);
        Assert.Equal("2-2", def.Items[0].Code!.Code);
        Assert.Null(def.Items[1].Code);
        Assert.Equal("3-3", def.Scores[0].Code!.Code);
        Assert.True(def.Items[0].Code!.Matches("http://loinc.org", "2-2"));
        Assert.False(def.Items[0].Code!.Matches("http://snomed.info/sct", "2-2"));
    }

    [Fact]
    public void Codes_AreWrittenIntoTheDefinitionJson_OnlyWhereDeclared()
    {
        var compilation = Compile(Doc(scales: CodedScales));
        var json = DefinitionJsonWriter.ToJson(Assert.Single(compilation.Definitions));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var options = doc.RootElement.GetProperty("response_scales")[0].GetProperty("options");
        var code = options[0].GetProperty("code");
        Assert.Equal("http://loinc.org", code.GetProperty("system").GetString());
        Assert.Equal("LA1-1", code.GetProperty("code").GetString());
        Assert.Equal("Never", code.GetProperty("display").GetString());
        Assert.Equal("https://example.org/a", code.GetProperty("sources")[0].GetString());
        Assert.False(options[2].TryGetProperty("code", out _));
        Assert.False(doc.RootElement.TryGetProperty("code", out _));
    }

    [Fact]
    public void Code_UnknownKey_IsReported()
    {
        ExpectOneAt(Doc(header: Header + "\ncode: { system: \"http://loinc.org\", code: 1-1, ‸version: x, " + Src + " }"), "INS1010");
    }

    [Fact]
    public void INS1170_CodeWithoutSystem_PointsAtTheCode()
    {
        var d = ExpectOneAt(Doc(header: Header + "\ncode: ‸{ code: 1-1, " + Src + " }"), "INS1170");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Instrument 'demo': the code has no 'system'; a code needs 'system' (the code system's URI, such as http://loinc.org) and 'code'", d.Message);
    }

    [Fact]
    public void INS1170_ItemCodeWithoutCode_PointsAtTheCode()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq, code: ‸{ system: "http://loinc.org", sources: [https://example.org/q] } }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1170");
        Assert.Contains("Item 'mood': the code has no 'code'", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loinc")]
    [InlineData("/usr/share/loinc")]
    [InlineData("LOINC 2.77")]
    public void INS1171_SystemNotAnAbsoluteUri_PointsAtTheSystem(string system)
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                code: { system: ‸"SYSTEM", code: 3-3, sources: [https://example.org/s] }
            """.Replace("SYSTEM", system, StringComparison.Ordinal)), "INS1171");
        Assert.Equal($"Score 'total': code system '{system}' is not an absolute URI; write the URI the terminology is known by, such as http://loinc.org", d.Message);
    }

    [Theory]
    [InlineData("http://loinc.org")]
    [InlineData("urn:oid:2.16.840.1.113883.6.1")]
    [InlineData("https://www.medizininformatik-initiative.de/fhir/ext/modul-pro/CodeSystem/mii-cs-pro-score-catalogue")]
    public void INS1171_AbsoluteUris_AreAccepted(string system)
    {
        var compilation = Compile(Doc(header: Header + $"\ncode: {{ system: \"{system}\", code: x, {Src} }}"));
        Assert.Empty(compilation.Diagnostics);
    }

    [Fact]
    public void INS1172_TwoOptionsWithOneCode_PointsAtTheSecond()
    {
        var d = ExpectOneAt(Doc(scales: """
            response_scales:
              freq:
                options:
                  - { value: 0, label: Never, code: { system: "http://loinc.org", code: LA1-1, sources: [https://example.org/a] } }
                  - { value: 1, label: Sometimes, code: ‸{ system: "http://loinc.org", code: LA1-1, sources: [https://example.org/a] } }
                  - { value: 2, label: Often }
            """), "INS1172");
        Assert.Equal("Response scale 'freq': options 0 and 1 both have code http://loinc.org|LA1-1; an answer code must name one option", d.Message);
    }

    [Fact]
    public void INS1172_SameCodeInAnotherSystem_IsNoDuplicate()
    {
        var compilation = Compile(Doc(scales: """
            response_scales:
              freq:
                options:
                  - { value: 0, label: Never, code: { system: "http://loinc.org", code: A, sources: [https://example.org/a] } }
                  - { value: 1, label: Sometimes, code: { system: "http://snomed.info/sct", code: A, sources: [https://example.org/a] } }
                  - { value: 2, label: Often }
            """));
        Assert.Empty(compilation.Diagnostics);
    }

    [Fact]
    public void INS1173_CodeWithoutSources_IsAWarningAtTheCode()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - { id: sleep, scale: freq, code: ‸{ system: "http://loinc.org", code: 2-2 } }
              - { id: energy, scale: freq }
            """), "INS1173");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Item 'sleep': code http://loinc.org|2-2 has no source; add 'sources' citing where the code is stated (the terminology, or an implementation guide that uses it)", d.Message);
    }

    [Fact]
    public void INS1174_TwoItemsWithOneCode_PointsAtTheSecond()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq, code: { system: "http://loinc.org", code: 2-2, sources: [https://example.org/q] } }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq, code: ‸{ system: "http://loinc.org", code: 2-2, sources: [https://example.org/q] } }
            """), "INS1174");
        Assert.Equal("Items 'mood' and 'energy' both have code http://loinc.org|2-2; a question code must name one item", d.Message);
    }

    [Fact]
    public void Codes_OfADefinitionBuiltInCSharp_AreCheckedToo()
    {
        var def = new InstrumentDefinition
        {
            Id = "demo", Version = "1.0.0", Title = "Demo", License = new LicenseInfo { Name = "x" },
            Code = new CodeDeclaration { System = "loinc", Code = "" },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 0, Label = "a" }] }],
            Items = [new ItemDefinition { Id = "i", Scale = "s" }],
            Scores = [new ScoreDefinition { Id = "t", Items = ["i"] }],
        };
        var ids = def.Validate().Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["INS1170", "INS1171"], ids);
    }
}
