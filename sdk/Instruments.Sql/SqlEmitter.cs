using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Sql;

/// <summary>Options of <c>SqlEmitter.Emit</c> (an instrument or a protocol).</summary>
public sealed class SqlEmitOptions
{
    /// <summary>The dialect of the query. <value>Default: <see cref="SqlDialect.DuckDb"/>.</value></summary>
    public SqlDialect Dialect { get; init; } = SqlDialect.DuckDb;

    /// <summary>
    /// The table (or view) of responses: one row per response, one text column per item named by the item id (empty or
    /// NULL = not answered), any other columns carried through. <value>Default: <c>responses</c>.</value>
    /// </summary>
    public string Table { get; init; } = "responses";

    /// <summary>The longest query emitted, in characters (INS1192 beyond it). <value>Default: 4,000,000.</value></summary>
    public int MaxQueryLength { get; init; } = 4_000_000;
}

/// <summary>The query emitted for a plan, or why none was (then <see cref="Query"/> is null and an error is in <see cref="Diagnostics"/>).</summary>
public sealed class SqlQueryResult
{
    internal SqlQueryResult(string? query, ImmutableArray<Diagnostic> diagnostics)
    {
        Query = query;
        Diagnostics = diagnostics;
    }

    /// <summary>The query, or null when the plan cannot be expressed exactly in SQL.</summary>
    public string? Query { get; }

    /// <summary>Why no query was emitted (INS1190-INS1193 for an instrument, INS1197-INS1198 for a protocol); empty on success.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }
}

/// <summary>
/// Lowers a <see cref="ScoringPlan"/> to one SQL query that scores every row of a table of responses as the engine
/// does, row by row (no window functions, no joins, no aggregates), so a distributed engine can run it on every shard.
/// </summary>
/// <remarks>
/// <para>
/// Output columns, in order: the table's columns except the scored item columns (items declared <c>keep: true</c>
/// stay, in their place), <c>status</c>, then per score its value, <c>&lt;score&gt;_unrounded</c> (when the definition
/// rounds it; set only when rounding changed the value), <c>&lt;score&gt;_band</c> (when it has bands) and
/// <c>&lt;score&gt;_prorated</c> (when its missing rule prorates); then <c>flag_&lt;flag&gt;</c> per flag (true, false,
/// or NULL when not evaluated), <c>flags</c> (raised flags joined with ';') and <c>diagnostics</c> (<c>ID:subject</c>
/// joined with ';', in the order the engine reports them): the columns of the console host's CSV output, plus the
/// prorated and per-flag columns.
/// </para>
/// <para>
/// Exactness: item texts are read as the engine reads them; sums are exact integers; a mean, a prorated value
/// (sum x n / answered) and the rounding rules are worked out on exact integers, so ties are judged on the decimal
/// value; derived expressions use the same double arithmetic in the same order. Not expressible (no query, a
/// diagnostic): plugin functions (INS1190), plugin response checks, non-default response-diagnostic severities and a
/// rounding rule on a derived score (INS1191).
/// </para>
/// </remarks>
public static partial class SqlEmitter
{
    private static readonly Regex TableName = new(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant);

    /// <summary>Emits the query that scores <paramref name="plan"/>'s instrument over a table of responses.</summary>
    public static SqlQueryResult Emit(ScoringPlan plan, SqlEmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new SqlEmitOptions();
        var dialect = DialectOf(options, [plan]);

        var diagnostics = Check(plan, options.Table);
        if (!diagnostics.IsEmpty)
        {
            return new SqlQueryResult(null, diagnostics);
        }

        var query = new Lowering(plan, dialect).Build(options.Table);
        if (query.Length > options.MaxQueryLength)
        {
            return new SqlQueryResult(null, [Diagnostic.Create(InstrumentDiagnostics.SqlQueryTooLarge, null, query.Length, options.MaxQueryLength)]);
        }

        return new SqlQueryResult(query, []);
    }

