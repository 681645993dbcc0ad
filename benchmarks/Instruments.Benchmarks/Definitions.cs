using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Benchmarks;

/// <summary>The definitions the benchmarks score.</summary>
internal static class Definitions
{
    /// <summary>
    /// A 12-item WAI-SR-shaped instrument: three 4-item subscale means (at most one missing item each), items 3 and 7
    /// reverse-keyed (for the benchmark's sake; the real WAI-SR has no reverse-keyed items), total = mean of answered items.
    /// </summary>
    public const string WaiShaped = """
        instrument: wai-shaped
        version: 1.0.0
        title: WAI-SR-shaped benchmark instrument
        license: { name: benchmark, texts: restricted }
        response_scales:
          five: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" } ] }
        items:
          - { id: w1, scale: five }
          - { id: w2, scale: five }
          - { id: w3, scale: five, reverse: true }
          - { id: w4, scale: five }
          - { id: w5, scale: five }
          - { id: w6, scale: five }
          - { id: w7, scale: five, reverse: true }
          - { id: w8, scale: five }
          - { id: w9, scale: five }
          - { id: w10, scale: five }
          - { id: w11, scale: five }
          - { id: w12, scale: five }
        scores:
          - { id: task, items: [w1, w2, w10, w12], method: mean, missing: { max: 1 } }
          - { id: bond, items: [w3, w5, w7, w9], method: mean, missing: { max: 1 } }
          - { id: goal, items: [w4, w6, w8, w11], method: mean, missing: { max: 1 } }
          - { id: total, items: [w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12], method: mean, missing: { max: 11 } }
        """;

    public static ScoringPlan Plan(string yaml)
    {
        var compilation = InstrumentCompiler.Compile(yaml, "benchmark.yaml");
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, compilation.Diagnostics));
        }

        return ScoringPlan.Create(compilation.Definitions[0]);
    }

    public static ScoringPlan Phq9()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Instruments.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Instruments.sln not found");
        }

        return Plan(File.ReadAllText(Path.Combine(dir, "plugins", "symptoms", "instruments", "phq-9.yaml")));
    }

    public static InstrumentDefinition Definition(ScoringPlan plan) => plan.Definition;
}
