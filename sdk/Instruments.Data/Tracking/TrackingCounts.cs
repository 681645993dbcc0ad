namespace Instruments.Data;

/// <summary>What a <see cref="TrackingPipeline"/> run read and wrote.</summary>
/// <param name="Rows">Input rows read.</param>
/// <param name="Clients">Clients written (one output row each, or their administrations with <see cref="TrackingOptions.Occasions"/>).</param>
/// <param name="Administrations">Rows that belong to a client.</param>
/// <param name="Problems">
/// Warnings and errors: rows that belong to no client (RSP2010, RSP2034) and administrations that are not used in
/// full (RSP2030, RSP2031, RSP2033). RSP2032 (a client with fewer than two usable administrations) is information
/// and not counted.
/// </param>
/// <param name="Streamed">
/// True when clients were analysed and written one at a time as they were read (the input was seekable and grouped
/// by client); false when every administration was held until the end of the input.
/// </param>
public readonly record struct TrackingCounts(long Rows, long Clients, long Administrations, long Problems, bool Streamed)
{
    /// <summary>
    /// For a protocol with an alliance-and-outcome pairing (<see cref="Course.ProtocolPlan.AllianceOutcome"/>): the
    /// correlation between the early alliance and the outcome change across the clients written, with its n (JSON and
    /// NDJSON also write it, as <c>"summary"</c>; a CSV table has no place for it). Null otherwise.
    /// </summary>
    public Course.AllianceOutcomeSummary? AllianceOutcome { get; init; }
}
