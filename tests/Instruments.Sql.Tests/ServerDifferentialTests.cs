using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Sql.Tests;

/// <summary>
/// The differential tests every database server backend runs (PostgreSQL, the ClickHouse cluster): the same generated
/// rows and cell-by-cell comparison as <see cref="DuckDbDifferentialTests"/>, for every shipped instrument and the
/// synthetic one, through the backend's <see cref="Rows"/>.
/// </summary>
public abstract class ServerDifferentialTests
{
    [Theory]
    [MemberData(nameof(DuckDbDifferentialTests.ShippedInstruments), MemberType = typeof(DuckDbDifferentialTests))]
    public void ShippedInstrument_SqlInTheServer_MatchesTheEngineCellByCell(string path)
    {
        var plan = DuckDbDifferentialTests.Compile(File.ReadAllText(Path.Combine(Paths.RepoRoot, path)), path);
        Differential.Run(plan, seed: path.Length * 7919, backend: Rows).AssertCovered(plan);
    }

    [Fact]
    public void EveryRoundingRule_BandKind_AndExpressionOperator_MatchesTheEngine()
    {
        var plan = DuckDbDifferentialTests.Compile(Synthetic.Yaml, "synthetic.yaml");
        var report = Differential.Run(plan, seed: 12345, rows: 6000, backend: Rows);
        report.AssertCovered(plan);
        foreach (var score in new[] { "halfup", "halfdown", "halfeven", "away", "unstated", "mean1" })
        {
            Assert.True(report.Ties.Contains(score), $"no rounding tie met for score '{score}'");
        }
    }

    /// <summary>The emitted query's rows over the generated responses, in the order of their 'rid'.</summary>
    protected abstract List<Dictionary<string, object?>> Rows(ScoringPlan plan, List<string> columns, List<string?[]> data);
}
