using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Compiler.Tests;

public sealed class ShippedInstrumentTests
{
    [Fact]
    public void Swls_CompilesToImmutableDefinition_WithZeroDiagnostics()
    {
        var path = TestPaths.Plugin("wellbeing/instruments/swls.yaml");
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(path), "swls.yaml");

        Assert.Empty(compilation.Diagnostics);
        var swls = Assert.Single(compilation.Definitions);
        Assert.Equal("swls", swls.Id);
        Assert.Equal("1.0.0", swls.Version);
        Assert.Equal(TextLicense.Shipped, swls.License.Texts);
        Assert.Equal(["swls1", "swls2", "swls3", "swls4", "swls5"], swls.Items.Select(i => i.Id));
        var total = Assert.Single(swls.Scores);
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Equal(7, total.Bands.Length);
        Assert.Equal(7, swls.FindScale("agree7")!.Options.Length);
        Assert.Equal("I am satisfied with my life.", swls.FindItem("swls3")!.Text);
    }

    [Fact]
    public void Phq9_Compiles_WithOnlyTheBetweenBandsWarningForTheUnroundedProratedTotal()
    {
        var path = TestPaths.Plugin("symptoms/instruments/phq-9.yaml");
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(path), "phq-9.yaml");

        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        Assert.All(compilation.Diagnostics, d => Assert.Equal("INS1053", d.Id));
        Assert.Single(compilation.Definitions);
    }

    [Fact]
    public void DefinitionTypes_AreSealedAndHaveNoPublicSetters()
    {
        var types = typeof(InstrumentDefinition).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Instruments.Definitions" && t.IsClass);
        foreach (var type in types)
        {
            Assert.True(type.IsSealed || type.IsAbstract, type.Name + " should be sealed");
            foreach (var property in type.GetProperties())
            {
                var setter = property.SetMethod;
                if (setter is { IsPublic: true })
                {
                    // init-only setters are allowed (object initializers); mutable setters are not.
                    var isInit = setter.ReturnParameter.GetRequiredCustomModifiers()
                        .Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
                    Assert.True(isInit, $"{type.Name}.{property.Name} has a public mutable setter");
                }
            }
        }

        Assert.Contains(typeof(Diagnostic), typeof(Diagnostic).Assembly.GetExportedTypes());
    }
}
