using System.Globalization;
using System.Text;

namespace Instruments.Sql;

/// <summary>The SQL dialects a query can be emitted in. Only dialects proven by differential tests are listed.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (tested in process against the engine's own output).</summary>
    DuckDb,
}

/// <summary>
/// What differs between SQL engines, for the emitter. One implementation per <see cref="SqlDialect"/>; a new dialect
/// (PostgreSQL, ClickHouse) implements this and ships only once its differential test runs against a real server.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>A quoted identifier.</summary>
    string Identifier(string name);

    /// <summary>A string literal.</summary>
    string Text(string value);

    /// <summary>The cell as text with spaces, tabs, CR and LF trimmed from both ends (NULL stays NULL).</summary>
    string Trim(string text);

    /// <summary>True when trimmed text is a number the engine reads: an optional sign, digits, an optional decimal point.</summary>
    string IsDecimalText(string trimmed);

    /// <summary>The number a decimal text stands for, as a double (NULL when it does not convert or is not finite).</summary>
    string ToFiniteDouble(string trimmed);

    /// <summary>Exact integer division of two BIGINT values whose quotient is known to be whole.</summary>
    string ExactDivide(string dividend, string divisor);

    /// <summary>A truth value as 1.0 / 0.0 (NULL stays NULL).</summary>
    string BoolToDouble(string condition);

    /// <summary>round(x, digits) half away from zero, as the expression language's <c>round</c>.</summary>
    string RoundHalfAwayFromZero(string value, int digits);

    /// <summary>Texts joined with ';', NULL ones skipped; '' when all are NULL.</summary>
    string JoinSkippingNulls(IReadOnlyList<string> parts);

    /// <summary>Every column of the relation read except <paramref name="excluded"/>, in their order.</summary>
    string StarExcept(IReadOnlyList<string> excluded);
}

/// <summary>DuckDB (1.x).</summary>
internal sealed class DuckDbDialect : ISqlDialect
{
    public static DuckDbDialect Instance { get; } = new();

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
