using System.Text.RegularExpressions;
using Instruments.Diagnostics;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Keeps the diagnostic catalogue and docs/diagnostics.md in step: every descriptor is documented under its
/// own heading and anchor, no ID is used twice, and IDs stay in their ranges.
/// </summary>
public sealed partial class DiagnosticCatalogueTests
{
    [GeneratedRegex(@"^## ([A-Z]{2,4}\d{4}): (.+?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex IdHeading();

    [GeneratedRegex(@"^<a id=""([a-z]{2,4}\d{4})""></a>\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex IdAnchor();

    private static string Doc { get; } = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "diagnostics.md"));

    // This catalogue owns the INS and RSP ranges; PLG (plugins) and TPL (templates) are checked by their own assemblies' tests.
    private static List<(string Id, string Title)> Headings() =>
        [.. IdHeading().Matches(Doc).Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .Where(h => h.Item1.StartsWith("INS", StringComparison.Ordinal) || h.Item1.StartsWith("RSP", StringComparison.Ordinal))];

    [Fact]
    public void Catalogue_IsNotEmpty_AndHoldsBothFamilies()
    {
        Assert.Contains(InstrumentDiagnostics.All, d => d.Id.StartsWith("INS1", StringComparison.Ordinal));
        Assert.Contains(InstrumentDiagnostics.All, d => d.Id.StartsWith("RSP2", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDescriptor_HasAHeadingInTheDoc()
    {
        var documented = Headings().Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var missing = InstrumentDiagnostics.All.Where(d => !documented.Contains(d.Id)).Select(d => d.ToString()).ToList();
        Assert.True(missing.Count == 0, "Not documented in docs/diagnostics.md (add '## ID: Title'):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryHeading_UsesTheDescriptorsTitle()
    {
        var titles = InstrumentDiagnostics.All.ToDictionary(d => d.Id, d => d.Title, StringComparer.Ordinal);
        foreach (var (id, title) in Headings())
        {
            if (titles.TryGetValue(id, out var expected))
            {
                Assert.Equal($"{id}: {expected}", $"{id}: {title}");
            }
        }
    }

    [Fact]
    public void EveryDescriptor_HasTheAnchorOfItsHelpLink()
    {
        var anchors = IdAnchor().Matches(Doc).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var d in InstrumentDiagnostics.All)
        {
            var anchor = d.Id.ToLowerInvariant();
            Assert.Equal("docs/diagnostics.md#" + anchor, d.HelpLink);
            Assert.True(anchors.Contains(anchor), $"docs/diagnostics.md has no <a id=\"{anchor}\"></a> for {d.Id}");
        }
    }

    [Fact]
    public void EveryDocumentedSection_StatesTheDefaultSeverityAndCategory()
    {
        foreach (var d in InstrumentDiagnostics.All)
        {
            var start = Doc.IndexOf($"## {d.Id}: ", StringComparison.Ordinal);
            Assert.True(start >= 0, d.Id);
            var next = Doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            var section = next < 0 ? Doc[start..] : Doc[start..next];
            var severity = Diagnostic.SeverityName(d.DefaultSeverity);
            Assert.True(section.Contains($"Default severity: **{severity}**. Category: {d.Category}.", StringComparison.Ordinal),
                $"{d.Id}: the doc should say 'Default severity: **{severity}**. Category: {d.Category}.'");
        }
    }

    [Fact]
    public void NoIdIsReused()
    {
        var duplicates = InstrumentDiagnostics.All.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);

        var known = InstrumentDiagnostics.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var headings = Headings().Select(h => h.Id).ToList();
        Assert.DoesNotContain(headings, id => !known.Contains(id));
        Assert.Equal(headings.Count, headings.Distinct(StringComparer.Ordinal).Count());

        var anchors = IdAnchor().Matches(Doc).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(anchors.Count, anchors.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(anchors, a => a is ['i' or 'r', ..] && !known.Contains(a.ToUpperInvariant()));
    }

    [Fact]
    public void IdsAreInTheirRanges()
    {
        foreach (var d in InstrumentDiagnostics.All)
        {
            if (d.Id.StartsWith("INS", StringComparison.Ordinal))
            {
                Assert.Matches("^INS1[0-9]{3}$", d.Id);
                Assert.NotEqual("Response", d.Category);
            }
            else if (d.Id.StartsWith("RSP", StringComparison.Ordinal))
            {
                Assert.Matches("^RSP2[0-9]{3}$", d.Id);
                Assert.Equal("Response", d.Category);
            }
            else
            {
                Assert.Fail($"{d.Id} is outside the INS1xxx and RSP2xxx ranges (PLG3xxx and TPL4xxx are reserved)");
            }
        }
    }

    [Fact]
    public void TheCatalogue_HoldsExactlyTheIdsTheDocDocuments()
    {
        // docs/diagnostics.md is written by hand, apart from the code: it is the independent list of what exists.
        var documented = Headings().Select(h => h.Id).Order(StringComparer.Ordinal).ToList();
        var catalogued = InstrumentDiagnostics.All.Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(documented, catalogued);
    }

    [Fact]
    public void EveryDescriptor_HasATitleAMessageFormatAndTheCategoryOfItsRange()
    {
        // The areas of docs/diagnostics.md and DESIGN.md, by the decade of the ID (INS1070 and INS1071-INS1073 share one).
        static string[] CategoriesOf(string id) => id[..6] switch
        {
            "INS100" => ["Syntax"],
            "INS101" => ["Structure"],
            "INS102" or "INS103" => ["Definition"],
            "INS104" => ["Expression"],
            "INS105" => ["Bands"],
            "INS106" => ["Licensing"],
            "INS107" => ["Sources", "Examples"],
            "INS108" or "INS109" => ["Change"],
            "INS110" or "INS111" => ["Protocols"],
            "INS112" => ["Change"],
            "INS113" => ["Pairing"],
            "INS114" => ["Protocols"],
            "INS115" => ["Definition", "Bands"],
            "INS116" => ["Definition"],
            "INS117" => ["Codes"],
            "INS118" => ["Import"],
            "INS119" => ["Sql"],
            _ when id.StartsWith("RSP2", StringComparison.Ordinal) => ["Response"],
            _ => [],
        };

        Assert.Contains(InstrumentDiagnostics.All, d => PlaceholderIndex().IsMatch(d.MessageFormat)); // the check below bites
        foreach (var d in InstrumentDiagnostics.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title), d.Id);
            Assert.False(d.Title.EndsWith('.'), $"{d.Id}: a title is a name, not a sentence");
            Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat), d.Id);
            Assert.Contains(d.Category, CategoriesOf(d.Id));

            // Placeholders are {0}..{n-1} with none skipped, and a message formats with n arguments.
            var used = PlaceholderIndex().Matches(d.MessageFormat).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                .Distinct().Order().ToList();
            Assert.Equal(Enumerable.Range(0, used.Count), used);
            var message = d.FormatMessage([.. used.Select(i => (object?)("arg" + i))]);
            Assert.DoesNotContain("{", message, StringComparison.Ordinal);
            Assert.All(used, i => Assert.Contains("arg" + i, message, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"\{(\d+)(?:[,:][^}]*)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderIndex();

    [Fact]
    public void EveryInsDescriptor_IsCoveredByACompilerDiagnosticTest()
    {
        // CompilerDiagnosticTests, plus the feature test classes that test their own IDs (LibraryFormatTests: INS106x-INS107x;
        // FileSafetyTests: INS1000, INS1009, INS1065; CourseExampleTests: INS1074-INS1079; ChangeRuleDiagnosticTests: INS108x-INS109x;
        // ProtocolDiagnosticTests: INS110x-INS111x; RuptureRuleDiagnosticTests: INS112x; PairingDiagnosticTests: INS113x;
        // KeptItemDiagnosticTests: INS116x; CodeDiagnosticTests: INS117x; RedcapImportTests: INS118x; SqlEmitDiagnosticTests: INS119x).
        var testNames = new[] { typeof(CompilerDiagnosticTests), typeof(LibraryFormatTests), typeof(FileSafetyTests), typeof(CourseExampleTests), typeof(ChangeRuleDiagnosticTests), typeof(ProtocolDiagnosticTests), typeof(RuptureRuleDiagnosticTests), typeof(PairingDiagnosticTests), typeof(KeptItemDiagnosticTests), typeof(CodeDiagnosticTests), typeof(RedcapImportTests), typeof(SqlEmitDiagnosticTests), typeof(ProtocolSqlEmitDiagnosticTests) }
            .SelectMany(t => t.GetMethods()).Select(m => m.Name).ToList();
        var untested = InstrumentDiagnostics.All
            .Where(d => d.Id.StartsWith("INS", StringComparison.Ordinal))
            .Where(d => !testNames.Any(n => n.StartsWith(d.Id + "_", StringComparison.Ordinal)))
            .Select(d => d.ToString()).ToList();
        Assert.True(untested.Count == 0, "No CompilerDiagnosticTests (or LibraryFormatTests) method named 'ID_...' for:\n" + string.Join("\n", untested));
    }
}
