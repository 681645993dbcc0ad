using System.Collections.Immutable;

namespace Instruments.Expressions;

/// <summary>
/// Recursive-descent parser that emits the flat postfix form directly while parsing, so nothing after the parser
/// walks a tree: long operator chains (<c>a + b + c + ...</c>) need no recursion at all, and recursion through
/// parentheses, calls and unary operators is bounded by <see cref="MaxDepth"/>.
/// After the first syntax error parsing stops; function-name and argument-count errors do not stop it.
/// </summary>
internal sealed class ExpressionParser
{
    /// <summary>Maximum length of expression text in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>Maximum nesting of parentheses, function calls and unary operators.</summary>
    public const int MaxDepth = 64;

    private enum Function
    {
        Unknown,
        Min,
        Max,
        Sum,
        Mean,
        Count,
        Round,
        Abs,
    }

    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<Instruction> _code = [];
    private readonly List<IdentifierReference> _identifiers = [];
    private readonly List<ExpressionError> _errors = [];
    private int _position;
    private int _depth;
    private bool _failed;

    private readonly ScoringFunctions _functions;
    private readonly List<ScoringFunction> _externals = [];

    private ExpressionParser(string text, ScoringFunctions functions)
    {
        _text = text;
        _functions = functions;
        _tokens = ExpressionLexer.Tokenize(text);
    }

    private Token Current => _tokens[_position];

    /// <summary>Parses <paramref name="text"/>. Never throws.</summary>
    public static ExpressionParseResult Parse(string? text, ScoringFunctions? functions = null)
    {
        if (text is null)
        {
            return Fail(new ExpressionError(ExpressionErrorKind.Syntax, 0, 0, "The expression is empty"));
        }

        if (text.Length > MaxLength)
        {
            return Fail(new ExpressionError(
                ExpressionErrorKind.TooComplex, 0, text.Length,
                $"The expression is too long ({text.Length} characters; at most {MaxLength} are allowed)"));
        }

        var parser = new ExpressionParser(text, functions ?? ScoringFunctions.Empty);
        parser.ParseTop();
        if (parser._errors.Count > 0)
        {
            return new ExpressionParseResult(null, [.. parser._errors]);
        }

        var syntax = new ExpressionSyntax(text, [.. parser._identifiers], [.. parser._code], [.. parser._externals]);
        return new ExpressionParseResult(syntax, []);
    }

    private static ExpressionParseResult Fail(ExpressionError error) => new(null, [error]);

    private void ParseTop()
    {
        if (Current.Kind == TokenKind.End)
        {
            SyntaxError(Current, "The expression is empty");
            return;
        }

        ParseOr();
        if (!_failed && Current.Kind != TokenKind.End)
        {
            Unexpected(Current, Current.Kind == TokenKind.RParen
                ? "This ')' has no matching '('"
                : $"Unexpected {Describe(Current)}; expected an operator such as '+', '*', '>=' or '&&', or the end of the expression");
        }
    }

    private void ParseOr()
    {
        ParseAnd();
        while (!_failed && Current.Kind is TokenKind.PipePipe or TokenKind.Or)
        {
            _position++;
            ParseAnd();
            Emit(OpCode.Or);
        }
    }

    private void ParseAnd()
    {
        ParseComparison();
        while (!_failed && Current.Kind is TokenKind.AmpAmp or TokenKind.And)
        {
            _position++;
            ParseComparison();
            Emit(OpCode.And);
        }
    }

    // Equality (==, !=) binds looser than relational (<, <=, >, >=), but since comparisons cannot be chained at all
    // (not even 'a < b == c'), both levels collapse into one: additive (comparison-operator additive)?
    private void ParseComparison()
    {
        ParseAdditive();
        if (_failed || ComparisonOp(Current.Kind) is not OpCode op)
        {
            return;
        }

        Token first = Current;
        _position++;
        ParseAdditive();
        if (_failed)
        {
            return;
        }

        Emit(op);
        if (ComparisonOp(Current.Kind) is not null)
        {
            SyntaxError(Current,
                $"Comparisons cannot be chained: {Describe(Current)} follows {Describe(first)} at column {first.Offset + 1}; " +
                "combine separate comparisons with '&&', e.g. 'a < b && b < c', or use parentheses");
        }
    }

    private void ParseAdditive()
    {
        ParseMultiplicative();
        while (!_failed && Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            OpCode op = Current.Kind == TokenKind.Plus ? OpCode.Add : OpCode.Sub;
            _position++;
            ParseMultiplicative();
            Emit(op);
        }
    }

