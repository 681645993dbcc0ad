using System.Collections.Immutable;

namespace Instruments.Definitions;

/// <summary>
/// A protocol (a paired measure or a battery): several instruments scored from the same input rows, and outcome rules
/// that combine what each measure shows across a course of care (for example NHS Talking Therapies' caseness and
/// recovery over the PHQ-9 and the GAD-7). Immutable. Obtain one from the YAML compiler (<c>ProtocolCompiler.Compile</c>)
/// or build one in C#; turn it into a <see cref="Course.ProtocolPlan"/> with <see cref="Course.ProtocolPlan.Create"/>.
/// </summary>
public sealed class ProtocolDefinition
{
    /// <summary>Identifier: lowercase letters, digits, <c>-</c> and <c>.</c>, e.g. <c>nhs-talking-therapies</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Semantic version of this definition, e.g. <c>1.0.0</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Human-readable title.</summary>
    public required string Title { get; init; }

    /// <summary>Where the protocol's rules are published.</summary>
    public string? Citation { get; init; }

    /// <summary>Notes for users: what is unconfirmed and left out, choices made.</summary>
    public string? Notes { get; init; }

    /// <summary>The measures: one score of one instrument each, in output order.</summary>
    public ImmutableArray<ProtocolMeasure> Measures { get; init; } = [];

    /// <summary>The outcome rules, in evaluation order (an outcome may use only the outcomes before it).</summary>
    public ImmutableArray<ProtocolOutcome> Outcomes { get; init; } = [];

    /// <summary>
    /// The pairing of an alliance measure with an outcome measure (docs/alliance.md, "Alliance and outcome"): per client
    /// the early alliance beside the outcome's change, and across clients their correlation. Null: no pairing.
    /// </summary>
    public ProtocolAllianceOutcome? AllianceOutcome { get; init; }

    /// <summary>Finds a measure by id (ordinal), or null.</summary>
    public ProtocolMeasure? FindMeasure(string id) => Measures.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    /// <summary>Finds an outcome by id (ordinal), or null.</summary>
    public ProtocolOutcome? FindOutcome(string id) => Outcomes.FirstOrDefault(o => string.Equals(o.Id, id, StringComparison.Ordinal));
}

/// <summary>One measure of a protocol: a score of an instrument, named by an alias that outcome rules use.</summary>
public sealed class ProtocolMeasure
{
    /// <summary>
    /// The alias (a letter or <c>_</c>, then letters, digits or <c>_</c>), e.g. <c>depression</c>: outcome rules name its
    /// facts <c>depression_case_first</c>, <c>depression_case_last</c>, <c>depression_improved</c>,
    /// <c>depression_unchanged</c> and <c>depression_deteriorated</c>.
    /// </summary>
    public required string Id { get; init; }

    /// <summary>The instrument id, e.g. <c>phq-9</c>.</summary>
    public required string Instrument { get; init; }

    /// <summary>The score of the instrument the measure follows, e.g. <c>total</c>.</summary>
    public required string Score { get; init; }

    /// <summary>
    /// The id of the score's reliable-change rule whose outcome gives the measure's <c>_improved</c>,
    /// <c>_unchanged</c> and <c>_deteriorated</c> facts, or null (those facts are then unknown).
    /// </summary>
    public string? ReliableChange { get; init; }
}

/// <summary>An outcome rule of a protocol: a condition over the measures' facts and earlier outcomes.</summary>
public sealed class ProtocolOutcome
{
    /// <summary>Identifier (a letter or <c>_</c>, then letters, digits or <c>_</c>); later outcomes may use it as a variable.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable title.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// The condition, in the expression language with three-valued logic (an unknown fact keeps the outcome unknown
    /// unless the other operand decides it), e.g. <c>depression_case_first or anxiety_case_first</c>.
    /// </summary>
    public required string When { get; init; }

    /// <summary>Where the rule is published (citations or URLs). An outcome without a source is reported (INS1111).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];
}

/// <summary>
/// A protocol's <c>alliance_outcome</c> block: which measure is the working alliance and which the symptom outcome, and
/// how many administrations from the start make the early alliance. A view of the data the protocol already tracks,
/// not an outcome rule: nothing is classified by it.
/// </summary>
public sealed class ProtocolAllianceOutcome
{
    /// <summary>The id (alias) of the measure that follows the alliance; its score must be higher-is-better (INS1143).</summary>
    public required string Alliance { get; init; }

    /// <summary>The id (alias) of the measure whose change is the outcome, e.g. a symptom total.</summary>
    public required string Outcome { get; init; }

    /// <summary>How many of the client's first administrations (usable or not) make the early alliance; at least 1 (INS1142).</summary>
    /// <value>3.</value>
    public int EarlySessions { get; init; } = DefaultEarlySessions;

    /// <summary>The default of <see cref="EarlySessions"/>: the first three sessions, as issue 15 of this project asks.</summary>
    public const int DefaultEarlySessions = 3;
}
