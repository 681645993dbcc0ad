namespace Instruments.Data;

/// <summary>Options of an <see cref="AgreementPipeline"/>.</summary>
public sealed record AgreementOptions
{
    /// <summary>The pass-through column (or JSON key) of both files that holds the client id.</summary>
    /// <value><c>client_id</c>.</value>
    public string ClientColumn { get; init; } = "client_id";

    /// <summary>The pass-through column (or JSON key) of both files that holds the occasion: a number or an ISO date (<c>yyyy-MM-dd</c>).</summary>
    /// <value><c>session</c>.</value>
    public string OccasionColumn { get; init; } = "session";

    /// <summary>
    /// The pass-through column of both files that holds the therapist id: administrations are then paired by client,
    /// therapist and occasion, and a dyad is a client with one therapist. Null: by client and occasion, and a dyad is a client.
    /// </summary>
    /// <value>Null.</value>
    public string? TherapistColumn { get; init; }

    /// <summary>
    /// Flags a pair whose difference (client minus therapist) is at least this many points either way (inclusive,
    /// <see cref="Alliance.AgreementSummary.IsDiscrepancy"/>). No published threshold exists: the user states it.
    /// </summary>
    /// <value>Null: no discrepancy flag.</value>
    public double? Discrepancy { get; init; }

    /// <summary>Writes the dyads and the summary (CSV: one row per dyad and score, then the across-dyad rows) instead of the pairs table (CSV and NDJSON). JSON always holds both.</summary>
    /// <value>False: the pairs table.</value>
    public bool Summary { get; init; }

    /// <summary>How the client form's input is named in diagnostics and output (for example its file name).</summary>
    /// <value><c>client</c>.</value>
    public string ClientInputName { get; init; } = "client";

    /// <summary>How the therapist form's input is named in diagnostics and output.</summary>
    /// <value><c>therapist</c>.</value>
    public string TherapistInputName { get; init; } = "therapist";

    /// <summary>
    /// Receives the readers' warnings and the diagnostics as text (<c>RSP2040: warning: client.csv line 4: ...</c>),
    /// each once and one at a time; in which order and when (as the rows are read, or at the end of a run that streams
    /// on a guess): see <see cref="AgreementPipeline"/>. The diagnostics of single rows that are not paired (RSP2010,
    /// RSP2033, RSP2034, RSP2040-RSP2043) come here only when the output does not mention those rows: with
    /// <see cref="Summary"/> for CSV and NDJSON, or when the output is <see cref="Stream.Null"/> (reports). The pairs
    /// table has a row for each (status <c>unpaired</c> or <c>unusable</c>, with its reason), and JSON lists them
    /// (<c>unpaired</c>, <c>diagnostics</c>); <see cref="AgreementCounts"/> counts them either way.
    /// </summary>
    public Action<string>? Warnings { get; init; }

    /// <summary>
    /// Receives each dyad with at least one usable administration of either form, after matching, in the order its
    /// first row was read: every usable administration of both forms and the dyad's agreement per paired score (for
    /// reports, without reading the output again). Called on the thread that runs <see cref="AgreementPipeline.Run"/>,
    /// after the output is written; an exception it throws ends the run.
    /// </summary>
    /// <value>Null: no dyad is handed over (and none is built).</value>
    public Action<Alliance.AgreementDyad>? OnDyad { get; init; }

    /// <summary>The number of scoring threads.</summary>
    /// <value>0 (the default): one per processor.</value>
    public int Workers { get; init; }
}

/// <summary>What an <see cref="AgreementPipeline"/> run read and wrote.</summary>
/// <param name="Rows">Input rows read, both files.</param>
/// <param name="Pairs">Pairs formed (each uses one row of each file).</param>
/// <param name="Unpaired">Usable administrations without a partner (listed in the output).</param>
/// <param name="Unusable">Rows not usable: unreadable, no client, therapist or usable occasion, invalid, a paired score not computed, or one of several at one occasion.</param>
/// <param name="Dyads">Dyads with at least one pair.</param>
public readonly record struct AgreementCounts(long Rows, long Pairs, long Unpaired, long Unusable, long Dyads)
{
    /// <summary>
    /// True when the run read both inputs at once and wrote dyad by dyad, holding one dyad's administrations (both inputs
    /// seekable and grouped by dyad, with the dyads they share in the same order; a CSV or NDJSON table; no
    /// <see cref="AgreementOptions.OnDyad"/>); false when every usable administration was held until the end. The output
    /// is the same either way.
    /// </summary>
    public bool Streamed { get; init; }
}
