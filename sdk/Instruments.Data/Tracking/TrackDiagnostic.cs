using System.Globalization;
using Instruments.Diagnostics;

namespace Instruments.Data;

/// <summary>
/// One tracking diagnostic (RSP2010, RSP2030-RSP2034) with its effective severity, the input line it names (0 when
/// none), the score it concerns (-1 when none), every line it names (RSP2031 names several) and the arguments of its
/// message.
/// </summary>
internal readonly record struct TrackDiagnostic(DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, int Line, int Score, object?[] Arguments, int[]? Lines = null)
{
    /// <summary>
    /// The message, formatted from <see cref="Arguments"/> each time it is asked for: a CSV cell names only the ID,
    /// the line and the score, so half the clients of a run may never need theirs.
    /// </summary>
    public string Message => Descriptor.FormatMessage(Arguments);

    /// <summary>True when the diagnostic names <paramref name="line"/>.</summary>
    public bool Names(int line) => Line == line || (Lines is { } lines && Array.IndexOf(lines, line) >= 0);

    /// <summary>The diagnostic as one line of text: <c>RSP2030: warning: Line 4: ...</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Descriptor.Id}: {Diagnostic.SeverityName(Severity)}: {Message}");
}
