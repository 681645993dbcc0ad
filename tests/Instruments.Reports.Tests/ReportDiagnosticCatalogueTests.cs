using System.Text.RegularExpressions;
using Instruments.Diagnostics;

namespace Instruments.Reports.Tests;

/// <summary>
/// Keeps <see cref="ReportDiagnostics"/> and docs/diagnostics.md in step, as the compiler's catalogue test does for
/// INS/RSP: every TPL descriptor has its heading, anchor, severity and category line; IDs are unique and in range; each
/// has a <c>TPL4xxx_...</c> test in <see cref="TemplateDiagnosticTests"/>.
/// </summary>
public sealed partial class ReportDiagnosticCatalogueTests
{
    [GeneratedRegex(@"^## (TPL\d{4}): (.+?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TplHeading();

    [GeneratedRegex(@"^<a id=""(tpl\d{4})""></a>\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TplAnchor();

    private static string Doc { get; } = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "diagnostics.md"));

    [Fact]
    public void EveryDescriptor_HasAHeadingWithItsTitle()
    {
        var headings = TplHeading().Matches(Doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        foreach (var d in ReportDiagnostics.All)
        {
            Assert.True(headings.TryGetValue(d.Id, out var title), $"docs/diagnostics.md has no '## {d.Id}: {d.Title}'");
            Assert.Equal(d.Title, title);
        }

        Assert.All(headings.Keys, id => Assert.Contains(ReportDiagnostics.All, d => d.Id == id));
    }

    [Fact]
    public void EveryDescriptor_HasTheAnchorOfItsHelpLink()
    {
        var anchors = TplAnchor().Matches(Doc).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(anchors.Count, anchors.Distinct(StringComparer.Ordinal).Count());
        foreach (var d in ReportDiagnostics.All)
        {
            Assert.Equal("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLink);
            Assert.Contains(d.Id.ToLowerInvariant(), anchors);
        }
    }

    [Fact]
    public void EveryDocumentedSection_StatesTheDefaultSeverityAndCategory()
    {
        foreach (var d in ReportDiagnostics.All)
        {
            var start = Doc.IndexOf($"## {d.Id}: ", StringComparison.Ordinal);
            var next = Doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            var section = next < 0 ? Doc[start..] : Doc[start..next];
            Assert.Contains($"Default severity: **{Diagnostic.SeverityName(d.DefaultSeverity)}**. Category: {d.Category}.", section, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ids_AreUniqueAndInTheTemplateRange()
    {
        Assert.NotEmpty(ReportDiagnostics.All);
        Assert.Equal(ReportDiagnostics.All.Length, ReportDiagnostics.All.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ReportDiagnostics.All, d => Assert.Matches("^TPL4[0-9]{3}$", d.Id));
        Assert.All(ReportDiagnostics.All, d => Assert.Equal("Template", d.Category));
        Assert.DoesNotContain(ReportDiagnostics.All, d => InstrumentDiagnostics.All.Any(i => i.Id == d.Id));
    }

    [Fact]
    public void EveryDescriptor_IsAPublicStaticReadonlyField()
    {
        var fields = typeof(ReportDiagnostics).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor)).ToList();
        Assert.All(fields, f => Assert.True(f.IsInitOnly, f.Name));
        Assert.Equal(fields.Count, ReportDiagnostics.All.Length);
    }

    [Fact]
    public void EveryDescriptor_IsCoveredByATest()
    {
        var names = typeof(TemplateDiagnosticTests).GetMethods().Select(m => m.Name).ToList();
        var untested = ReportDiagnostics.All.Where(d => !names.Any(n => n.StartsWith(d.Id + "_", StringComparison.Ordinal))).Select(d => d.Id).ToList();
        Assert.True(untested.Count == 0, "No TemplateDiagnosticTests method named 'ID_...' for: " + string.Join(", ", untested));
    }
}
