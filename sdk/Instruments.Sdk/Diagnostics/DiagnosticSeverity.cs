namespace Instruments.Diagnostics;

/// <summary>How serious a diagnostic is. Ordered from least to most severe.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Informational: worth knowing, nothing to fix.</summary>
    Info = 0,

    /// <summary>Something is probably wrong or unconfirmed; the definition or response is still usable.</summary>
    Warning = 1,

    /// <summary>The definition cannot be used, or the response cannot be scored as given.</summary>
    Error = 2,
}

/// <summary>
/// What a user asked to do with a diagnostic ID, as in an <c>.editorconfig</c> severity entry.
/// </summary>
public enum ReportSeverity
{
    /// <summary>Keep the descriptor's default severity.</summary>
    Default = 0,

    /// <summary>Report as <see cref="DiagnosticSeverity.Info"/>.</summary>
    Info,

    /// <summary>Report as <see cref="DiagnosticSeverity.Warning"/>.</summary>
    Warning,

    /// <summary>Report as <see cref="DiagnosticSeverity.Error"/>.</summary>
    Error,

    /// <summary>Do not report at all.</summary>
    Suppress,
}
