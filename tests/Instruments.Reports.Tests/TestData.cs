using System.Reflection;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Reports.Tests;

/// <summary>The shipped definitions, responses built from CSV-like text, and a fixed clock.</summary>
internal static class TestData
{
    public static string RepoRoot { get; } =
        typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static InstrumentDefinition Phq9 { get; } = Load("plugins/symptoms/instruments/phq-9.yaml");

    public static InstrumentDefinition Swls { get; } = Load("plugins/wellbeing/instruments/swls.yaml");

    /// <summary>2024-06-01 09:30:00 UTC, always.</summary>
    public static FixedTime Clock { get; } = new(new DateTimeOffset(2024, 6, 1, 9, 30, 0, TimeSpan.Zero));

    public static InstrumentDefinition Load(string relative)
    {
        var path = Path.Combine(RepoRoot, relative);
        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromFile(path)]);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Definitions[0];
    }

    /// <summary>Scores one response: item values as text (empty = missing), other fields passed through.</summary>
    public static ReportResponse Response(InstrumentDefinition def, int row, string items, params (string Name, string? Value)[] fields)
    {
        var plan = Plan(def);
        var cells = items.Split(',');
        Assert.Equal(plan.ItemCount, cells.Length);
        var values = cells.Select(c => ResponseValue.Parse(c.AsSpan())).ToArray();
        var result = plan.CreateResult();
        plan.Score(values, cells, result);
        return ReportResponse.Create(result, row, values, fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)), row + 1);
    }

    public static ReportResponse Malformed(InstrumentDefinition def, int row, int line, string reason, params (string Name, string? Value)[] fields)
    {
        var plan = Plan(def);
        var result = plan.CreateResult();
        plan.ScoreMalformed(result, line, reason);
        return ReportResponse.Create(result, row, [], fields.Select(f => new KeyValuePair<string, string?>(f.Name, f.Value)), line);
    }

    public static ReportModel Model(InstrumentDefinition def, params ReportResponse[] responses) =>
        ReportModel.Create(Plan(def), responses, combined: responses.Length != 1);

    /// <summary>The plan of a definition that must have no errors.</summary>
    public static ScoringPlan Plan(InstrumentDefinition def)
    {
        var result = ScoringPlan.Create(def);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Plan;
    }
}

/// <summary>A clock that always says the same time.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
