namespace Instruments.Diagnostics;

/// <summary>
/// The diagnostic ID ranges reserved for the engine: <c>INS1xxx</c> (definitions), <c>RSP2xxx</c> (responses),
/// <c>PLG3xxx</c> (plugins) and <c>TPL4xxx</c> (report templates). A plugin declares its diagnostics under a prefix
/// of its own (for example <c>NRM0001</c>); an ID whose prefix is one of these is refused (PLG3020).
/// </summary>
public static class DiagnosticIdRanges
{
    /// <summary>The reserved prefixes, in range order: <c>INS</c>, <c>RSP</c>, <c>PLG</c>, <c>TPL</c>.</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = ["INS", "RSP", "PLG", "TPL"];

    /// <summary>
    /// True when <paramref name="id"/> belongs to the engine: its letters are one of <see cref="ReservedPrefixes"/>
    /// (whatever the digits, so that <c>INS9999</c> is reserved too and the ranges can grow).
    /// </summary>
    public static bool IsReserved(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var letters = 0;
        while (letters < id.Length && char.IsAsciiLetter(id[letters]))
        {
            letters++;
        }

        var prefix = id[..letters];
        foreach (var reserved in ReservedPrefixes)
        {
            if (string.Equals(prefix, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
