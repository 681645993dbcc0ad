using System.Globalization;
using System.Numerics;
using System.Text;
using Instruments.Scoring;

namespace Instruments.Sql;

/// <summary>
/// ClickHouse (18.16, the oldest tested; later versions keep these functions). What differs from DuckDB and PostgreSQL,
/// each checked against a real 18.16 server:
/// <list type="bullet">
/// <item>No <c>WITH name AS (query)</c>: the stages are nested subqueries, <c>SELECT *, ... FROM (SELECT *, ... FROM
/// table)</c>. (Aliases inside one SELECT would avoid the nesting, but 18.16 expands every alias into each use before
/// analysis, so the tree grows exponentially with the stages: "AST is too big" on a five-item instrument.) No
/// <c>* EXCEPT</c>: the output holds every input column and the working columns <c>__ins_*</c>, then the results.</item>
/// <item>Reading a number: <c>toFloat64OrNull</c> and <c>CAST(text AS Float64)</c> are not correctly rounded (in 18.16
/// '2.81233956478' reads as 2.8123395647800002 and '57.999999999999996447...' as 58, where .NET reads 57.99999999999999),
/// so the text is classified on its digits: the integer the engine's double would equal (the fraction compared as text
/// with the exact halfway points 2^(e-53) around each whole number) or a non-integral stand-in, and overflow on the
/// integer digits. Constants are SQL literals, which the parser does read correctly rounded.</item>
/// <item>Types: every cast is to a Nullable type (a cast of NULL to a plain type is an error), but constants are plain
/// (<c>toInt64(0)</c>, <c>toFloat64(2.5)</c>): 18.16 mishandles Nullable constants; every branch of a CASE is evaluated,
/// so an integer divisor is kept positive where it is not read; no TRUE/FALSE (1/0); the
/// simple <c>CASE x WHEN</c> gives NULL for a Nullable subject, so it is written as <c>CASE WHEN x = ...</c>;
/// <c>IN</c> compares doubles by their bits (-0 is not 0), so a read integer is built from an integer, never -0.</item>
/// <item>No <c>concat_ws</c>: texts are joined with <c>concat</c> and <c>ifNull</c>; <c>round</c> is worked out as in
/// PostgreSQL (.NET's half away from zero on doubles); exact division is <c>intDiv</c>; string literals escape
/// backslashes.</item>
/// </list>
/// </summary>
internal sealed class ClickHouseDialect : ISqlDialect
{
    // 2^1024 - 2^970: a decimal whose integer part is at or above it parses to infinity (not a number, RSP2002).
    private const string Overflow = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

    private readonly long _bound;

    private ClickHouseDialect(long bound) => _bound = Math.Max(1, bound);

    public string DoubleType => "Nullable(Float64)";

    public string BigIntType => "Nullable(Int64)";

    public string True => "1";

    public string False => "0";

    public bool NestedStages => true;

    public string StageEnd => string.Empty;

    public string? WholeRow => null;

    /// <summary>The dialect for plans: number reading is exact up to their largest option or missing code in magnitude.</summary>
    public static ClickHouseDialect For(IEnumerable<ScoringPlan> plans)
    {
        long max = 1;
        foreach (var bound in plans.Select(p => p.Bound))
        {
            foreach (var item in bound.Items)
            {
                max = Math.Max(max, Math.Max(Math.Abs((long)item.Min), Math.Abs((long)item.Max)));
            }

            foreach (var code in bound.MissingCodes)
            {
                max = Math.Max(max, Math.Abs((long)code));
            }
        }

        return new ClickHouseDialect(max);
    }

    public string Identifier(string name) =>
        "`" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "`";

