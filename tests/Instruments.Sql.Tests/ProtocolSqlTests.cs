namespace Instruments.Sql.Tests;

/// <summary>
/// <c>SqlEmitter.Emit(ProtocolPlan)</c> in DuckDB (in process): for every shipped protocol and a test protocol, every
/// cell of the engine's protocol CSV equals the query's; the documented path over samples/alliance-and-symptoms.csv.
/// </summary>
public sealed class ProtocolDuckDbTests
{
    [Fact]
    public void ShippedProtocols_AreAllFound()
    {
        // 2 today: alliance-and-symptoms (WAI-SR and PHQ-9), nhs-talking-therapies (PHQ-9 and GAD-7).
        Assert.Equal(["plugins/alliance/protocols/alliance-and-symptoms.yaml", "plugins/symptoms/protocols/nhs-talking-therapies.yaml"],
            ((IEnumerable<object[]>)ProtocolDifferential.ShippedProtocols()).Select(r => (string)r[0]));
    }

    [Theory]
    [MemberData(nameof(ProtocolDifferential.ShippedProtocols), MemberType = typeof(ProtocolDifferential))]
    public void ShippedProtocol_SqlInDuckDb_MatchesTheEngineCellByCell(string path)
    {
        var protocol = ProtocolDifferential.Shipped(path);
        ProtocolDifferential.Run(protocol, SqlDialect.DuckDb, seed: path.Length * 7919, rows: 3000, Differential.DuckDbRows).AssertCovered();
    }

    [Fact]
    public void TestProtocol_WithRoundingKeptAndOptionalItems_MatchesTheEngineCellByCell()
    {
        var protocol = ProtocolDifferential.Compile(ProtocolDifferential.SyntheticProtocol, "synthetic-and-phq.yaml");
        var coverage = ProtocolDifferential.Run(protocol, SqlDialect.DuckDb, seed: 4242, rows: 4000, Differential.DuckDbRows);
        coverage.AssertCovered();
        Assert.Contains("synthetic:RSP2016", coverage.Diagnostics);   // a rounded value, so synthetic.halfup_unrounded was compared
        Assert.Contains("synthetic:RSP2008", coverage.Diagnostics);
    }

    [Fact]
    public void SampleCsv_ReadByDuckDb_ScoresAsTheConsoleHost()
    {
        // docs/scale.md: read_csv(..., all_varchar = true) into a table, then the protocol's query.
        var protocol = ProtocolDifferential.Shipped("plugins/alliance/protocols/alliance-and-symptoms.yaml");
        var csvPath = Path.Combine(Paths.RepoRoot, "samples/alliance-and-symptoms.csv");
        var engine = ProtocolDifferential.EngineCsv(protocol, File.ReadAllBytes(csvPath));
        var query = SqlEmitter.Emit(protocol).Query!;

        var r = Differential.CompareOverReadCsv(csvPath, query, engine);
        Assert.True(r > 20);
        Assert.Contains(engine.Rows, row => row[Array.IndexOf(engine.Header, "status")] != "complete");
    }

    [Fact]
    public void Query_IsRowWise_NamesEveryInstrumentAndRunsTheirStagesSideBySide()
    {
        var protocol = ProtocolDifferential.Shipped("plugins/symptoms/protocols/nhs-talking-therapies.yaml");
        var query = SqlEmitter.Emit(protocol, new SqlEmitOptions { Table = "clinic.visits" }).Query!;
        Assert.StartsWith("-- Scores protocol 'nhs-talking-therapies' 1.0.0 ('phq-9' 1.0.0, 'gad-7' 1.0.0) row by row", query, StringComparison.Ordinal);
        Assert.Contains("FROM \"clinic\".\"visits\"", query, StringComparison.Ordinal);
        foreach (var word in new[] { " OVER ", " JOIN ", "GROUP BY", "count(", "sum(", "avg(" })
        {
            Assert.DoesNotContain(word, query, StringComparison.OrdinalIgnoreCase);
        }

        // The stages run side by side: as deep as the deeper instrument, not the sum of both.
        static int Stages(string q) => q.Split('\n').Count(l => l.StartsWith("\"__ins_stage", StringComparison.Ordinal));
        var deepest = protocol.Instruments.Max(p => Stages(SqlEmitter.Emit(p).Query!));
        Assert.Equal(deepest, Stages(query));
        Assert.Contains("\"__ins_0_", query, StringComparison.Ordinal);
        Assert.Contains("\"__ins_1_", query, StringComparison.Ordinal);
    }
}

/// <summary>The same protocols on a real PostgreSQL 15 server (the fixture of <see cref="PostgreSqlDifferentialTests"/>).</summary>
public sealed class ProtocolPostgreSqlTests(PostgreSqlServer server) : IClassFixture<PostgreSqlServer>
{
    [Theory]
    [MemberData(nameof(ProtocolDifferential.ShippedProtocols), MemberType = typeof(ProtocolDifferential))]
    public void ShippedProtocol_SqlInPostgreSql_MatchesTheEngineCellByCell(string path)
    {
        var protocol = ProtocolDifferential.Shipped(path);
        ProtocolDifferential.Run(protocol, SqlDialect.PostgreSql, seed: path.Length * 7919, rows: 3000,
            (query, columns, data) => PostgreSqlDifferentialTests.Rows(server, query, columns, data)).AssertCovered();
    }

    [Fact]
    public void TestProtocol_WithRoundingKeptAndOptionalItems_MatchesTheEngineCellByCell()
    {
        var protocol = ProtocolDifferential.Compile(ProtocolDifferential.SyntheticProtocol, "synthetic-and-phq.yaml");
        ProtocolDifferential.Run(protocol, SqlDialect.PostgreSql, seed: 4242, rows: 4000,
            (query, columns, data) => PostgreSqlDifferentialTests.Rows(server, query, columns, data)).AssertCovered();
    }
}
