using System.Collections.Immutable;
using System.Diagnostics;

namespace Instruments.Expressions;

/// <summary>
/// A bound expression in flat postfix form, ready to evaluate. Immutable and thread-safe; <see cref="Evaluate(ReadOnlySpan{double})"/>
/// allocates nothing on the heap and takes no locks.
/// </summary>
/// <remarks>
/// Semantics: values are <see cref="double"/>; <see cref="double.NaN"/> means missing/unknown; truth values are 1 and 0
/// and any non-zero, non-NaN value counts as true.
/// <list type="bullet">
/// <item>Arithmetic with NaN gives NaN; division by zero gives NaN.</item>
/// <item>A comparison with NaN on either side gives NaN (unknown), otherwise 1 or 0.</item>
/// <item><c>&amp;&amp;</c>, <c>||</c>, <c>!</c> follow Kleene three-valued logic: false &amp;&amp; unknown = false,
/// true || unknown = true, true &amp;&amp; unknown = unknown, !unknown = unknown.</item>
/// <item><c>sum</c>, <c>mean</c>, <c>min</c>, <c>max</c> skip NaN arguments and give NaN only when all are NaN;
/// <c>count</c> is the number of non-NaN arguments.</item>
/// <item><c>abs(NaN)</c> and <c>round(NaN)</c> are NaN. <c>round(x)</c> and <c>round(x, digits)</c> round half away
/// from zero (<see cref="MidpointRounding.AwayFromZero"/>): round(2.5) = 3, round(-2.5) = -3. As with
/// <see cref="Math.Round(double, int, MidpointRounding)"/>, a decimal midpoint that has no exact binary
/// representation (e.g. 2.675) may round either way.</item>
/// </list>
/// </remarks>
internal sealed class CompiledExpression
{
    private readonly Instruction[] _code;
    private readonly int _maxStack;
    private readonly ScoringFunction[] _externals;

