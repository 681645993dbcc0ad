using System.CommandLine;
using Instruments.Sql;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments sql &lt;instrument&gt; --dialect duckdb|postgres|clickhouse [--table NAME]</c>: prints one row-wise SQL query that scores a
/// table of responses inside the database exactly as 'score' does (the SDK's SqlEmitter; this command is its shell).
/// </summary>
internal static class SqlCommand
{
    private const string Details = """
        <instrument> is the id of a loaded instrument or protocol (see 'instruments list') or the path of a .yaml file.
        The query reads table NAME (default: responses): one row per response, one text column per item named by the
        item id (empty or NULL = not answered; numbers as text, as read from a CSV), other columns carried through.
        It adds status, every score (with <score>_unrounded, <score>_band and <score>_prorated where the definition
        has them), flag_<flag> per flag, flags and diagnostics: the cells 'instruments score' writes to a CSV. The
        query is row-wise (no window functions, joins or aggregates). Dialects: duckdb, postgres (PostgreSQL 15) and
        clickhouse (18.16; the stages are nested subqueries), each proven cell by cell against the engine (in
        PostgreSQL the output starts with every input column, the item columns too; in ClickHouse every input
        column, then the working columns __ins_*, then the results). For a protocol the row is the one 'instruments
        score <protocol>' writes: status (the worst of the instruments'), then each instrument's columns named
        <instrument>.<column> (phq-9.status, phq-9.total, phq-9.total_prorated, phq-9.flags ...).
        A definition the query cannot score exactly (a plugin function, a plugin's response checks, a rounding rule
        on a derived score) gets an error INS1190-INS1198 and no query (see docs/scale.md).

        Example: instruments sql phq-9 --dialect duckdb --table responses > phq-9.sql

        exit codes: 0 query printed, 2 usage error, unknown instrument or protocol, or a definition SQL cannot express
        """;

    private static readonly IReadOnlyList<(string Name, SqlDialect Value)> Dialects = [("duckdb", SqlDialect.DuckDb), ("postgres", SqlDialect.PostgreSql), ("clickhouse", SqlDialect.ClickHouse)];

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("sql", "Print one SQL query that scores a table of responses inside a database (DuckDB, PostgreSQL, ClickHouse).", "<instrument>", Details);
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var dialect = CliOptions.Choice("--dialect", "-d", "DIALECT", "SQL dialect: duckdb, postgres or clickhouse (required)", Dialects);
        var table = CliOptions.Text("--table", "-t", "NAME", "table of responses the query reads (default: responses)");
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(instrument);
        command.Options.Add(dialect);
        command.Options.Add(table);
        command.Options.Add(plugins);
        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(r.GetValue(instrument)!, r.GetValue(dialect), r.GetValue(table) ?? "responses",
            CliOptions.PluginFolders(r, plugins, context), context));
        return command;
    }

    private static int Run(string name, SqlDialect? dialect, string table, IReadOnlyList<string> plugins, CliContext context)
    {
        var chosen = dialect ?? throw new CliException("'sql' needs --dialect duckdb|postgres|clickhouse", showUsage: true);
        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(name, plugins, context.Error);
        var options = new SqlEmitOptions { Dialect = chosen, Table = table };
        var result = protocol is not null ? SqlEmitter.Emit(protocol, options) : SqlEmitter.Emit(plan!, options);
        foreach (var d in result.Diagnostics)
        {
            context.Error.WriteLine(TerminalText.Escape(d.ToString()));
        }

        if (result.Query is null)
        {
            throw new CliException($"no SQL query for '{name}'");
        }

        context.Out.Write(result.Query);
        return ExitCodes.Success;
    }
}
