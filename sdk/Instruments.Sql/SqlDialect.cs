using System.Globalization;
using System.Text;

namespace Instruments.Sql;

/// <summary>The SQL dialects a query can be emitted in. Only dialects proven by differential tests are listed.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (tested in process against the engine's own output).</summary>
    DuckDb,

    /// <summary>PostgreSQL 15 (tested against a real server started by the tests). Outputs every input column, items included.</summary>
    PostgreSql,

    /// <summary>
    /// ClickHouse 18.16 and later (tested on a real two-shard cluster through a <c>Distributed</c> table). The stages are
    /// nested subqueries; outputs every input column (items included) and the working columns, then the results.
    /// </summary>
    ClickHouse,
}

/// <summary>
/// What differs between SQL engines, for the emitter. One implementation per <see cref="SqlDialect"/>; a new dialect
/// (PostgreSQL, ClickHouse) implements this and ships only once its differential test runs against a real server.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>The name of the double-precision type.</summary>
    string DoubleType { get; }

    /// <summary>
    /// A column of the first stage holding the whole input row (for dialects without "every column except"), whose
    /// fields <see cref="StarExcept"/> then expands; null when not needed.
    /// </summary>
    string? WholeRow { get; }

    /// <summary>
    /// What ends each stage's SELECT: PostgreSQL needs <c>OFFSET 0</c>, a fence that keeps the planner from pulling a
    /// stage up into the next (which copies each column's expression into every use, growing the plan exponentially).
    /// </summary>
    string StageEnd { get; }

    /// <summary>A quoted identifier.</summary>
    string Identifier(string name);

    /// <summary>A string literal.</summary>
    string Text(string value);

    /// <summary>The cell as text with spaces, tabs, CR and LF trimmed from both ends (NULL stays NULL).</summary>
    string Trim(string text);

    /// <summary>True when trimmed text is a number the engine reads: an optional sign, digits, an optional decimal point.</summary>
    string IsDecimalText(string trimmed);

    /// <summary>
    /// The number a decimal text stands for, as a double (NULL when it does not convert or is not finite). Only whether it
    /// equals an option or a missing code (all integers) and, when it does, its integer value are read, so a dialect may
    /// give any non-integral stand-in for a number that is no integer within the plan's options and codes.
    /// </summary>
    string ToFiniteDouble(string trimmed);

    /// <summary>Exact integer division of two BIGINT values whose quotient is known to be whole.</summary>
    string ExactDivide(string dividend, string divisor);

    /// <summary>A truth value as 1.0 / 0.0 (NULL stays NULL).</summary>
    string BoolToDouble(string condition);

    /// <summary>round(x, digits) half away from zero, as the expression language's <c>round</c>.</summary>
    string RoundHalfAwayFromZero(string value, int digits);

    /// <summary>Texts joined with ';', NULL ones skipped; '' when all are NULL.</summary>
    string JoinSkippingNulls(IReadOnlyList<string> parts);

    /// <summary>The name of the 64-bit integer type (nullable where the engine's casts need it).</summary>
    string BigIntType => "BIGINT";

    /// <summary>The literal true.</summary>
    string True => "TRUE";

    /// <summary>The literal false.</summary>
    string False => "FALSE";

    /// <summary>
    /// True when the stages are nested subqueries (<c>SELECT *, ... FROM (SELECT *, ... FROM table)</c>), for a dialect
    /// without <c>WITH name AS (query)</c> (ClickHouse 18.16); false for a chain of <c>WITH</c> stages.
    /// </summary>
    bool NestedStages => false;

    /// <summary>A 64-bit integer constant.</summary>
    string Integer(long v) => "CAST(" + v.ToString(CultureInfo.InvariantCulture) + " AS BIGINT)";

    /// <summary>The first of two values that is not NULL.</summary>
    string Coalesce(string a, string b) => $"COALESCE({a}, {b})";

    /// <summary>
    /// A positive integer divisor as used where the query only reads the quotient when it is positive: unchanged, or for
    /// a dialect that evaluates every branch of a CASE (ClickHouse, where an integer division by 0 or NULL is an
    /// error), 1 where it is NULL or not positive.
    /// </summary>
    string Divisor(string positive) => positive;

    /// <summary>A double constant, exactly.</summary>
    string Double(double v) =>
        double.IsInteger(v) && Math.Abs(v) < 1e15
            ? "CAST(" + v.ToString("R", CultureInfo.InvariantCulture) + " AS " + DoubleType + ")"
            : "CAST('" + v.ToString("R", CultureInfo.InvariantCulture) + "' AS " + DoubleType + ")";

    /// <summary>The text of the first arm whose integer equals <paramref name="subject"/> (never NULL), else NULL.</summary>
    string CaseOn(string subject, IReadOnlyList<(int When, string Then)> arms) =>
        "CASE " + subject + string.Concat(arms.Select(a => " WHEN " + a.When.ToString(CultureInfo.InvariantCulture) + " THEN " + a.Then)) + " END";

    /// <summary>
    /// The input's columns except <paramref name="excluded"/> (scored items and working columns), in their order; a
    /// dialect without "except" gives every input column (see <see cref="WholeRow"/>).
    /// </summary>
    string StarExcept(IReadOnlyList<string> excluded);
}

