using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;
using Instruments.Sql;

namespace Instruments.Compiler.Tests;

/// <summary>INS1190-INS1193: a definition the SQL emitter cannot score exactly gets an error and no query, never an approximate one.</summary>
public sealed class SqlEmitDiagnosticTests
{
    private const string Head = """
        instrument: t
        version: 1.0.0
        title: T
        license: { name: test, texts: restricted }
        response_scales:
          s: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c } ] }
        items:
          - { id: q1, scale: s }
          - { id: q2, scale: s }
        scores:
          - { id: total, items: [q1, q2], method: sum }

        """;

    private static ScoringPlan Plan(string scores, ScoringFunctions? functions = null)
    {
        var compilation = InstrumentCompiler.Compile(Head + scores, "t.yaml", functions: functions);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.CreatePlan(Assert.Single(compilation.Definitions));
    }

    private static Diagnostic Single(SqlQueryResult result, string id)
    {
        Assert.Null(result.Query);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        return d;
    }

    [Fact]
    public void PlainPlan_EmitsAQuery_WithNoDiagnostics()
    {
        var result = SqlEmitter.Emit(Plan(string.Empty));
        Assert.NotNull(result.Query);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void INS1190_ScoreCallingAPluginFunction_HasNoQuery()
    {
        var functions = ScoringFunctions.Empty.Add(new ScoringFunction("double_it", 1, 1, a => a[0] * 2));
        var d = Single(SqlEmitter.Emit(Plan("  - { id: twice, expression: \"double_it(total)\" }\n", functions)), "INS1190");
        Assert.Contains("Score 'twice' calls plugin function 'double_it'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1190_FlagCallingAPluginFunction_HasNoQuery()
    {
        var functions = ScoringFunctions.Empty.Add(new ScoringFunction("double_it", 1, 1, a => a[0] * 2));
        var d = Single(SqlEmitter.Emit(Plan("flags:\n  - { id: high, when: \"double_it(total) > 3\" }\n", functions)), "INS1190");
        Assert.Contains("Flag 'high' calls plugin function 'double_it'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1191_RoundingRuleOnADerivedScore_HasNoQuery()
    {
        var d = Single(SqlEmitter.Emit(Plan("  - { id: third, expression: \"total / 3\", rounding: { method: nearest, ties: half-up, sources: [\"test\"] } }\n")), "INS1191");
        Assert.Contains("Score 'third' cannot be scored exactly in SQL", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1191_NonDefaultResponseSeverities_HaveNoQuery()
    {
        var compilation = InstrumentCompiler.Compile(Head, "t.yaml");
        var plan = ScoringPlan.Create(Assert.Single(compilation.Definitions), null, DiagnosticOptions.Default.WithWarningsAsErrors(true)).Plan!;
        var d = Single(SqlEmitter.Emit(plan), "INS1191");
        Assert.Contains("non-default severities", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1192_QueryLongerThanTheLimit_HasNoQuery()
    {
        var d = Single(SqlEmitter.Emit(Plan(string.Empty), new SqlEmitOptions { MaxQueryLength = 100 }), "INS1192");
        Assert.Contains("more than the 100 allowed", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("responses; DROP TABLE x")]
    [InlineData("1responses")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public void INS1193_TableNameThatIsNotAnIdentifier_HasNoQuery(string table)
    {
        Single(SqlEmitter.Emit(Plan(string.Empty), new SqlEmitOptions { Table = table }), "INS1193");
    }

    [Fact]
    public void SchemaQualifiedTableName_IsQuoted()
    {
        var query = SqlEmitter.Emit(Plan(string.Empty), new SqlEmitOptions { Table = "raw.responses" }).Query!;
        Assert.Contains("FROM \"raw\".\"responses\"", query, StringComparison.Ordinal);
    }
}
