using System.CommandLine;
using Instruments.Data;
using Instruments.Scoring;

namespace Instruments.Cli.Scoring;

/// <summary>How 'score' and 'report' open their input: the file or standard input, its format, its row reader.</summary>
internal static class InputFiles
{
    /// <summary>The formats rows are read from (and, for <c>score</c>, written in), by name.</summary>
    public static readonly (string Name, DataFormat Format)[] Formats = Named(parquet: true);

    /// <summary>The formats of the commands whose output is only text (<c>track</c>, <c>agree</c>): all but Parquet.</summary>
    public static readonly (string Name, DataFormat Format)[] TextFormats = Named(parquet: false);

    // A loop rather than LINQ over (name, format) tuples, whose instantiations are jitted at every start.
    private static (string Name, DataFormat Format)[] Named(bool parquet)
    {
        var formats = new List<(string, DataFormat)>();
        foreach (var name in DataFormats.Names)
        {
            var format = DataFormats.TryParse(name, out var f) ? f : throw new InvalidOperationException(name);
            if (parquet || format != DataFormat.Parquet)
            {
                formats.Add((name, format));
            }
        }

        return [.. formats];
    }

    /// <summary>Refuses Parquet output (a usage error) for a command that writes only text formats.</summary>
    public static DataFormat TextOutput(DataFormat format, string command) => format == DataFormat.Parquet
        ? throw new CliException($"'{command}' writes csv, json or ndjson; Parquet output is built for 'score' only", showUsage: true)
        : format;

    /// <summary>A new <c>--input</c> option for the commands that read rows.</summary>
    public static Option<string?> InputOption() => CliOptions.Text("--input", "-i", "FILE", "input file, or '-' for standard input (required)");

    /// <summary>A new <c>--input-format</c> option for the commands that read rows.</summary>
    public static Option<DataFormat?> InputFormatOption() =>
        CliOptions.Choice("--input-format", null, "FORMAT", "input format: csv, json, ndjson or parquet (default: from the input extension; csv for stdin)", Formats);

    /// <summary>The format given by <c>--input-format</c>, else by the extension (standard input: CSV); a user error otherwise.</summary>
    public static DataFormat Format(string input, DataFormat? inputFormat) =>
        inputFormat is { } given ? given
        : input == "-" ? DataFormat.Csv
        : DataFormats.FromExtension(input)
          ?? throw new CliException($"cannot tell the format of '{input}' from its extension; use --input-format csv, json, ndjson or parquet");

    /// <summary>
    /// Refuses (a usage error, before anything is read) an output that would overwrite the input file: the same path,
    /// a hard link or a symbolic link to it (<see cref="OutputFile.WouldOverwrite"/>). Standard input and output, and
    /// special files such as a terminal or <c>/dev/null</c>, are never the same file in that sense.
    /// </summary>
    public static void RefuseToOverwrite(string input, string output)
    {
        if (input != "-" && output != "-" && OutputFile.WouldOverwrite(output, input))
        {
            throw new CliException($"output '{output}' is the input file '{input}' (the same file, or a link to it); writing it would destroy the responses: choose another output file");
        }
    }

    /// <summary>Opens the input file for one sequential read, or standard input for <c>-</c>; missing files are user errors.</summary>
    public static Stream Open(string input, CliContext context)
    {
        if (input == "-")
        {
            return context.OpenStandardInput();
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
    public static ResponseReader OpenReader(DataFormat format, Stream stream, ScoringPlan plan, TextWriter stderr, ColumnMap? columnMap = null)
    {
        try
        {
            return ResponseReader.Open(stream, format, plan, Warn(stderr), columnMap);
        }
        catch (ResponseFileException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>
    /// Reads the <c>--map</c> file and checks it against <paramref name="plan"/> (null when no map is given): a map that
    /// does not parse or names an unknown item is a usage error, before any input is read or output written.
    /// </summary>
    public static ColumnMap? LoadMap(string? path, ScoringPlan plan)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new CliException($"column map '{path}' does not exist");
        }

        try
        {
            var map = ColumnMap.Load(path);
            map.Validate(plan);
            return map;
        }
        catch (ResponseFileException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Prints a data-layer warning the way the host prints warnings.</summary>
    public static Action<string> Warn(TextWriter stderr) => message => stderr.WriteLine(WarningLine(message));

    /// <summary>
    /// A data-layer warning as one line of standard error: <c>instruments: warning: </c> and the text, or, for a
    /// diagnostic (<c>RSP2042: warning: c.csv line 3: ...</c>), <c>instruments: </c>, its severity, its id and the
    /// rest (<c>instruments: warning: RSP2042: c.csv line 3: ...</c>), so that the severity is said once, and as the
    /// diagnostic has it (a diagnostic raised to an error says <c>error</c>).
    /// </summary>
    public static string WarningLine(string message)
    {
        var id = message.IndexOf(": ", StringComparison.Ordinal);
        if (id > 0 && message.AsSpan(0, id).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") < 0 && char.IsAsciiLetterUpper(message[0]) && char.IsAsciiDigit(message[id - 1]))
        {
            foreach (var severity in (ReadOnlySpan<string>)["warning: ", "error: ", "info: "])
            {
                if (message.AsSpan(id + 2).StartsWith(severity, StringComparison.Ordinal))
                {
                    return string.Concat("instruments: ", severity, message.AsSpan(0, id + 2), message.AsSpan(id + 2 + severity.Length));
                }
            }
        }

        return "instruments: warning: " + message;
    }
}
