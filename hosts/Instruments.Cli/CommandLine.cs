using System.Text;
using Instruments.Text;

namespace Instruments.Cli;

/// <summary>A user mistake on the command line or in the input: one line on stderr, exit code 2, no stack trace.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage, bool showUsage = false) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>When true the command's usage line follows the message.</summary>
    public bool ShowUsage { get; } = showUsage;
}

internal static class ExitCodes
{
    public const int Success = 0;
    public const int RowErrors = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}

/// <summary>One option of a command.</summary>
/// <param name="Name">Long name without dashes, e.g. <c>format</c>.</param>
/// <param name="Short">Short alias without dash, or null.</param>
/// <param name="ValueName">Name of the value shown in help (e.g. <c>FILE</c>), or null for a switch.</param>
/// <param name="Description">One line for the help text.</param>
/// <param name="Repeatable">True when the option may be given more than once.</param>
/// <param name="Allowed">The allowed values, or null for any.</param>
internal sealed record OptionSpec(string Name, char? Short, string? ValueName, string Description, bool Repeatable = false, string[]? Allowed = null);

/// <summary>A command: name, positional arguments and options; parses its own arguments and prints its own help.</summary>
internal sealed class CommandSpec(string name, string summary, string arguments, int minPositionals, int maxPositionals, IReadOnlyList<OptionSpec> options, string? details = null)
{
    public string Name { get; } = name;

    public string Summary { get; } = summary;

    public IReadOnlyList<OptionSpec> Options { get; } = options;

    public string Usage =>
        "usage: instruments " + Name + (arguments.Length > 0 ? " " + arguments : string.Empty) + (Options.Count > 0 ? " [options]" : string.Empty);

    public string Help()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Usage).AppendLine().AppendLine(Summary);
        if (details is not null)
        {
            sb.AppendLine().AppendLine(details.TrimEnd());
        }

        sb.AppendLine().AppendLine("options:");
        var rows = Options.Select(o => (Left: (o.Short is { } s ? "-" + s + ", " : "    ") + "--" + o.Name + (o.ValueName is null ? string.Empty : " " + o.ValueName), o.Description))
            .Append((Left: "-h, --help", Description: "show this help"))
            .ToList();
        var width = rows.Max(r => r.Left.Length) + 2;
        foreach (var (left, description) in rows)
        {
            sb.Append("  ").Append(left.PadRight(width)).AppendLine(description);
        }

        return sb.ToString();
    }

    /// <summary>Parses arguments; null means help was asked for (and printed).</summary>
    public ParsedArgs? Parse(IReadOnlyList<string> args, TextWriter stdout)
    {
        var parsed = new ParsedArgs();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            if (arg is "-h" or "--help" or "-?")
            {
                stdout.Write(Help());
                return null;
            }

            string key;
            string? inline = null;
            OptionSpec? spec;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                key = arg[2..];
                var eq = key.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    inline = key[(eq + 1)..];
                    key = key[..eq];
                }

                spec = Options.FirstOrDefault(o => o.Name == key);
                key = "--" + key;
            }
            else
            {
                key = arg;
                spec = arg.Length == 2 ? Options.FirstOrDefault(o => o.Short == arg[1]) : null;
            }

            if (spec is null)
            {
                var hint = NameSuggester.DidYouMean(key, Options.Select(o => "--" + o.Name));
                throw new CliException($"unknown option '{key}' for '{Name}'{hint}", showUsage: true);
            }

            string value;
            if (spec.ValueName is null)
            {
                if (inline is not null)
                {
                    throw new CliException($"option '--{spec.Name}' takes no value", showUsage: true);
                }

                value = "true";
            }
            else if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CliException($"option '--{spec.Name}' needs a value ({spec.ValueName})", showUsage: true);
            }

            if (spec.Allowed is { } allowed && !allowed.Contains(value, StringComparer.Ordinal))
            {
                throw new CliException($"option '--{spec.Name}' must be one of {string.Join(", ", allowed)}, not '{value}'", showUsage: true);
            }

            if (!parsed.Values.TryGetValue(spec.Name, out var list))
            {
                parsed.Values[spec.Name] = list = [];
            }
            else if (!spec.Repeatable)
            {
                throw new CliException($"option '--{spec.Name}' given more than once", showUsage: true);
            }

            list.Add(value);
        }

        if (parsed.Positionals.Count < minPositionals)
        {
            throw new CliException($"'{Name}' needs {arguments}", showUsage: true);
        }

        if (parsed.Positionals.Count > maxPositionals)
        {
            throw new CliException($"unexpected argument '{parsed.Positionals[maxPositionals]}' for '{Name}'", showUsage: true);
        }

        return parsed;
    }
}

/// <summary>Parsed arguments of one command.</summary>
internal sealed class ParsedArgs
{
    public List<string> Positionals { get; } = [];

    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public string? Get(string name) => Values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => Values.TryGetValue(name, out var v) ? v : [];

    public bool Has(string name) => Values.ContainsKey(name);
}
