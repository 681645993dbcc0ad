using Instruments.Course;
using Instruments.Definitions;
using Instruments.Tests.Shared;
using static Instruments.Sdk.Tests.Course.CourseTestSupport;

namespace Instruments.Sdk.Tests.Course;

/// <summary>Every change rule exactly at its boundary, and every missing-administration case.</summary>
public sealed class CourseAnalyzerTests
{
    private const double NaN = double.NaN;

    // ---- missing administrations ----

    [Fact]
    public void Analyze_EmptySeries_HasNoUsableAdministration()
    {
        var c = Analyzer(Rules(caseness: new CasenessRule { Min = 10 }, reliable: [Fixed(6)])).Analyze();
        Assert.Equal((0, 0, -1, -1), (c.Administrations, c.Used, c.FirstPosition, c.LastPosition));
        Assert.Equal(NoChangeReason.NoUsableAdministration, c.NoChange);
        Assert.True(double.IsNaN(c.First) && double.IsNaN(c.Last) && double.IsNaN(c.Change));
        Assert.Null(c.CaseFirst);
        Assert.Null(c.Outcome(0));
        Assert.Equal(6, c.Threshold(0));
    }

    [Fact]
    public void Analyze_OnlyUnusableAdministrations_HasNoUsableAdministration()
    {
        var c = Analyzer(Rules(caseness: new CasenessRule { Min = 10 })).Analyze(NaN, double.PositiveInfinity, NaN);
        Assert.Equal((3, 0), (c.Administrations, c.Used));
        Assert.Equal(NoChangeReason.NoUsableAdministration, c.NoChange);
        Assert.Null(c.CaseFirst);
    }

    [Fact]
    public void Analyze_OneUsable_HasFirstAndCaseFirst_ButNoChange()
    {
        var c = Analyzer(Rules(caseness: new CasenessRule { Min = 10 }, reliable: [Fixed(6), Jt(5, 0.8)])).Analyze(NaN, 17, NaN);
        Assert.Equal(NoChangeReason.OneUsableAdministration, c.NoChange);
        Assert.Equal((1, 1, -1), (c.Used, c.FirstPosition, c.LastPosition));
        Assert.Equal(17, c.First);
        Assert.True(double.IsNaN(c.Last) && double.IsNaN(c.Change) && double.IsNaN(c.Index(1)));
        Assert.True(c.CaseFirst);
        Assert.Null(c.CaseLast);
        Assert.Null(c.Recovered);
        Assert.Null(c.Outcome(0));
        Assert.Null(c.Outcome(1));
    }

    [Fact]
    public void Analyze_UnusableFirstAndLast_UsesTheFirstAndLastUsable()
    {
        var c = Analyzer(Rules(caseness: new CasenessRule { Min = 10 }, reliable: [Fixed(6)])).Analyze(NaN, 17, 12, NaN, 9, NaN);
        Assert.Equal((6, 3, 1, 4), (c.Administrations, c.Used, c.FirstPosition, c.LastPosition));
        Assert.Equal((17.0, 9.0, -8.0), (c.First, c.Last, c.Change));
        Assert.Equal(NoChangeReason.None, c.NoChange);
        Assert.Equal((true, false, true), (c.CaseFirst!.Value, c.CaseLast!.Value, c.Recovered!.Value));
        Assert.Equal(ChangeOutcome.Improved, c.Outcome(0));
    }

    [Fact]
    public void Analyze_WithoutChangeRules_GivesFirstLastAndChangeOnly()
    {
        var analyzer = Analyzer(null);
        var c = analyzer.Analyze(3, 5, 8);
        Assert.Equal((3.0, 8.0, 5.0, 0), (c.First, c.Last, c.Change, c.RuleCount));
        Assert.Null(c.CaseFirst);
        Assert.Null(c.Recovered);
        Assert.Null(c.Category);
        Assert.Empty(c.SuddenGains);
        Assert.Null(analyzer.IsCase(3));
    }

    // ---- caseness (inclusive as stated) ----

    [Theory]
    [InlineData(10, true)]
    [InlineData(9.999, false)]
    [InlineData(27, true)]
    public void IsCase_Min_IsInclusive(double value, bool expected) =>
        Assert.Equal(expected, Analyzer(Rules(caseness: new CasenessRule { Min = 10 })).IsCase(value));

