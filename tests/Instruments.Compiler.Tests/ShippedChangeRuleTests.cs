using Instruments.Definitions;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The change rules shipped in the instrument files, checked against the numbers of the catalogue
/// (<c>/work/shared/instruments/CATALOGUE.md</c>) and research notes, written out here independently of the YAML; the
/// Jacobson-Truax thresholds and the clinical cut-off are worked out here by the published formulas, not by the SDK.
/// </summary>
public sealed class ShippedChangeRuleTests
{
    private const string NhsSource = "https://pmc.ncbi.nlm.nih.gov/articles/PMC8411661/table/tbl0001";

    private static InstrumentDefinition Load(string relative) => InstrumentLibraryTests.Load(relative);

    /// <summary>Jacobson &amp; Truax (1991): 1.96 x SD x sqrt(2) x sqrt(1 - r), written out independently.</summary>
    private static double JtThreshold(double sd, double r) => 1.96 * Math.Sqrt(2 * Math.Pow(sd * Math.Sqrt(1 - r), 2));

    private static ChangeRules Change(InstrumentDefinition def, string score) => def.FindScore(score)!.Change!;

    private static void HasSource(IEnumerable<string> sources, string fragment) =>
        Assert.Contains(sources, s => s.Contains(fragment, StringComparison.Ordinal));

