using System.Collections.Immutable;

namespace Instruments.Diagnostics;

/// <summary>
/// User choices about diagnostics: per-ID severity overrides (raise a warning to an error, lower or
/// silence one) and whether every warning counts as an error. Immutable.
/// </summary>
public sealed class DiagnosticOptions
{
    /// <summary>No overrides.</summary>
    public static readonly DiagnosticOptions Default = new(ImmutableDictionary<string, ReportSeverity>.Empty, false);

    private DiagnosticOptions(ImmutableDictionary<string, ReportSeverity> overrides, bool warningsAsErrors)
    {
        SeverityOverrides = overrides;
        WarningsAsErrors = warningsAsErrors;
    }

    /// <summary>Per-ID severity overrides.</summary>
    public ImmutableDictionary<string, ReportSeverity> SeverityOverrides { get; }

    /// <summary>When true, every warning that is not explicitly overridden is reported as an error.</summary>
    public bool WarningsAsErrors { get; }

    /// <summary>Returns options with the severity of <paramref name="id"/> set to <paramref name="severity"/>.</summary>
    public DiagnosticOptions WithSeverity(string id, ReportSeverity severity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new DiagnosticOptions(SeverityOverrides.SetItem(id, severity), WarningsAsErrors);
    }

    /// <summary>Returns options that treat warnings as errors (or not).</summary>
    public DiagnosticOptions WithWarningsAsErrors(bool value) => new(SeverityOverrides, value);

    /// <summary>
    /// The severity a diagnostic with <paramref name="id"/> and <paramref name="defaultSeverity"/> is reported with under
    /// these options, or null when it is suppressed. Compiler and response diagnostics follow the same rule: an explicit
    /// per-ID choice wins over <see cref="WarningsAsErrors"/>.
    /// </summary>
    public DiagnosticSeverity? GetEffectiveSeverity(string id, DiagnosticSeverity defaultSeverity)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (SeverityOverrides.TryGetValue(id, out var report) && report != ReportSeverity.Default)
        {
            return report switch
            {
                ReportSeverity.Suppress => null,
                ReportSeverity.Info => DiagnosticSeverity.Info,
                ReportSeverity.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Error,
            };
        }

        return WarningsAsErrors && defaultSeverity == DiagnosticSeverity.Warning ? DiagnosticSeverity.Error : defaultSeverity;
    }

    /// <summary>
    /// Applies the options to one diagnostic: returns it with its effective severity, or null when suppressed.
    /// </summary>
    public Diagnostic? Apply(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return GetEffectiveSeverity(diagnostic.Id, diagnostic.Severity) is { } severity ? diagnostic.WithSeverity(severity) : null;
    }

    /// <summary>Applies the options to many diagnostics, dropping suppressed ones, keeping order.</summary>
    public ImmutableArray<Diagnostic> Apply(IEnumerable<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var builder = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var d in diagnostics)
        {
            if (Apply(d) is { } kept)
            {
                builder.Add(kept);
            }
        }

        return builder.ToImmutable();
    }
}