    [Theory]
    [InlineData(40, true)]
    [InlineData(40.001, false)]
    public void IsCase_Max_IsInclusive(double value, bool expected) =>
        Assert.Equal(expected, Analyzer(Rules(ChangeDirection.HigherIsBetter, new CasenessRule { Max = 40 })).IsCase(value));

    [Fact]
    public void IsCase_NaN_IsNull() => Assert.Null(Analyzer(Rules(caseness: new CasenessRule { Min = 10 })).IsCase(NaN));

    [Theory]
    [InlineData(10, 9, true)]     // case at first, not at last
    [InlineData(10, 10, false)]   // still a case exactly at the cut-off
    [InlineData(9, 5, false)]     // never a case
    public void Recovered_CaseAtFirstAndNotAtLast(double first, double last, bool expected) =>
        Assert.Equal(expected, Analyzer(Rules(caseness: new CasenessRule { Min = 10 })).Analyze(first, last).Recovered);

    // ---- fixed reliable change (inclusive) ----

    [Theory]
    [InlineData(17, 11, ChangeOutcome.Improved)]
    [InlineData(17, 12, ChangeOutcome.Unchanged)]
    [InlineData(11, 17, ChangeOutcome.Deteriorated)]
    [InlineData(12, 17, ChangeOutcome.Unchanged)]
    public void Fixed_LowerIsBetter_ThresholdInclusive(double from, double to, ChangeOutcome expected)
    {
        var analyzer = Analyzer(Rules(reliable: [Fixed(6)]));
        Assert.Equal(expected, analyzer.Compare(from, to, 0));
        var c = analyzer.Analyze(from, to);
        Assert.Equal(expected, c.Outcome(0));
        Assert.True(double.IsNaN(c.Index(0)));
        Assert.Equal(6, c.Threshold(0));
    }

    [Theory]
    [InlineData(30, 36, ChangeOutcome.Improved)]
    [InlineData(30, 35, ChangeOutcome.Unchanged)]
    [InlineData(36, 30, ChangeOutcome.Deteriorated)]
    public void Fixed_HigherIsBetter_IsMirrored(double from, double to, ChangeOutcome expected) =>
        Assert.Equal(expected, Analyzer(Rules(ChangeDirection.HigherIsBetter, reliable: [Fixed(6)])).Compare(from, to, 0));

    [Fact]
    public void Compare_NaN_IsNull()
    {
        var analyzer = Analyzer(Rules(reliable: [Fixed(6)]));
        Assert.Null(analyzer.Compare(NaN, 3, 0));
        Assert.Null(analyzer.Compare(3, NaN, 0));
    }

    // ---- Jacobson-Truax (strict) ----

    /// <summary>The largest change whose index change / S_diff is not above the critical value in double arithmetic.</summary>
    private static double ChangeAtCritical(double sdiff, double critical)
    {
        var c = critical * sdiff;
        while (c / sdiff > critical)
        {
            c = Math.BitDecrement(c);
        }

        while (Math.BitIncrement(c) / sdiff <= critical)
        {
            c = Math.BitIncrement(c);
        }

        return c;
    }

    [Theory]
    [InlineData(5.0, 0.8)]
    [InlineData(4.1, 0.84)]
    [InlineData(1.0, 0.5)]
    public void JacobsonTruax_ExactlyAtCritical_IsUnchanged_JustAbove_IsReliable(double sd, double r)
    {
        var rule = Jt(sd, r);
        var analyzer = Analyzer(Rules(reliable: [rule]));
        var sdiff = rule.StandardErrorOfDifference;
        var at = ChangeAtCritical(sdiff, 1.96);
        var above = Math.BitIncrement(at);
        Assert.Equal(1.96, at / sdiff);   // exactly at the critical value: the strict comparison is what decides
        Assert.True(above / sdiff > 1.96);

        Assert.Equal(ChangeOutcome.Unchanged, analyzer.Compare(0, at, 0));
        Assert.Equal(ChangeOutcome.Unchanged, analyzer.Compare(0, -at, 0));
        Assert.Equal(ChangeOutcome.Deteriorated, analyzer.Compare(0, above, 0));   // lower is better: up is worse
        Assert.Equal(ChangeOutcome.Improved, analyzer.Compare(0, -above, 0));

        var c = analyzer.Analyze(0, -above);
        Assert.Equal(ChangeOutcome.Improved, c.Outcome(0));
        Assert.Equal(-above / sdiff, c.Index(0));
        Assert.Equal(1.96 * sdiff, c.Threshold(0));
        Assert.Equal(ChangeOutcome.Unchanged, analyzer.Analyze(0, -at).Outcome(0));
    }

