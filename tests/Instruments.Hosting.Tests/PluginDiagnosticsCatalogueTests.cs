using System.Text.RegularExpressions;

namespace Instruments.Hosting.Tests;

public sealed class PluginDiagnosticsCatalogueTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(PluginFolders.RepoRoot, "docs", "diagnostics.md"));

    [Fact]
    public void EveryPluginDiagnostic_IsDocumented_WithItsTitleSeverityAndAnchor()
    {
        foreach (var d in PluginDiagnostics.All)
        {
            Assert.Contains($"<a id=\"{d.Id.ToLowerInvariant()}\"></a>", Doc);
            Assert.Contains($"## {d.Id}: {d.Title}", Doc);
            var section = Doc[Doc.IndexOf($"## {d.Id}:", StringComparison.Ordinal)..];
            Assert.StartsWith($"## {d.Id}: {d.Title}\n\nDefault severity: **{d.DefaultSeverity.ToString().ToLowerInvariant()}**. Category: {d.Category}.", section);
        }
    }

    [Fact]
    public void PluginIds_AreUniqueAndInTheirRange()
    {
        Assert.Equal(PluginDiagnostics.All.Length, PluginDiagnostics.All.Select(d => d.Id).Distinct().Count());
        Assert.All(PluginDiagnostics.All, d => Assert.Matches(new Regex("^PLG3[0-9]{3}$"), d.Id));
        var documented = Regex.Matches(Doc, "^## (PLG[0-9]{4}):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(documented.Count, documented.Distinct().Count());
        Assert.All(documented, id => Assert.Contains(PluginDiagnostics.All, d => d.Id == id));
    }
}
