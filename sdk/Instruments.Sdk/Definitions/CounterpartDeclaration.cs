using System.Collections.Immutable;
using Instruments.Diagnostics;

namespace Instruments.Definitions;

/// <summary>
/// The other form of a paired measure (the client's and the therapist's form of an alliance inventory): its instrument
/// id and which of its scores corresponds to each score of this one, so that <c>instruments agree</c> pairs them with
/// no options on the command line. Which rater fills in each form is each definition's <see cref="InstrumentDefinition.Respondent"/>
/// (<see cref="Respondent.Client"/> or <see cref="Respondent.Therapist"/>, one of each). One form declaring the
/// pairing is enough; when both do, the declarations must match. Resolve a pairing with
/// <see cref="Alliance.InstrumentPairing.Resolve"/>.
/// </summary>
public sealed class CounterpartDeclaration
{
    /// <summary>The id of the other form, e.g. <c>wai-sr-t</c>.</summary>
    public required string Instrument { get; init; }

    /// <summary>The score pairs, in output order: each names a score of this instrument and the counterpart's score it corresponds to.</summary>
    public ImmutableArray<ScorePairing> Scores { get; init; } = [];

    /// <summary>Where the declaration is in its source file (set by the YAML compiler); <see cref="Location.None"/> for definitions built in C#.</summary>
    public Location Location { get; init; } = Location.None;
}

/// <summary>One score of an instrument and the corresponding score of its counterpart.</summary>
public sealed class ScorePairing
{
    /// <summary>The id of the score of the declaring instrument, e.g. <c>task</c>.</summary>
    public required string Score { get; init; }

    /// <summary>The id of the counterpart's score, e.g. <c>task</c>.</summary>
    public required string CounterpartScore { get; init; }

    /// <summary>Where the pair is in its source file (set by the YAML compiler); <see cref="Location.None"/> for definitions built in C#.</summary>
    public Location Location { get; init; } = Location.None;
}