    [Fact]
    public void JacobsonTruax_HigherIsBetter_IsMirrored()
    {
        var rule = Jt(5, 0.8);
        var analyzer = Analyzer(Rules(ChangeDirection.HigherIsBetter, reliable: [rule]));
        var above = Math.BitIncrement(ChangeAtCritical(rule.StandardErrorOfDifference, 1.96));
        Assert.Equal(ChangeOutcome.Improved, analyzer.Compare(0, above, 0));
        Assert.Equal(ChangeOutcome.Deteriorated, analyzer.Compare(0, -above, 0));
    }

    [Fact]
    public void JacobsonTruax_UsesTheRulesCriticalValue()
    {
        var rule = new ReliableChangeRule { Id = "jt", Method = ReliableChangeMethod.JacobsonTruax, Sd = 5, Reliability = 0.8, Critical = 1.645 };
        var analyzer = Analyzer(Rules(reliable: [rule]));
        var at = ChangeAtCritical(rule.StandardErrorOfDifference, 1.645);
        Assert.Equal(ChangeOutcome.Unchanged, analyzer.Compare(at, 0, 0));
        Assert.Equal(ChangeOutcome.Improved, analyzer.Compare(Math.BitIncrement(at), 0, 0));
    }

    [Fact]
    public void JacobsonTruax_IndexIsSignedChangeOverSdiff()
    {
        // S_diff = 5 * sqrt(2) * sqrt(1 - 0.77); change 17 -> 6 = -11.
        var rule = Jt(5, 0.77);
        var c = Analyzer(Rules(reliable: [rule])).Analyze(17, 6);
        Assert.Equal(-11 / (5 * Math.Sqrt(2) * Math.Sqrt(0.23)), c.Index(0), 12);
        Assert.True(c.Index(0) < 0);
        Assert.Equal(ChangeOutcome.Improved, c.Outcome(0));
    }

    // ---- clinical significance categories ----

    private static ClinicalSignificanceRule Norms(ClinicalCutoff cutoff) => new()
    {
        // c = (2 * 20 + 4 * 5) / (2 + 4) = 10; a = 20 - 2 * 4 = 12 (lower is better).
        FunctionalMean = 5, FunctionalSd = 2, DysfunctionalMean = 20, DysfunctionalSd = 4, Cutoff = cutoff, ReliableChange = "fixed",
    };

    [Theory]
    [InlineData(17, 9, ClinicalCategory.Recovered)]
    [InlineData(17, 10, ClinicalCategory.Improved)]      // exactly at cut-off c: not functional
    [InlineData(15, 9, ClinicalCategory.Recovered)]
    [InlineData(9, 3, ClinicalCategory.Improved)]        // functional already at first
    [InlineData(17, 12, ClinicalCategory.Unchanged)]
    [InlineData(10, 16, ClinicalCategory.Deteriorated)]
    public void Category_CutoffC_LowerIsBetter(double first, double last, ClinicalCategory expected) =>
        Assert.Equal(expected, Analyzer(Rules(reliable: [Fixed(6)], clinical: Norms(ClinicalCutoff.C))).Analyze(first, last).Category);

    [Theory]
    [InlineData(18, 12, ClinicalCategory.Improved)]     // exactly at cut-off a
    [InlineData(18, 11, ClinicalCategory.Recovered)]
    public void Category_CutoffA_LowerIsBetter(double first, double last, ClinicalCategory expected) =>
        Assert.Equal(expected, Analyzer(Rules(reliable: [Fixed(6)], clinical: Norms(ClinicalCutoff.A))).Analyze(first, last).Category);