    [Theory]
    [InlineData("symptoms/instruments/phq-9.yaml", 10, 6, 6.17, 0.851, "PMC6734346", 6.60)]
    [InlineData("symptoms/instruments/gad-7.yaml", 8, 4, 3.5, 0.89, "journals.lww.com", 3.22)]
    public void Phq9AndGad7_NhsTalkingTherapiesCasenessAndFixedRule_AndJacobsonTruax(string file, double caseMin, double fixedThreshold,
        double sd, double alpha, string jtSource, double publishedRounded)
    {
        var def = Load(file);
        var change = Change(def, "total");
        Assert.Equal(ChangeDirection.LowerIsBetter, change.Direction);
        Assert.Equal(caseMin, change.Caseness!.Min);
        Assert.Null(change.Caseness.Max);
        HasSource(change.Caseness.Sources, NhsSource);

        Assert.Equal(["nhs-talking-therapies", "jt"], change.ReliableChange.Select(r => r.Id));
        var nhs = change.ReliableChange[0];
        Assert.Equal((ReliableChangeMethod.Fixed, fixedThreshold), (nhs.Method, nhs.Threshold!.Value));
        HasSource(nhs.Sources, NhsSource);

        var jt = change.ReliableChange[1];
        Assert.Equal((ReliableChangeMethod.JacobsonTruax, sd, alpha, 1.96), (jt.Method, jt.Sd!.Value, jt.Reliability!.Value, jt.Critical));
        HasSource(jt.Sources, jtSource);
        Assert.Equal(JtThreshold(sd, alpha), jt.PointThreshold, 1e-9);
        Assert.Equal(publishedRounded, Math.Round(jt.PointThreshold, 2));

        Assert.Null(change.ClinicalSignificance);
        Assert.Null(change.SuddenGains);
        Assert.Contains("manual's own table was not reached", def.Notes, StringComparison.Ordinal);
        Assert.Contains("symmetric", def.Notes, StringComparison.Ordinal);
        Assert.Contains("sudden gains", def.Notes, StringComparison.Ordinal);
        Assert.DoesNotContain("NHS Talking Therapies caseness (>=", def.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void Core10_Caseness11_JacobsonTruax_ClinicalSignificanceCutoffC_MatchesThePublishedCutoff()
    {
        var def = Load("symptoms/instruments/core-10.yaml");
        var change = Change(def, "clinical");
        Assert.Equal(ChangeDirection.LowerIsBetter, change.Direction);
        Assert.Equal(11, change.Caseness!.Min);
        HasSource(change.Caseness.Sources, "valanthelp");

        var jt = Assert.Single(change.ReliableChange);
        Assert.Equal(("jt", ReliableChangeMethod.JacobsonTruax, 7.7, 0.90), (jt.Id, jt.Method, jt.Sd!.Value, jt.Reliability!.Value));
        Assert.Equal(6.75, Math.Round(JtThreshold(7.7, 0.90), 2));
        Assert.Equal(JtThreshold(7.7, 0.90), jt.PointThreshold, 1e-9);

        var cs = change.ClinicalSignificance!;
        Assert.Equal((4.7, 4.8, 19.7, 7.7, ClinicalCutoff.C, "jt"),
            (cs.FunctionalMean, cs.FunctionalSd, cs.DysfunctionalMean, cs.DysfunctionalSd, cs.Cutoff, cs.ReliableChange));
        HasSource(cs.Sources, "novopsych");

        // c = (s0 M1 + s1 M0) / (s0 + s1) = (4.8 x 19.7 + 7.7 x 4.7) / 12.5 = 10.46: whole scores of 11 or more are not functional,
        // which is the published clinical cut-off (11) and the caseness above.
        Assert.Equal(10.46, cs.CutoffValue(change.Direction), 1e-9);
        Assert.Equal(11, Math.Ceiling(cs.CutoffValue(change.Direction)));
        Assert.Null(change.SuddenGains);
        Assert.DoesNotContain("Not encoded: the reliable-change threshold", def.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryShippedInstrument_LoadsWithoutChangeRuleDiagnostics_AndNoneShipsSuddenGains()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.DirectorySeparatorChar + "instruments" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        var withChange = new List<string>();
        foreach (var file in files)
        {
            var compilation = InstrumentCompiler.Compile(File.ReadAllText(file), file);
            Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
            Assert.DoesNotContain(compilation.Diagnostics, d => string.CompareOrdinal(d.Id, "INS1080") >= 0 && string.CompareOrdinal(d.Id, "INS1099") <= 0);
            Assert.DoesNotContain(compilation.Diagnostics, d => d.Id == "INS1070");
            foreach (var def in compilation.Definitions)
            {
                foreach (var score in def.Scores.Where(s => s.Change is not null))
                {
                    Assert.Null(score.Change!.SuddenGains);
                    withChange.Add(def.Id + "." + score.Id);
                }
            }
        }

        Assert.Equal(["core-10.clinical", "gad-7.total", "phq-9.total", "wai-sr.bond", "wai-sr.goal", "wai-sr.task", "wai-sr.total"],
            withChange.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WaiSr_EveryScore_CarriesTheTwoRupturePresets_CitedToGumz2012_WithoutARepairWindow()
    {
        var file = Path.Combine(TestPaths.RepoRoot, "plugins", "alliance", "instruments", "wai-sr.yaml");
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(file), file);
        Assert.Empty(compilation.Diagnostics);
        var def = Assert.Single(compilation.Definitions);
        foreach (var score in def.Scores)
        {
            var change = score.Change!;
            Assert.Equal(ChangeDirection.HigherIsBetter, change.Direction);
            Assert.Null(change.Caseness);
            Assert.Empty(change.ReliableChange);
            Assert.Equal([("stiles-2004", 2.0), ("strauss-2006", 1.0)], change.Ruptures.Select(r => (r.Id, r.K!.Value)));
            Assert.All(change.Ruptures, r =>
            {
                Assert.True(r.ClientSd);
                Assert.Null(r.Sd);
                Assert.Null(r.Points);
                Assert.Null(r.RepairWithin);   // unconfirmed: not stated
                var source = Assert.Single(r.Sources);
                Assert.Contains("http://www.biomedcentral.com/1471-2288/12/10", source, StringComparison.Ordinal);
                Assert.Contains("the stricter (2 sd) and the less strict threshold (1 sd)", source, StringComparison.Ordinal);
            });
        }

        Assert.Contains("research presets, not validated clinical", def.Notes, StringComparison.Ordinal);
        Assert.Contains("unconfirmed", def.Notes, StringComparison.Ordinal);
    }
}
