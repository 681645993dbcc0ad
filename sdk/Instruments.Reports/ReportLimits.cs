namespace Instruments.Reports;

/// <summary>
/// Safety limits applied to every render. Templates are written by psychometricians and shipped by plugins;
/// these limits make sure a mistaken or hostile template stops with a <c>TPL4xxx</c> diagnostic instead of
/// hanging the host or filling the disk. Immutable.
/// </summary>
public sealed class ReportLimits
{
    /// <summary>The defaults, generous enough for a combined report of a few thousand responses.</summary>
    public static readonly ReportLimits Default = new();

    /// <summary>Total loop iterations one render may run (all loops together, including ranges such as <c>1..n</c>).</summary>
    /// <value>Default 100,000. Exceeding it is TPL4004.</value>
    public int LoopLimit { get; init; } = 100_000;

    /// <summary>How deeply function calls and includes may nest.</summary>
    /// <value>Default 64. Exceeding it is TPL4005.</value>
    public int RecursionLimit { get; init; } = 64;

    /// <summary>The largest report, in characters; also the largest string a template may build.</summary>
    /// <value>Default 16,777,216 (16 Mi characters). Exceeding it is TPL4006.</value>
    public int OutputLimit { get; init; } = 16 * 1024 * 1024;

    /// <summary>How long one render may take (wall clock).</summary>
    /// <value>Default 10 seconds. Exceeding it is TPL4007.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest template file (or included file), in characters.</summary>
    /// <value>Default 262,144 (256 Ki characters). A larger template is TPL4010.</value>
    public int TemplateSizeLimit { get; init; } = 256 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LoopLimit, 1, nameof(LoopLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecursionLimit, 1, nameof(RecursionLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(OutputLimit, 1, nameof(OutputLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(TemplateSizeLimit, 1, nameof(TemplateSizeLimit));
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The timeout must be positive.");
        }
    }
}
