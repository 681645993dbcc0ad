using Instruments.Expressions;
using Instruments.Tests.Shared;
using static Instruments.Sdk.Tests.Expressions.ExpressionTestHelpers;

namespace Instruments.Sdk.Tests.Expressions;

public class ExpressionEvaluationTests
{
    private const double U = double.NaN; // unknown

    public static TheoryData<double, double, double, double> KleeneTable()
    {
        // a, b, a && b, a || b
        return new TheoryData<double, double, double, double>
        {
            { 0, 0, 0, 0 },
            { 0, 1, 0, 1 },
            { 1, 0, 0, 1 },
            { 1, 1, 1, 1 },
            { 0, U, 0, U },
            { U, 0, 0, U },
            { 1, U, U, 1 },
            { U, 1, U, 1 },
            { U, U, U, U },
            { 7, -2, 1, 1 },   // any non-zero, non-NaN value is true
            { 0.5, 0, 0, 1 },
        };
    }

    [Theory]
    [MemberData(nameof(KleeneTable))]
    public void Logic_is_three_valued(double a, double b, double and, double or)
    {
        Assert.Equal(and, Eval("a && b", a, b));
        Assert.Equal(and, Eval("a and b", a, b));
        Assert.Equal(or, Eval("a || b", a, b));
        Assert.Equal(or, Eval("a or b", a, b));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-3, 0)]
    [InlineData(U, U)]
    public void Not_is_three_valued(double a, double expected)
    {
        Assert.Equal(expected, Eval("!a", a));
        Assert.Equal(expected, Eval("not a", a));
    }

    [Theory]
    [InlineData("a < b")]
    [InlineData("a <= b")]
    [InlineData("a > b")]
    [InlineData("a >= b")]
    [InlineData("a == b")]
    [InlineData("a != b")]
    public void Comparison_with_missing_is_unknown(string text)
    {
        Assert.True(double.IsNaN(Eval(text, U, 1)));
        Assert.True(double.IsNaN(Eval(text, 1, U)));
        Assert.False(double.IsNaN(Eval(text, 1, 2)));
    }

    [Fact]
    public void Flag_with_missing_item_uses_kleene_logic()
    {
        // item6 > 0 || total >= 25 : a known true side decides even if the other side is missing.
        Assert.Equal(1, Eval("a > 0 || b >= 25", U, 30));
        Assert.True(double.IsNaN(Eval("a > 0 || b >= 25", U, 10)));
        Assert.Equal(0, Eval("a > 0 && b >= 25", U, 10));
    }

    [Theory]
    [InlineData("a + 1")]
    [InlineData("1 - a")]
    [InlineData("a * 0")]
    [InlineData("a / 2")]
    [InlineData("-a")]
    [InlineData("abs(a)")]
    [InlineData("round(a)")]
    [InlineData("round(a, 2)")]
    public void Arithmetic_with_missing_is_missing(string text)
    {
        Assert.True(double.IsNaN(Eval(text, U)));
    }

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("0 / 0")]
    [InlineData("a / (b - b)")]
    [InlineData("-5 / 0")]
    public void Division_by_zero_is_missing(string text)
    {
        Assert.True(double.IsNaN(Eval(text, 3, 2)));
    }

    [Fact]
    public void Aggregates_skip_missing_arguments()
    {
        double[] slots = [2, U, 4, U];
        Assert.Equal(6, Eval("sum(a, b, c)", slots));
        Assert.Equal(3, Eval("mean(a, b, c)", slots));
        Assert.Equal(2, Eval("min(b, a, c)", slots));
        Assert.Equal(4, Eval("max(b, a, c, d)", slots));
        Assert.Equal(2, Eval("count(a, b, c, d)", slots));
        Assert.Equal(0, Eval("count(b, d)", slots));
        Assert.Equal(4, Eval("mean(b, c)", slots));
        Assert.Equal(4, Eval("sum(b, c, d)", slots));

        foreach (string f in new[] { "sum", "mean", "min", "max" })
        {
            Assert.True(double.IsNaN(Eval($"{f}(b, d)", slots)), f);
            Assert.True(double.IsNaN(Eval($"{f}(b)", slots)), f);
            Assert.Equal(2, Eval($"{f}(a)", slots));
        }
    }

    [Fact]
    public void Aggregates_nest_and_combine()
    {
        Assert.Equal(12.5, Eval("sum(a, mean(b, c), max(a, sum(b, c)) )", 2, 3, 4)); // 2 + 3.5 + 7
        Assert.Equal(2, Eval("count(a, b, c) - count(mean(b, d), d)", 2, 3, 4, U)); // 3 - 1
    }

    [Theory]
    [InlineData("round(2.5)", 3)]
    [InlineData("round(-2.5)", -3)]
    [InlineData("round(0.5)", 1)]
    [InlineData("round(1.5)", 2)]
    [InlineData("round(2.4999)", 2)]
    [InlineData("round(1.234, 2)", 1.23)]
    [InlineData("round(1.235, 2)", 1.24)]
    [InlineData("round(-1.25, 1)", -1.3)]
    [InlineData("round(17.5, 0)", 18)]
    [InlineData("abs(-3.5)", 3.5)]
    [InlineData("abs(2)", 2)]
    public void Round_is_half_away_from_zero(string text, double expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Evaluate_is_allocation_free()
    {
        CompiledExpression expr = Compile("round(mean(a, b, c) * 2, 1) + sum(a, b) - count(a, b, c) / max(a, 1) > min(c, 3) || !(abs(a) <= 2) && b != 0");
        double[] slots = [1.5, double.NaN, 4];
        double sink = 0;
        for (int i = 0; i < 2_000; i++)
        {
            sink += expr.Evaluate(slots); // warm-up (JIT tiers)
        }

        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                sink += expr.Evaluate(slots);
            }
        }));
        Assert.False(double.IsInfinity(sink));
    }

    [Fact]
    public void Evaluation_is_thread_safe()
    {
        CompiledExpression expr = Compile("sum(a, b, c) * 2 - mean(a, c)");
        Parallel.For(0, 64, i =>
        {
            double[] slots = [i, i + 1, i + 2];
            for (int k = 0; k < 1_000; k++)
            {
                Assert.Equal((3 * i + 3) * 2 - (i + 1), expr.Evaluate(slots));
            }
        });
    }

    [Fact]
    public void Missing_slot_span_throws()
    {
        CompiledExpression expr = Compile("a + c");
        Assert.Throws<IndexOutOfRangeException>(() => expr.Evaluate([1, 2]));
    }
}
