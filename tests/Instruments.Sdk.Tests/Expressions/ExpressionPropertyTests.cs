using System.Globalization;
using System.Text;
using Instruments.Expressions;
using static Instruments.Sdk.Tests.Expressions.ExpressionTestHelpers;

namespace Instruments.Sdk.Tests.Expressions;

/// <summary>
/// Random well-formed expressions are rendered to text (with only the parentheses precedence requires), parsed,
/// bound and evaluated, and compared with a straightforward recursive evaluator of the spec's semantics.
/// </summary>
public class ExpressionPropertyTests
{
    private abstract record Node;

    private sealed record Num(double Value, bool IsBool = false) : Node;

    private sealed record Var(int Slot) : Node;

    private sealed record Unary(string Op, Node Operand) : Node;

    private sealed record Binary(string Op, Node Left, Node Right) : Node;

    private sealed record Call(string Name, Node[] Args, int? Digits = null) : Node;

    private static readonly string[] BinaryOps = ["||", "or", "&&", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"];
    private static readonly string[] Aggregates = ["min", "max", "sum", "mean", "count"];
    private static readonly double[] Literals = [0, 1, 2, 3, 0.5, 2.5, 10, 1.25];
    private static readonly double[] SlotValues = [double.NaN, double.NaN, 0, 1, 2, 3, -1, 0.5, 2.5, 4];

    private static Node Generate(Random random, int depth)
    {
        int choice = depth <= 0 ? random.Next(3) : random.Next(10);
        switch (choice)
        {
            case 0:
                return random.Next(6) == 0 ? new Num(random.Next(2), IsBool: true) : new Num(Literals[random.Next(Literals.Length)]);
            case 1:
            case 2:
                return new Var(random.Next(4));
            case 3:
                return new Unary(random.Next(3) switch { 0 => "-", 1 => "!", _ => "not" }, Generate(random, depth - 1));
            case 4:
                string name = random.Next(3) switch { 0 => "abs", _ => "round" };
                int? digits = name == "round" && random.Next(2) == 0 ? random.Next(0, 4) : null;
                return new Call(name, [Generate(random, depth - 1)], digits);
            case 5:
                var args = new Node[random.Next(1, 5)];
                for (int i = 0; i < args.Length; i++)
                {
                    args[i] = Generate(random, depth - 1);
                }

                return new Call(Aggregates[random.Next(Aggregates.Length)], args);
            default:
                return new Binary(BinaryOps[random.Next(BinaryOps.Length)], Generate(random, depth - 1), Generate(random, depth - 1));
        }
    }

    private static int Precedence(string op) => op switch
    {
        "||" or "or" => 1,
        "&&" or "and" => 2,
        "==" or "!=" => 3,
        "<" or "<=" or ">" or ">=" => 4,
        "+" or "-" => 5,
        _ => 6,
    };

    private static bool IsComparison(Node node) => node is Binary { Op: "==" or "!=" or "<" or "<=" or ">" or ">=" };

    private static int Precedence(Node node) => node switch
    {
        Binary b => Precedence(b.Op),
        Unary => 7,
        Num { Value: < 0 } => 7,
        _ => 8,
    };

    private static void Render(Node node, StringBuilder sb)
    {
        switch (node)
        {
            case Num n:
                sb.Append(n.IsBool ? (n.Value != 0 ? "true" : "false") : n.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case Var v:
                sb.Append((char)('a' + v.Slot));
                break;
            case Unary u:
                sb.Append(u.Op == "not" ? "not " : u.Op + " ");
                RenderChild(u.Operand, Precedence(u.Operand) < 7, sb);
                break;
            case Binary b:
                int p = Precedence(b.Op);
                bool comparison = IsComparison(b);
                RenderChild(b.Left, Precedence(b.Left) < p || (comparison && IsComparison(b.Left)), sb);
                sb.Append(' ').Append(b.Op).Append(' ');
                RenderChild(b.Right, Precedence(b.Right) <= p || (comparison && IsComparison(b.Right)), sb);
                break;
            case Call c:
                sb.Append(c.Name).Append('(');
                for (int i = 0; i < c.Args.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Render(c.Args[i], sb);
                }

                if (c.Digits is int d)
                {
                    sb.Append(", ").Append(d);
                }

                sb.Append(')');
                break;
        }
    }

    private static void RenderChild(Node node, bool parenthesize, StringBuilder sb)
    {
        if (parenthesize)
        {
            sb.Append('(');
        }

        Render(node, sb);
        if (parenthesize)
        {
            sb.Append(')');
        }
    }

    // --- The reference: direct, recursive, written from the spec. ---

    private enum Truth { False, True, Unknown }

    private static Truth ToTruth(double v) => double.IsNaN(v) ? Truth.Unknown : v != 0 ? Truth.True : Truth.False;

    private static double FromTruth(Truth t) => t switch { Truth.True => 1, Truth.False => 0, _ => double.NaN };

    private static double Reference(Node node, double[] slots)
    {
        switch (node)
        {
            case Num n:
                return n.Value;
            case Var v:
                return slots[v.Slot];
            case Unary u:
                double x = Reference(u.Operand, slots);
                return u.Op == "-" ? -x : FromTruth(ToTruth(x) switch { Truth.True => Truth.False, Truth.False => Truth.True, _ => Truth.Unknown });
            case Binary b:
                double l = Reference(b.Left, slots), r = Reference(b.Right, slots);
                Truth lt = ToTruth(l), rt = ToTruth(r);
                bool anyNaN = double.IsNaN(l) || double.IsNaN(r);
                return b.Op switch
                {
                    "+" => l + r,
                    "-" => l - r,
                    "*" => l * r,
                    "/" => r == 0 ? double.NaN : l / r,
                    "&&" or "and" => FromTruth(lt == Truth.False || rt == Truth.False ? Truth.False
                        : lt == Truth.True && rt == Truth.True ? Truth.True : Truth.Unknown),
                    "||" or "or" => FromTruth(lt == Truth.True || rt == Truth.True ? Truth.True
                        : lt == Truth.False && rt == Truth.False ? Truth.False : Truth.Unknown),
                    _ when anyNaN => double.NaN,
                    "==" => l == r ? 1 : 0,
                    "!=" => l != r ? 1 : 0,
                    "<" => l < r ? 1 : 0,
                    "<=" => l <= r ? 1 : 0,
                    ">" => l > r ? 1 : 0,
                    ">=" => l >= r ? 1 : 0,
                    _ => throw new InvalidOperationException(b.Op),
                };
            case Call c:
                double[] values = c.Args.Select(a => Reference(a, slots)).ToArray();
                double[] present = values.Where(v => !double.IsNaN(v)).ToArray();
                switch (c.Name)
                {
                    case "abs":
                        return Math.Abs(values[0]);
                    case "round":
                        return Math.Round(values[0], c.Digits ?? 0, MidpointRounding.AwayFromZero);
                    case "count":
                        return present.Length;
                }

                if (present.Length == 0)
                {
                    return double.NaN;
                }

                double acc = present[0];
                for (int i = 1; i < present.Length; i++)
                {
                    acc = c.Name switch
                    {
                        "min" => Math.Min(acc, present[i]),
                        "max" => Math.Max(acc, present[i]),
                        _ => acc + present[i],
                    };
                }

                return c.Name == "mean" ? acc / present.Length : acc;
            default:
                throw new InvalidOperationException();
        }
    }

    private static bool SameValue(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : expected == actual;

    [Fact]
    public void Evaluate_agrees_with_a_recursive_reference_evaluator()
    {
        var random = new Random(20240611);
        var sb = new StringBuilder();
        for (int i = 0; i < 3_000; i++)
        {
            Node node = Generate(random, random.Next(1, 7));
            sb.Clear();
            Render(node, sb);
            string text = sb.ToString();
            CompiledExpression expr = Compile(text);

            for (int k = 0; k < 8; k++)
            {
                double[] slots = Enumerable.Range(0, 4).Select(_ => SlotValues[random.Next(SlotValues.Length)]).ToArray();
                double expected = Reference(node, slots);
                double actual = expr.Evaluate(slots);
                Assert.True(SameValue(expected, actual), $"'{text}' with [{string.Join(", ", slots)}]: expected {expected}, got {actual}");
            }
        }
    }

    [Fact]
    public void Range_and_IsIntegral_are_sound_on_random_expressions()
    {
        // Slots hold whole numbers in [lo, hi] (or are missing); every non-missing result must lie in Range,
        // and be whole when IsIntegral says so.
        (double, double)[] ranges = [(0, 3), (1, 4), (-2, 2), (0, 1)];
        var random = new Random(777);
        var sb = new StringBuilder();
        for (int i = 0; i < 3_000; i++)
        {
            Node node = Generate(random, random.Next(1, 6));
            sb.Clear();
            Render(node, sb);
            string text = sb.ToString();
            CompiledExpression expr = Compile(text);
            (double min, double max) = expr.Range(s => ranges[s]);
            bool integral = expr.IsIntegral(_ => true);
            Assert.True(min <= max, text);

            for (int k = 0; k < 12; k++)
            {
                double[] slots = ranges.Select(r => random.Next(6) == 0 ? double.NaN : random.Next((int)r.Item1, (int)r.Item2 + 1)).ToArray();
                double value = expr.Evaluate(slots);
                if (double.IsNaN(value))
                {
                    continue;
                }

                Assert.True(value >= min && value <= max, $"'{text}' = {value} with [{string.Join(", ", slots)}] outside [{min}, {max}]");
                if (integral)
                {
                    Assert.True(double.IsInteger(value) || double.IsInfinity(value), $"'{text}' = {value} is not whole");
                }
            }
        }
    }

    [Fact]
    public void Rendering_round_trips_through_the_parser_for_precedence_sensitive_cases()
    {
        // A sanity check on the generator itself: minimal parenthesization must keep meaning.
        Node node = new Binary("-", new Num(10), new Binary("-", new Num(4), new Num(3)));
        var sb = new StringBuilder();
        Render(node, sb);
        Assert.Equal("10 - (4 - 3)", sb.ToString());
        Assert.Equal(9, Eval(sb.ToString()));
    }
}