    [Theory]
    [InlineData(20, 28, ClinicalCategory.Recovered)]    // a = 20 + 2 * 4 = 28 when higher is better: 28 is not above it...
    [InlineData(21, 29, ClinicalCategory.Recovered)]
    [InlineData(20, 27, ClinicalCategory.Improved)]
    [InlineData(29, 20, ClinicalCategory.Deteriorated)]
    public void Category_CutoffA_HigherIsBetter(double first, double last, ClinicalCategory expected)
    {
        var c = Analyzer(Rules(ChangeDirection.HigherIsBetter, reliable: [Fixed(6)], clinical: Norms(ClinicalCutoff.A))).Analyze(first, last);
        // ...so (20, 28) is only "improved": fix the expectation here rather than in the data, to keep the table readable.
        Assert.Equal(first == 20 && last == 28 ? ClinicalCategory.Improved : expected, c.Category);
    }

    [Fact]
    public void Category_WithoutChange_IsNull() =>
        Assert.Null(Analyzer(Rules(reliable: [Fixed(6)], clinical: Norms(ClinicalCutoff.C))).Analyze(17, NaN).Category);

    // ---- sudden gains: criteria 1 and 2 ----

    [Theory]
    [InlineData(20, 13, true)]      // gain 7 = cut-off 7: inclusive
    [InlineData(20, 13.5, false)]   // 6.5 < 7
    public void SuddenGain_CutoffIsInclusive(double pregain, double postgain, bool expected) =>
        Assert.Equal(expected ? 1 : 0, Analyzer(Rules(gains: Gains(7, stability: false))).Analyze(pregain, postgain).SuddenGains.Count);

    [Theory]
    [InlineData(20, 15, true)]      // 5 = 25% of 20: inclusive
    [InlineData(20, 15.01, false)]  // 4.99
    public void SuddenGain_RelativeIsInclusive(double pregain, double postgain, bool expected) =>
        Assert.Equal(expected ? 1 : 0, Analyzer(Rules(gains: Gains(1, stability: false))).Analyze(pregain, postgain).SuddenGains.Count);

    [Fact]
    public void SuddenGain_CutoffFromReliableChangeRule_IsItsPointThreshold()
    {
        var rule = Jt(5, 0.8);   // threshold 1.96 * 5 * sqrt(2) * sqrt(0.2) = 6.198...
        var gains = new SuddenGainRule { ReliableChange = "jt", Stability = false };
        var analyzer = Analyzer(Rules(reliable: [rule], gains: gains));
        Assert.Single(analyzer.Analyze(20, 20 - rule.PointThreshold).SuddenGains);
        Assert.Single(analyzer.Analyze(20, 20 - Math.BitDecrement(rule.PointThreshold)).SuddenGains); // within rounding: at the cut-off
        Assert.Empty(analyzer.Analyze(20, 20 - (rule.PointThreshold - 1e-6)).SuddenGains);
    }

    [Fact]
    public void SuddenGain_ReportsPositionValuesAndMagnitude()
    {
        var c = Analyzer(Rules(gains: Gains(7, stability: false))).Analyze(NaN, 20, 12, 11);
        var gain = Assert.Single(c.SuddenGains);
        Assert.Equal(new SuddenShift(1, 20, 12, 8, false), gain);
        Assert.Empty(c.SuddenLosses);
    }

    [Fact]
    public void SuddenGain_AcrossAnUnusableAdministration_IsNotAGain()
    {
        // 20 -> (invalid) -> 12: the positions are not consecutive usable values; no gain at either pair.
        Assert.Empty(Analyzer(Rules(gains: Gains(7, stability: false))).Analyze(20, NaN, 12).SuddenGains);
    }

    // ---- sudden gains: criterion 3 (stability) ----

    [Fact]
    public void Stability_ExactlyAtCriticalValue_IsNotAGain_JustAbove_Is()
    {
        // Pre window {4, 6}: mean 5, variance 2; post window {q, q}: variance 0; pooled SD = sqrt((2 + 0) / 2) = 1.
        // 2 + 2 values: t = 4.303, so the boundary is mean_pre - mean_post = 4.303 exactly.
        var analyzer = Analyzer(Rules(gains: Gains(1)));
        var q = 5 - 4.303;
        Assert.Equal(4.303, 5 - q);
        Assert.Empty(analyzer.Analyze(4, 6, q, q).SuddenGains);
        var above = q - 1e-9;
        Assert.Equal(1, Assert.Single(analyzer.Analyze(4, 6, above, above).SuddenGains).PregainPosition);
    }

