using System.Globalization;

namespace Instruments.Expressions;

/// <summary>Kinds of tokens of the expression language.</summary>
internal enum TokenKind : byte
{
    End,
    Error,
    Number,
    Identifier,
    True,
    False,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    EqualEqual,
    BangEqual,
    Bang,
    AmpAmp,
    PipePipe,
}

/// <summary>A token: its kind, span, numeric value (numbers) or message (errors).</summary>
internal readonly record struct Token(TokenKind Kind, int Offset, int Length, double Value = 0, string? Message = null)
{
    /// <summary>Offset just past the token.</summary>
    public int End => Offset + Length;
}

/// <summary>Splits expression text into tokens. Stops at the first malformed token, which becomes an <see cref="TokenKind.Error"/> token.</summary>
internal static class ExpressionLexer
{
    /// <summary>Tokenizes <paramref name="text"/>; the list always ends with an <see cref="TokenKind.End"/> token.</summary>
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, text.Length, 0));
                return tokens;
            }

            Token token = Next(text, i);
            tokens.Add(token);
            if (token.Kind == TokenKind.Error)
            {
                tokens.Add(new Token(TokenKind.End, text.Length, 0));
                return tokens;
            }

            i = token.End;
        }
    }

    private static Token Next(string text, int start)
    {
        char c = text[start];
        char next = start + 1 < text.Length ? text[start + 1] : '\0';

        if (IsDigit(c))
        {
            return LexNumber(text, start);
        }

        if (IsIdentifierStart(c))
        {
            int end = start + 1;
            while (end < text.Length && IsIdentifierPart(text[end]))
            {
                end++;
            }

            ReadOnlySpan<char> word = text.AsSpan(start, end - start);
            TokenKind kind = word switch
            {
                "and" => TokenKind.And,
                "or" => TokenKind.Or,
                "not" => TokenKind.Not,
                "true" => TokenKind.True,
                "false" => TokenKind.False,
                _ => TokenKind.Identifier,
            };
            return new Token(kind, start, end - start, kind == TokenKind.True ? 1 : 0);
        }

        switch (c)
        {
            case '+': return new Token(TokenKind.Plus, start, 1);
            case '-': return new Token(TokenKind.Minus, start, 1);
            case '*': return new Token(TokenKind.Star, start, 1);
            case '/': return new Token(TokenKind.Slash, start, 1);
            case '(': return new Token(TokenKind.LParen, start, 1);
            case ')': return new Token(TokenKind.RParen, start, 1);
            case ',': return new Token(TokenKind.Comma, start, 1);
            case '<': return next == '=' ? new Token(TokenKind.LessEqual, start, 2) : new Token(TokenKind.Less, start, 1);
            case '>': return next == '=' ? new Token(TokenKind.GreaterEqual, start, 2) : new Token(TokenKind.Greater, start, 1);
            case '!': return next == '=' ? new Token(TokenKind.BangEqual, start, 2) : new Token(TokenKind.Bang, start, 1);
            case '=':
                return next == '='
                    ? new Token(TokenKind.EqualEqual, start, 2)
                    : Error(start, 1, "Use '==' to test whether two values are equal ('=' alone is not an operator)");
            case '&':
                return next == '&'
                    ? new Token(TokenKind.AmpAmp, start, 2)
                    : Error(start, 1, "Use '&&' (or 'and') for 'and'; '&' alone is not an operator");
            case '|':
                return next == '|'
                    ? new Token(TokenKind.PipePipe, start, 2)
                    : Error(start, 1, "Use '||' (or 'or') for 'or'; '|' alone is not an operator");
            case '.' when IsDigit(next):
                return Error(start, 1, "A number must start with a digit: write '0.5' instead of '.5'");
            case '"' or '\'':
                return Error(start, 1, "Text in quotes is not supported in expressions; use item or score names and numbers");
            default:
                return Error(start, char.IsSurrogatePair(text, start) ? 2 : 1, $"Unexpected character '{Describe(text, start)}'");
        }
    }

    private static Token LexNumber(string text, int start)
    {
        int end = start;
        while (end < text.Length && IsDigit(text[end]))
        {
            end++;
        }

        if (end < text.Length && text[end] == '.')
        {
            end++;
            if (end >= text.Length || !IsDigit(text[end]))
            {
                return Error(start, end - start, $"The number '{text[start..end]}' needs digits after the '.', e.g. '{text[start..end]}0'");
            }

            while (end < text.Length && IsDigit(text[end]))
            {
                end++;
            }
        }

        double value = double.Parse(text.AsSpan(start, end - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            return Error(start, end - start, "The number is too large");
        }

        return new Token(TokenKind.Number, start, end - start, value);
    }

    private static Token Error(int offset, int length, string message) => new(TokenKind.Error, offset, length, 0, message);

    private static string Describe(string text, int index) =>
        char.IsSurrogatePair(text, index) ? text.Substring(index, 2)
        : char.IsControl(text[index]) ? $"U+{(int)text[index]:X4}"
        : text[index].ToString();

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsIdentifierStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || IsDigit(c);
}
