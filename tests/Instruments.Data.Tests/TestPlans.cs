using Instruments.Compiler;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>A small instrument for the data-layer tests: three 1-5 items (the third reversed), a mean allowing one missing.</summary>
internal static class TestPlans
{
    public const string Yaml = """
        instrument: tiny
        version: 1.0.0
        title: Tiny test instrument
        license: { name: test, texts: restricted }
        response_scales:
          five: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" } ] }
        items:
          - { id: a, scale: five }
          - { id: b, scale: five }
          - { id: c, scale: five, reverse: true }
        scores:
          - { id: total, items: [a, b, c], method: mean, missing: { max: 1 } }
        """;

    public static ScoringPlan Tiny { get; } = Compile(Yaml);

    public static ScoringPlan Compile(string yaml)
    {
        var compilation = InstrumentCompiler.Compile(yaml, "tiny.yaml");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.CreatePlan(Assert.Single(compilation.Definitions));
    }

    public static Stream Utf8(string text) => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Reads every row of <paramref name="input"/> and scores it: (line, malformed reason, status, total).</summary>
    public static List<(int Line, string? Malformed, ResponseStatus Status, double Total)> ReadAndScore(string input, DataFormat format, List<string>? warnings = null)
    {
        var plan = Tiny;
        using var reader = ResponseReader.Open(Utf8(input), format, plan, w => warnings?.Add(w));
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        var rows = new List<(int, string?, ResponseStatus, double)>();
        while (reader.Read(row))
        {
            row.Score(plan, result);
            rows.Add((row.Line, row.Malformed, result.Status, result.GetScoreValue(0)));
        }

        return rows;
    }
}