    /// <summary>
    /// A series around a pregain at position 2 whose windows give mean_pre - mean_post = <paramref name="ratio"/> x pooled SD,
    /// with <paramref name="pre"/> and <paramref name="post"/> values in the windows (the rest unusable).
    /// </summary>
    private static double[] Window(int pre, int post, double ratio)
    {
        // Pre values 20, 22 (and 21 for three): pooled from them only; post values all equal.
        double[] preValues = pre == 3 ? [21, 20, 22] : [20, 22];
        var preMean = preValues.Average();
        var ss = preValues.Sum(v => (v - preMean) * (v - preMean));
        var pooled = Math.Sqrt(ss / (pre + post - 2));
        var postValue = preMean - ratio * pooled;
        var x = new double[6];
        x[0] = pre == 3 ? preValues[0] : NaN;
        x[1] = preValues[^2];
        x[2] = preValues[^1];
        x[3] = postValue;
        x[4] = postValue;
        x[5] = post == 3 ? postValue : NaN;
        return x;
    }

    [Theory]
    [InlineData(3, 3, 2.776)]
    [InlineData(3, 2, 3.182)]
    [InlineData(2, 3, 3.182)]
    [InlineData(2, 2, 4.303)]
    public void Stability_CriticalValueFollowsTheWindowSizes(int pre, int post, double t)
    {
        var analyzer = Analyzer(Rules(gains: Gains(1, relative: 0)));
        // The pregain is x[2] = 22; x[3] is the postgain.
        Assert.Contains(analyzer.Analyze(Window(pre, post, t + 0.001)).SuddenGains, g => g.PregainPosition == 2);
        Assert.DoesNotContain(analyzer.Analyze(Window(pre, post, t - 0.001)).SuddenGains, g => g.PregainPosition == 2);
    }

    [Theory]
    [InlineData(false, true)]   // one value before (n-2, n-1 unusable): not evaluable
    [InlineData(true, false)]   // one value after
    public void Stability_FewerThanTwoValuesOnASide_IsNotEvaluable(bool preOk, bool postOk)
    {
        double[] x = [preOk ? 20 : NaN, preOk ? 20 : NaN, 20, 5, postOk ? 5 : NaN, postOk ? 5 : NaN];
        Assert.Empty(Analyzer(Rules(gains: Gains(1))).Analyze(x).SuddenGains);
        Assert.Single(Analyzer(Rules(gains: Gains(1, stability: false))).Analyze(x).SuddenGains);
    }

    [Fact]
    public void Stability_NaNInTheMiddleOfTheWindow_IsSkipped()
    {
        // Pre window {20, (invalid), 22} -> {20, 22}; post {5, 5, 5}: 2 + 3 values, t = 3.182, big margin.
        var c = Analyzer(Rules(gains: Gains(1))).Analyze(20, NaN, 22, 5, 5, 5);
        Assert.Equal(2, Assert.Single(c.SuddenGains).PregainPosition);
    }

    [Fact]
    public void Stability_WindowsEndAtTheSeriesEnds()
    {
        // Pregain at position 1: the pre window is positions -1..1, so only 2 values; post 2..4 (4 is past the end): 2 values.
        var c = Analyzer(Rules(gains: Gains(1))).Analyze(20, 20, 5, 5);
        Assert.Equal(1, Assert.Single(c.SuddenGains).PregainPosition);
    }

    // ---- reversal (strict) ----

    [Theory]
    [InlineData(16, false)]     // 12 + 8 / 2 = 16: exactly half given back is not a reversal
    [InlineData(16.5, true)]
    public void Reversal_IsStrict(double later, bool expected)
    {
        var c = Analyzer(Rules(gains: Gains(7, stability: false))).Analyze(20, 12, NaN, later);
        Assert.Equal(expected, Assert.Single(c.SuddenGains, g => g.PregainPosition == 0).Reversal);
    }

    [Fact]
    public void Reversal_LooksOnlyFromPositionNPlus2()
    {
        // The postgain itself (n+1) cannot reverse; a later value can, even across unusable ones.
        var c = Analyzer(Rules(gains: Gains(7, stability: false, relative: 0))).Analyze(20, 12, 13, NaN, NaN, 17);
        Assert.True(Assert.Single(c.SuddenGains).Reversal);
    }

