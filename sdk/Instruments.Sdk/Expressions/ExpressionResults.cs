using System.Collections.Immutable;

namespace Instruments.Expressions;

/// <summary>The category of a problem found while parsing or binding an expression.</summary>
internal enum ExpressionErrorKind
{
    /// <summary>The text is not a well-formed expression (unexpected character or token, missing ')', chained comparison, ...).</summary>
    Syntax,

    /// <summary>A call names a function that does not exist.</summary>
    UnknownFunction,

    /// <summary>A known function is called with the wrong number of arguments.</summary>
    ArgumentCount,

    /// <summary>A name does not refer to any item or score.</summary>
    UnknownIdentifier,

    /// <summary>The expression is too long or nested too deeply.</summary>
    TooComplex,
}

/// <summary>
/// A problem in an expression. <paramref name="Offset"/> is the 0-based character offset in the expression
/// text and <paramref name="Length"/> the number of characters concerned (0 for a position, e.g. the end of the text).
/// <paramref name="Message"/> is written for the author of the instrument file; where it mentions positions
/// they are 1-based columns.
/// </summary>
internal readonly record struct ExpressionError(ExpressionErrorKind Kind, int Offset, int Length, string Message);

/// <summary>One occurrence of an item or score name in an expression.</summary>
internal readonly record struct IdentifierReference(string Name, int Offset, int Length);

/// <summary>The result of <see cref="ExpressionSyntax.Parse"/>: either a syntax (and no errors) or errors (and no syntax).</summary>
internal readonly record struct ExpressionParseResult(ExpressionSyntax? Syntax, ImmutableArray<ExpressionError> Errors)
{
    /// <summary>True when parsing succeeded.</summary>
    public bool Succeeded => Syntax is not null;
}

/// <summary>The result of <see cref="ExpressionSyntax.Bind"/>: either a compiled expression (and no errors) or errors.</summary>
internal readonly record struct ExpressionBindResult(CompiledExpression? Expression, ImmutableArray<ExpressionError> Errors)
{
    /// <summary>True when binding succeeded.</summary>
    public bool Succeeded => Expression is not null;
}
