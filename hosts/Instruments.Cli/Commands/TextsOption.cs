using System.CommandLine;
using Instruments.Compiler;
using Instruments.Definitions;

namespace Instruments.Cli.Commands;

/// <summary>
/// The <c>--texts FILE</c> option shared by commands that show item texts (<c>describe</c>, <c>report</c>): applies a
/// licensed texts file to a definition whose texts are restricted (see <see cref="InstrumentTexts"/>).
/// </summary>
internal static class TextsOption
{
    /// <summary>A new <c>--texts FILE</c> option for a command's options.</summary>
    public static Option<string?> Create() => CliOptions.Text("--texts", null, "FILE",
        "item texts from a licensed texts file (for instruments whose texts are not shipped; see docs/instruments.md)");

    /// <summary>The placeholder shown instead of restricted item texts.</summary>
    public const string Placeholder = "item texts are licensed separately; supply them with --texts <file>";

    /// <summary>
    /// Returns <paramref name="definition"/> with the texts of the <c>--texts</c> file applied, or unchanged when the option
    /// is absent (<paramref name="path"/> null). Diagnostics go to <paramref name="stderr"/>; a texts file with errors is
    /// a usage error (exit 2).
    /// </summary>
    public static InstrumentDefinition Apply(InstrumentDefinition definition, string? path, TextWriter stderr)
    {
        if (path is null)
        {
            return definition;
        }

        if (!File.Exists(path))
        {
            throw new CliException($"texts file '{path}' does not exist");
        }

        // Read as instrument files are: a regular file only, at most 1 MiB, strict UTF-8.
        var result = InstrumentTexts.ApplyFile(definition, path);
        foreach (var d in result.Diagnostics)
        {
            stderr.WriteLine(TerminalText.Escape(d.ToString()));
        }

        return result.Definition ?? throw new CliException($"texts file '{path}' has errors; no text was applied");
    }
}
