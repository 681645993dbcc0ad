namespace Instruments.Course;

/// <summary>
/// One alliance rupture found by a <see cref="Definitions.RuptureRule"/>: between the usable administration before
/// <see cref="Position"/> and the one at it, the score worsened by at least the rule's threshold (inclusive). See
/// docs/alliance.md, "Ruptures and repairs".
/// </summary>
/// <param name="Position">Position (0-based, in occasion order, counting unusable administrations) of the administration where the score had dropped.</param>
/// <param name="PreLevel">The pre-rupture level: the score at the previous usable administration.</param>
/// <param name="Value">The score at <paramref name="Position"/>.</param>
/// <param name="Drop">The worsening in points (always positive): pre-level minus value when higher is better, value minus pre-level when lower is better.</param>
/// <param name="DropSds">The worsening in standard deviations (<paramref name="Drop"/> / SD) for a <c>k</c> rule; NaN for a <c>points</c> rule.</param>
/// <param name="RepairPosition">
/// Position of the first later usable administration, within the rule's repair window, that is back at or beyond the
/// pre-rupture level; -1 when the rupture is unrepaired.
/// </param>
public readonly record struct Rupture(int Position, double PreLevel, double Value, double Drop, double DropSds, int RepairPosition)
{
    /// <summary>True when the rupture was repaired (<see cref="RepairPosition"/> &gt;= 0).</summary>
    public bool Repaired => RepairPosition >= 0;
}
