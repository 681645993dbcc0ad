using Instruments.Data;
using Instruments.Scoring;

namespace Instruments.Cli.Scoring;

/// <summary>How 'score' and 'report' open their input: the file or standard input, its format, its row reader.</summary>
internal static class InputFiles
{
    /// <summary>The formats rows are read from (and, for <c>score</c>, written in).</summary>
    public static readonly string[] Formats = [.. DataFormats.Names];

    /// <summary>The <c>--input</c> option of the commands that read rows.</summary>
    public static readonly OptionSpec InputOption = new("input", 'i', "FILE", "input file, or '-' for standard input (required)");

    /// <summary>The <c>--input-format</c> option of the commands that read rows.</summary>
    public static readonly OptionSpec InputFormatOption =
        new("input-format", null, "FORMAT", "input format: csv, json or ndjson (default: from the input extension; csv for stdin)", Allowed: Formats);

    /// <summary>The format given by <c>--input-format</c>, else by the extension (standard input: CSV); a user error otherwise.</summary>
    public static DataFormat Format(string input, string? inputFormat) =>
        DataFormats.TryParse(inputFormat, out var given) ? given
        : input == "-" ? DataFormat.Csv
        : DataFormats.FromExtension(input)
          ?? throw new CliException($"cannot tell the format of '{input}' from its extension; use --input-format csv, json or ndjson");

    /// <summary>Opens the input file for one sequential read, or standard input for <c>-</c>; missing files are user errors.</summary>
    public static Stream Open(string input)
    {
        if (input == "-")
        {
            return Console.OpenStandardInput();
        }

        if (Directory.Exists(input))
        {
            throw new CliException($"input '{input}' is a folder, not a file");
        }

        if (!File.Exists(input))
        {
            throw new CliException($"input file '{input}' does not exist");
        }

        return new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
    }

    /// <summary>The row reader for a format; its warnings go to <paramref name="stderr"/>, a file-level error is a user error.</summary>
    public static ResponseReader OpenReader(DataFormat format, Stream stream, ScoringPlan plan, TextWriter stderr)
    {
        try
        {
            return ResponseReader.Open(stream, format, plan, Warn(stderr));
        }
        catch (ResponseFileException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Prints a data-layer warning the way the host prints warnings.</summary>
    public static Action<string> Warn(TextWriter stderr) => message => stderr.WriteLine("instruments: warning: " + message);
}
