using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Plugins;

namespace Instruments.TestPlugins.Misbehaving;

/// <summary>Descriptors of the test plugins.</summary>
public static class TestDiagnostics
{
    /// <summary>Declared by <see cref="Good"/>.</summary>
    public static readonly DiagnosticDescriptor NoCitation = new("TST0001", "No citation", "Instrument '{0}' has no citation", "Test", DiagnosticSeverity.Warning);

    /// <summary>Never declared by anyone.</summary>
    public static readonly DiagnosticDescriptor Undeclared = new("TST0002", "Undeclared", "Reported without being declared", "Test", DiagnosticSeverity.Warning);

    /// <summary>Declared by <see cref="Good"/>; reported by its response check.</summary>
    public static readonly DiagnosticDescriptor HighTotal = new("TST0003", "High total", "Total is high: {0}", "Test", DiagnosticSeverity.Info);
}

/// <summary>A well-behaved plugin: a C# instrument, a function, an analyzer and a response check.</summary>
public sealed class Good : InstrumentPlugin
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestDiagnostics.NoCitation, TestDiagnostics.HighTotal];

    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        context.RegisterFunction(new ScoringFunction("double_it", 1, 1, a => a[0] * 2, integralResult: true));
        context.RegisterFunction(new ScoringFunction("explode", 1, 1, a => a[0] < 1 ? throw new InvalidOperationException("boom") : a[0]));
        context.RegisterInstrument(new InstrumentDefinition
        {
            Id = "two-items",
            Version = "1.0.0",
            Title = "Two items (built in C#)",
            License = new LicenseInfo { Name = "test", Texts = TextLicense.Restricted },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 0, Label = "no" }, new ResponseOption { Value = 5, Label = "yes" }] }],
            Items = [new ItemDefinition { Id = "a", Scale = "s" }, new ItemDefinition { Id = "b", Scale = "s" }],
            Scores =
            [
                new ScoreDefinition { Id = "total", Method = ScoreMethod.Sum, Items = ["a", "b"] },
                new ScoreDefinition { Id = "doubled", Method = ScoreMethod.Expression, Expression = "double_it(total)" },
                new ScoreDefinition { Id = "fragile", Method = ScoreMethod.Expression, Expression = "explode(a)" },
            ],
        });
        context.RegisterDefinitionAnalyzer(c =>
        {
            if (c.Definition.Citation is null)
            {
                c.ReportDiagnostic(TestDiagnostics.NoCitation, "instrument", c.Definition.Id);
            }
        });
        context.RegisterResponseCheck("two-items", c =>
        {
            if (c.Result.GetScore(0) >= 10)
            {
                c.Report(TestDiagnostics.HighTotal, text: c.Result.GetScore(0)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
    }
}

/// <summary>Throws in Initialize.</summary>
public sealed class ThrowsInInitialize : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        context.RegisterFunction(new ScoringFunction("never_kept", 0, 0, _ => 1));
        throw new InvalidOperationException("cannot start");
    }
}

/// <summary>Reports a diagnostic it did not declare.</summary>
public sealed class ReportsUndeclared : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context) =>
        context.RegisterDefinitionAnalyzer(c => c.ReportDiagnostic(TestDiagnostics.Undeclared, "instrument"));
}

/// <summary>Registers an instrument id that the built-in wellbeing plugin already has.</summary>
public sealed class RegistersSwls : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context) => context.RegisterInstrument(new InstrumentDefinition
    {
        Id = "swls",
        Version = "9.9.9",
        Title = "Not the real SWLS",
        License = new LicenseInfo { Name = "test", Texts = TextLicense.Restricted },
        ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 1, Label = "x" }] }],
        Items = [new ItemDefinition { Id = "a", Scale = "s" }],
        Scores = [new ScoreDefinition { Id = "t", Method = ScoreMethod.Sum, Items = ["a"] }],
    });
}

/// <summary>Registers a response check that throws, and a function named like a built-in.</summary>
public sealed class BadCheck : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        context.RegisterResponseCheck("two-items", _ => throw new InvalidOperationException("check broke"));
        context.RegisterFunction(new ScoringFunction("double_it", 1, 1, a => a[0]));
    }
}

/// <summary>Registers a response check that reports a diagnostic the plugin did not declare.</summary>
public sealed class ChecksUndeclared : InstrumentPlugin
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestDiagnostics.HighTotal];

    /// <inheritdoc />
    public override void Initialize(PluginContext context) =>
        context.RegisterResponseCheck("two-items", c => c.Report(TestDiagnostics.Undeclared));
}

/// <summary>Declares diagnostics in the engine's reserved ranges (INS, RSP, PLG, TPL) beside one of its own, and reports one.</summary>
public sealed class DeclaresReserved : InstrumentPlugin
{
    /// <summary>An ID in the engine's INS range.</summary>
    public static readonly DiagnosticDescriptor Squatter = new("INS1999", "Squatter", "Squats on the engine's range", "Test", DiagnosticSeverity.Warning);

    /// <summary>An ID in the engine's TPL range.</summary>
    public static readonly DiagnosticDescriptor TemplateSquatter = new("TPL4999", "Template squatter", "Squats on the engine's range", "Test", DiagnosticSeverity.Warning);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Squatter, TemplateSquatter, TestDiagnostics.NoCitation];

    /// <inheritdoc />
    public override void Initialize(PluginContext context) =>
        context.RegisterDefinitionAnalyzer(c =>
        {
            if (c.Definition.Id == "swls")
            {
                c.ReportDiagnostic(Squatter, "instrument");
                c.ReportDiagnostic(TestDiagnostics.NoCitation, "instrument", c.Definition.Id);
            }
        });
}

/// <summary>An analyzer that throws on PHQ-9 (PLG3016), a duplicate function (PLG3015) and an undeclared report on PHQ-9 (PLG3012).</summary>
public sealed class Broken : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context)
    {
        context.RegisterFunction(new ScoringFunction("phq9_t_women", 1, 1, a => a[0]));
        context.RegisterDefinitionAnalyzer(c =>
        {
            if (c.Definition.Id == "phq-9")
            {
                c.ReportDiagnostic(TestDiagnostics.Undeclared, "instrument");
                throw new InvalidOperationException("analyzer broke");
            }
        });
    }
}

/// <summary>An Initialize that never returns (the host must name it and go on, PLG3023).</summary>
public sealed class NeverReturns : InstrumentPlugin
{
    /// <inheritdoc />
    public override void Initialize(PluginContext context) => Thread.Sleep(Timeout.Infinite);
}
