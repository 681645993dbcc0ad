using Instruments.Course;
using Instruments.Definitions;
using static Instruments.Sdk.Tests.Course.CourseTestSupport;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// What Stryker (<c>tests/mutation.sh course</c>) found untested in the engine: positions when nothing is usable, the
/// stability criterion on by default, and the analyzer's argument checks.
/// </summary>
public sealed class CourseAnalyzerContractTests
{
    [Fact]
    public void NothingUsable_FirstAndLastPositionsAreMinusOne_AndTheReasonSaysSo()
    {
        var course = Analyzer(Rules(reliable: [Fixed(5)])).Analyze(double.NaN, double.NaN, double.PositiveInfinity);

        Assert.Equal(-1, course.FirstPosition);
        Assert.Equal(-1, course.LastPosition);
        Assert.Equal(0, course.Used);
        Assert.Equal(NoChangeReason.NoUsableAdministration, course.NoChange);
        Assert.Null(course.Outcome(0));
    }

    [Fact]
    public void StabilityCriterion_IsOnWhenTheRuleDoesNotSay()
    {
        // 20, 10, 20 | 12, 2, 12: gain 20 -> 12 is 8 >= 5 and >= 25% of 20, but the windows are far too noisy:
        // mean 16.67 - 8.67 = 8 < 2.776 * pooled SD (5.77) = 16.0. With stability off the gain is reported.
        var defaultRule = new SuddenGainRule { Cutoff = 5, Sources = ["test"] };
        Assert.True(defaultRule.Stability);
        var series = new double[] { 20, 10, 20, 12, 2, 12 };

        Assert.Empty(Analyzer(Rules(gains: defaultRule)).Analyze(series).SuddenGains);
        Assert.Single(Analyzer(Rules(gains: Gains(5, stability: false))).Analyze(series).SuddenGains, g => g.PregainPosition == 2);
    }

    [Fact]
    public void IndexOfRule_UnknownOrNoRules_IsMinusOne()
    {
        Assert.Equal(-1, Analyzer(Rules(reliable: [Fixed(5, "a")])).IndexOfRule("b"));
        Assert.Equal(1, Analyzer(Rules(reliable: [Fixed(5, "a"), Fixed(6, "b")])).IndexOfRule("b"));
        Assert.Equal(-1, Analyzer(null).IndexOfRule("a"));
    }

    [Fact]
    public void AnotherAnalyzersResult_OrARuleOutOfRange_IsAnArgumentException()
    {
        var one = Analyzer(Rules(reliable: [Fixed(5)]));
        var other = Analyzer(Rules(reliable: [Fixed(5)]));

        var e = Assert.Throws<ArgumentException>(() => one.Analyze([1.0, 2.0], other.CreateResult()));
        Assert.Contains("another analyzer", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Compare(1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Compare(1, 2, -1));
        Assert.Equal(ChangeOutcome.Improved, one.Compare(10, 5, 0));
    }

    [Fact]
    public void BoundaryMetExactlyByProratedFractions_CountsAsMet_DespiteRounding()
    {
        // Prorated PHQ-9 totals as scoring computes them (mean of 7 answered items x 9): 108/7 and 81/7. The gain is
        // exactly 27/7, a quarter of 108/7, so the inclusive 25% criterion holds; in doubles 108/7 - 81/7 lands one
        // rounding step below 0.25 * 108/7.
        double a = 12.0 / 7 * 9, b = 9.0 / 7 * 9;
        Assert.True(a - b < 0.25 * a); // the rounding this test is about

        var course = Analyzer(Rules(gains: Gains(1, stability: false))).Analyze(a, b);

        Assert.Equal(a - b, Assert.Single(course.SuddenGains).Magnitude);
    }

    [Fact]
    public void ReversalIsStrict_AtExactlyHalfTheGainBack_EvenWithFractions()
    {
        // 16 -> 8 (gain 8), then 12 = 8 + 8/2: exactly half undone is not a reversal; 12.5 is.
        var rules = Rules(gains: Gains(1, stability: false));
        Assert.False(Analyzer(rules).Analyze(16, 8, 8, 12).SuddenGains[0].Reversal);
        Assert.True(Analyzer(rules).Analyze(16, 8, 8, 12.5).SuddenGains[0].Reversal);

        // The same with prorated fractions: 144/7 -> 72/7 (gain 72/7), back to 72/7 + 36/7 = 108/7 exactly.
        double a = 16.0 / 7 * 9, b = 8.0 / 7 * 9, back = 12.0 / 7 * 9;
        Assert.False(Analyzer(rules).Analyze(a, b, b, back).SuddenGains[0].Reversal);
    }
}
