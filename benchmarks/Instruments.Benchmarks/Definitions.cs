using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Benchmarks;

/// <summary>The definitions the benchmarks score.</summary>
internal static class Definitions
{
    /// <summary>
    /// The 12-item WAI-SR-shaped instrument of the side-by-side comparison (<c>benchmarks/compare/wai-shaped.yaml</c>):
    /// three 4-item subscale means (at most one missing item each), items 3 and 7 reverse-keyed (for the benchmark's
    /// sake; the real WAI-SR has none), total = mean of answered items. One file, so both benchmarks score the same thing.
    /// </summary>
    public static string WaiShaped => File.ReadAllText(Path.Combine(RepoRoot(), "benchmarks", "compare", "wai-shaped.yaml"));

    public static ScoringPlan Plan(string yaml)
    {
        var compilation = InstrumentCompiler.Compile(yaml, "benchmark.yaml");
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, compilation.Diagnostics));
        }

        return compilation.CreatePlan(compilation.Definitions[0]);
    }

    public static ScoringPlan Phq9() =>
        Plan(File.ReadAllText(Path.Combine(RepoRoot(), "plugins", "symptoms", "instruments", "phq-9.yaml")));

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Instruments.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Instruments.sln not found");
        }

        return dir;
    }

    public static InstrumentDefinition Definition(ScoringPlan plan) => plan.Definition;
}
