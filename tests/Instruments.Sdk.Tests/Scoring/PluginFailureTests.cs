using Instruments.Compiler;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>The payload of RSP2012/RSP2013: who owns the code that threw, and the error on one line.</summary>
public sealed class PluginFailureTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("  padded  ", "padded")]
    [InlineData("first\nsecond", "first second")]
    [InlineData("first\r\nsecond\rthird", "first second third")]
    [InlineData("\nleading break", "leading break")]
    [InlineData("\r\n\r\nleading breaks", "leading breaks")]
    [InlineData("trailing break\n", "trailing break")]
    [InlineData("space before \nbreak", "space before break")]
    [InlineData("break\n after", "break after")]
    [InlineData("a\u0085b\u2028c\u2029d", "a b c d")]
    [InlineData("two\n\nbreaks", "two breaks")]
    public void OneLine_LineBreaksBecomeOneSpace_AndTheEndsAreTrimmed(string text, string expected)
    {
        Assert.Equal(expected, PluginFailure.OneLine(text));
    }

    [Fact]
    public void FunctionFailure_OfAFunctionRegisteredInCode_SaysSo()
    {
        const string yaml = """
            instrument: fx
            version: 1.0.0
            title: Functions (test fixture)
            license: { name: free, texts: restricted }
            response_scales:
              two: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" } ] }
            items:
              - { id: a, scale: two }
            scores:
              - { id: total, items: [a], method: sum }
              - id: derived
                expression: "f(total)"
            """;
        var functions = ScoringFunctions.Empty.Add(new ScoringFunction("f", 1, 1, _ => throw new InvalidOperationException("no")));
        var compilation = InstrumentCompiler.Compile(yaml, "fx.yaml", functions: functions);
        var plan = ScoringPlan.Create(Assert.Single(compilation.Definitions), functions).Plan!;
        var result = plan.CreateResult();

        plan.Score([ResponseValue.FromInteger(1)], result);

        var d = Assert.Single(result.Diagnostics.ToArray());
        Assert.Equal(string.Empty, d.Failure!.Plugin);
        Assert.Equal("Function 'f' (registered function) failed: InvalidOperationException: no; its result was taken as missing", result.FormatMessage(d));
    }
}
