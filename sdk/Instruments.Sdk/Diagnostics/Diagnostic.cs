using System.Collections.Immutable;

namespace Instruments.Diagnostics;

/// <summary>
/// One occurrence of a <see cref="DiagnosticDescriptor"/>: where it happened, how severe it is
/// (after user overrides) and the arguments that fill its message.
/// </summary>
public sealed class Diagnostic
{
    private Diagnostic(DiagnosticDescriptor descriptor, Location location, DiagnosticSeverity severity, ImmutableArray<object?> arguments)
    {
        Descriptor = descriptor;
        Location = location;
        Severity = severity;
        Arguments = arguments;
        Message = descriptor.FormatMessage(arguments);
    }

    /// <summary>Creates a diagnostic with the descriptor's default severity.</summary>
    public static Diagnostic Create(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return new Diagnostic(descriptor, location ?? Location.None, descriptor.DefaultSeverity,
            arguments is null ? [] : [.. arguments]);
    }

    /// <summary>What kind of diagnostic this is.</summary>
    public DiagnosticDescriptor Descriptor { get; }

    /// <summary>The stable ID, e.g. <c>INS1004</c>.</summary>
    public string Id => Descriptor.Id;

    /// <summary>Where it applies.</summary>
    public Location Location { get; }

    /// <summary>Effective severity (the default unless the user overrode it).</summary>
    public DiagnosticSeverity Severity { get; }

    /// <summary>The arguments of the message format.</summary>
    public ImmutableArray<object?> Arguments { get; }

    /// <summary>The formatted message.</summary>
    public string Message { get; }

    /// <summary>True when <see cref="Severity"/> is <see cref="DiagnosticSeverity.Error"/>.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>A copy with another effective severity.</summary>
    public Diagnostic WithSeverity(DiagnosticSeverity severity) =>
        severity == Severity ? this : new Diagnostic(Descriptor, Location, severity, Arguments);

    /// <summary>Lower-case severity name as printed: <c>error</c>, <c>warning</c> or <c>info</c>.</summary>
    public static string SeverityName(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>Formats in the compiler convention: <c>path(line,col): error INS1004: message</c>.</summary>
    public override string ToString()
    {
        var where = Location.ToString();
        var head = SeverityName(Severity) + " " + Id + ": " + Message;
        return where.Length == 0 ? head : where + ": " + head;
    }
}
