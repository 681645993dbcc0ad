using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Instruments.Course;
using Instruments.Diagnostics;

namespace Instruments.Sql;

public static partial class SqlEmitter
{
    /// <summary>PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1) and drops the rest without an error.</summary>
    private const int PostgreSqlMaxIdentifierBytes = 63;

    /// <summary>
    /// Emits the query that scores every instrument of <paramref name="protocol"/> over one table of responses, giving
    /// each row the cells <c>instruments score &lt;protocol&gt;</c> writes to a CSV.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Output columns, in order: the table's columns except every instrument's scored item columns (items declared
    /// <c>keep: true</c> stay); <c>status</c>, the worst of the instruments' (<c>invalid</c>, then <c>partial</c>, then
    /// <c>complete</c>); then for each instrument, in <see cref="ProtocolPlan.Instruments"/> order, the columns of its
    /// own query (see <see cref="Emit(Scoring.ScoringPlan, SqlEmitOptions?)"/>) named <c>&lt;instrument&gt;.&lt;column&gt;</c>:
    /// <c>phq-9.status</c>, <c>phq-9.total</c>, <c>phq-9.total_band</c>, <c>phq-9.total_prorated</c>,
    /// <c>phq-9.flag_item9_positive</c>, <c>phq-9.flags</c>, <c>phq-9.diagnostics</c>. The prorated and per-flag columns
    /// are the SQL-only ones of the single-instrument query, under the same prefix.
    /// </para>
    /// <para>
    /// Each instrument reads only its own item columns (a protocol's instruments never share an item id, INS1107) and
    /// its working columns carry a prefix of its own, so the instruments' stages run side by side over the same row.
    /// The protocol's outcome rules and alliance pairing combine a client's administrations across rows
    /// (<c>instruments track</c>) and are not part of a scored row, so the query has none of them.
    /// </para>
    /// <para>
    /// No query (an error instead) when an instrument cannot be scored exactly in SQL (its INS1190-INS1191 errors, then
    /// INS1197 naming it), when a PostgreSQL output column name would be longer than PostgreSQL keeps (INS1198), or as
    /// for one instrument (INS1192, INS1193).
    /// </para>
    /// </remarks>
    /// <param name="protocol">The protocol.</param>
    /// <param name="options">The dialect, table and size limit; the defaults when null.</param>
    /// <returns>The query, or why none was emitted.</returns>
    public static SqlQueryResult Emit(ProtocolPlan protocol, SqlEmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        options ??= new SqlEmitOptions();
        var dialect = DialectOf(options, protocol.Instruments);
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        if (options.Table is null || !TableName.IsMatch(options.Table))
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.SqlTableName, null, options.Table ?? string.Empty));
        }

        foreach (var plan in protocol.Instruments)
        {
            var own = Check(plan, options.Table ?? string.Empty).Where(d => d.Id != InstrumentDiagnostics.SqlTableName.Id).ToList();
            if (own.Count > 0)
            {
                diagnostics.AddRange(own);
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.SqlProtocolInstrument, null, protocol.Definition.Id, plan.Definition.Id));
            }
        }

        if (diagnostics.Count > 0)
        {
            return new SqlQueryResult(null, diagnostics.ToImmutable());
        }

        var parts = new List<LoweredPart>(protocol.Instruments.Length);
        for (var k = 0; k < protocol.Instruments.Length; k++)
        {
            var plan = protocol.Instruments[k];
            parts.Add(new Lowering(plan, dialect, "__ins_" + k.ToString(CultureInfo.InvariantCulture) + "_", plan.Definition.Id + ".").Lower());
        }

        if (options.Dialect == SqlDialect.PostgreSql)
        {
            foreach (var name in parts.SelectMany(p => p.Select).Select(OutputName))
            {
                if (Encoding.UTF8.GetByteCount(name) > PostgreSqlMaxIdentifierBytes)
                {
                    diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.SqlColumnNameTooLong, null, name, PostgreSqlMaxIdentifierBytes));
                }
            }

            if (diagnostics.Count > 0)
            {
                return new SqlQueryResult(null, diagnostics.ToImmutable());
            }
        }

        // The instruments' stages side by side: stage k of the protocol computes stage k of every instrument.
        var depth = parts.Max(p => p.Stages.Count);
        var stages = Enumerable.Range(0, depth)
            .Select(k => (IReadOnlyList<(string Name, string Sql)>)[.. parts.Where(p => k < p.Stages.Count).SelectMany(p => p.Stages[k])])
            .ToList();
        var excluded = parts.SelectMany(p => p.Excluded).Distinct(StringComparer.Ordinal).ToList();
        var errors = string.Join(" OR ", parts.Select(p => "(" + p.Errors + ")"));
        var missing = string.Join(" OR ", parts.Select(p => "(" + p.Missing + ")"));
        var select = new List<string> { $"CASE WHEN {errors} THEN 'invalid' WHEN {missing} THEN 'partial' ELSE 'complete' END AS {dialect.Identifier("status")}" };
        select.AddRange(parts.SelectMany(p => p.Select));

        var header = new StringBuilder("-- Scores protocol '").Append(protocol.Definition.Id).Append("' ").Append(protocol.Definition.Version).Append(" (");
        header.AppendJoin(", ", protocol.Instruments.Select(p => "'" + p.Definition.Id + "' " + p.Definition.Version));
        header.Append(") row by row (emitted by Instruments.Sql, one row in and one row out).\n");
        var query = Lowering.Assemble(dialect, header.ToString(), stages, excluded, select, options.Table!);
        if (query.Length > options.MaxQueryLength)
        {
            return new SqlQueryResult(null, [Diagnostic.Create(InstrumentDiagnostics.SqlQueryTooLarge, null, query.Length, options.MaxQueryLength)]);
        }

        return new SqlQueryResult(query, []);
    }

    /// <summary>The unquoted name of an output column (<c>... AS "name"</c>, quotes doubled inside).</summary>
    private static string OutputName(string column)
    {
        var at = column.LastIndexOf(" AS \"", StringComparison.Ordinal);
        return column[(at + 5)..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
    }
}
