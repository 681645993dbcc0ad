namespace Instruments.Server;

/// <summary>
/// The service's settings, bound from the configuration section <c>Instruments</c> (appsettings.json, environment
/// variables such as <c>Instruments__MaxRequestBodyBytes</c>, or the command line: <c>--Instruments:RequestTimeoutSeconds=30</c>).
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Instruments";

    /// <summary>The largest request body read, in bytes; a larger one is answered 413 (RSP2061).</summary>
    /// <value>64 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The longest a request may take, in seconds; a slower one is stopped and answered 503 (RSP2062).</summary>
    /// <value>100 seconds.</value>
    public double RequestTimeoutSeconds { get; set; } = 100;

    /// <summary>
    /// More plugin folders, loaded after the built-in one, as the console host's <c>--plugins</c>; the folders of the
    /// <c>INSTRUMENTS_PLUGINS</c> variable are loaded after these.
    /// </summary>
    /// <value>None.</value>
    public List<string> Plugins { get; set; } = [];

    /// <summary>The built-in plugins folder; null for the one beside the service (<c>AppContext.BaseDirectory/plugins</c>).</summary>
    /// <value>Null.</value>
    public string? BuiltInFolder { get; set; }

    /// <summary>
    /// A score request whose body is at most this many bytes is read whole and scored on the request thread, without
    /// the parallel pipeline (its threads and its 0.8 MB of block buffers); the answer is the same bytes. 0 sends every
    /// body through the pipeline.
    /// </summary>
    /// <value>64 KiB (about 2,000 PHQ-9 rows of CSV).</value>
    public int SmallBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Scoring threads per request (the pipeline's workers).</summary>
    /// <value>0: one per processor.</value>
    public int WorkersPerRequest { get; set; }
}
