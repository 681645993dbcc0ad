using Instruments.Compiler;

namespace Instruments.Cli.Tests;

/// <summary>The start-up warm-up compiles a definition cleanly, so that it runs the compiler's whole path.</summary>
public sealed class WarmupTests
{
    [Fact]
    public void TheWarmUpDefinition_CompilesWithoutAnyDiagnostic_AndBindsEveryPart()
    {
        var compilation = InstrumentCompiler.Compile(Warmup.Yaml, "instruments-warm-up.yaml");

        Assert.Empty(compilation.Diagnostics);
        var definition = Assert.Single(compilation.Definitions);
        var plan = compilation.CreatePlan(definition);
        Assert.Equal(3, plan.ItemCount);
        Assert.NotNull(definition.Scores[0].Change);
        Assert.Equal(2, definition.Scores[0].Change!.ReliableChange.Length);
        Assert.Single(definition.Flags);
        Assert.Single(definition.Examples);
    }
}
