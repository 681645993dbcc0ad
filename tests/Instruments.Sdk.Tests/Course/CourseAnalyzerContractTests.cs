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
}
