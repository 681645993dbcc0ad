using Instruments.Expressions;

namespace Instruments.Sdk.Tests.Expressions;

internal static class ExpressionTestHelpers
{
    /// <summary>Names a, b, c, ... map to slots 0, 1, 2, ...; anything else is unknown.</summary>
    public static int Resolve(string name) =>
        name.Length == 1 && name[0] is >= 'a' and <= 'z' ? name[0] - 'a' : -1;

    public static CompiledExpression Compile(string text, Func<string, int>? resolve = null)
    {
        ExpressionParseResult parsed = ExpressionSyntax.Parse(text);
        Assert.True(parsed.Errors.IsEmpty, $"'{text}': {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        Assert.NotNull(parsed.Syntax);
        ExpressionBindResult bound = parsed.Syntax.Bind(resolve ?? Resolve);
        Assert.True(bound.Errors.IsEmpty, $"'{text}': {string.Join("; ", bound.Errors.Select(e => e.Message))}");
        Assert.NotNull(bound.Expression);
        return bound.Expression;
    }

    public static double Eval(string text, params double[] slots) => Compile(text).Evaluate(slots);

    public static ExpressionError SingleParseError(string text)
    {
        ExpressionParseResult parsed = ExpressionSyntax.Parse(text);
        Assert.Null(parsed.Syntax);
        return Assert.Single(parsed.Errors);
    }
}
