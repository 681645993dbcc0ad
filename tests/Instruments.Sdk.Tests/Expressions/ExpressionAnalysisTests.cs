using Instruments.Expressions;
using static Instruments.Sdk.Tests.Expressions.ExpressionTestHelpers;

namespace Instruments.Sdk.Tests.Expressions;

public class ExpressionAnalysisTests
{
    private const double Inf = double.PositiveInfinity;

    // a in [5, 35], b in [0, 3], c in [-2, 4], d in [1, 2]
    private static (double, double) Ranges(int slot) => slot switch
    {
        0 => (5, 35),
        1 => (0, 3),
        2 => (-2, 4),
        _ => (1, 2),
    };

    [Theory]
    [InlineData("a * 4", 20, 140)]
    [InlineData("a - b", 2, 35)]
    [InlineData("-c", -4, 2)]
    [InlineData("c * c", -8, 16)]        // conservative: the true range is [0, 16]
    [InlineData("b * c", -6, 12)]
    [InlineData("a / d", 2.5, 35)]
    [InlineData("a / b", -Inf, Inf)]     // divisor interval contains 0
    [InlineData("a / c", -Inf, Inf)]
    [InlineData("abs(c)", 0, 4)]
    [InlineData("abs(-a)", 5, 35)]
    [InlineData("round(d * 1.5)", 2, 3)]
    [InlineData("a > 10", 0, 1)]
    [InlineData("a > 10 && b < 1 || !c", 0, 1)]
    [InlineData("min(a, c)", -2, 35)]
    [InlineData("max(b, d)", 0, 3)]
    [InlineData("mean(a, b, c)", -2, 35)]
    [InlineData("count(a, b, c)", 0, 3)]
    [InlineData("sum(b, d)", 0, 5)]
    [InlineData("sum(c, d)", -2, 6)]     // c alone can be -2 when d is missing
    [InlineData("7", 7, 7)]
    [InlineData("true", 1, 1)]
    public void Range_uses_interval_arithmetic(string text, double min, double max)
    {
        Assert.Equal((min, max), Compile(text).Range(Ranges));
    }

    [Fact]
    public void Range_handles_unbounded_and_nan_slot_ranges()
    {
        CompiledExpression expr = Compile("a * b + 1");
        Assert.Equal((-Inf, Inf), expr.Range(s => s == 0 ? (double.NaN, double.NaN) : (0, 1)));
        Assert.Equal((1, Inf), expr.Range(s => s == 0 ? (0, Inf) : (0, 2)));
        Assert.Equal((-Inf, Inf), Compile("a - b").Range(_ => (-Inf, Inf)));
    }

    [Theory]
    [InlineData("a * 4", true)]
    [InlineData("a + b - c * 2", true)]
    [InlineData("a / 2", false)]
    [InlineData("a / 1", false)]
    [InlineData("mean(a, b)", false)]
    [InlineData("round(mean(a, b))", true)]
    [InlineData("round(mean(a, b), 0)", true)]
    [InlineData("round(mean(a, b), 1)", false)]
    [InlineData("round(a, 1)", true)]
    [InlineData("abs(-a)", true)]
    [InlineData("sum(a, b) + min(a, b) + max(a, b) + count(x, y)", true)]
    [InlineData("sum(a, x)", false)]
    [InlineData("count(x, y)", true)]
    [InlineData("a * 0.5", false)]
    [InlineData("a * 2.0", true)]
    [InlineData("x > 0.5 || mean(x) < 1", true)]
    [InlineData("x", false)]
    [InlineData("-x", false)]
    public void IsIntegral_follows_the_operators(string text, bool expected)
    {
        // a, b, c are integral; x, y are not.
        Assert.Equal(expected, Compile(text).IsIntegral(slot => slot < 3));
    }

    [Theory]
    [InlineData("a >= 1", true)]
    [InlineData("a > 0 || b >= 25", true)]
    [InlineData("!a", true)]
    [InlineData("not a", true)]
    [InlineData("(a == b)", true)]
    [InlineData("true", true)]
    [InlineData("false", true)]
    [InlineData("a", false)]
    [InlineData("1", false)]
    [InlineData("-true", false)]
    [InlineData("(a > 1) + 1", false)]
    [InlineData("count(a)", false)]
    public void IsBoolean_reflects_the_outermost_operation(string text, bool expected)
    {
        Assert.Equal(expected, Compile(text).IsBoolean);
    }
}
