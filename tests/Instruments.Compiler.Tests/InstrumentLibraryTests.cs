using Instruments.Definitions;
using Instruments.Scoring;
using Instruments.Testing;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The shipped instrument library (<c>plugins/*/instruments/*.yaml</c>): every file compiles, every worked example
/// passes through the real scoring plan, and the examples cover every band boundary, reverse-keyed item,
/// missing-data rule and flag.
/// </summary>
public sealed class InstrumentLibraryTests
{
    /// <summary>The ten instruments of the library, by plugin.</summary>
    internal static readonly string[] Files =
    [
        "wellbeing/instruments/swls.yaml",
        "wellbeing/instruments/who-5.yaml",
        "wellbeing/instruments/flourishing.yaml",
        "wellbeing/instruments/shs.yaml",
        "symptoms/instruments/phq-9.yaml",
        "symptoms/instruments/gad-7.yaml",
        "symptoms/instruments/core-10.yaml",
        "symptoms/instruments/oci-r.yaml",
        "symptoms/instruments/k10.yaml",
        "symptoms/instruments/dsm5-panic-adult.yaml",
        "symptoms/instruments/dsm5-specific-phobia-adult.yaml",
        "alliance/instruments/wai-sr.yaml",
    ];

    public static TheoryData<string> Shipped => [.. Files];

    internal static InstrumentDefinition Load(string relative)
    {
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(TestPaths.Plugin(relative)), relative);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return Assert.Single(compilation.Definitions);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Compiles_WithoutErrors_AndOnlyTheUnroundedProrationWarning(string relative)
    {
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(TestPaths.Plugin(relative)), relative);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));

        // Every cut-off, flag and missing rule is sourced (no INS1070); the only accepted warning is INS1053 for the
        // prorated, unrounded totals whose manuals publish integer bands.
        Assert.All(compilation.Diagnostics, d => Assert.Equal("INS1053", d.Id));
        var def = Assert.Single(compilation.Definitions);
        Assert.NotNull(def.Citation);
        Assert.False(string.IsNullOrWhiteSpace(def.License.Name));
        Assert.NotNull(def.License.Notice);
        Assert.NotNull(def.Notes);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void EveryExample_Passes(string relative)
    {
        var def = Load(relative);
        Assert.NotEmpty(def.Examples);
        var outcomes = ExampleRunner.Run(def);
        var failed = outcomes.Where(o => !o.Passed).Select(o => o + "\n    " + string.Join("\n    ", o.Failures) + "\n    got: " + o.Actual).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.All(def.Examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Source), e.Name));
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Examples_CoverEveryBandBoundary(string relative)
    {
        var def = Load(relative);
        foreach (var score in def.Scores)
        {
            foreach (var band in score.Bands)
            {
                foreach (var edge in new[] { band.Min, band.Max })
                {
                    Assert.True(def.Examples.Any(e => Expects(e, score.Id, edge) && e.Expect.Bands.TryGetValue(score.Id, out var l) && l == band.Label),
                        $"{def.Id}: no example puts '{score.Id}' at {edge} in band '{band.Label}'");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Examples_CoverEveryReverseKeyedItem(string relative)
    {
        var def = Load(relative);
        foreach (var item in def.Items.Where(i => i.Reverse))
        {
            var scale = def.FindScale(item.Scale)!;
            var covered = def.Examples.Any(e =>
                e.Expect.Status == ResponseStatus.Complete
                && e.Responses.TryGetValue(item.Id, out var v) && v is not null
                && double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) * 2 != scale.Min + scale.Max
                && def.Scores.Any(s => s.Items.Contains(item.Id) && e.Expect.Scores.ContainsKey(s.Id)));
            Assert.True(covered, $"{def.Id}: no complete example shows the reverse key of '{item.Id}'");
        }
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Examples_CoverEveryMissingRule(string relative)
    {
        var def = Load(relative);
        foreach (var score in def.Scores.Where(s => s.Method != ScoreMethod.Expression))
        {
            Assert.True(def.Examples.Any(e => e.Expect.Scores.TryGetValue(score.Id, out var v) && v is null && e.Expect.Diagnostics.Contains("RSP2005")),
                $"{def.Id}: no example shows too many missing items for '{score.Id}'");
            if (score.Missing.MaxMissing > 0)
            {
                Assert.True(def.Examples.Any(e => e.Expect.Prorated is { } p && p.Contains(score.Id) && e.Expect.Scores.ContainsKey(score.Id)),
                    $"{def.Id}: no example shows '{score.Id}' prorated");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Examples_CoverEveryFlag_RaisedNotRaisedAndNotEvaluated(string relative)
    {
        var def = Load(relative);
        foreach (var flag in def.Flags)
        {
            Assert.True(def.Examples.Any(e => e.Expect.Flags is { } f && f.Contains(flag.Id)), $"{def.Id}: '{flag.Id}' never raised");
            Assert.True(def.Examples.Any(e => e.Expect.Flags is { } f && !f.Contains(flag.Id) && e.Expect.UnevaluatedFlags is { } u && !u.Contains(flag.Id)),
                $"{def.Id}: '{flag.Id}' never shown not raised");
            Assert.True(def.Examples.Any(e => e.Expect.UnevaluatedFlags is { } u && u.Contains(flag.Id) && e.Expect.Diagnostics.Contains("RSP2008")
                                              && e.Expect.Status == ResponseStatus.Partial),
                $"{def.Id}: no example shows '{flag.Id}' with a missing input (status partial, RSP2008)");
        }
    }

    [Fact]
    public void TheLibrary_IsExactlyTheTwelveInstruments()
    {
        var files = Directory.GetDirectories(TestPaths.Plugin(string.Empty))
            .Where(d => Path.GetFileName(d) is "wellbeing" or "symptoms" or "alliance")
            .SelectMany(d => Directory.Exists(Path.Combine(d, "instruments")) ? Directory.GetFiles(Path.Combine(d, "instruments"), "*.yaml") : [])
            .Select(f => Path.GetRelativePath(TestPaths.Plugin(string.Empty), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(Files.Order(StringComparer.Ordinal), files);
    }

    private static bool Expects(InstrumentExample e, string score, double value) =>
        e.Expect.Scores.TryGetValue(score, out var v) && v is { } x && Math.Abs(x - value) <= ExampleRunner.Tolerance;
}
