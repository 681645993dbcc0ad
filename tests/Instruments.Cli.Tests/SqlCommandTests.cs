namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments sql</c>, in process: the shell over the SDK's SqlEmitter (the query itself is proven against the engine in
/// DuckDB by tests/Instruments.Sql.Tests).
/// </summary>
public sealed class SqlCommandTests
{
    [Fact]
    public async Task Sql_ShippedInstrument_PrintsOneQueryOverTheNamedTable()
    {
        var r = await InProcess.RunAsync("sql", "phq-9", "--dialect", "duckdb", "--table", "clinic.phq9_raw");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        Assert.StartsWith("-- Scores instrument 'phq-9' 1.0.0 row by row", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("FROM \"clinic\".\"phq9_raw\"", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("AS \"total_band\"", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, r.Stdout.Replace("';'", string.Empty, StringComparison.Ordinal).Count(c => c == ';'));
        Assert.EndsWith(";\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_Postgres_ReadsTheWholeRowAndFencesEachStage()
    {
        var r = await InProcess.RunAsync("sql", "phq-9", "--dialect", "postgres");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("(\"__ins_row\").*", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(" OFFSET 0)", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("EXCLUDE", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_WithoutDialect_IsAUsageError()
    {
        var r = await InProcess.RunAsync("sql", "phq-9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'sql' needs --dialect duckdb|postgres", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Sql_UnsupportedDialect_IsAUsageError()
    {
        var r = await InProcess.RunAsync("sql", "phq-9", "--dialect", "spark");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Sql_ClickHouse_NestsTheStagesAsSubqueriesWithoutWith()
    {
        var r = await InProcess.RunAsync("sql", "phq-9", "--dialect", "clickhouse", "--table", "responses");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("FROM (SELECT *,", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("FROM `responses`)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains(" AS `__ins_t_0`,", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("WITH", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("concat_ws", r.Stdout, StringComparison.Ordinal);
        Assert.EndsWith(";\n", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_Protocol_PrintsOneQuery_WithEachInstrumentsColumnsUnderItsId()
    {
        // The query itself is proven against 'score <protocol>' by tests/Instruments.Sql.Tests (ProtocolDuckDbTests, ProtocolPostgreSqlTests).
        var r = await InProcess.RunAsync("sql", "alliance-and-symptoms", "--dialect", "duckdb", "--table", "clinic.sessions");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        Assert.StartsWith("-- Scores protocol 'alliance-and-symptoms' 1.0.0 ('wai-sr' 1.0.0, 'phq-9' 1.0.0) row by row", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("FROM \"clinic\".\"sessions\"", r.Stdout, StringComparison.Ordinal);
        foreach (var column in new[] { "status", "wai-sr.status", "wai-sr.total", "wai-sr.diagnostics", "phq-9.status", "phq-9.total_band", "phq-9.total_prorated", "phq-9.flag_item9_positive", "phq-9.flags" })
        {
            Assert.Contains($"AS \"{column}\"", r.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(1, r.Stdout.Replace("';'", string.Empty, StringComparison.Ordinal).Count(c => c == ';'));
    }

    [Fact]
    public async Task Sql_Protocol_Postgres_PrintsAFencedQuery()
    {
        var r = await InProcess.RunAsync("sql", "nhs-talking-therapies", "--dialect", "postgres");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(" OFFSET 0)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("AS \"gad-7.total_band\"", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_PluginFunction_IsINS1190_AndNoQuery()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "fn.yaml");
        File.WriteAllText(path, """
            instrument: fn
            version: 1.0.0
            title: T
            license: { name: test, texts: restricted }
            response_scales:
              s: { options: [ { value: 0, label: a }, { value: 1, label: b } ] }
            items:
              - { id: q1, scale: s }
            scores:
              - { id: total, items: [q1], method: sum }
              - { id: t, expression: "phq9_t_women(total)" }
            """);
        var r = await InProcess.RunAsync("sql", path, "--dialect", "duckdb");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error INS1190: Score 't' calls plugin function 'phq9_t_women'", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    [Fact]
    public async Task Sql_BadTableName_IsINS1193()
    {
        var r = await InProcess.RunAsync("sql", "phq-9", "--dialect", "duckdb", "--table", "x; DROP TABLE y");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("INS1193", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }
}
