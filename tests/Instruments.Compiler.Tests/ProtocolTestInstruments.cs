using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Small instruments built in C# (the YAML reader of change rules is another branch's): 'dep' (items d1-d3, caseness
/// 3 or more, fixed rule 'rc' of 2 points), 'anx' (a1-a2, caseness 2 or more, rule 'rc'), 'plain' (p1, no change
/// rules), 'clash' (d1 again, and x1) and 'ally' (w1-w2, higher-is-better, no caseness or rule: an alliance).
/// </summary>
internal static class ProtocolTestInstruments
{
    public static ScoringPlan Dep { get; } = Plan("dep", ["d1", "d2", "d3"], min: 3, rule: 2);

    public static ScoringPlan Anx { get; } = Plan("anx", ["a1", "a2"], min: 2, rule: 1);

    public static ScoringPlan Plain { get; } = Plan("plain", ["p1"], min: null, rule: null);

    public static ScoringPlan Clash { get; } = Plan("clash", ["d1", "x1"], min: null, rule: null);

    public static ScoringPlan Ally { get; } = Plan("ally", ["w1", "w2"], min: null, rule: null, higherIsBetter: true);

    public static ImmutableArray<ScoringPlan> All { get; } = [Dep, Anx, Plain, Clash, Ally];

    public static ScoringPlan Plan(string id, string[] items, double? min, double? rule, bool higherIsBetter = false)
    {
        var change = min is null && rule is null && !higherIsBetter ? null : new ChangeRules
        {
            Direction = higherIsBetter ? ChangeDirection.HigherIsBetter : ChangeDirection.LowerIsBetter,
            Caseness = min is { } m ? new CasenessRule { Min = m, Sources = ["test"] } : null,
            ReliableChange = rule is { } t ? [new ReliableChangeRule { Id = "rc", Method = ReliableChangeMethod.Fixed, Threshold = t, Sources = ["test"] }] : [],
        };
        var definition = new InstrumentDefinition
        {
            Id = id,
            Version = "1.0.0",
            Title = id,
            License = new LicenseInfo { Name = "test", Texts = TextLicense.Shipped },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 0, Label = "no" }, new ResponseOption { Value = 1, Label = "yes" }] }],
            Items = [.. items.Select(i => new ItemDefinition { Id = i, Scale = "s" })],
            Scores = [new ScoreDefinition { Id = "total", Method = ScoreMethod.Sum, Items = [.. items], Change = change }],
        };
        var result = ScoringPlan.Create(definition);
        return result.Plan ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }
}
