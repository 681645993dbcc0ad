using System.Collections.Immutable;
using Instruments.Scoring;

namespace Instruments.Definitions;

/// <summary>
/// A worked example shipped with a definition: one response and what scoring it must give, with the source
/// the expectation comes from. Examples make a definition checkable against its manual
/// (<see cref="Testing.ExampleRunner"/>, <c>instruments test</c>).
/// </summary>
public sealed class InstrumentExample
{
    /// <summary>A short name, unique within the instrument (printed by the test runner).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Where the expectation comes from: a citation or URL of a published worked example, or
    /// "computed from the published rule in ..." naming the source of the rule.
    /// </summary>
    public required string Source { get; init; }

    /// <summary>
    /// The response: item id to the value as it would appear in an input file (a number as text, a missing code,
    /// or any text). A null value, like an item that is not listed, means "not answered".
    /// </summary>
    public ImmutableDictionary<string, string?> Responses { get; init; } = ImmutableDictionary<string, string?>.Empty;

    /// <summary>What scoring the response must give.</summary>
    public required ExampleExpectation Expect { get; init; }
}

/// <summary>
/// The expected outcome of an <see cref="InstrumentExample"/>. Only what is stated is checked: a null property
/// (or an empty map) is not compared.
/// </summary>
public sealed class ExampleExpectation
{
    /// <summary>The expected status, or null to leave it unchecked.</summary>
    public ResponseStatus? Status { get; init; }

    /// <summary>
    /// Expected score values by score id; a null value means "not computed". Values are compared within
    /// <see cref="Testing.ExampleRunner.Tolerance"/>.
    /// </summary>
    public ImmutableDictionary<string, double?> Scores { get; init; } = ImmutableDictionary<string, double?>.Empty;

    /// <summary>
    /// Expected values before rounding by score id (<see cref="Scoring.ScoreResult.GetUnroundedScore(int)"/>), for scores
    /// whose definition rounds; compared within <see cref="Testing.ExampleRunner.Tolerance"/>. A null value means "not computed".
    /// </summary>
    public ImmutableDictionary<string, double?> Unrounded { get; init; } = ImmutableDictionary<string, double?>.Empty;

    /// <summary>Expected band labels by score id; a null value means "no band".</summary>
    public ImmutableDictionary<string, string?> Bands { get; init; } = ImmutableDictionary<string, string?>.Empty;

    /// <summary>The flags that must be raised, exactly (no more, no fewer); null to leave flags unchecked.</summary>
    public ImmutableArray<string>? Flags { get; init; }

    /// <summary>The flags that must be "could not be evaluated" (RSP2008), exactly; null to leave them unchecked.</summary>
    public ImmutableArray<string>? UnevaluatedFlags { get; init; }

    /// <summary>The scores that must be prorated, exactly; null to leave prorating unchecked.</summary>
    public ImmutableArray<string>? Prorated { get; init; }

    /// <summary>Response diagnostic IDs (<c>RSP2xxx</c>) that must be among the result's diagnostics.</summary>
    public ImmutableArray<string> Diagnostics { get; init; } = [];
}