    internal CompiledExpression(string text, Instruction[] code, ScoringFunction[]? externals = null)
    {
        Text = text;
        _code = code;
        _externals = externals ?? [];

        int height = 0, max = 0;
        var slots = new SortedSet<int>();
        foreach (Instruction instruction in code)
        {
            height += instruction.StackEffect;
            max = Math.Max(max, height);
            if (instruction.Op == OpCode.Load)
            {
                slots.Add(instruction.Operand);
            }
        }

        Debug.Assert(height == 1, "A well-formed expression leaves exactly one value on the stack.");
        _maxStack = Math.Max(max, 1);
        Slots = [.. slots];
        IsBoolean = code.Length > 0 && code[^1].IsBoolean;
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>The distinct slot indexes read by the expression, ascending.</summary>
    public ImmutableArray<int> Slots { get; }

    /// <summary>True when the outermost operation is a comparison, a logical operator or a <c>true</c>/<c>false</c> literal.</summary>
    public bool IsBoolean { get; }

    /// <summary>The height of evaluation stack the expression needs.</summary>
    internal int MaxStack => _maxStack;

    /// <summary>The instructions, in postfix order (for emitters that lower the expression elsewhere, such as SQL).</summary>
    internal ReadOnlySpan<Instruction> Code => _code;

    /// <summary>The number of instructions.</summary>
    internal int InstructionCount => _code.Length;

    /// <summary>
    /// Evaluates the expression over <paramref name="slots"/> (indexed by the slot numbers given to
    /// <see cref="ExpressionSyntax.Bind"/>; NaN = missing). Allocation-free. Throws
    /// <see cref="IndexOutOfRangeException"/> if <paramref name="slots"/> is shorter than a referenced slot.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> slots)
    {
        var fault = -1;
        return Evaluate(slots, ref fault, out _);
    }

    /// <summary>True when the expression calls plugin functions (whose failures must be reported).</summary>
    public bool CallsFunctions => _externals.Length > 0;

    /// <summary>The plugin functions the expression calls, by call index.</summary>
    internal ReadOnlySpan<ScoringFunction> Functions => _externals;

    /// <summary>
    /// Evaluates like <see cref="Evaluate(ReadOnlySpan{double})"/>; when a plugin function throws, its call yields NaN,
    /// <paramref name="faultedFunction"/> is set to its index in <see cref="Functions"/> and <paramref name="error"/>
    /// to the exception's message (the only allocation, and only on failure).
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> slots, ref int faultedFunction, out string? error)
    {
        error = null;
        Span<double> stack = stackalloc double[_maxStack];
        int sp = 0;
        Instruction[] code = _code;
        unchecked
        {
            for (int pc = 0; pc < code.Length; pc++)
            {
                ref readonly Instruction ins = ref code[pc];
                double a, b;
                switch (ins.Op)
                {
                    case OpCode.Const:
                        stack[sp++] = ins.Value;
                        break;
                    case OpCode.Load:
                        stack[sp++] = slots[ins.Operand];
                        break;
                    case OpCode.Neg:
                        stack[sp - 1] = -stack[sp - 1];
                        break;
                    case OpCode.Not:
                        a = stack[sp - 1];
                        stack[sp - 1] = double.IsNaN(a) ? double.NaN : a == 0 ? 1 : 0;
                        break;
                    case OpCode.Add:
                        b = stack[--sp];
                        stack[sp - 1] += b;
                        break;
                    case OpCode.Sub:
                        b = stack[--sp];
                        stack[sp - 1] -= b;
                        break;
                    case OpCode.Mul:
                        b = stack[--sp];
                        stack[sp - 1] *= b;
                        break;
                    case OpCode.Div:
                        b = stack[--sp];
                        stack[sp - 1] = b == 0 ? double.NaN : stack[sp - 1] / b;
                        break;
                    case OpCode.Eq:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] == b);
                        break;
                    case OpCode.Ne:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] != b);
                        break;
                    case OpCode.Lt:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] < b);
                        break;
                    case OpCode.Le:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] <= b);
                        break;
                    case OpCode.Gt:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] > b);
                        break;
                    case OpCode.Ge:
                        b = stack[--sp];
                        stack[sp - 1] = Compare(stack[sp - 1], b, stack[sp - 1] >= b);
                        break;
                    case OpCode.And:
                        b = stack[--sp];
                        a = stack[sp - 1];
                        stack[sp - 1] = a == 0 || b == 0 ? 0 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 1;
                        break;
                    case OpCode.Or:
                        b = stack[--sp];
                        a = stack[sp - 1];
                        stack[sp - 1] = IsTrue(a) || IsTrue(b) ? 1 : double.IsNaN(a) || double.IsNaN(b) ? double.NaN : 0;
                        break;
                    case OpCode.SumSkip:
                        b = stack[--sp];
                        a = stack[sp - 1];
                        stack[sp - 1] = double.IsNaN(a) ? b : double.IsNaN(b) ? a : a + b;
                        break;
                    case OpCode.MinSkip:
                        b = stack[--sp];
                        a = stack[sp - 1];
                        stack[sp - 1] = double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);
                        break;
                    case OpCode.MaxSkip:
                        b = stack[--sp];
                        a = stack[sp - 1];
                        stack[sp - 1] = double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);
                        break;
                    case OpCode.Present:
                        stack[sp - 1] = double.IsNaN(stack[sp - 1]) ? 0 : 1;
                        break;
                    case OpCode.MeanStart:
                        a = stack[sp - 1];
                        bool present = !double.IsNaN(a);
                        stack[sp - 1] = present ? a : 0;
                        stack[sp++] = present ? 1 : 0;
                        break;
                    case OpCode.MeanAdd:
                        a = stack[--sp];
                        if (!double.IsNaN(a))
                        {
                            stack[sp - 2] += a;
                            stack[sp - 1] += 1;
                        }

                        break;
                    case OpCode.MeanEnd:
                        b = stack[--sp];
                        stack[sp - 1] = b == 0 ? double.NaN : stack[sp - 1] / b;
                        break;
                    case OpCode.Abs:
                        stack[sp - 1] = Math.Abs(stack[sp - 1]);
                        break;
                    case OpCode.Round:
                        stack[sp - 1] = Math.Round(stack[sp - 1], ins.Operand, MidpointRounding.AwayFromZero);
                        break;
                    case OpCode.Call:
                    {
                        int argc = (int)ins.Value;
                        sp -= argc;
                        double result = Call(_externals[ins.Operand], stack.Slice(sp, argc), out string? callError);
                        if (callError is not null && faultedFunction < 0)
                        {
                            faultedFunction = ins.Operand;
                            error = callError;
                        }

                        stack[sp++] = result;
                        break;
                    }

                    default:
                        throw new UnreachableException();
                }
            }
        }

        return stack[0];
    }

    // The plugin boundary: an exception from plugin code becomes a missing value and a message, never a crash.
    private static double Call(ScoringFunction function, ReadOnlySpan<double> arguments, out string? error)
    {
        try
        {
            error = null;
            return function.Body(arguments);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex.GetType().Name + ": " + ex.Message;
            return double.NaN;
        }
    }

    private static double Compare(double a, double b, bool result) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : result ? 1 : 0;

    private static bool IsTrue(double value) => value != 0 && !double.IsNaN(value);

    /// <summary>
    /// Interval analysis: bounds on every non-missing result given bounds on each slot. Conservative: the true
    /// range is never wider than the returned one, but may be narrower. NaN bounds from <paramref name="slotRange"/>
    /// are taken as unbounded. Division by an interval containing 0 gives (-∞, +∞); comparisons and logic give (0, 1).
    /// Because aggregates skip missing arguments, <c>sum</c> covers every non-empty subset of its arguments.
    /// </summary>
    public (double Min, double Max) Range(Func<int, (double Min, double Max)> slotRange)
    {
        ArgumentNullException.ThrowIfNull(slotRange);
        var lo = new double[_maxStack];
        var hi = new double[_maxStack];
        int sp = 0;
        foreach (Instruction ins in _code)
        {
            double alo, ahi, blo, bhi;
            switch (ins.Op)
            {
                case OpCode.Const:
                    lo[sp] = hi[sp] = ins.Value;
                    sp++;
                    continue;
                case OpCode.Load:
                    (double min, double max) = slotRange(ins.Operand);
                    lo[sp] = double.IsNaN(min) ? double.NegativeInfinity : Math.Min(min, max);
                    hi[sp] = double.IsNaN(max) ? double.PositiveInfinity : Math.Max(min, max);
                    sp++;
                    continue;
                case OpCode.MeanStart:
                    lo[sp] = 0;
                    hi[sp] = 1; // the running count; unused by the analysis
                    sp++;
                    continue;
                case OpCode.Call:
                    sp -= (int)ins.Value;
                    lo[sp] = _externals[ins.Operand].ResultMin;
                    hi[sp] = _externals[ins.Operand].ResultMax;
                    sp++;
                    continue;
            }

            // Unary operations work on the top; binary ones pop b and combine with a below it.
            int top = sp - 1;
            switch (ins.Op)
            {
                case OpCode.Neg:
                    (lo[top], hi[top]) = (-hi[top], -lo[top]);
                    continue;
                case OpCode.Abs:
                    (lo[top], hi[top]) = lo[top] >= 0 ? (lo[top], hi[top])
                        : hi[top] <= 0 ? (-hi[top], -lo[top])
                        : (0, Math.Max(-lo[top], hi[top]));
                    continue;
                case OpCode.Round:
                    lo[top] = Math.Round(lo[top], ins.Operand, MidpointRounding.AwayFromZero);
                    hi[top] = Math.Round(hi[top], ins.Operand, MidpointRounding.AwayFromZero);
                    continue;
                case OpCode.Not or OpCode.Present:
                    (lo[top], hi[top]) = (0, 1);
                    continue;
            }

            sp--;
            (blo, bhi) = (lo[sp], hi[sp]);
            top = sp - 1;
            (alo, ahi) = (lo[top], hi[top]);
            (double rlo, double rhi) = ins.Op switch
            {
                OpCode.Add => (alo + blo, ahi + bhi),
                OpCode.Sub => (alo - bhi, ahi - blo),
                OpCode.Mul => Hull4(MulBound(alo, blo), MulBound(alo, bhi), MulBound(ahi, blo), MulBound(ahi, bhi)),
                OpCode.Div => blo <= 0 && bhi >= 0
                    ? (double.NegativeInfinity, double.PositiveInfinity)
                    : Hull4(alo / blo, alo / bhi, ahi / blo, ahi / bhi),
                OpCode.SumSkip => (Math.Min(Math.Min(alo, blo), alo + blo), Math.Max(Math.Max(ahi, bhi), ahi + bhi)),
                OpCode.MinSkip or OpCode.MaxSkip => (Math.Min(alo, blo), Math.Max(ahi, bhi)),
                OpCode.MeanAdd => (Math.Min(alo, blo), Math.Max(ahi, bhi)), // a is the running count; fixed below
                OpCode.MeanEnd => (alo, ahi), // b was the running count: the mean lies within the hull of its arguments
                _ => (0, 1), // comparisons and logic
            };

            if (ins.Op == OpCode.MeanAdd)
            {
                // Stack: hull, count, x. The hull sits below the count; merge x into it and keep the count.
                lo[top - 1] = Math.Min(lo[top - 1], blo);
                hi[top - 1] = Math.Max(hi[top - 1], bhi);
                continue;
            }

            lo[top] = double.IsNaN(rlo) ? double.NegativeInfinity : rlo;
            hi[top] = double.IsNaN(rhi) ? double.PositiveInfinity : rhi;
        }

        return (lo[0], hi[0]);
    }

    // Interval multiplication bound with the convention 0 * ∞ = 0.
    private static double MulBound(double a, double b) => a == 0 || b == 0 ? 0 : a * b;

    // Hull of four candidate bounds; any NaN (e.g. ∞/∞) makes the result unbounded.
    private static (double, double) Hull4(double a, double b, double c, double d) =>
        double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(c) || double.IsNaN(d)
            ? (double.NegativeInfinity, double.PositiveInfinity)
            : (Math.Min(Math.Min(a, b), Math.Min(c, d)), Math.Max(Math.Max(a, b), Math.Max(c, d)));

    /// <summary>
    /// True when every non-missing result is a whole number, given which slots hold whole numbers:
    /// <c>+</c>, <c>-</c>, <c>*</c>, unary minus, <c>abs</c>, <c>min</c>, <c>max</c>, <c>sum</c> of integral operands;
    /// <c>count</c>, <c>round(x)</c>, <c>round(x, 0)</c>, comparisons and logic always; <c>/</c> and <c>mean</c> never.
    /// </summary>
    public bool IsIntegral(Func<int, bool> slotIsIntegral)
    {
        ArgumentNullException.ThrowIfNull(slotIsIntegral);
        var stack = new bool[_maxStack];
        int sp = 0;
        foreach (Instruction ins in _code)
        {
            switch (ins.Op)
            {
                case OpCode.Const:
                    stack[sp++] = double.IsInteger(ins.Value);
                    break;
                case OpCode.Load:
                    stack[sp++] = slotIsIntegral(ins.Operand);
                    break;
                case OpCode.Call:
                    sp -= (int)ins.Value;
                    stack[sp++] = _externals[ins.Operand].IntegralResult;
                    break;
                case OpCode.Neg or OpCode.Abs:
                    break;
                case OpCode.Round:
                    stack[sp - 1] |= ins.Operand == 0;
                    break;
                case OpCode.Not or OpCode.Present:
                    stack[sp - 1] = true;
                    break;
                case OpCode.Add or OpCode.Sub or OpCode.Mul or OpCode.SumSkip or OpCode.MinSkip or OpCode.MaxSkip:
                    sp--;
                    stack[sp - 1] &= stack[sp];
                    break;
                case OpCode.Div:
                    sp--;
                    stack[sp - 1] = false;
                    break;
                case OpCode.MeanStart:
                    stack[sp - 1] = false;
                    stack[sp++] = true;
                    break;
                case OpCode.MeanAdd or OpCode.MeanEnd:
                    sp--;
                    break;
                default: // comparisons and logic
                    sp--;
                    stack[sp - 1] = true;
                    break;
            }
        }

        return stack[0];
    }

    /// <summary>Returns <see cref="Text"/>.</summary>
    public override string ToString() => Text;
}
