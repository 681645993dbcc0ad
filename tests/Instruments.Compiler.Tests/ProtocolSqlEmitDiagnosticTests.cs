using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;
using Instruments.Sql;

namespace Instruments.Compiler.Tests;

/// <summary>INS1197-INS1198: a protocol the SQL emitter cannot score exactly gets errors and no query, never an approximate one.</summary>
public sealed class ProtocolSqlEmitDiagnosticTests
{
    private static ScoringPlan Instrument(string id, string items, string scores, ScoringFunctions? functions = null)
    {
        var compilation = InstrumentCompiler.Compile($$"""
            instrument: {{id}}
            version: 1.0.0
            title: T
            license: { name: test, texts: restricted }
            response_scales:
              s: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c } ] }
            items:
            {{items}}
            scores:
            {{scores}}
            """, id + ".yaml", functions: functions);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.CreatePlan(Assert.Single(compilation.Definitions));
    }

    private static Course.ProtocolPlan Protocol(params (string Instrument, string Score)[] measures)
    {
        var yaml = "protocol: p\nversion: 1.0.0\ntitle: P\nmeasures:\n"
            + string.Concat(measures.Select((m, i) => $"  - {{ id: m{i}, instrument: {m.Instrument}, score: {m.Score} }}\n"));
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(yaml, "p.yaml"), Plans);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan!;
    }

    private static readonly ScoringFunctions Functions = ScoringFunctions.Empty.Add(new ScoringFunction("double_it", 1, 1, a => a[0] * 2));

    private static readonly ScoringPlan[] Plans =
    [
        Instrument("plain", "  - { id: q1, scale: s }\n  - { id: q2, scale: s }", "  - { id: total, items: [q1, q2], method: sum }"),
        Instrument("fn", "  - { id: f1, scale: s }", "  - { id: total, items: [f1], method: sum }\n  - { id: twice, expression: \"double_it(total)\" }", Functions),
        Instrument("an-instrument-with-a-rather-long-identifier", "  - { id: l1, scale: s }",
            "  - { id: first_part_total, items: [l1], method: sum, bands: [ { min: 0, max: 2, label: any } ] }"),
    ];

    [Fact]
    public void PlainProtocol_EmitsAQuery_WithNoDiagnostics()
    {
        var result = SqlEmitter.Emit(Protocol(("plain", "total")), new SqlEmitOptions { Dialect = SqlDialect.PostgreSql });
        Assert.NotNull(result.Query);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void INS1197_InstrumentWithAPluginFunction_GivesItsOwnErrorThenNamesTheInstrument_AndNoQuery()
    {
        var result = SqlEmitter.Emit(Protocol(("plain", "total"), ("fn", "total")));
        Assert.Null(result.Query);
        Assert.Equal(["INS1190", "INS1197"], result.Diagnostics.Select(d => d.Id));
        Assert.Contains("Score 'twice' calls plugin function 'double_it'", result.Diagnostics[0].Message, StringComparison.Ordinal);
        var d = result.Diagnostics[1];
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Protocol 'p' has no SQL query: its instrument 'fn' cannot be scored exactly in SQL (see the errors before this one)", d.Message);
    }

    [Fact]
    public void INS1198_PostgreSqlColumnNameLongerThan63Bytes_HasNoQuery_WhileDuckDbKeepsIt()
    {
        var protocol = Protocol(("plain", "total"), ("an-instrument-with-a-rather-long-identifier", "first_part_total"));
        var result = SqlEmitter.Emit(protocol, new SqlEmitOptions { Dialect = SqlDialect.PostgreSql });
        Assert.Null(result.Query);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("INS1198", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'an-instrument-with-a-rather-long-identifier.first_part_total_band' is longer than the 63 bytes", d.Message, StringComparison.Ordinal);

        // The score's own column (60 bytes) and the DuckDB query are fine.
        Assert.NotNull(SqlEmitter.Emit(protocol, new SqlEmitOptions { Dialect = SqlDialect.DuckDb }).Query);
    }

    [Fact]
    public void BadTableName_IsINS1193_OnceForTheProtocol()
    {
        var result = SqlEmitter.Emit(Protocol(("plain", "total"), ("fn", "total")), new SqlEmitOptions { Table = "a b" });
        Assert.Null(result.Query);
        Assert.Equal(["INS1193", "INS1190", "INS1197"], result.Diagnostics.Select(d => d.Id));
    }
}