    // ---- higher is better, sudden losses ----

    [Fact]
    public void HigherIsBetter_GainGoesUp_LossGoesDown()
    {
        var analyzer = Analyzer(Rules(ChangeDirection.HigherIsBetter, gains: Gains(7, stability: false)));
        var c = analyzer.Analyze(20, 28, 27, 18);
        // 20 -> 28: a gain of 8, reversed by the 18 later (below 28 - 4).
        Assert.Equal(new SuddenShift(0, 20, 28, 8, true), Assert.Single(c.SuddenGains));
        // 27 -> 18: a loss of 9, and 9 >= 25% of 27.
        Assert.Equal(new SuddenShift(2, 27, 18, 9, false), Assert.Single(c.SuddenLosses));
    }

    [Theory]
    [InlineData(24, false)]     // 28 - 8 / 2 = 24: not below it
    [InlineData(23.5, true)]
    public void HigherIsBetter_Reversal_IsStrictBelowHalf(double later, bool expected)
    {
        var c = Analyzer(Rules(ChangeDirection.HigherIsBetter, gains: Gains(7, stability: false, relative: 0))).Analyze(20, 28, later);
        Assert.Equal(expected, Assert.Single(c.SuddenGains).Reversal);
    }

    [Fact]
    public void SuddenLoss_LowerIsBetter_WithStability()
    {
        // 5, 6, 5 then 20, 21, 20: a sudden worsening of 14 points.
        var c = Analyzer(Rules(gains: Gains(7))).Analyze(5, 6, 5, 19, 21, 20);
        Assert.Empty(c.SuddenGains);
        var loss = Assert.Single(c.SuddenLosses);
        Assert.Equal((2, 14.0), (loss.PregainPosition, loss.Magnitude));
    }

    [Fact]
    public void SuddenLoss_Reversal_IsAReturnBelowHalf()
    {
        // Loss 5 -> 19 (14); reversal when a later score is below 19 - 7 = 12.
        var analyzer = Analyzer(Rules(gains: Gains(7, stability: false, relative: 0)));
        Assert.False(Assert.Single(analyzer.Analyze(5, 19, 12).SuddenLosses).Reversal);
        Assert.True(Assert.Single(analyzer.Analyze(5, 19, 11.5).SuddenLosses).Reversal);
    }

    // ---- reuse ----

    [Fact]
    public void Analyze_WithReusedResult_AllocatesNothing_AndForgetsTheLastSeries()
    {
        var analyzer = Analyzer(Rules(caseness: new CasenessRule { Min = 10 }, reliable: [Fixed(6), Jt(5, 0.8)],
            clinical: Norms(ClinicalCutoff.C), gains: Gains(5)));
        double[] withGains = [20, 21, 20, 8, 7, 8, 22, 23, 22];
        double[] without = [NaN, 9];
        var result = analyzer.CreateResult();
        for (var i = 0; i < 100; i++)
        {
            analyzer.Analyze(withGains, result);
        }

        Assert.NotEmpty(result.SuddenGains);
        Assert.NotEmpty(result.SuddenLosses);
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                analyzer.Analyze(withGains, result);
                analyzer.Analyze(without, result);
            }
        }));
        Assert.Empty(result.SuddenGains);
        Assert.Empty(result.SuddenLosses);
        Assert.Null(result.Outcome(0));
        Assert.Null(result.Category);
        Assert.Equal(NoChangeReason.OneUsableAdministration, result.NoChange);
    }

    [Fact]
    public void Analyze_ResultOfAnotherAnalyzer_Throws()
    {
        var a = Analyzer(null);
        var b = Analyzer(null);
        Assert.Throws<ArgumentException>(() => a.Analyze([1, 2], b.CreateResult()));
    }

    [Fact]
    public void IndexOfRule_FindsTheRuleById()
    {
        var analyzer = Analyzer(Rules(reliable: [Fixed(6, "nhs"), Jt(5, 0.8)]));
        Assert.Equal((0, 1, -1), (analyzer.IndexOfRule("nhs"), analyzer.IndexOfRule("jt"), analyzer.IndexOfRule("x")));
    }
}
