using System.Text;
using Instruments.Compiler;
using Instruments.Scoring;

namespace Instruments.Fuzz;

/// <summary>
/// The YAML compiler: any text compiles to diagnostics and definitions without throwing. Each definition without
/// errors is lowered to a plan and scores one empty and one garbage response, and every diagnostic is printed.
/// </summary>
internal sealed class CompilerTarget : FuzzTarget
{
    public override string Name => "compiler";

    public override string Contract => "InstrumentCompiler.Compile never throws (mistakes are diagnostics); plans score garbage without throwing";

    public override void Run(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var compilation = InstrumentCompiler.Compile(text, "fuzz.yaml");
        foreach (var diagnostic in compilation.Diagnostics)
        {
            _ = diagnostic.ToString();
        }

        foreach (var definition in compilation.Definitions)
        {
            var planResult = compilation.CreatePlan(definition.Id);
            if (!planResult.Success)
            {
                continue;
            }

            var plan = planResult.Plan;
            var result = plan.CreateResult();
            var values = new ResponseValue[plan.ItemCount];
            var texts = new string?[plan.ItemCount];
            plan.Score(values, texts, result);
            for (var i = 0; i < values.Length; i++)
            {
                texts[i] = i % 3 == 0 ? "-1e308" : i % 3 == 1 ? "NaN" : "\u0000";
                values[i] = ResponseValue.Parse(texts[i].AsSpan());
            }

            plan.Score(values, texts, result);
        }
    }
}
