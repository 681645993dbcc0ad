using System.Globalization;
using Instruments.Compiler;

namespace Instruments.Reports.Tests;

/// <summary>docs/security.md states the real limits: it cannot drift from <see cref="ReportLimits"/> and the compiler's caps.</summary>
public sealed class SecurityDocTests
{
    private static string Doc { get; } = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "security.md"));

    [Fact]
    public void ReportLimits_AreTheDefaultsInSecurityMd()
    {
        var limits = ReportLimits.Default;
        AssertRow("template size", N(limits.TemplateSizeLimit) + " characters");
        AssertRow("loop iterations", N(limits.LoopLimit));
        AssertRow("function-call and include nesting", N(limits.RecursionLimit));
        AssertRow("report size", N(limits.OutputLimit) + " characters");
        AssertRow("wall-clock time", N((int)limits.Timeout.TotalSeconds) + " s");
    }

    [Fact]
    public void DefinitionLimits_AreTheCompilersInSecurityMd()
    {
        Assert.Equal(1 << 20, InstrumentCompiler.MaxFileBytes);
        Assert.Contains("at most 1 MiB of UTF-8 (`InstrumentCompiler.MaxFileBytes`)", Doc, StringComparison.Ordinal);
        Assert.Contains($"nest at most {InstrumentCompiler.MaxDepth} levels (`InstrumentCompiler.MaxDepth`", Doc, StringComparison.Ordinal);
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static void AssertRow(string what, string value)
    {
        var row = Doc.Split('\n').SingleOrDefault(l => l.StartsWith("| " + what, StringComparison.Ordinal));
        Assert.True(row is not null, $"docs/security.md has no limits row starting '| {what}'");
        Assert.Contains("| " + value, row, StringComparison.Ordinal);
    }
}
