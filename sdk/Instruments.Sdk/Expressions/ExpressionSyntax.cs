using System.Collections.Immutable;

namespace Instruments.Expressions;

/// <summary>
/// A parsed expression of the instrument definition language, before names are bound to slots.
/// Immutable. Create with <see cref="Parse"/>; turn into an evaluable form with <see cref="Bind"/>.
/// </summary>
/// <remarks>
/// Grammar, loosest binding first: <c>||</c>/<c>or</c>; <c>&amp;&amp;</c>/<c>and</c>; <c>==</c> <c>!=</c>;
/// <c>&lt;</c> <c>&lt;=</c> <c>&gt;</c> <c>&gt;=</c>; <c>+</c> <c>-</c>; <c>*</c> <c>/</c>; unary <c>-</c>, <c>!</c>/<c>not</c>;
/// parentheses, numbers (<c>12</c>, <c>0.5</c>), <c>true</c>/<c>false</c>, names and calls of
/// <see cref="FunctionNames"/>. Binary operators are left-associative; comparisons cannot be chained.
/// </remarks>
internal sealed class ExpressionSyntax
{
    private readonly ImmutableArray<Instruction> _code;

    private readonly ImmutableArray<ScoringFunction> _externals;

    internal ExpressionSyntax(string text, ImmutableArray<IdentifierReference> identifiers, ImmutableArray<Instruction> code,
        ImmutableArray<ScoringFunction> externals)
    {
        _externals = externals;
        Text = text;
        Identifiers = identifiers;
        _code = code;
    }

    /// <summary>The functions that can be called: <c>min</c>, <c>max</c>, <c>sum</c>, <c>mean</c>, <c>count</c>, <c>round</c>, <c>abs</c>.</summary>
    internal static IReadOnlyList<string> FunctionNames { get; } = ImmutableArray.Create("min", "max", "sum", "mean", "count", "round", "abs");

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>Every occurrence of an item or score name, in source order.</summary>
    public ImmutableArray<IdentifierReference> Identifiers { get; }

    /// <summary>The postfix instructions; <see cref="OpCode.Load"/> operands index <see cref="Identifiers"/>.</summary>
    internal ImmutableArray<Instruction> Code => _code;

    /// <summary>
    /// Parses expression text. Never throws: any problem (including text longer than 4096 characters or nesting
    /// deeper than 64 levels) is returned as <see cref="ExpressionError"/> entries, with a null syntax.
    /// </summary>
    public static ExpressionParseResult Parse(string text, ScoringFunctions? functions = null)
    {
        try
        {
            return ExpressionParser.Parse(text, functions);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Defensive: the parser is not expected to throw; if it ever does, report rather than crash the compiler.
            return new ExpressionParseResult(null, [new ExpressionError(ExpressionErrorKind.Syntax, 0, text?.Length ?? 0, $"The expression could not be parsed ({ex.Message})")]);
        }
    }

    /// <summary>
    /// Binds every name to a slot index. <paramref name="resolveSlot"/> returns the slot of a name, or -1 when the
    /// name is unknown; each occurrence of an unknown name yields an <see cref="ExpressionErrorKind.UnknownIdentifier"/> error.
    /// </summary>
    public ExpressionBindResult Bind(Func<string, int> resolveSlot)
    {
        ArgumentNullException.ThrowIfNull(resolveSlot);
        var slots = new int[Identifiers.Length];
        var cache = new Dictionary<string, int>(StringComparer.Ordinal);
        ImmutableArray<ExpressionError>.Builder? errors = null;
        for (int i = 0; i < Identifiers.Length; i++)
        {
            IdentifierReference id = Identifiers[i];
            if (!cache.TryGetValue(id.Name, out int slot))
            {
                slot = resolveSlot(id.Name);
                cache[id.Name] = slot;
            }

            if (slot < 0)
            {
                errors ??= ImmutableArray.CreateBuilder<ExpressionError>();
                errors.Add(new ExpressionError(ExpressionErrorKind.UnknownIdentifier, id.Offset, id.Length, $"Unknown item or score '{id.Name}'"));
            }

            slots[i] = slot;
        }

        if (errors is not null)
        {
            return new ExpressionBindResult(null, errors.ToImmutable());
        }

        var code = new Instruction[_code.Length];
        for (int i = 0; i < code.Length; i++)
        {
            Instruction instruction = _code[i];
            code[i] = instruction.Op == OpCode.Load ? instruction with { Operand = slots[instruction.Operand] } : instruction;
        }

        return new ExpressionBindResult(new CompiledExpression(Text, code, [.. _externals]), []);
    }

    /// <summary>Returns <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
