using System.Text.Json;
using Instruments.Diagnostics;

namespace Instruments.Sdk.Tests.Writers;

public sealed class DiagnosticWritersTests
{
    private static readonly DiagnosticDescriptor Engine = new("INS1010", "Unknown key", "Unknown key '{0}'", "Definition", DiagnosticSeverity.Error);

    private static readonly DiagnosticDescriptor PluginWithPage = new("NRM0001", "Prorated total", "Total of '{0}' may be prorated", "Norms",
        DiagnosticSeverity.Warning, "https://example.org/norms/NRM0001.html");

    private static readonly DiagnosticDescriptor PluginWithoutPage = new("ACM0001", "Acme check", "Acme: {0}", "Acme", DiagnosticSeverity.Warning);

    private static readonly Diagnostic[] Sample =
    [
        Diagnostic.Create(Engine, new Location("defs/my file.yaml", 4, 1, 4, 7), "colour"),
        Diagnostic.Create(PluginWithPage, Location.At("/abs/phq.yaml", 2, 3), "total"),
        Diagnostic.Create(PluginWithoutPage, Location.None, "x"),
    ];

    private static JsonElement Rule(JsonDocument log, string id) =>
        log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("id").GetString() == id);

    [Fact]
    public void WriteText_PrintsOneCompilerStyleLinePerDiagnostic()
    {
        var text = new StringWriter { NewLine = "\n" };

        DiagnosticWriters.WriteText(text, Sample[..1]);

        Assert.Equal("defs/my file.yaml(4,1): error INS1010: Unknown key 'colour'\n", text.ToString());
    }

    [Fact]
    public void ToJson_WritesIdSeverityMessagePathLineColumn_AndNullPathWithoutSource()
    {
        using var doc = JsonDocument.Parse(DiagnosticWriters.ToJson(Sample));

        var first = doc.RootElement[0];
        Assert.Equal(["id", "severity", "message", "path", "line", "column"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal("Unknown key 'colour'", first.GetProperty("message").GetString()); // the quote is not escaped away
        Assert.Equal(JsonValueKind.Null, doc.RootElement[2].GetProperty("path").ValueKind);
        Assert.Equal("warning", doc.RootElement[1].GetProperty("severity").GetString());
    }

    [Fact]
    public void Sarif_EveryHelpUriIsAbsolute_WithOrWithoutAHelpBase()
    {
        foreach (var options in new[] { SarifOptions.Default, new SarifOptions { HelpBaseUri = new Uri("https://example.org/instruments/blob/v1/") } })
        {
            using var log = JsonDocument.Parse(SarifLogWriter.ToJson(Sample, options));
            var rules = log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
            Assert.Equal(3, rules.Count);
            foreach (var rule in rules)
            {
                if (rule.TryGetProperty("helpUri", out var help))
                {
                    Assert.True(Uri.TryCreate(help.GetString(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http", help.GetString());
                }
            }
        }
    }

    [Fact]
    public void Sarif_EngineRuleWithoutHelpBase_HasNoHelpUri_ButNamesItsDocumentationInHelpText()
    {
        using var log = JsonDocument.Parse(SarifLogWriter.ToJson(Sample));

        var rule = Rule(log, "INS1010");
        Assert.False(rule.TryGetProperty("helpUri", out _)); // "docs/diagnostics.md#ins1010" is relative: invalid SARIF
        Assert.Equal("See docs/diagnostics.md#ins1010 in the Instruments documentation.", rule.GetProperty("help").GetProperty("text").GetString());
    }

    [Fact]
    public void Sarif_EngineRuleWithHelpBase_IsResolvedAgainstIt()
    {
        var options = new SarifOptions { HelpBaseUri = new Uri("https://example.org/instruments/blob/v1/") };

        using var log = JsonDocument.Parse(SarifLogWriter.ToJson(Sample, options));

        Assert.Equal("https://example.org/instruments/blob/v1/docs/diagnostics.md#ins1010", Rule(log, "INS1010").GetProperty("helpUri").GetString());
    }

    [Fact]
    public void Sarif_PluginsOwnAbsoluteHelpLink_IsKept_AndItsDefaultRelativeLinkIsNeverResolvedAgainstTheEnginesDocs()
    {
        var options = new SarifOptions { HelpBaseUri = new Uri("https://example.org/instruments/") };

        using var log = JsonDocument.Parse(SarifLogWriter.ToJson(Sample, options));

        Assert.Equal("https://example.org/norms/NRM0001.html", Rule(log, "NRM0001").GetProperty("helpUri").GetString());
        var acme = Rule(log, "ACM0001");
        Assert.False(acme.TryGetProperty("helpUri", out _));
        Assert.False(acme.TryGetProperty("help", out _));
    }

    [Fact]
    public void HelpUri_ARootedPathIsNotAnAbsoluteUri()
    {
        var rooted = new DiagnosticDescriptor("ACM0002", "Rooted", "m", "Acme", DiagnosticSeverity.Warning, "/docs/acm0002.md");

        Assert.Null(SarifLogWriter.HelpUri(rooted));
        Assert.Throws<ArgumentException>(() => new SarifOptions { HelpBaseUri = new Uri("docs/", UriKind.Relative) });
    }

    [Fact]
    public void Sarif_ResultsPointAtRulesAndLocations_WithEscapedRelativeAndFileUris()
    {
        using var log = JsonDocument.Parse(SarifLogWriter.ToJson(Sample, new SarifOptions { ToolName = "embedder", ToolVersion = "9.9.9" }));

        var run = log.RootElement.GetProperty("runs")[0];
        Assert.Equal(SarifLogWriter.SchemaUri, log.RootElement.GetProperty("$schema").GetString());
        Assert.Equal("embedder", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        Assert.Equal("9.9.9", run.GetProperty("tool").GetProperty("driver").GetProperty("version").GetString());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.All(results, r => Assert.Equal(r.GetProperty("ruleId").GetString(), rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString()));
        var physical = results[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("defs/my%20file.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(7, physical.GetProperty("region").GetProperty("endColumn").GetInt32());
        Assert.Equal("file:///abs/phq.yaml", results[1].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(0, results[2].GetProperty("locations").GetArrayLength());
        Assert.Equal("note", SarifLevel(new DiagnosticDescriptor("ACM0003", "t", "m", "c", DiagnosticSeverity.Info)));
    }

    [Theory]
    [InlineData("INS1001", true)]
    [InlineData("RSP2013", true)]
    [InlineData("PLG3020", true)]
    [InlineData("TPL4001", true)]
    [InlineData("INS9999", true)]
    [InlineData("NRM0001", false)]
    [InlineData("TST0001", false)]
    [InlineData("INSX0001", false)]
    public void IsReserved_CoversTheEnginesFourPrefixes(string id, bool reserved) =>
        Assert.Equal(reserved, DiagnosticIdRanges.IsReserved(id));

    private static string SarifLevel(DiagnosticDescriptor descriptor)
    {
        using var log = JsonDocument.Parse(SarifLogWriter.ToJson([Diagnostic.Create(descriptor, null)]));
        return log.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("level").GetString()!;
    }
}
