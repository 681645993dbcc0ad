namespace Instruments.Course;

/// <summary>
/// What one measure of a protocol shows over a client's course, as a protocol's outcome rules read it (null = unknown:
/// no caseness rule, no usable administration, no reliable-change rule or fewer than two usable administrations).
/// </summary>
/// <param name="CaseFirst">A case at the first usable administration.</param>
/// <param name="CaseLast">A case at the last usable administration.</param>
/// <param name="Reliable">The outcome of the measure's reliable-change rule between the first and last usable administrations.</param>
public readonly record struct MeasureFacts(bool? CaseFirst, bool? CaseLast, ChangeOutcome? Reliable);
