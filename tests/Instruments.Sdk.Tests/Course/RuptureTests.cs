using System.Collections.Immutable;
using CsCheck;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Tests.Shared;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// Ruptures and repairs (docs/alliance.md, "Ruptures and repairs"): the boundaries one by one, then random rules and
/// series against <see cref="Reference"/>, an independent implementation of the spec written here.
/// </summary>
public sealed class RuptureTests
{
    private static RuptureRule Sd(double k, double? sd = null, int? within = null, string id = "r") =>
        new() { Id = id, K = k, ClientSd = sd is null, Sd = sd, RepairWithin = within, Sources = ["test"] };

    private static RuptureRule Points(double points, int? within = null, string id = "p") =>
        new() { Id = id, Points = points, RepairWithin = within, Sources = ["test"] };

    private static ScoreCourse Run(ChangeDirection direction, RuptureRule[] rules, params double[] series)
    {
        var analyzer = CourseAnalyzer.Create(CourseTestSupport.Score(new ChangeRules { Direction = direction, Ruptures = [.. rules] }));
        return analyzer.Analyze(series);
    }

    private static RuptureCourse One(RuptureRule rule, params double[] series) =>
        Run(ChangeDirection.HigherIsBetter, [rule], series).Ruptures[0];

    [Fact]
    public void ClientSd_DropOfExactlyKSds_IsARupture()
    {
        // [11, 10, 9]: mean 10, sample SD sqrt(2 / 2) = 1 exactly; each drop is 1 SD.
        var c = One(Sd(1), 11, 10, 9);
        Assert.Equal(1.0, c.Sd);
        Assert.Equal(1.0, c.Threshold);
        Assert.Equal([1, 2], c.Ruptures.Select(r => r.Position));
        Assert.Equal(1.0, c.Ruptures[0].DropSds);
        Assert.Equal(11.0, c.Ruptures[0].PreLevel);
        Assert.Equal(10.0, c.Ruptures[1].PreLevel);
    }

    [Fact]
    public void ClientSd_DropJustBelowKSds_IsNoRupture()
    {
        var c = One(Sd(1.000001), 11, 10, 9);
        Assert.Equal(0, c.Count);
        Assert.Equal(NoChangeReason.None, c.NotEvaluable);
        Assert.False(c.VShape);
    }

    [Fact]
    public void StatedSd_AtAndBelowTheThreshold()
    {
        Assert.Equal(1, One(Sd(2, sd: 2), 10, 6).Count);        // 4 = 2 x 2
        Assert.Equal(0, One(Sd(2, sd: 2), 10, 6.01).Count);
        Assert.Equal(2.0, One(Sd(2, sd: 2), 10, 6).Ruptures[0].DropSds);
    }

    [Fact]
    public void Threshold_MetExactlyButForRounding_Counts()
    {
        // 0.7 - 0.4 is 0.29999999999999993 and 3 x 0.1 is 0.30000000000000004 against a drop of 0.5 - 0.2 = 0.3: both
        // meet the boundary in exact arithmetic, so both count (inclusive, with 1e-9 relative slack).
        Assert.Equal(1, One(Points(0.3), 0.7, 0.4).Count);
        Assert.Equal(1, One(Sd(3, sd: 0.1), 0.5, 0.2).Count);
    }

    [Fact]
    public void Repair_OnTheLastAllowedAdministration_Counts_AndOneLater_DoesNot()
    {
        var rule = Sd(2, sd: 1, within: 2);
        var onLast = One(rule, 10, 7, 8, 10);
        Assert.Equal(3, onLast.Ruptures[0].RepairPosition);
        Assert.Equal(1, onLast.Repaired);

        var late = One(rule, 10, 7, 8, 9, 10);
        Assert.Equal(-1, late.Ruptures[0].RepairPosition);
        Assert.Equal(0, late.Repaired);
        Assert.Equal(1, late.Unrepaired);
    }

    [Fact]
    public void RepairWindow_CountsUsableAdministrationsOnly()
    {
        // The NaN is not an administration of the window: 8 and 10 are the two allowed.
        var c = One(Sd(2, sd: 1, within: 2), 10, 7, double.NaN, 8, 10);
        Assert.Equal(4, c.Ruptures[0].RepairPosition);
    }

