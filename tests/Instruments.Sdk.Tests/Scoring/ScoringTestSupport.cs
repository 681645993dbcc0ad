using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>Compiles definitions for scoring tests and scores responses written compactly.</summary>
internal static class ScoringTestSupport
{
    private static readonly string RepoRoot = FindRoot();

    public static ScoringPlan ShippedPlan(string relativePath)
    {
        var path = Path.Combine(RepoRoot, "plugins", relativePath);
        return Plan(File.ReadAllText(path), relativePath);
    }

    public static ScoringPlan Plan(string yaml, string path = "test.yaml")
    {
        var compilation = InstrumentCompiler.Compile(yaml, path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.CreatePlan(Assert.Single(compilation.Definitions));
    }

    /// <summary>Scores values given as text cells ("" = missing), one per item in definition order; the cells go beside the values as their texts.</summary>
    public static ScoreResult Score(ScoringPlan plan, params string[] cells)
    {
        Assert.Equal(plan.ItemCount, cells.Length);
        var values = cells.Select(c => ResponseValue.Parse(c.AsSpan())).ToArray();
        var result = plan.CreateResult();
        plan.Score(values, cells, result);
        return result;
    }

    /// <summary>Scores integer values (null = missing), one per item in definition order.</summary>
    public static ScoreResult Score(ScoringPlan plan, params int?[] values)
    {
        Assert.Equal(plan.ItemCount, values.Length);
        var raw = values.Select(v => v is null ? ResponseValue.Missing : ResponseValue.FromNumber(v.Value)).ToArray();
        var result = plan.CreateResult();
        plan.Score(raw, result);
        return result;
    }

    /// <summary>Item values that add up to <paramref name="total"/> with each value in [min, max].</summary>
    public static int?[] Spread(int total, int count, int min, int max)
    {
        var values = new int?[count];
        var remaining = total - (count * min);
        Assert.InRange(remaining, 0, count * (max - min));
        for (var i = 0; i < count; i++)
        {
            var add = Math.Min(max - min, remaining);
            values[i] = min + add;
            remaining -= add;
        }

        return values;
    }

    public static string[] Ids(ScoreResult result) => result.Diagnostics.ToArray().Select(d => d.Id).ToArray();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found");
    }
}
