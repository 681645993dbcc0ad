using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Instruments.Diagnostics;

namespace Instruments.Scoring;

/// <summary>
/// The outcome of building a <see cref="ScoringPlan"/> (the "emit" step, as in Roslyn's <c>EmitResult</c>): the plan
/// when the definition has no errors, and the diagnostics of checking it either way. A definition with mistakes gives
/// diagnostics here, never an exception.
/// </summary>
/// <example>
/// <code>
/// var result = compilation.CreatePlan("phq-9");          // or ScoringPlan.Create(definition) for a C#-built one
/// if (!result.Success) { foreach (var d in result.Diagnostics) Console.Error.WriteLine(d); return 1; }
/// var plan = result.Plan;
/// </code>
/// </example>
public sealed class PlanResult
{
    internal PlanResult(ScoringPlan? plan, ImmutableArray<Diagnostic> diagnostics)
    {
        Plan = plan;
        Diagnostics = diagnostics.IsDefault ? [] : diagnostics;
    }

    /// <summary>The plan; null when the definition has errors (they are in <see cref="Diagnostics"/>).</summary>
    public ScoringPlan? Plan { get; }

    /// <summary>The diagnostics of checking the definition (warnings too), in source order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when a plan was built.</summary>
    [MemberNotNullWhen(true, nameof(Plan))]
    public bool Success => Plan is not null;
}
