using Instruments.Compiler;
using Instruments.Scoring;

namespace Instruments.Fuzz;

/// <summary>
/// The small instrument the reader and template targets score with: three 1-5 items (one reversed), a mean
/// allowing one missing, and a flag, so that every result column and report section has something in it.
/// </summary>
internal static class FixedInstrument
{
    public const string Yaml = """
        instrument: tiny
        version: 1.0.0
        title: Tiny fuzz instrument
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

    public static ScoringPlan Plan { get; } = Compile();

    private static ScoringPlan Compile()
    {
        var compilation = InstrumentCompiler.Compile(Yaml, "tiny.yaml");
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException("The fixed fuzz instrument does not compile: " + string.Join("; ", compilation.Diagnostics));
        }

        return compilation.CreatePlan(compilation.Definitions[0]);
    }
}
