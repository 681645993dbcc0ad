namespace Instruments.Data;

/// <summary>Options of a <see cref="TrackingPipeline"/>.</summary>
public sealed record TrackingOptions
{
    /// <summary>The pass-through column (or JSON key) that holds the client id.</summary>
    /// <value><c>client_id</c>.</value>
    public string ClientColumn { get; init; } = "client_id";

    /// <summary>The pass-through column (or JSON key) that holds the occasion: a number or an ISO date (<c>yyyy-MM-dd</c>).</summary>
    /// <value><c>session</c>.</value>
    public string OccasionColumn { get; init; } = "session";

    /// <summary>
    /// Writes the per-administration table (one row per administration: its value, the change from the previous and
    /// from the first usable administration, and the events at that occasion) instead of one row per client.
    /// </summary>
    /// <value>False: one row per client.</value>
    public bool Occasions { get; init; }

    /// <summary>
    /// Receives the reader's warnings and, for each row that belongs to no client (a row that cannot be read, RSP2010,
    /// or whose client id is empty, RSP2034), its diagnostic as text, in input order.
    /// </summary>
    /// <value>Null: dropped (JSON output still lists the rows that belong to no client).</value>
    public Action<string>? Warnings { get; init; }

    /// <summary>Receives the number of rows read and scored so far, after each block (a few thousand rows).</summary>
    /// <value>Null: no progress.</value>
    public Action<long>? Progress { get; init; }

    /// <summary>
    /// Receives each client after its course is analysed and its output written (on the thread that consumes the
    /// scored rows, in output order): the client's administrations in occasion order with their score values, and its
    /// diagnostics; for example to write a course-of-care report per client. An exception it throws stops the run.
    /// For one instrument only: a pipeline over a protocol refuses it (<see cref="ArgumentException"/>).
    /// </summary>
    /// <value>Null (the default): no <see cref="TrackedClient"/> is built, so nothing is allocated per administration for it.</value>
    public Action<TrackedClient>? OnClient { get; init; }

    /// <summary>The number of scoring threads.</summary>
    /// <value>0 (the default): one per processor.</value>
    public int Workers { get; init; }
}