    [Fact]
    public void Repair_BackExactlyAtThePreLevel_Counts()
    {
        Assert.True(One(Sd(2, sd: 1), 10, 7, 10).Ruptures[0].Repaired);
        Assert.False(One(Sd(2, sd: 1), 10, 7, 9.99).Ruptures[0].Repaired);
    }

    [Fact]
    public void WithoutAWindow_AnyLaterAdministrationRepairs()
    {
        var c = One(Sd(2, sd: 1), 10, 7, 7, 7, 7, 7, 7, 7, 7, 10);
        Assert.Equal(9, c.Ruptures[0].RepairPosition);
    }

    [Fact]
    public void SingleSessionClient_IsNotEvaluable()
    {
        var c = Run(ChangeDirection.HigherIsBetter, [Sd(1), Points(1)], 10);
        Assert.All(c.Ruptures, r =>
        {
            Assert.Equal(NoChangeReason.OneUsableAdministration, r.NotEvaluable);
            Assert.Equal(0, r.Count);
            Assert.Null(r.VShape);
            Assert.True(double.IsNaN(r.Sd));
        });
        Assert.True(double.IsNaN(c.EarlySlope));
        Assert.Equal(NoChangeReason.NoUsableAdministration, One(Sd(1), double.NaN, double.NaN).NotEvaluable);
    }

    [Fact]
    public void TwoValueClient_DropIsAlwaysSqrt2ClientSds()
    {
        var c = One(Sd(1), 10, 7);
        Assert.Equal(3 / Math.Sqrt(2), c.Sd, 12);
        Assert.Equal(Math.Sqrt(2), c.Ruptures[0].DropSds, 12);
        Assert.Equal(0, One(Sd(2), 10, 7).Count);
        Assert.Equal(3.0, Run(ChangeDirection.HigherIsBetter, [Sd(1)], 10, 7).EarlySlope * -1);
    }

    [Fact]
    public void ConstantSeries_HasSd0_AndNoRupture()
    {
        var c = One(Sd(1), 5, 5, 5, 5);
        Assert.Equal(0.0, c.Sd);
        Assert.Equal(0, c.Count);
        Assert.Equal(NoChangeReason.None, c.NotEvaluable);
        Assert.False(c.VShape);
    }

    [Fact]
    public void LowerIsBetter_MirrorsHigherIsBetter()
    {
        var c = Run(ChangeDirection.LowerIsBetter, [Sd(2, sd: 1)], 7, 10, 7).Ruptures[0];
        Assert.Single(c.Ruptures);
        Assert.Equal(new Rupture(1, 7, 10, 3, 3, 2), c.Ruptures[0]);
        Assert.Equal(0, Run(ChangeDirection.LowerIsBetter, [Sd(2, sd: 1)], 10, 7, 4).Ruptures[0].Count);   // falls are improvements
    }

    [Fact]
    public void PointsRule_IsInclusive_AndHasNoSd()
    {
        var c = One(Points(3), 10, 7, 6.5);
        Assert.Single(c.Ruptures);
        Assert.True(double.IsNaN(c.Sd));
        Assert.True(double.IsNaN(c.Ruptures[0].DropSds));
        Assert.Equal(3.0, c.Threshold);
        Assert.Equal(0, One(Points(3), 10, 7.5).Count);
    }

    [Fact]
    public void FurtherDropBeforeRepair_IsItsOwnRupture_WithItsOwnPreLevel()
    {
        var c = One(Sd(2, sd: 1), 10, 7, 4, 8, 10);
        Assert.Equal([(1, 10.0, 4), (2, 7.0, 3)], c.Ruptures.Select(r => (r.Position, r.PreLevel, r.RepairPosition)));
        Assert.Equal(2, c.Repaired);
    }

    [Fact]
    public void EarlySlope_IsTheOlsSlopeOverTheUsableOfTheFirstFive()
    {
        Assert.Equal(1.0, Run(ChangeDirection.HigherIsBetter, [Points(1)], 1, 2, 3, 4, 5, 100).EarlySlope, 12);
        Assert.Equal(1.0, Run(ChangeDirection.HigherIsBetter, [Points(1)], 1, double.NaN, 3, double.NaN, 5, 0).EarlySlope, 12);
        // x 1..5, y 4 2 5 3 6: Sxy = 5, Sxx = 10.
        Assert.Equal(0.5, Run(ChangeDirection.HigherIsBetter, [Points(1)], 4, 2, 5, 3, 6).EarlySlope, 12);
        Assert.True(double.IsNaN(Run(ChangeDirection.HigherIsBetter, [Points(1)], double.NaN, double.NaN, double.NaN, double.NaN, 4, 5).EarlySlope));
        Assert.True(double.IsNaN(CourseTestSupport.Analyzer(CourseTestSupport.Rules()).Analyze(1, 2, 3).EarlySlope));
    }