    public string Text(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    public string Trim(string text) => $@"replaceRegexpAll(CAST({text} AS Nullable(String)), '^[ \t\r\n]+|[ \t\r\n]+$', '')";

    public string IsDecimalText(string trimmed) => $"match({trimmed}, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$')";

    // Constants are plain (not Nullable): 18.16 mishandles Nullable constants (COALESCE(x, CAST(0 AS Nullable(Int64)))
    // is NULL for every row; ifNull with one is an error).
    public string Integer(long v) => "toInt64(" + v.ToString(CultureInfo.InvariantCulture) + ")";

    public string Coalesce(string a, string b) => $"ifNull({a}, {b})";

    // multiIf evaluates every branch for every row, and an integer division by 0 (or by a NULL's 0) is an error.
    public string Divisor(string positive) => $"greatest(ifNull({positive}, toInt64(1)), toInt64(1))";

    public string Double(double v)
    {
        if (!double.IsFinite(v))
        {
            throw new ArgumentOutOfRangeException(nameof(v), v, "no SQL constant for a value that is not finite");
        }

        if (double.IsInteger(v) && Math.Abs(v) < 1e15)
        {
            return "toFloat64(" + v.ToString("R", CultureInfo.InvariantCulture) + ")";
        }

        if (v != 0 && Math.Abs(v) < 2.2250738585072014E-308)
        {
            // The parser rejects a subnormal literal: m x 2^-1022 (exact, normal) / 2^52 (exact, as the result is representable).
            var m = BitConverter.DoubleToInt64Bits(Math.Abs(v)) & 0xF_FFFF_FFFF_FFFF;
            return $"toFloat64({(v < 0 ? "-" : string.Empty)}{m.ToString(CultureInfo.InvariantCulture)} * 2.2250738585072014E-308 / 4503599627370496)";
        }

        return "toFloat64(" + v.ToString("R", CultureInfo.InvariantCulture) + ")";
    }

    /// <summary>
    /// The integer the engine's correctly rounded double would equal, from the digits: with I the integer part and F the
    /// fraction (leading zeros of I and trailing zeros of F dropped), I >= 1 in [2^e, 2^(e+1)) reads as I when
    /// 0.F &lt;= 2^(e-53) (half a unit in the last place above I; a tie goes to I, whose significand is even) and as
    /// I + 1 when 0.F &gt;= 1 - 2^(e-53) (half a unit below I + 1, whichever binade it is in); I = 0 reads as 0 at or
    /// below 2^-1075 (underflow) and as 1 from 1 - 2^-54. Fractions without trailing zeros compare as text exactly as
    /// they do as numbers. Any other finite number is 0.5, which no option or code equals.
    /// </summary>
    public string ToFiniteDouble(string trimmed)
    {
        // The integer digits, fraction digits and integer value are named once (aliases, visible across the SELECT) and
        // read by name after; the names extend the trimmed cell's working column, so they are unique per item.
        var name = trimmed.Trim('`');
        var ipName = Identifier(name + "_ip");
        var fpName = Identifier(name + "_fp");
        var ivName = Identifier(name + "_iv");
        var kName = Identifier(name + "_k");
        var digits = _bound.ToString(CultureInfo.InvariantCulture).Length;
        var top = (int)Math.Floor(Math.Log2(Math.Pow(10, digits))); // every I of at most that many digits is below 2^(top+1)
        var k = new StringBuilder($"CASE WHEN length((extract({trimmed}, '^[+-]?0*([0-9]*)') AS {ipName})) > {digits} THEN NULL ");
        k.Append($"WHEN (extract({trimmed}, '[.]([0-9]*[1-9])') AS {fpName}) = '' THEN (toUInt64OrZero({ipName}) AS {ivName}) ");
        k.Append($"WHEN {ivName} = 0 THEN CASE WHEN {fpName} <= '{PowerOfHalf(1075)}' THEN 0 WHEN {fpName} >= '{OneMinusPowerOfHalf(54)}' THEN 1 END ");
        for (var e = 0; e <= top; e++)
        {
            var below = (BigInteger.One << (e + 1)).ToString(CultureInfo.InvariantCulture);
            k.Append($"WHEN {ivName} < {below} THEN CASE WHEN {fpName} <= '{PowerOfHalf(53 - e)}' THEN {ivName} WHEN {fpName} >= '{OneMinusPowerOfHalf(53 - e)}' THEN {ivName} + 1 END ");
        }

        k.Append("END");
        var overflow = $"length({ipName}) > {Overflow.Length} OR (length({ipName}) = {Overflow.Length} AND {ipName} >= '{Overflow}')";
        return $"CASE WHEN (({k}) AS {kName}) IS NULL THEN (CASE WHEN {overflow} THEN NULL ELSE toFloat64(0.5) END) " +
               $"WHEN substring({trimmed}, 1, 1) = '-' THEN CAST(-toInt64({kName}) AS Nullable(Float64)) ELSE CAST(toInt64({kName}) AS Nullable(Float64)) END";
    }

    public string ExactDivide(string dividend, string divisor) => $"intDiv(({dividend}), ({divisor}))";

    public string BoolToDouble(string condition) => $"CAST(({condition}) AS Nullable(Float64))";

    // Math.Round(x, d, AwayFromZero), as PostgreSqlDialect: below 1e16, y = x * 10^d, trunc(y ± 0.49999999999999994) / 10^d.
    public string RoundHalfAwayFromZero(string value, int digits)
    {
        var power = "CAST(1" + new string('0', Math.Clamp(digits, 0, 15)) + " AS Float64)";
        var y = $"({value} * {power})";
        return $"CASE WHEN abs({value}) < 1E+16 THEN " +
               $"trunc({y} + CASE WHEN {y} < 0 THEN -0.49999999999999994 ELSE 0.49999999999999994 END) / {power} " +
               $"ELSE {value} END";
    }

    // No concat_ws: each text is ';' + text (NULL stays NULL, then ''), concatenated, and the first ';' dropped.
    public string JoinSkippingNulls(IReadOnlyList<string> parts) =>
        parts.Count == 0 ? "''" : "substring(concat(" + string.Concat(parts.Select(p => $"ifNull(concat(';', {p}), ''), ")) + "''), 2)";

    // The simple CASE gives NULL when its subject is Nullable (18.16): compare in each arm instead.
    public string CaseOn(string subject, IReadOnlyList<(int When, string Then)> arms) =>
        "CASE" + string.Concat(arms.Select(a => $" WHEN {subject} = {a.When.ToString(CultureInfo.InvariantCulture)} THEN {a.Then}")) + " END";

    public string StarExcept(IReadOnlyList<string> excluded) => "*";

    /// <summary>The fraction digits of 2^-n (= 5^n / 10^n): 5^n padded to n digits (it ends in 5, so no trailing zero).</summary>
    private static string PowerOfHalf(int n) => BigInteger.Pow(5, n).ToString(CultureInfo.InvariantCulture).PadLeft(n, '0');

    /// <summary>The fraction digits of 1 - 2^-n: (10^n - 5^n) padded to n digits.</summary>
    private static string OneMinusPowerOfHalf(int n) =>
        (BigInteger.Pow(10, n) - BigInteger.Pow(5, n)).ToString(CultureInfo.InvariantCulture).PadLeft(n, '0');
}
