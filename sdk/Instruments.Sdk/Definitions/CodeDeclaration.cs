using System.Collections.Immutable;

namespace Instruments.Definitions;

/// <summary>
/// A code from a terminology that names an instrument, an item (the question), a response option (the answer) or a score,
/// for example LOINC <c>44249-1</c> for the PHQ-9 panel. Interoperability formats (a FHIR Questionnaire, Observations) use
/// it; scoring never does. Every code names the public sources that state it (<see cref="Sources"/>): a code without one
/// is reported (INS1173). Immutable.
/// </summary>
public sealed class CodeDeclaration
{
    /// <summary>The code system as an absolute URI, e.g. <c>http://loinc.org</c> (INS1171 otherwise).</summary>
    public required string System { get; init; }

    /// <summary>The code within <see cref="System"/>, e.g. <c>44249-1</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The code system's display text for the code, when given.</summary>
    public string? Display { get; init; }

    /// <summary>Where the code is stated (URLs of the terminology or of an implementation guide that uses it).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>True when <paramref name="system"/> and <paramref name="code"/> are this code's (ordinal comparison).</summary>
    /// <param name="system">A code system URI.</param>
    /// <param name="code">A code.</param>
    /// <returns>True when both match.</returns>
    public bool Matches(string? system, string? code) =>
        string.Equals(System, system, StringComparison.Ordinal) && string.Equals(Code, code, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => System + "|" + Code;
}