    /// <summary>The dialect for the options; ClickHouse's reads numbers exactly up to the largest option or code of <paramref name="plans"/>.</summary>
    private static ISqlDialect DialectOf(SqlEmitOptions options, IReadOnlyList<ScoringPlan> plans) => options.Dialect switch
    {
        SqlDialect.DuckDb => DuckDbDialect.Instance,
        SqlDialect.PostgreSql => PostgreSqlDialect.Instance,
        SqlDialect.ClickHouse => ClickHouseDialect.For(plans),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Dialect, "unknown SQL dialect"),
    };

    private static ImmutableArray<Diagnostic> Check(ScoringPlan plan, string table)
    {
        var list = ImmutableArray.CreateBuilder<Diagnostic>();
        if (table is null || !TableName.IsMatch(table))
        {
            list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlTableName, null, table ?? string.Empty));
        }

        var bound = plan.Bound;
        foreach (var score in bound.Scores)
        {
            if (score.Expression is { } e)
            {
                foreach (var f in e.Functions)
                {
                    list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlPluginFunction, null, $"Score '{score.Definition.Id}'", f.Name));
                }

                if (score.Definition.Rounding is { Method: RoundingMethod.Nearest })
                {
                    list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlRuleNotExpressible, null, $"Score '{score.Definition.Id}'",
                        "a rounding rule on a derived score rounds the engine's double value read to 15 significant digits, which the emitter does not reproduce"));
                }
            }
        }

        foreach (var flag in bound.Flags)
        {
            foreach (var f in flag.Condition.Functions)
            {
                list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlPluginFunction, null, $"Flag '{flag.Definition.Id}'", f.Name));
            }
        }

        if (plan.HasResponseChecks)
        {
            list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlRuleNotExpressible, null, $"Instrument '{plan.Definition.Id}'",
                "its plugin's response checks run only in the engine"));
        }

        if (!ReferenceEquals(plan.Options, DiagnosticOptions.Default))
        {
            list.Add(Diagnostic.Create(InstrumentDiagnostics.SqlRuleNotExpressible, null, $"Instrument '{plan.Definition.Id}'",
                "response diagnostics with non-default severities (suppressed, raised or lowered IDs) are not emitted; score with the defaults"));
        }

        return list.ToImmutable();
    }

    /// <summary>
    /// One instrument's part of a query, lowered but not yet written as a query: its stages of working columns (stage k
    /// reads only the table's columns and stages before k), the columns the output leaves out (scored items, working
    /// columns), the conditions of its status, and its output columns (<c>expression AS name</c>, status first).
    /// Several parts with distinct working prefixes can be merged stage by stage over the same row (a protocol).
    /// </summary>
    internal sealed record LoweredPart(
        IReadOnlyList<IReadOnlyList<(string Name, string Sql)>> Stages,
        IReadOnlyList<string> Excluded,
        string Errors,
        string Missing,
        IReadOnlyList<string> Select);

    /// <summary>One query under construction: columns computed in stages (each stage reads only earlier ones).</summary>
    /// <param name="plan">The instrument.</param>
    /// <param name="sql">The dialect.</param>
    /// <param name="workPrefix">The prefix of working column names (distinct per instrument when parts are merged).</param>
    /// <param name="outputPrefix">The prefix of output column names (<c>phq-9.</c> in a protocol; empty for one instrument).</param>
    internal sealed class Lowering(ScoringPlan plan, ISqlDialect sql, string workPrefix = "__ins_", string outputPrefix = "")
    {
        private const string Prefix = "__ins_";
        private readonly List<List<(string Name, string Sql)>> _stages = [];
        private readonly List<string> _temps = [];
        private readonly Dictionary<int, Node> _slots = [];
        private int _next;

        /// <summary>An SQL value: its text, the latest stage it reads, and whether it is a bare column or constant.</summary>
        private readonly record struct Node(string Text, int Stage, bool Simple);

        private string Num(double v) => sql.Double(v);

        private string Int(long v) => sql.Integer(v);

        private static int Max(params Node[] nodes) => nodes.Length == 0 ? 0 : nodes.Max(n => n.Stage);

        /// <summary>Adds a column computed from columns of stages up to <paramref name="inputStage"/>; returns it as a bare column reference.</summary>
        private Node Column(string hint, string text, int inputStage)
        {
            var stage = inputStage + 1;
            while (_stages.Count < stage)
            {
                _stages.Add([]);
            }

            var name = workPrefix + hint + "_" + (_next++).ToString(CultureInfo.InvariantCulture);
            _stages[stage - 1].Add((name, text));
            _temps.Add(name);
            return new Node(sql.Identifier(name), stage, true);
        }

        private Node Hoist(Node node, string hint) => node.Simple ? node : Column(hint, node.Text, node.Stage);

        public string Build(string table)
        {
            var part = Lower();
            var header = "-- Scores instrument '" + plan.Definition.Id + "' " + plan.Definition.Version + " row by row (emitted by Instruments.Sql, one row in and one row out).\n";
            return Assemble(sql, header, part.Stages, part.Excluded, part.Select, table);
        }

        /// <summary>Lowers the instrument: every working column in its stage, and the output columns (<c>status</c> first).</summary>
        public LoweredPart Lower()
        {
            var bound = plan.Bound;
            var items = bound.Items;
            var itemState = new Node[items.Length];
            var itemDiag = new Node[items.Length];

            // Items: 0 valid, 1 RSP2001 (a number that is not an option), 2 RSP2002 (not a number), 3 RSP2004 (empty),
            // 4 RSP2006 (a missing code). The value slot holds the valid value, NULL otherwise.
            for (var i = 0; i < items.Length; i++)
            {
                var id = items[i].Definition.Id;
                var trimmed = Column("t", sql.Trim(sql.Identifier(id)), 0);
                var number = Column("n", $"CASE WHEN {sql.IsDecimalText(trimmed.Text)} THEN {sql.ToFiniteDouble(trimmed.Text)} END", trimmed.Stage);
                var options = string.Join(", ", items[i].Scale!.Options.Select(o => Num(o.Value)));
                var missingCodes = bound.MissingCodes.Length == 0 ? sql.False : $"{number.Text} IN ({string.Join(", ", bound.MissingCodes.Select(c => Num(c)))})";
                var state = Column("s", $"CASE WHEN {number.Text} IN ({options}) THEN 0 WHEN {missingCodes} THEN 4 WHEN {number.Text} IS NOT NULL THEN 1 " +
                    $"WHEN {trimmed.Text} IS NULL OR {trimmed.Text} = '' THEN 3 ELSE 2 END", Max(trimmed, number));
                itemState[i] = state;
                _slots[i] = Column("v", $"CASE WHEN {state.Text} = 0 THEN CAST(CAST({number.Text} AS {sql.BigIntType}) AS {sql.DoubleType}) END", Max(state, number));
                var optional = items[i].Definition.Optional;
                List<(int, string)> arms = [(1, sql.Text("RSP2001:" + id)), (2, sql.Text("RSP2002:" + id))];
                if (!optional)
                {
                    arms.Add((3, sql.Text("RSP2004:" + id)));
                }

                arms.Add((4, sql.Text("RSP2006:" + id)));
                itemDiag[i] = new Node(sql.CaseOn(state.Text, arms), state.Stage, false);
            }

            // Reverse keys: min + max - value.
            var keyed = new Node[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                keyed[i] = items[i].Definition.Reverse
                    ? Column("k", $"{Num((double)items[i].Min + items[i].Max)} - {_slots[i].Text}", _slots[i].Stage)
                    : _slots[i];
            }

            // Scores in dependency order; plain ones first, then derived, as the engine reports them.
            var scores = bound.Scores;
            var outputs = new ScoreOutput[scores.Length];
            var scoreDiags = new List<Node>[scores.Length];
            var order = bound.ScoreOrder.Where(s => scores[s].Expression is null).Concat(bound.ScoreOrder.Where(s => scores[s].Expression is not null));
            foreach (var s in order)
            {
                scoreDiags[s] = [];
                outputs[s] = scores[s].Expression is null
                    ? Plain(s, keyed, scoreDiags[s])
                    : Derived(s, scoreDiags[s]);
                _slots[items.Length + s] = outputs[s].Value;
                Band(s, outputs[s], scoreDiags[s]);
            }

            // Flags.
            var flagState = new Node[bound.Flags.Length];
            var flagDiags = new Node[bound.Flags.Length];
            for (var f = 0; f < bound.Flags.Length; f++)
            {
                var c = Hoist(Lower(bound.Flags[f].Condition), "c");
                flagState[f] = new Node($"CASE WHEN {c.Text} IS NULL THEN NULL ELSE {c.Text} <> 0 END", c.Stage, false);
                flagDiags[f] = new Node($"CASE WHEN {c.Text} IS NULL THEN {sql.Text("RSP2008:" + bound.Flags[f].Definition.Id)} END", c.Stage, false);
            }

            // Status: invalid when any error (RSP2001, RSP2002), else partial when a non-optional item has no valid value.
            var errors = items.Length == 0 ? sql.False : string.Join(" OR ", itemState.Select(st => $"{st.Text} IN (1, 2)"));
            var nonOptional = Enumerable.Range(0, items.Length).Where(i => !items[i].Definition.Optional).ToList();
            var missing = nonOptional.Count == 0 ? sql.False : string.Join(" OR ", nonOptional.Select(i => $"{itemState[i].Text} <> 0"));

            // The output columns after the status.
            var select = new List<string>();
            for (var s = 0; s < scores.Length; s++)
            {
                var def = scores[s].Definition;
                var o = outputs[s];
                select.Add($"{o.Value.Text} AS {sql.Identifier(outputPrefix + def.Id)}");
                if (def.Rounding is { Method: RoundingMethod.Nearest } || def.Missing.Rounding is { Method: RoundingMethod.Nearest })
                {
                    select.Add($"CASE WHEN {o.Unrounded.Text} <> {o.Value.Text} THEN {o.Unrounded.Text} END AS {sql.Identifier(outputPrefix + def.Id + "_unrounded")}");
                }

                if (o.Band is { } band)
                {
                    select.Add($"{band.Text} AS {sql.Identifier(outputPrefix + def.Id + "_band")}");
                }

                if (o.Prorated is { } prorated)
                {
                    select.Add($"{prorated.Text} AS {sql.Identifier(outputPrefix + def.Id + "_prorated")}");
                }
            }

            for (var f = 0; f < bound.Flags.Length; f++)
            {
                select.Add($"{flagState[f].Text} AS {sql.Identifier(outputPrefix + "flag_" + bound.Flags[f].Definition.Id)}");
            }

            select.Add(sql.JoinSkippingNulls([.. Enumerable.Range(0, bound.Flags.Length)
                .Select(f => $"CASE WHEN {flagState[f].Text} THEN {sql.Text(bound.Flags[f].Definition.Id)} END")]) + " AS " + sql.Identifier(outputPrefix + "flags"));
            var diagnostics = itemDiag.Select(d => d.Text)
                .Concat(bound.ScoreOrder.Where(s => scores[s].Expression is null).SelectMany(s => scoreDiags[s].Select(d => d.Text)))
                .Concat(bound.ScoreOrder.Where(s => scores[s].Expression is not null).SelectMany(s => scoreDiags[s].Select(d => d.Text)))
                .Concat(flagDiags.Select(d => d.Text)).ToList();
            select.Add(sql.JoinSkippingNulls(diagnostics) + " AS " + sql.Identifier(outputPrefix + "diagnostics"));
            return new LoweredPart([.. _stages], [.. items.Where(x => !x.Definition.Keep).Select(x => x.Definition.Id), .. _temps], errors, missing,
                [$"CASE WHEN {errors} THEN 'invalid' WHEN {missing} THEN 'partial' ELSE 'complete' END AS {sql.Identifier(outputPrefix + "status")}", .. select]);
        }

        /// <summary>
        /// Writes the query: the stages as a chain of <c>WITH</c> steps over <paramref name="table"/>, then every input
        /// column except <paramref name="excluded"/> and the <paramref name="select"/> columns.
        /// </summary>
        internal static string Assemble(ISqlDialect sql, string header, IReadOnlyList<IReadOnlyList<(string Name, string Sql)>> stages,
            IReadOnlyList<string> excluded, IReadOnlyList<string> select, string table)
        {
            select = [sql.StarExcept(excluded), .. select];

            // Everything the projection reads must be a column of the last stage: hoisting made every input a column.
            var b = new StringBuilder();
            b.Append(header);
            var source = string.Join(".", table.Split('.').Select(sql.Identifier));
            if (sql.NestedStages)
            {
                return Nested(sql, stages, b, select, source);
            }

            if (stages.Count == 0)
            {
                b.Append("SELECT ").Append(string.Join(",\n  ", select)).Append("\nFROM ").Append(source).Append(";\n");
                return b.ToString();
            }

            b.Append("WITH\n");
            for (var k = 0; k < stages.Count; k++)
            {
                b.Append(sql.Identifier(Prefix + "stage" + (k + 1).ToString(CultureInfo.InvariantCulture))).Append(" AS (SELECT *");
                if (k == 0 && sql.WholeRow is { } row)
                {
                    b.Append(", ").Append(sql.Identifier(Prefix + "src")).Append(" AS ").Append(sql.Identifier(row));
                }

                foreach (var (name, text) in stages[k])
                {
                    b.Append(",\n    ").Append(text).Append(" AS ").Append(sql.Identifier(name));
                }

                b.Append("\n  FROM ").Append(k == 0 ? source + " AS " + sql.Identifier(Prefix + "src") : sql.Identifier(Prefix + "stage" + k.ToString(CultureInfo.InvariantCulture))).Append(sql.StageEnd).Append(')')
                    .Append(k + 1 < stages.Count ? ",\n" : "\n");
            }

            b.Append("SELECT\n  ").Append(string.Join(",\n  ", select)).Append("\nFROM ")
                .Append(sql.Identifier(Prefix + "stage" + stages.Count.ToString(CultureInfo.InvariantCulture))).Append(";\n");
            return b.ToString();
        }

        /// <summary>
        /// The stages as nested subqueries, for a dialect without <c>WITH name AS (query)</c> (ClickHouse 18.16): stage k is
        /// <c>SELECT *, ... FROM (stage k - 1)</c>, the innermost reads the table, the projection reads the outermost.
        /// </summary>
        private static string Nested(ISqlDialect sql, IReadOnlyList<IReadOnlyList<(string Name, string Sql)>> stages, StringBuilder b, IReadOnlyList<string> select, string source)
        {
            var from = source;
            for (var k = 0; k < stages.Count; k++)
            {
                var indent = new string(' ', 2 * (stages.Count - k));
                var stage = new StringBuilder("(SELECT *");
                foreach (var (name, text) in stages[k])
                {
                    stage.Append(",\n").Append(indent).Append("  ").Append(text).Append(" AS ").Append(sql.Identifier(name));
                }

                from = stage.Append('\n').Append(indent).Append("FROM ").Append(from).Append(')').ToString();
            }

            b.Append("SELECT\n  ").Append(string.Join(",\n  ", select)).Append("\nFROM ").Append(from).Append(";\n");
            return b.ToString();
        }

        private sealed record ScoreOutput(Node Value, Node Unrounded, Node? Prorated)
        {
            public Node? Band { get; set; }
        }

        /// <summary>A sum or mean of items, with its missing rule, prorating and rounding, on exact integers.</summary>
        private ScoreOutput Plain(int s, Node[] keyed, List<Node> diags)
        {
            var score = plan.Bound.Scores[s];
            var def = score.Definition;
            var id = def.Id;
            var n = score.Items.Length;
            var terms = score.Items.Select(i => keyed[i]).ToArray();
            var stage = Max(terms);
            var answered = Column("a", n == 0 ? "0" : string.Join(" + ", terms.Select(t => $"CASE WHEN {t.Text} IS NULL THEN 0 ELSE 1 END")), stage);
            var sum = Column("sum", n == 0 ? Int(0) : string.Join(" + ", terms.Select(t => sql.Coalesce($"CAST({t.Text} AS {sql.BigIntType})", Int(0)))), stage);
            var at = Max(answered, sum);
            var max = def.Missing.MaxMissing;
            var mean = def.Method == ScoreMethod.Mean;
            var tooMany = $"{n} - {answered.Text} > {max}";
            // The value as p / q: a mean sum / answered; prorated sum * n / answered; else sum / 1. NULL when not computed.
            var p = Column("p", $"CASE WHEN {tooMany} THEN NULL " + (mean ? $"ELSE {sum.Text} END" : $"WHEN {answered.Text} < {n} THEN {sum.Text} * {n} ELSE {sum.Text} END"), at);
            var q = Column("q", $"CASE WHEN {tooMany} THEN NULL " + (mean ? $"ELSE CAST({answered.Text} AS {sql.BigIntType}) END" : $"WHEN {answered.Text} < {n} THEN CAST({answered.Text} AS {sql.BigIntType}) ELSE {Int(1)} END"), at);
            Node? prorated = null;
            diags.Add(new Node($"CASE WHEN {tooMany} THEN {sql.Text("RSP2005:" + id)} END", at, false));
            if (!mean && max > 0)
            {
                prorated = Column("pr", $"{answered.Text} < {n} AND NOT ({tooMany})", at);
                diags.Add(new Node($"CASE WHEN {prorated.Value.Text} THEN {sql.Text("RSP2011:" + id)} END", prorated.Value.Stage, false));
            }

            var unrounded = Column("u", Ratio(p, q), Max(p, q));
            var (rp, rq) = (p, q);
            var proratedRule = def.Missing.Rounding is { Method: RoundingMethod.Nearest } pr && prorated is not null ? pr : null;
            if (proratedRule is not null)
            {
                (rp, rq) = RoundRational(rp, rq, proratedRule, prorated!.Value, id, diags);
            }

            if (def.Rounding is { Method: RoundingMethod.Nearest } rule)
            {
                (rp, rq) = RoundRational(rp, rq, rule, null, id, diags);
            }

            var value = ReferenceEquals(rp.Text, p.Text) && ReferenceEquals(rq.Text, q.Text) ? unrounded : Column("val", Ratio(rp, rq), Max(rp, rq));
            if (proratedRule is not null || def.Rounding is { Method: RoundingMethod.Nearest })
            {
                diags.Add(new Node($"CASE WHEN {unrounded.Text} <> {value.Text} THEN {sql.Text("RSP2016:" + id)} END", Max(unrounded, value), false));
            }

            return new ScoreOutput(value, unrounded, prorated);
        }

        private string Ratio(Node p, Node q) =>
            $"CASE WHEN {q.Text} IS NULL OR {q.Text} = 0 THEN NULL ELSE CAST({p.Text} AS {sql.DoubleType}) / CAST({q.Text} AS {sql.DoubleType}) END";

        /// <summary>
        /// Rounds p / q to the rule's decimals on integers (floor, remainder, and the tie judged by 2r = q): the new
        /// p / 10^digits, or p / q unchanged (and RSP2015) for a tie the rule leaves unsettled. Applies only when
        /// <paramref name="when"/> holds (a prorated value's rule).
        /// </summary>
        private (Node P, Node Q) RoundRational(Node p, Node q, RoundingRule rule, Node? when, string id, List<Node> diags)
        {
            var scale = (long)Math.Pow(10, Math.Clamp(rule.Digits, 0, RoundingRules.MaxDigits));
            var big = Column("rn", $"{p.Text} * {Int(scale)}", Max(p, q));
            var stage = Max(big, q);
            var valid = $"{q.Text} IS NOT NULL AND {q.Text} > 0" + (when is { } w ? $" AND {w.Text}" : string.Empty);
            var d = sql.Divisor(q.Text);
            var r = Column("rr", $"CASE WHEN {valid} THEN (({big.Text} % {d}) + {q.Text}) % {d} END", Math.Max(stage, when?.Stage ?? 0));
            var floor = Column("rf", $"CASE WHEN {r.Text} IS NOT NULL THEN {sql.ExactDivide($"{big.Text} - {r.Text}", d)} END", Max(r, big, q));
            var at = Max(r, floor, q, big);
            var tieUp = rule.Ties switch
            {
                RoundingTies.HalfUp => sql.True,
                RoundingTies.HalfDown => sql.False,
                RoundingTies.HalfEven => $"{floor.Text} % 2 <> 0",
                RoundingTies.HalfAwayFromZero => $"{big.Text} > 0",
                _ => null,
            };
            var tie = $"2 * {r.Text} = {q.Text}";
            var roundedP = $"CASE WHEN 2 * {r.Text} > {q.Text} THEN {floor.Text} + 1 " +
                (tieUp is null ? string.Empty : $"WHEN {tie} AND ({tieUp}) THEN {floor.Text} + 1 ") + $"ELSE {floor.Text} END";
            var np = Column("rp", $"CASE WHEN {r.Text} IS NULL{(tieUp is null ? $" OR {tie}" : string.Empty)} THEN {p.Text} ELSE {roundedP} END", Math.Max(at, p.Stage));
            var nq = Column("rq", $"CASE WHEN {r.Text} IS NULL{(tieUp is null ? $" OR {tie}" : string.Empty)} THEN {q.Text} ELSE {Int(scale)} END", at);
            if (tieUp is null)
            {
                diags.Add(new Node($"CASE WHEN {r.Text} IS NOT NULL AND {tie} THEN {sql.Text("RSP2015:" + id)} END", at, false));
            }

            return (np, nq);
        }

        /// <summary>A derived score: its expression, NULL (RSP2009) when it has no value.</summary>
        private ScoreOutput Derived(int s, List<Node> diags)
        {
            var score = plan.Bound.Scores[s];
            var value = Hoist(Lower(score.Expression!), "d");
            diags.Add(new Node($"CASE WHEN {value.Text} IS NULL THEN {sql.Text("RSP2009:" + score.Definition.Id)} END", value.Stage, false));
            return new ScoreOutput(value, value, null);
        }

        /// <summary>The band label (first band holding the value; inclusive max or exclusive below) and RSP2007 when none does.</summary>
        private void Band(int s, ScoreOutput output, List<Node> diags)
        {
            var def = plan.Bound.Scores[s].Definition;
            if (def.Bands.IsDefaultOrEmpty)
            {
                return;
            }

            var v = output.Value.Text;
            var cases = new StringBuilder("CASE");
            foreach (var band in def.Bands)
            {
                cases.Append($" WHEN {v} >= {Num(band.Min)} AND {v} {(band.UpperExclusive ? "<" : "<=")} {Num(band.Max)} THEN {sql.Text(band.Label)}");
            }

            var label = Column("b", cases.Append(" END").ToString(), output.Value.Stage);
            output.Band = label;
            diags.Add(new Node($"CASE WHEN {v} IS NOT NULL AND {label.Text} IS NULL THEN {sql.Text("RSP2007:" + def.Id)} END", Math.Max(label.Stage, output.Value.Stage), false));
        }

        /// <summary>An expression in SQL, from its postfix instructions; NULL is the engine's NaN (missing).</summary>
        private Node Lower(CompiledExpression expression)
        {
            var stack = new Stack<Node>();
            foreach (var ins in expression.Code)
            {
                Node a, b;
                switch (ins.Op)
                {
                    case OpCode.Const:
                        stack.Push(new Node(Num(ins.Value), 0, true));
                        break;
                    case OpCode.Load:
                        stack.Push(_slots[ins.Operand]);
                        break;
                    case OpCode.Neg:
                        a = stack.Pop();
                        stack.Push(new Node($"(-({a.Text}))", a.Stage, false));
                        break;
                    case OpCode.Not:
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node($"CASE WHEN {a.Text} IS NULL THEN NULL WHEN {a.Text} = 0 THEN {Num(1)} ELSE {Num(0)} END", a.Stage, false));
                        break;
                    case OpCode.Add or OpCode.Sub or OpCode.Mul:
                        b = stack.Pop();
                        a = stack.Pop();
                        var op = ins.Op == OpCode.Add ? "+" : ins.Op == OpCode.Sub ? "-" : "*";
                        stack.Push(new Node($"({a.Text} {op} {b.Text})", Max(a, b), false));
                        break;
                    case OpCode.Div:
                        b = Hoist(stack.Pop(), "x");
                        a = stack.Pop();
                        stack.Push(new Node($"CASE WHEN {b.Text} = 0 THEN NULL ELSE {a.Text} / {b.Text} END", Max(a, b), false));
                        break;
                    case OpCode.Eq or OpCode.Ne or OpCode.Lt or OpCode.Le or OpCode.Gt or OpCode.Ge:
                        b = stack.Pop();
                        a = stack.Pop();
                        var cmp = ins.Op switch { OpCode.Eq => "=", OpCode.Ne => "<>", OpCode.Lt => "<", OpCode.Le => "<=", OpCode.Gt => ">", _ => ">=" };
                        stack.Push(new Node(sql.BoolToDouble($"{a.Text} {cmp} {b.Text}"), Max(a, b), false));
                        break;
                    case OpCode.And:
                        b = Hoist(stack.Pop(), "x");
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node($"CASE WHEN {a.Text} = 0 OR {b.Text} = 0 THEN {Num(0)} WHEN {a.Text} IS NULL OR {b.Text} IS NULL THEN NULL ELSE {Num(1)} END", Max(a, b), false));
                        break;
                    case OpCode.Or:
                        b = Hoist(stack.Pop(), "x");
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node($"CASE WHEN {a.Text} <> 0 OR {b.Text} <> 0 THEN {Num(1)} WHEN {a.Text} IS NULL OR {b.Text} IS NULL THEN NULL ELSE {Num(0)} END", Max(a, b), false));
                        break;
                    case OpCode.SumSkip:
                        b = Hoist(stack.Pop(), "x");
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node($"CASE WHEN {a.Text} IS NULL THEN {b.Text} WHEN {b.Text} IS NULL THEN {a.Text} ELSE {a.Text} + {b.Text} END", Max(a, b), false));
                        break;
                    case OpCode.MinSkip or OpCode.MaxSkip:
                        b = Hoist(stack.Pop(), "x");
                        a = Hoist(stack.Pop(), "x");
                        var pick = ins.Op == OpCode.MinSkip ? "<=" : ">=";
                        stack.Push(new Node($"CASE WHEN {a.Text} IS NULL THEN {b.Text} WHEN {b.Text} IS NULL THEN {a.Text} WHEN {a.Text} {pick} {b.Text} THEN {a.Text} ELSE {b.Text} END", Max(a, b), false));
                        break;
                    case OpCode.Present:
                        a = stack.Pop();
                        stack.Push(new Node($"CASE WHEN {a.Text} IS NULL THEN {Num(0)} ELSE {Num(1)} END", a.Stage, false));
                        break;
                    case OpCode.MeanStart:
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node(sql.Coalesce(a.Text, Num(0)), a.Stage, false));
                        stack.Push(new Node($"CASE WHEN {a.Text} IS NULL THEN {Num(0)} ELSE {Num(1)} END", a.Stage, false));
                        break;
                    case OpCode.MeanAdd:
                        var x = Hoist(stack.Pop(), "x");
                        var count = stack.Pop();
                        var total = stack.Pop();
                        stack.Push(new Node($"({total.Text} + {sql.Coalesce(x.Text, Num(0))})", Max(total, x), false));
                        stack.Push(new Node($"({count.Text} + CASE WHEN {x.Text} IS NULL THEN {Num(0)} ELSE {Num(1)} END)", Max(count, x), false));
                        break;
                    case OpCode.MeanEnd:
                        b = Hoist(stack.Pop(), "x");
                        a = stack.Pop();
                        stack.Push(new Node($"CASE WHEN {b.Text} = 0 THEN NULL ELSE {a.Text} / {b.Text} END", Max(a, b), false));
                        break;
                    case OpCode.Abs:
                        a = stack.Pop();
                        stack.Push(new Node($"abs({a.Text})", a.Stage, false));
                        break;
                    case OpCode.Round:
                        a = Hoist(stack.Pop(), "x");
                        stack.Push(new Node(sql.RoundHalfAwayFromZero(a.Text, ins.Operand), a.Stage, false));
                        break;
                    default:
                        // Plugin calls are refused before lowering (INS1190).
                        throw new InvalidOperationException("instruction " + ins.Op + " has no SQL form");
                }
            }

            return stack.Pop();
        }
    }
}
