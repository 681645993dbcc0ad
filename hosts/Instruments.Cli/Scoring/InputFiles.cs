using Instruments.Scoring;

namespace Instruments.Cli.Scoring;

/// <summary>How 'score' and 'report' open their input: the file or standard input, its format, its row reader.</summary>
internal static class InputFiles
{
    /// <summary>The formats rows are read from (and, for <c>score</c>, written in).</summary>
    public static readonly string[] Formats = ["csv", "json", "ndjson"];

    /// <summary>The <c>--input</c> option of the commands that read rows.</summary>
    public static readonly OptionSpec InputOption = new("input", 'i', "FILE", "input file, or '-' for standard input (required)");

    /// <summary>The <c>--input-format</c> option of the commands that read rows.</summary>
    public static readonly OptionSpec InputFormatOption =
        new("input-format", null, "FORMAT", "input format: csv, json or ndjson (default: from the input extension; csv for stdin)", Allowed: Formats);

    /// <summary>The format given by <c>--input-format</c>, else by the extension (standard input: CSV); a user error otherwise.</summary>
    public static string Format(string input, string? inputFormat) =>
        inputFormat ?? (input == "-" ? "csv" : FormatFromExtension(input))
        ?? throw new CliException($"cannot tell the format of '{input}' from its extension; use --input-format csv, json or ndjson");

    /// <summary><c>csv</c>, <c>json</c> or <c>ndjson</c> from a file name's extension, or null.</summary>
    public static string? FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => "csv",
        ".json" => "json",
        ".ndjson" or ".jsonl" => "ndjson",
        _ => null,
    };

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

    /// <summary>The row reader for a format.</summary>
    public static RowReader OpenReader(string format, Stream stream, ScoringPlan plan, TextWriter stderr) => format switch
    {
        "json" => new JsonArrayRowReader(stream, plan, stderr),
        "ndjson" => new NdjsonRowReader(stream, plan, stderr),
        _ => new CsvRowReader(stream, plan, stderr),
    };
}
