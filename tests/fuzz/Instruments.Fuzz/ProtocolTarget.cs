using System.Text;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Scoring;

namespace Instruments.Fuzz;

/// <summary>
/// The protocol compiler: any text compiles, against two fixed instruments with change rules, to diagnostics (every one
/// printable) and, without errors, a plan that scores a garbage row and evaluates its outcomes over every combination
/// of known and unknown facts, without throwing.
/// </summary>
internal sealed class ProtocolTarget : FuzzTarget
{
    private static readonly ScoringPlan[] Instruments = [Compile("dep", "d"), Compile("anx", "x")];

    public override string Name => "protocol";

    public override string Contract => "ProtocolCompiler.Compile never throws (mistakes are diagnostics); plans score and evaluate without throwing";

    public override void Run(byte[] data)
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(Encoding.UTF8.GetString(data), "fuzz-protocol.yaml"), Instruments);
        foreach (var diagnostic in compilation.Diagnostics)
        {
            _ = diagnostic.ToString();
        }

        if (compilation.Plan is not { } plan)
        {
            return;
        }

        var reader = plan.ReaderPlan;
        var values = new ResponseValue[reader.ItemCount];
        var texts = new string?[reader.ItemCount];
        for (var i = 0; i < values.Length; i++)
        {
            texts[i] = i % 2 == 0 ? "7" : "x";
            values[i] = ResponseValue.Parse(texts[i].AsSpan());
        }

        var result = plan.CreateResult();
        plan.Score(values, texts, result);

        var facts = new MeasureFacts[plan.Members.Length];
        var outcomes = new bool?[plan.Outcomes.Length];
        bool?[] three = [true, false, null];
        ChangeOutcome?[] reliable = [ChangeOutcome.Improved, ChangeOutcome.Unchanged, ChangeOutcome.Deteriorated, null];
        for (var k = 0; k < 12; k++)
        {
            for (var m = 0; m < facts.Length; m++)
            {
                facts[m] = new MeasureFacts(three[(k + m) % 3], three[(k / 3 + m) % 3], reliable[(k + 2 * m) % 4]);
            }

            plan.Evaluate(facts, outcomes);
        }
    }

    private static ScoringPlan Compile(string id, string prefix)
    {
        var yaml = $$"""
            instrument: {{id}}
            version: 1.0.0
            title: {{id}}
            license: { name: test, texts: restricted }
            response_scales:
              four: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" } ] }
            items:
              - { id: {{prefix}}1, scale: four }
              - { id: {{prefix}}2, scale: four }
            scores:
              - id: total
                items: [{{prefix}}1, {{prefix}}2]
                method: sum
                change:
                  direction: lower-is-better
                  caseness: { min: 3, sources: [test] }
                  reliable_change: [ { id: fixed, method: fixed, threshold: 2, sources: [test] } ]
            """;
        var compilation = InstrumentCompiler.Compile(yaml, id + ".yaml");
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException($"The protocol fuzz instrument '{id}' does not compile: " + string.Join("; ", compilation.Diagnostics));
        }

        return compilation.CreatePlan(compilation.Definitions[0]);
    }
}
