namespace Instruments.Expressions;

/// <summary>Operations of the flat (postfix) instruction form used by <see cref="CompiledExpression"/>.</summary>
internal enum OpCode : byte
{
    /// <summary>Push <see cref="Instruction.Value"/>. Operand 1 marks a <c>true</c>/<c>false</c> literal.</summary>
    Const,

    /// <summary>Push a value: in syntax, Operand is the index into <see cref="ExpressionSyntax.Identifiers"/>; once bound, the slot index.</summary>
    Load,

    /// <summary>Unary minus.</summary>
    Neg,

    /// <summary>Kleene negation.</summary>
    Not,

    /// <summary>Addition.</summary>
    Add,

    /// <summary>Subtraction.</summary>
    Sub,

    /// <summary>Multiplication.</summary>
    Mul,

    /// <summary>Division (by zero gives NaN).</summary>
    Div,

    /// <summary>Equality comparison.</summary>
    Eq,

    /// <summary>Inequality comparison.</summary>
    Ne,

    /// <summary>Less than.</summary>
    Lt,

    /// <summary>Less than or equal.</summary>
    Le,

    /// <summary>Greater than.</summary>
    Gt,

    /// <summary>Greater than or equal.</summary>
    Ge,

    /// <summary>Kleene conjunction.</summary>
    And,

    /// <summary>Kleene disjunction.</summary>
    Or,

    /// <summary>Sum of two values skipping NaN (NaN only when both are NaN); folds <c>sum</c>.</summary>
    SumSkip,

    /// <summary>Minimum of two values skipping NaN; folds <c>min</c>.</summary>
    MinSkip,

    /// <summary>Maximum of two values skipping NaN; folds <c>max</c>.</summary>
    MaxSkip,

    /// <summary>1 when the value is not NaN, else 0; with <see cref="Add"/> implements <c>count</c>.</summary>
    Present,

    /// <summary>Pop x; push (x or 0, 1 or 0): a running sum and count for <c>mean</c>.</summary>
    MeanStart,

    /// <summary>Pop x; add it to the running sum and count below when not NaN.</summary>
    MeanAdd,

    /// <summary>Pop the count; replace the sum by sum / count (NaN when the count is 0).</summary>
    MeanEnd,

    /// <summary>Absolute value.</summary>
    Abs,

    /// <summary>Round half away from zero to Operand decimal digits.</summary>
    Round,

    /// <summary>Call plugin function number Operand with (int)Value arguments popped from the stack; push its result.</summary>
    Call,
}

/// <summary>One instruction of the flat form.</summary>
internal readonly record struct Instruction(OpCode Op, int Operand, double Value)
{
    /// <summary>How the instruction changes the height of the evaluation stack.</summary>
    public int StackEffect => Op switch
    {
        OpCode.Const or OpCode.Load or OpCode.MeanStart => 1,
        OpCode.Neg or OpCode.Not or OpCode.Present or OpCode.Abs or OpCode.Round => 0,
        OpCode.Call => 1 - (int)Value,
        _ => -1,
    };

    /// <summary>True when the instruction produces a truth value (comparison, logic, boolean literal).</summary>
    public bool IsBoolean => Op switch
    {
        OpCode.Eq or OpCode.Ne or OpCode.Lt or OpCode.Le or OpCode.Gt or OpCode.Ge
            or OpCode.And or OpCode.Or or OpCode.Not => true,
        OpCode.Const => Operand == 1,
        _ => false,
    };
}
