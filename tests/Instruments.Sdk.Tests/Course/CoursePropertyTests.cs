using System.Collections.Immutable;
using CsCheck;
using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// For random rule sets and random series (integer and half-point scores, unusable administrations anywhere), the
/// engine agrees field by field with <see cref="CourseReference"/>, an independent implementation of the spec.
/// Integer thresholds, cut-offs and caseness boundaries make the inclusive and strict boundaries come up often.
/// </summary>
public sealed class CoursePropertyTests
{
    private sealed record Case(ChangeRules? Rules, double[][] Series);

    private static readonly Gen<ReliableChangeRule> GenRule =
        Gen.Select(Gen.Bool, Gen.Int[1, 8], Gen.Int[2, 12], Gen.Int[50, 95])
            .Select((jt, threshold, sd, r) => jt
                ? new ReliableChangeRule { Id = "r", Method = ReliableChangeMethod.JacobsonTruax, Sd = sd, Reliability = r / 100.0 }
                : new ReliableChangeRule { Id = "r", Method = ReliableChangeMethod.Fixed, Threshold = threshold });

    private static readonly Gen<double> GenValue =
        Gen.Frequency((6, Gen.Int[0, 27].Select(i => (double)i)), (1, Gen.Int[0, 54].Select(i => i / 2.0)), (2, Gen.Const(double.NaN)));

    private static readonly Gen<Case> GenCase =
        from hasRules in Gen.Int[0, 9]
        from higher in Gen.Bool
        from casenessKind in Gen.Int[0, 2]
        from caseValue in Gen.Int[5, 20]
        from ruleCount in Gen.Int[0, 3]
        from rules in GenRule.Array[ruleCount]
        from clinical in Gen.Int[0, 2]
        from norms in Gen.Int[2, 20].Array[4]
        from gainKind in Gen.Int[0, 2]
        from gainCutoff in Gen.Int[1, 9]
        from relative in Gen.Int[0, 4]
        from stability in Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false)))
        from series in GenValue.Array[0, 12].Array[30]
        select new Case(hasRules == 0 ? null : Build(higher, casenessKind, caseValue, rules, clinical, norms, gainKind, gainCutoff, relative, stability), series);

    private static ChangeRules Build(bool higher, int casenessKind, int caseValue, ReliableChangeRule[] rules, int clinical,
        int[] norms, int gainKind, int gainCutoff, int relative, bool stability)
    {
        var named = rules.Select((r, i) => new ReliableChangeRule
        {
            Id = "r" + i, Method = r.Method, Threshold = r.Threshold, Sd = r.Sd, Reliability = r.Reliability,
        }).ToImmutableArray();
        return new ChangeRules
        {
            Direction = higher ? ChangeDirection.HigherIsBetter : ChangeDirection.LowerIsBetter,
            Caseness = casenessKind switch
            {
                1 => new CasenessRule { Min = caseValue },
                2 => new CasenessRule { Max = caseValue },
                _ => null,
            },
            ReliableChange = named,
            ClinicalSignificance = clinical == 0 || named.IsEmpty ? null : new ClinicalSignificanceRule
            {
                FunctionalMean = norms[0], FunctionalSd = norms[1], DysfunctionalMean = norms[2], DysfunctionalSd = norms[3],
                Cutoff = clinical == 1 ? ClinicalCutoff.A : ClinicalCutoff.C, ReliableChange = named[^1].Id,
            },
            SuddenGains = gainKind switch
            {
                1 => new SuddenGainRule { Cutoff = gainCutoff, Relative = relative * 0.125, Stability = stability },
                2 when !named.IsEmpty => new SuddenGainRule { ReliableChange = named[0].Id, Relative = relative * 0.125, Stability = stability },
                _ => null,
            },
        };
    }

    [Fact]
    public void Analyze_AgreesWithReference_ForRandomRulesAndSeries()
    {
        GenCase.Sample(c =>
        {
            var analyzer = CourseAnalyzer.Create(CourseTestSupport.Score(c.Rules));
            var result = analyzer.CreateResult();   // reused across series: stale state would show
            foreach (var series in c.Series)
            {
                analyzer.Analyze(series, result);
                var e = CourseReference.Compute(c.Rules, series);
                var what = "series [" + string.Join(", ", series) + "]";
                Assert.True(e.Used == result.Used, what + ": used");
                Assert.True(e.Reason == result.NoChange, what + ": reason");
                Assert.True(Same(e.First, result.First) && Same(e.Last, result.Last) && Same(e.Change, result.Change), what + ": first/last/change");
                Assert.True(e.CaseFirst == result.CaseFirst && e.CaseLast == result.CaseLast && e.Recovered == result.Recovered, what + ": caseness");
                Assert.Equal(e.Outcomes.Length, result.RuleCount);
                for (var k = 0; k < result.RuleCount; k++)
                {
                    Assert.True(e.Outcomes[k] == result.Outcome(k), $"{what}: outcome of rule {k}: expected {e.Outcomes[k]}, got {result.Outcome(k)}");
                    Assert.True(Same(e.Indexes[k], result.Index(k)), $"{what}: index of rule {k}");
                    Assert.True(Same(e.Thresholds[k], result.Threshold(k)), $"{what}: threshold of rule {k}");
                    Assert.Equal(e.Outcomes[k], e.Outcomes[k] is null ? null : analyzer.Compare(result.First, result.Last, k));
                }

                Assert.True(e.Category == result.Category, $"{what}: category: expected {e.Category}, got {result.Category}");
                AssertShifts(e.Gains, result.SuddenGains, series, what + ": gains");
                AssertShifts(e.Losses, result.SuddenLosses, series, what + ": losses");
            }
        }, iter: 3000, seed: "0N0XIzNsQ0O2");
    }

    private static void AssertShifts(List<CourseReference.Shift> expected, IReadOnlyList<SuddenShift> actual, double[] series, string what)
    {
        Assert.True(expected.Count == actual.Count,
            $"{what}: expected at [{string.Join(", ", expected.Select(s => s.Position))}], got at [{string.Join(", ", actual.Select(s => s.PregainPosition))}]");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Position, actual[i].PregainPosition);
            Assert.Equal(expected[i].Magnitude, actual[i].Magnitude, 12);
            Assert.True(expected[i].Reversal == actual[i].Reversal, what + ": reversal at " + expected[i].Position);
            Assert.Equal(series[expected[i].Position], actual[i].Pregain);
            Assert.Equal(series[expected[i].Position + 1], actual[i].Postgain);
        }
    }

    private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(a));
}