    [Fact]
    public void VShape_NeedsRuptureAndRepairWithinTheFirstFive()
    {
        Assert.True(One(Sd(2, sd: 1), 10, 10, 10, 7, 10, 10).VShape);
        Assert.False(One(Sd(2, sd: 1), 10, 10, 10, 7, 9, 10).VShape);     // repaired at the sixth administration
        Assert.False(One(Sd(2, sd: 1), 10, 7).VShape);                     // unrepaired
    }

    [Fact]
    public void Result_IsReusedWithoutAllocation()
    {
        var analyzer = CourseAnalyzer.Create(CourseTestSupport.Score(new ChangeRules
        {
            Direction = ChangeDirection.HigherIsBetter, Ruptures = [Sd(1), Sd(2, sd: 1), Points(2)],
        }));
        var result = analyzer.CreateResult();
        double[] series = [10, 7, 10, 6, 9, 12, 5, 5, 11];
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                analyzer.Analyze(series, result);
            }
        }));
        Assert.True(result.Ruptures[0].Count > 0);
    }

    // ---- property test against an independent reference ----

    private sealed record Case(bool Lower, RuptureRule[] Rules, double[][] Series);

    private static readonly Gen<RuptureRule> GenRule =
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[0, 4])
            .Select((kind, a, b, within) => kind switch
            {
                0 => new RuptureRule { Id = "c", K = a * 0.5, ClientSd = true, RepairWithin = within == 0 ? null : within },
                1 => new RuptureRule { Id = "s", K = a * 0.5, Sd = b, RepairWithin = within == 0 ? null : within },
                _ => new RuptureRule { Id = "p", Points = a, RepairWithin = within == 0 ? null : within },
            });

    private static readonly Gen<double> GenValue =
        Gen.Frequency((6, Gen.Int[1, 7].Select(i => (double)i)), (1, Gen.Int[2, 14].Select(i => i / 2.0)), (1, Gen.Const(double.NaN)));

    private static readonly Gen<Case> GenCase =
        from lower in Gen.Bool
        from rules in GenRule.Array[1, 3]
        from series in GenValue.Array[0, 12].Array[30]
        select new Case(lower, rules, series);

    [Fact]
    public void Analyze_AgreesWithReference_ForRandomRulesAndSeries()
    {
        GenCase.Sample(c =>
        {
            var analyzer = CourseAnalyzer.Create(CourseTestSupport.Score(new ChangeRules
            {
                Direction = c.Lower ? ChangeDirection.LowerIsBetter : ChangeDirection.HigherIsBetter, Ruptures = [.. c.Rules],
            }));
            var result = analyzer.CreateResult();   // reused: stale state would show
            foreach (var series in c.Series)
            {
                analyzer.Analyze(series, result);
                var what = $"{(c.Lower ? "lower" : "higher")} [{string.Join(", ", series)}]";
                Assert.True(Same(Reference.EarlySlope(series), result.EarlySlope), what + ": early slope");
                for (var r = 0; r < c.Rules.Length; r++)
                {
                    var e = Reference.Apply(c.Rules[r], c.Lower, series);
                    var a = result.Ruptures[r];
                    var rule = $"{what}, rule k={c.Rules[r].K} sd={c.Rules[r].Sd} client={c.Rules[r].ClientSd} points={c.Rules[r].Points} w={c.Rules[r].RepairWithin}";
                    Assert.True(e.Reason == a.NotEvaluable, rule + ": reason");
                    Assert.True(Same(e.Sd, a.Sd), $"{rule}: sd {e.Sd} vs {a.Sd}");
                    Assert.True(e.VShape == a.VShape, rule + ": v shape");
                    Assert.True(e.Ruptures.Count == a.Count,
                        $"{rule}: expected at [{string.Join(", ", e.Ruptures.Select(x => x.Position))}], got at [{string.Join(", ", a.Ruptures.Select(x => x.Position))}]");
                    Assert.Equal(e.Ruptures.Count(x => x.RepairPosition >= 0), a.Repaired);
                    Assert.Equal(e.Ruptures.Count(x => x.RepairPosition < 0), a.Unrepaired);
                    for (var i = 0; i < e.Ruptures.Count; i++)
                    {
                        var x = e.Ruptures[i];
                        var y = a.Ruptures[i];
                        Assert.True(x.Position == y.Position && x.RepairPosition == y.RepairPosition, $"{rule}: rupture {i}: {x} vs {y}");
                        Assert.True(x.PreLevel == y.PreLevel && x.Value == y.Value && Same(x.Drop, y.Drop) && Same(x.DropSds, y.DropSds), $"{rule}: rupture {i}: {x} vs {y}");
                    }
                }
            }
        }, iter: 2000, seed: "0N0XIzNsQ0O2");
    }

    private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

    /// <summary>
    /// The spec, written plainly and apart from the engine: compress the usable administrations into a list first,
    /// compare neighbours in that list, and look for the repair by index in it.
    /// </summary>
    private static class Reference
    {
        public sealed record Result(NoChangeReason Reason, double Sd, bool? VShape, List<Rupture> Ruptures);

        public static Result Apply(RuptureRule rule, bool lower, double[] series)
        {
            var usable = series.Select((v, p) => (Value: v, Position: p)).Where(t => !double.IsNaN(t.Value)).ToList();
            if (usable.Count < 2)
            {
                return new Result(usable.Count == 0 ? NoChangeReason.NoUsableAdministration : NoChangeReason.OneUsableAdministration, double.NaN, null, []);
            }

            double sd = double.NaN;
            if (rule.K is not null)
            {
                if (rule.ClientSd)
                {
                    var mean = usable.Average(t => t.Value);
                    sd = Math.Sqrt(usable.Sum(t => Math.Pow(t.Value - mean, 2)) / (usable.Count - 1));
                }
                else
                {
                    sd = rule.Sd!.Value;
                }
            }

            var threshold = rule.K is { } k ? k * sd : rule.Points!.Value;
            var found = new List<Rupture>();
            for (var n = 1; n < usable.Count; n++)
            {
                // "Worse" as a signed number: positive when the score moved the wrong way.
                var worse = lower ? usable[n].Value - usable[n - 1].Value : usable[n - 1].Value - usable[n].Value;
                if (threshold == 0 || worse <= 0 || worse < threshold - 1e-9 * Math.Max(1, Math.Abs(threshold)))
                {
                    continue;
                }

                var pre = usable[n - 1].Value;
                var last = rule.RepairWithin is { } w ? Math.Min(usable.Count - 1, n + w) : usable.Count - 1;
                var repair = -1;
                for (var m = n + 1; m <= last; m++)
                {
                    var back = lower ? usable[m].Value <= pre + 1e-9 * Math.Max(1, Math.Abs(pre)) : usable[m].Value >= pre - 1e-9 * Math.Max(1, Math.Abs(pre));
                    if (back)
                    {
                        repair = usable[m].Position;
                        break;
                    }
                }

                found.Add(new Rupture(usable[n].Position, pre, usable[n].Value, worse, rule.K is null ? double.NaN : worse / sd, repair));
            }

            var vShape = found.Any(r => r.RepairPosition >= 0 && r.RepairPosition <= 4 && r.Position <= 4);
            return new Result(NoChangeReason.None, sd, vShape, found);
        }

        public static double EarlySlope(double[] series)
        {
            var points = series.Take(5).Select((v, i) => (X: i + 1.0, Y: v)).Where(t => !double.IsNaN(t.Y)).ToList();
            if (points.Count < 2)
            {
                return double.NaN;
            }

            // Slope = (n Sxy - Sx Sy) / (n Sxx - Sx^2): the textbook one-pass form, not the engine's centred two-pass one.
            double n = points.Count, sx = points.Sum(p => p.X), sy = points.Sum(p => p.Y);
            double sxy = points.Sum(p => p.X * p.Y), sxx = points.Sum(p => p.X * p.X);
            return (n * sxy - sx * sy) / (n * sxx - sx * sx);
        }
    }
}