    private void ParseMultiplicative()
    {
        ParseUnary();
        while (!_failed && Current.Kind is TokenKind.Star or TokenKind.Slash)
        {
            OpCode op = Current.Kind == TokenKind.Star ? OpCode.Mul : OpCode.Div;
            _position++;
            ParseUnary();
            Emit(op);
        }
    }

    private void ParseUnary()
    {
        Token token = Current;
        if (token.Kind is not (TokenKind.Minus or TokenKind.Bang or TokenKind.Not))
        {
            ParsePrimary();
            return;
        }

        if (!Enter(token))
        {
            return;
        }

        _position++;
        int before = _code.Count;
        ParseUnary();
        _depth--;
        if (_failed)
        {
            return;
        }

        if (token.Kind != TokenKind.Minus)
        {
            Emit(OpCode.Not);
        }
        else if (_code.Count == before + 1 && _code[^1].Op == OpCode.Const)
        {
            _code[^1] = new Instruction(OpCode.Const, 0, -_code[^1].Value); // fold '-2' into a literal
        }
        else
        {
            Emit(OpCode.Neg);
        }
    }

    private void ParsePrimary()
    {
        Token token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _position++;
                _code.Add(new Instruction(OpCode.Const, 0, token.Value));
                return;

            case TokenKind.True:
            case TokenKind.False:
                _position++;
                _code.Add(new Instruction(OpCode.Const, 1, token.Value));
                return;

            case TokenKind.Identifier:
                string name = _text.Substring(token.Offset, token.Length);
                if (_tokens[_position + 1].Kind == TokenKind.LParen)
                {
                    ParseCall(token, name);
                }
                else if (Lookup(name) != Function.Unknown)
                {
                    SyntaxError(token, $"'{name}' is a function; call it with its arguments in parentheses, e.g. '{name}(a, b)'");
                }
                else
                {
                    _position++;
                    _code.Add(new Instruction(OpCode.Load, _identifiers.Count, 0));
                    _identifiers.Add(new IdentifierReference(name, token.Offset, token.Length));
                }

                return;

            case TokenKind.LParen:
                if (!Enter(token))
                {
                    return;
                }

                _position++;
                ParseOr();
                _depth--;
                if (_failed)
                {
                    return;
                }

                if (Current.Kind != TokenKind.RParen)
                {
                    Unexpected(Current, ExpectedClose(token));
                    return;
                }

                _position++;
                return;

            case TokenKind.End:
                SyntaxError(token, "The expression ends too early; expected a number, a name or '('");
                return;

            default:
                Unexpected(token, $"Expected a number, a name or '(' but found {Describe(token)}");
                return;
        }
    }

    private void ParseCall(Token nameToken, string name)
    {
        Token open = _tokens[_position + 1];
        if (!Enter(open))
        {
            return;
        }

        _position += 2;
        Function function = Lookup(name);
        ScoringFunction? external = function == Function.Unknown ? _functions.Find(name) : null;
        if (function == Function.Unknown && external is null)
        {
            var known = ExpressionSyntax.FunctionNames.Concat(_functions.All.Select(f => f.Name));
            string message = $"Unknown function '{name}'; known functions: {string.Join(", ", known)}";
            string? hint = ExpressionSyntax.FunctionNames.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
            if (hint is not null)
            {
                message += $" (function names are lower case: did you mean '{hint}'?)";
            }

            _errors.Add(new ExpressionError(ExpressionErrorKind.UnknownFunction, nameToken.Offset, nameToken.Length, message));
        }

        int count = 0;
        int roundDigits = 0;
        if (Current.Kind != TokenKind.RParen)
        {
            while (true)
            {
                int before = _code.Count;
                Token first = Current;
                ParseOr();
                if (_failed)
                {
                    return;
                }

                count++;
                switch (function)
                {
                    case Function.Sum when count > 1: Emit(OpCode.SumSkip); break;
                    case Function.Min when count > 1: Emit(OpCode.MinSkip); break;
                    case Function.Max when count > 1: Emit(OpCode.MaxSkip); break;
                    case Function.Mean: Emit(count == 1 ? OpCode.MeanStart : OpCode.MeanAdd); break;
                    case Function.Count:
                        Emit(OpCode.Present);
                        if (count > 1)
                        {
                            Emit(OpCode.Add);
                        }

                        break;
                    case Function.Round when count == 2:
                        Instruction last = _code[^1];
                        if (_code.Count == before + 1 && last.Op == OpCode.Const && last.Operand == 0
                            && double.IsInteger(last.Value) && last.Value is >= 0 and <= 10)
                        {
                            roundDigits = (int)last.Value;
                            _code.RemoveAt(_code.Count - 1);
                        }
                        else
                        {
                            int end = _tokens[_position - 1].End;
                            _errors.Add(new ExpressionError(
                                ExpressionErrorKind.Syntax, first.Offset, end - first.Offset,
                                "The number of decimal places in 'round' must be a whole number from 0 to 10, e.g. 'round(x, 2)'"));
                        }

                        break;
                }

                if (Current.Kind != TokenKind.Comma)
                {
                    break;
                }

                _position++;
            }
        }

        if (Current.Kind != TokenKind.RParen)
        {
            Unexpected(Current, ExpectedClose(open));
            return;
        }

        Token close = Current;
        _position++;
        _depth--;

        int offset = nameToken.Offset, length = close.End - nameToken.Offset;
        if (external is not null)
        {
            if (count < external.MinArguments || count > external.MaxArguments)
            {
                string takes = external.MinArguments == external.MaxArguments
                    ? $"{external.MinArguments} argument{(external.MinArguments == 1 ? string.Empty : "s")}"
                    : $"{external.MinArguments} to {external.MaxArguments} arguments";
                _errors.Add(new ExpressionError(ExpressionErrorKind.ArgumentCount, offset, length, $"'{name}' takes {takes}"));
                return;
            }

            int index = _externals.IndexOf(external);
            if (index < 0)
            {
                index = _externals.Count;
                _externals.Add(external);
            }

            _code.Add(new Instruction(OpCode.Call, index, count));
            return;
        }

        switch (function)
        {
            case Function.Min or Function.Max or Function.Sum or Function.Mean or Function.Count when count == 0:
                _errors.Add(new ExpressionError(ExpressionErrorKind.ArgumentCount, offset, length, $"'{name}' takes at least 1 argument"));
                break;
            case Function.Mean:
                Emit(OpCode.MeanEnd);
                break;
            case Function.Round when count is 1 or 2:
                _code.Add(new Instruction(OpCode.Round, roundDigits, 0));
                break;
            case Function.Round:
                _errors.Add(new ExpressionError(ExpressionErrorKind.ArgumentCount, offset, length, "'round' takes 1 or 2 arguments"));
                break;
            case Function.Abs when count == 1:
                Emit(OpCode.Abs);
                break;
            case Function.Abs:
                _errors.Add(new ExpressionError(ExpressionErrorKind.ArgumentCount, offset, length, "'abs' takes 1 argument"));
                break;
        }
    }

    private static Function Lookup(string name) => name switch
    {
        "min" => Function.Min,
        "max" => Function.Max,
        "sum" => Function.Sum,
        "mean" => Function.Mean,
        "count" => Function.Count,
        "round" => Function.Round,
        "abs" => Function.Abs,
        _ => Function.Unknown,
    };

    private static OpCode? ComparisonOp(TokenKind kind) => kind switch
    {
        TokenKind.EqualEqual => OpCode.Eq,
        TokenKind.BangEqual => OpCode.Ne,
        TokenKind.Less => OpCode.Lt,
        TokenKind.LessEqual => OpCode.Le,
        TokenKind.Greater => OpCode.Gt,
        TokenKind.GreaterEqual => OpCode.Ge,
        _ => null,
    };

    private bool Enter(Token token)
    {
        if (_depth >= MaxDepth)
        {
            _errors.Add(new ExpressionError(
                ExpressionErrorKind.TooComplex, token.Offset, token.Length,
                $"The expression is nested too deeply (more than {MaxDepth} levels of parentheses, function calls and signs)"));
            _failed = true;
            return false;
        }

        _depth++;
        return true;
    }

    private void Emit(OpCode op)
    {
        if (!_failed)
        {
            _code.Add(new Instruction(op, 0, 0));
        }
    }

    private string ExpectedClose(Token open) =>
        $"Expected ')' to close '(' opened at column {open.Offset + 1}"
        + (Current.Kind == TokenKind.End ? string.Empty : $" but found {Describe(Current)}");

    // Reports a token the grammar did not expect; a lexer error token reports its own, more specific message.
    private void Unexpected(Token token, string message) =>
        SyntaxError(token, token.Kind == TokenKind.Error ? token.Message! : message);

    private void SyntaxError(Token token, string message)
    {
        _errors.Add(new ExpressionError(ExpressionErrorKind.Syntax, token.Offset, token.Length, message));
        _failed = true;
    }

    private string Describe(Token token) =>
        token.Kind == TokenKind.End ? "the end of the expression" : $"'{_text.Substring(token.Offset, token.Length)}'";
}