/// <summary>DuckDB (1.x).</summary>
internal sealed class DuckDbDialect : ISqlDialect
{
    public static DuckDbDialect Instance { get; } = new();

    public string DoubleType => "DOUBLE";

    public string StageEnd => string.Empty;

    public string? WholeRow => null;

    public string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public string Trim(string text) => $"trim(CAST({text} AS VARCHAR), ' ' || chr(9) || chr(10) || chr(13))";

    public string IsDecimalText(string trimmed) => $"regexp_full_match({trimmed}, '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)')";

    public string ToFiniteDouble(string trimmed) =>
        $"CASE WHEN isfinite(TRY_CAST({trimmed} AS DOUBLE)) THEN TRY_CAST({trimmed} AS DOUBLE) END";

    public string ExactDivide(string dividend, string divisor) => $"(({dividend}) // ({divisor}))";

    public string BoolToDouble(string condition) => $"CAST(({condition}) AS DOUBLE)";

    public string RoundHalfAwayFromZero(string value, int digits) =>
        $"round({value}, {digits.ToString(CultureInfo.InvariantCulture)})";

    public string JoinSkippingNulls(IReadOnlyList<string> parts) =>
        parts.Count == 0 ? "''" : "concat_ws(';', " + string.Join(", ", parts) + ")";

    public string StarExcept(IReadOnlyList<string> excluded)
    {
        if (excluded.Count == 0)
        {
            return "*";
        }

        var b = new StringBuilder("* EXCLUDE (");
        for (var i = 0; i < excluded.Count; i++)
        {
            b.Append(i == 0 ? string.Empty : ", ").Append(Identifier(excluded[i]));
        }

        return b.Append(')').ToString();
    }
}

/// <summary>
/// PostgreSQL (15). No "every column except": the output starts with every input column (scored items included), taken
/// from a whole-row column. Text that overflows or underflows a double is classified before the cast, which PostgreSQL
/// would otherwise reject with an error; <c>round</c> is worked out as .NET's half-away-from-zero on doubles.
/// </summary>
internal sealed class PostgreSqlDialect : ISqlDialect
{
    // 2^1024 - 2^970: a decimal at or above it parses to infinity (not a number, RSP2002); 2^-1075: at or below it, to 0.
    private const string Overflow = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
    private const string Underflow = "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000024703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125";

    public static PostgreSqlDialect Instance { get; } = new();

    public string DoubleType => "DOUBLE PRECISION";

    public string StageEnd => " OFFSET 0";

    public string? WholeRow => "__ins_row";

    public string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public string Trim(string text) => $"btrim(CAST({text} AS VARCHAR), ' ' || chr(9) || chr(10) || chr(13))";

    public string IsDecimalText(string trimmed) => $"({trimmed} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$')";

    public string ToFiniteDouble(string trimmed) =>
        $"CASE WHEN abs(CAST({trimmed} AS NUMERIC)) >= {Overflow} THEN NULL " +
        $"WHEN abs(CAST({trimmed} AS NUMERIC)) <= {Underflow} THEN CAST(0 AS DOUBLE PRECISION) " +
        $"ELSE CAST({trimmed} AS DOUBLE PRECISION) END";

    public string ExactDivide(string dividend, string divisor) => $"(({dividend}) / ({divisor}))";

    public string BoolToDouble(string condition) => $"CAST(CAST(({condition}) AS INTEGER) AS DOUBLE PRECISION)";

    // Math.Round(x, d, AwayFromZero): below 1e16, y = x * 10^d, trunc(y + copysign(0.49999999999999994, y)) / 10^d.
    public string RoundHalfAwayFromZero(string value, int digits)
    {
        var power = "CAST('1" + new string('0', Math.Clamp(digits, 0, 15)) + "' AS DOUBLE PRECISION)";
        var y = $"({value} * {power})";
        return $"CASE WHEN abs({value}) < CAST('1e16' AS DOUBLE PRECISION) THEN " +
               $"trunc({y} + CASE WHEN {y} < 0 THEN -CAST('0.49999999999999994' AS DOUBLE PRECISION) ELSE CAST('0.49999999999999994' AS DOUBLE PRECISION) END) / {power} " +
               $"ELSE {value} END";
    }

    // concat_ws takes at most 100 arguments: longer lists are joined in chunks (an all-NULL chunk is NULL, not '').
    public string JoinSkippingNulls(IReadOnlyList<string> parts)
    {
        if (parts.Count == 0)
        {
            return "''";
        }

        if (parts.Count <= 90)
        {
            return "concat_ws(';', " + string.Join(", ", parts) + ")";
        }

        var chunks = parts.Chunk(90).Select(c => "NULLIF(concat_ws(';', " + string.Join(", ", c) + "), '')").ToList();
        return JoinSkippingNulls(chunks);
    }

    public string StarExcept(IReadOnlyList<string> excluded) => "(" + Identifier("__ins_row") + ").*";
}
