using Instruments.Expressions;
using static Instruments.Sdk.Tests.Expressions.ExpressionTestHelpers;

namespace Instruments.Sdk.Tests.Expressions;

public class ExpressionParserTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("-2 * 3", -6)]
    [InlineData("- 2 * 3 + 10", 4)]
    [InlineData("10 - 4 - 3", 3)]         // left-associative
    [InlineData("24 / 4 / 2", 3)]         // left-associative
    [InlineData("2 - -3", 5)]
    [InlineData("-(1 + 2)", -3)]
    [InlineData("!(1 > 2)", 1)]
    [InlineData("!0 + 1", 2)]             // unary binds tighter than '+'
    [InlineData("1 + 2 > 2", 1)]
    [InlineData("1 || 0 && 0", 1)]        // && binds tighter than ||
    [InlineData("(1 || 0) && 0", 0)]
    [InlineData("1 or 0 and 0", 1)]
    [InlineData("0.5 * 4", 2)]
    [InlineData("true + true", 2)]
    [InlineData("false", 0)]
    [InlineData("3 == 3", 1)]
    [InlineData("3 != 3", 0)]
    [InlineData("2 <= 2", 1)]
    [InlineData("2 >= 3", 0)]
    [InlineData("  1\n+\t2 ", 3)]
    [InlineData("-----1", -1)]
    [InlineData("!!5", 1)]
    public void Evaluates_with_usual_precedence(string text, double expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Not_keyword_binds_tighter_than_comparison()
    {
        // (not 1) > -1  ->  0 > -1  ->  1;  a looser 'not' would give not (1 > -1) = 0.
        Assert.Equal(1, Eval("not 1 > -1"));
        Assert.Equal(1, Eval("!1 > -1"));
        Assert.Equal(0, Eval("not (1 > -1)"));
    }

    [Fact]
    public void Records_identifier_occurrences_in_source_order()
    {
        ExpressionSyntax syntax = ExpressionSyntax.Parse("mean(task, bond) + task * goal_2").Syntax!;
        Assert.Equal(
            [new IdentifierReference("task", 5, 4), new IdentifierReference("bond", 11, 4),
             new IdentifierReference("task", 19, 4), new IdentifierReference("goal_2", 26, 6)],
            syntax.Identifiers.ToArray());
        Assert.Equal("mean(task, bond) + task * goal_2", syntax.Text);
    }

    [Fact]
    public void Binds_slots_distinct_and_ascending()
    {
        var slots = new Dictionary<string, int> { ["total"] = 7, ["item6"] = 2, ["phq9_9"] = 4 };
        CompiledExpression expr = Compile("item6 > 0 || total >= 25 && item6 + phq9_9 < total", n => slots.GetValueOrDefault(n, -1));
        Assert.Equal([2, 4, 7], expr.Slots.ToArray());
    }

    [Fact]
    public void Real_instrument_expressions_work()
    {
        var names = new[] { "total", "task", "bond", "goal", "phq9_9", "item6" };
        int Slot(string n) => Array.IndexOf(names, n);
        double[] values = [20, 3, 4, double.NaN, 1, 0];
        Assert.Equal(80, Compile("total * 4", Slot).Evaluate(values));
        Assert.Equal(3.5, Compile("mean(task, bond, goal)", Slot).Evaluate(values));
        Assert.Equal(1, Compile("phq9_9 >= 1", Slot).Evaluate(values));
        Assert.Equal(0, Compile("item6 > 0 || total >= 25", Slot).Evaluate(values));
    }

    [Fact]
    public void Unknown_identifiers_are_reported_per_occurrence_with_span()
    {
        ExpressionSyntax syntax = ExpressionSyntax.Parse("a + zed * b - zed").Syntax!;
        ExpressionBindResult bound = syntax.Bind(Resolve);
        Assert.Null(bound.Expression);
        Assert.Equal(
            [new ExpressionError(ExpressionErrorKind.UnknownIdentifier, 4, 3, "Unknown item or score 'zed'"),
             new ExpressionError(ExpressionErrorKind.UnknownIdentifier, 14, 3, "Unknown item or score 'zed'")],
            bound.Errors.ToArray());
    }

    [Fact]
    public void Unknown_function_reports_name_span_and_known_functions()
    {
        ExpressionError error = SingleParseError("1 + avg(a, b)");
        Assert.Equal(ExpressionErrorKind.UnknownFunction, error.Kind);
        Assert.Equal((4, 3), (error.Offset, error.Length));
        Assert.Equal("Unknown function 'avg'; known functions: min, max, sum, mean, count, round, abs", error.Message);
    }

    [Fact]
    public void Unknown_function_suggests_lower_case_name()
    {
        ExpressionError error = SingleParseError("Sum(a)");
        Assert.Equal(ExpressionErrorKind.UnknownFunction, error.Kind);
        Assert.Contains("did you mean 'sum'?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("round(a, 1, 2)", 0, 14, "'round' takes 1 or 2 arguments")]
    [InlineData("2 * round()", 4, 7, "'round' takes 1 or 2 arguments")]
    [InlineData("abs(a, b)", 0, 9, "'abs' takes 1 argument")]
    [InlineData("1 + sum( )", 4, 6, "'sum' takes at least 1 argument")]
    [InlineData("count()", 0, 7, "'count' takes at least 1 argument")]
    public void Wrong_argument_count_reports_call_span(string text, int offset, int length, string message)
    {
        Assert.Equal(new ExpressionError(ExpressionErrorKind.ArgumentCount, offset, length, message), SingleParseError(text));
    }

    [Fact]
    public void Several_non_syntax_errors_are_all_reported()
    {
        ExpressionParseResult parsed = ExpressionSyntax.Parse("avg(a) + abs(a, b)");
        Assert.Null(parsed.Syntax);
        Assert.Equal([ExpressionErrorKind.UnknownFunction, ExpressionErrorKind.ArgumentCount], parsed.Errors.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("(a + 1", 6, 0, "Expected ')' to close '(' opened at column 1")]
    [InlineData("a * (b + (c - 1)", 16, 0, "Expected ')' to close '(' opened at column 5")]
    [InlineData("(a + 1 b", 7, 1, "Expected ')' to close '(' opened at column 1 but found 'b'")]
    [InlineData("max(a, b", 8, 0, "Expected ')' to close '(' opened at column 4")]
    [InlineData("a + 1)", 5, 1, "This ')' has no matching '('")]
    [InlineData("a b", 2, 1, "Unexpected 'b'; expected an operator such as '+', '*', '>=' or '&&', or the end of the expression")]
    [InlineData("a +", 3, 0, "The expression ends too early; expected a number, a name or '('")]
    [InlineData("a + * b", 4, 1, "Expected a number, a name or '(' but found '*'")]
    [InlineData("", 0, 0, "The expression is empty")]
    [InlineData("   ", 3, 0, "The expression is empty")]
    [InlineData("a = 1", 2, 1, "Use '==' to test whether two values are equal ('=' alone is not an operator)")]
    [InlineData("a & b", 2, 1, "Use '&&' (or 'and') for 'and'; '&' alone is not an operator")]
    [InlineData("a | b", 2, 1, "Use '||' (or 'or') for 'or'; '|' alone is not an operator")]
    [InlineData("a + $b", 4, 1, "Unexpected character '$'")]
    [InlineData(".5 * a", 0, 1, "A number must start with a digit: write '0.5' instead of '.5'")]
    [InlineData("a * 1.", 4, 2, "The number '1.' needs digits after the '.', e.g. '1.0'")]
    [InlineData("a.b", 1, 1, "Unexpected character '.'")]
    [InlineData("min + 1", 0, 3, "'min' is a function; call it with its arguments in parentheses, e.g. 'min(a, b)'")]
    [InlineData("and + 1", 0, 3, "Expected a number, a name or '(' but found 'and'")]
    [InlineData("a + true(1)", 8, 1, "Unexpected '('; expected an operator such as '+', '*', '>=' or '&&', or the end of the expression")]
    [InlineData("'x' == a", 0, 1, "Text in quotes is not supported in expressions; use item or score names and numbers")]
    [InlineData("round(a, b)", 9, 1, "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'")]
    [InlineData("round(a, 11)", 9, 2, "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'")]
    [InlineData("round(a, 1.5)", 9, 3, "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'")]
    [InlineData("round(a, -1)", 9, 2, "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'")]
    [InlineData("round(a, true)", 9, 4, "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'")]
    public void Syntax_errors_have_exact_span_and_message(string text, int offset, int length, string message)
    {
        Assert.Equal(new ExpressionError(ExpressionErrorKind.Syntax, offset, length, message), SingleParseError(text));
    }

    [Theory]
    [InlineData("a < b < c", 6, 1)]
    [InlineData("a == b == c", 7, 2)]
    [InlineData("a < b == 1", 6, 2)]
    [InlineData("a != b >= c", 7, 2)]
    public void Comparisons_cannot_be_chained(string text, int offset, int length)
    {
        ExpressionError error = SingleParseError(text);
        Assert.Equal((ExpressionErrorKind.Syntax, offset, length), (error.Kind, error.Offset, error.Length));
        Assert.StartsWith("Comparisons cannot be chained", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a < b && b < c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parenthesized_comparisons_may_be_compared()
    {
        Assert.Equal(1, Eval("(1 < 2) == (3 < 4)"));
        Assert.Equal(1, Eval("1 < 2 && 2 < 3"));
    }

    [Fact]
    public void Keywords_and_function_names_are_case_sensitive_and_reserved()
    {
        Assert.Equal(ExpressionErrorKind.Syntax, SingleParseError("true2 + not").Kind);
        Assert.Equal(["True", "AND", "notx"], ExpressionSyntax.Parse("True + AND + notx").Syntax!.Identifiers.Select(i => i.Name));
        Assert.Equal(["min", "max", "sum", "mean", "count", "round", "abs"], ExpressionSyntax.FunctionNames);
    }

    [Fact]
    public void Depth_limit_of_64_is_enforced()
    {
        string ok = new string('(', 64) + "1" + new string(')', 64);
        Assert.Equal(1, Eval(ok));

        string deep = new string('(', 65) + "1" + new string(')', 65);
        Assert.Equal(new ExpressionError(ExpressionErrorKind.TooComplex, 64, 1,
            "The expression is nested too deeply (more than 64 levels of parentheses, function calls and signs)"), SingleParseError(deep));

        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(new string('-', 65) + "1").Kind);
        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(string.Concat(Enumerable.Repeat("abs(", 65)) + "1" + new string(')', 65)).Kind);
    }

    [Fact]
    public void Hostile_input_does_not_overflow_the_stack()
    {
        ExpressionError error = SingleParseError(new string('(', 10_000));
        Assert.Equal((ExpressionErrorKind.TooComplex, 0, 10_000), (error.Kind, error.Offset, error.Length));
        Assert.Contains("4096", error.Message, StringComparison.Ordinal);

        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(new string('(', 4096)).Kind);
        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(new string('!', 4095) + "1").Kind);
        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(new string('-', 4095) + "1").Kind);
    }

    [Fact]
    public void Long_flat_chains_are_not_nesting()
    {
        // 2048 operands, 2047 operators: within the length limit and evaluated without recursion.
        string text = string.Join("+", Enumerable.Repeat("1", 2048));
        Assert.True(text.Length <= 4096);
        CompiledExpression expr = Compile(text);
        Assert.Equal(2048, expr.Evaluate([]));
        Assert.Equal((2048, 2048), expr.Range(_ => (0, 0)));
        Assert.True(expr.IsIntegral(_ => true));

        string args = "sum(" + string.Join(",", Enumerable.Repeat("a", 2040)) + ")";
        CompiledExpression sum = Compile(args);
        Assert.True(sum.MaxStack <= 2, $"stack {sum.MaxStack}");
        Assert.Equal(2040 * 1.5, sum.Evaluate([1.5]));
    }

    [Fact]
    public void Text_longer_than_4096_is_rejected()
    {
        string text = "1" + string.Concat(Enumerable.Repeat(" + 1", 1024)); // 4097 characters
        Assert.Equal(4097, text.Length);
        Assert.Equal(ExpressionErrorKind.TooComplex, SingleParseError(text).Kind);
        Assert.NotNull(ExpressionSyntax.Parse(text[..^4]).Syntax);
    }

    [Fact]
    public void Null_text_is_an_error_not_an_exception()
    {
        Assert.Equal(ExpressionErrorKind.Syntax, SingleParseError(null!).Kind);
    }

    [Fact]
    public void Fuzzed_input_never_throws()
    {
        string[] alphabet =
        [
            "a", "b", "c", "zz", "1", "0", "2.5", "10", "(", ")", ",", "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=",
            "!", "&&", "||", "and", "or", "not", "true", "false", "min", "max", "sum", "mean", "count", "round", "abs",
            "avg", " ", "=", "&", "|", ".", "$", "\u00e9", "\ud83d\ude00", "\t", "1.", "99999999999999999999",
        ];
        var random = new Random(12345);
        double[] slots = Enumerable.Range(0, 26).Select(i => i % 3 == 1 ? double.NaN : i % 4).ToArray();
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            int n = random.Next(1, 25);
            var text = string.Concat(Enumerable.Range(0, n).Select(_ => alphabet[random.Next(alphabet.Length)]));
            if (random.Next(4) == 0)
            {
                text = text[..random.Next(text.Length + 1)]; // also cut in the middle of multi-character tokens
            }

            ExpressionParseResult result = ExpressionSyntax.Parse(text);
            Assert.True(result.Syntax is null != result.Errors.IsEmpty, text);
            foreach (ExpressionError error in result.Errors)
            {
                Assert.InRange(error.Offset, 0, text.Length);
                Assert.InRange(error.Offset + error.Length, error.Offset, text.Length);
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }

            if (result.Syntax is { } syntax)
            {
                parsed++;
                ExpressionBindResult bound = syntax.Bind(Resolve);
                if (bound.Expression is { } expr)
                {
                    _ = expr.Evaluate(slots);
                    _ = expr.Range(_ => (0, 3));
                    _ = expr.IsIntegral(_ => true);
                }
            }
        }

        Assert.True(parsed > 100, $"only {parsed} inputs parsed; the fuzzer is not exercising evaluation");
    }
}
