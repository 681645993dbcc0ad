namespace Instruments.Sql.Tests;

/// <summary>
/// The documented way to run the query (docs/scale.md): DuckDB reads a sample CSV with
/// <c>read_csv(..., all_varchar = true)</c> into a table and the emitted query scores it; every cell equals the console
/// host's CSV output for the same file.
/// </summary>
public sealed class SampleCsvTests
{
    [Theory]
    [InlineData("samples/phq-9.csv", "plugins/symptoms/instruments/phq-9.yaml")]
    [InlineData("samples/swls.csv", "plugins/wellbeing/instruments/swls.yaml")]
    [InlineData("samples/dsm5-specific-phobia.csv", "plugins/symptoms/instruments/dsm5-specific-phobia-adult.yaml")]
    public void SampleCsv_ReadByDuckDb_ScoresAsTheConsoleHost(string sample, string instrument)
    {
        var plan = DuckDbDifferentialTests.Compile(File.ReadAllText(Path.Combine(Paths.RepoRoot, instrument)), instrument);
        var csvPath = Path.Combine(Paths.RepoRoot, sample);
        var engine = Differential.EngineCsv(plan, File.ReadAllBytes(csvPath));
        var query = SqlEmitter.Emit(plan).Query!;

        var r = Differential.CompareOverReadCsv(csvPath, query, engine);
        Assert.True(r > 0);
    }
}
