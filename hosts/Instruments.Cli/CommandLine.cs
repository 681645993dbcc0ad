using Instruments.Hosting;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text;
using Instruments.Text;

namespace Instruments.Cli;

// The parser is System.CommandLine 3.0.0 (typed Option<T>/Argument<T>, one parse, no reflection). Spectre.Console.Cli
// 0.57.2 was measured too: on this machine a minimal app with each took 36-43 ms user CPU for System.CommandLine
// against 90-97 ms for Spectre.Console.Cli (medians of 20 runs; see the commit message). The host keeps its own
// one-line errors, "did you mean" hints and help layout; the library parses and dispatches.

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

    /// <summary>Standard output was closed before every result was written (e.g. piped into <c>head</c>): 128 + SIGPIPE.</summary>
    public const int OutputClosed = 141;
}

/// <summary>A command of the host: a System.CommandLine command plus what our help shows (argument synopsis, details).</summary>
internal sealed class HostCommand : Command
{
    public HostCommand(string name, string summary, string arguments, string? details = null)
        : base(name, summary)
    {
        ArgumentsText = arguments;
        Details = details;
    }

    /// <summary>The positional arguments as the usage line shows them, e.g. <c>&lt;instrument&gt;</c>.</summary>
    public string ArgumentsText { get; }

    /// <summary>More text for <c>--help</c>, after the summary.</summary>
    public string? Details { get; }

    public string Usage =>
        "usage: instruments " + Name + (ArgumentsText.Length > 0 ? " " + ArgumentsText : string.Empty) + (Options.Any(IsShown) ? " [options]" : string.Empty);

    /// <summary>Requires at least <paramref name="min"/> values of <paramref name="argument"/> (the library's own message is replaced by ours).</summary>
    public void RequireArguments<T>(Argument<T> argument, int min)
    {
        Validators.Add(r =>
        {
            var given = r.GetResult(argument)?.Tokens.Count ?? 0;
            if (given < min)
            {
                r.AddError($"'{Name}' needs {ArgumentsText}");
            }
        });
    }

    public static bool IsShown(Option o) => !o.Hidden && o is not HelpOption and not VersionOption;

    public string Help()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Usage).AppendLine().AppendLine(Description);
        if (Details is not null)
        {
            sb.AppendLine().AppendLine(Details.TrimEnd());
        }

        sb.AppendLine().AppendLine("options:");
        var rows = Options.Where(IsShown)
            .Select(o => (Left: ShortAlias(o) is { } s ? s + ", " + OptionLabel(o) : "    " + OptionLabel(o), Description: o.Description ?? string.Empty))
            .Append((Left: "-h, --help", Description: "show this help"))
            .ToList();
        var width = rows.Max(r => r.Left.Length) + 2;
        foreach (var (left, description) in rows)
        {
            sb.Append("  ").Append(left.PadRight(width)).AppendLine(description);
        }

        return sb.ToString();
    }

    private static string? ShortAlias(Option o) => o.Aliases.FirstOrDefault(a => a.Length == 2 && a[0] == '-');

    private static string OptionLabel(Option o) => o.Name + (o.ValueType == typeof(bool) ? string.Empty : " " + o.HelpName);
}

/// <summary>Factories for the options several commands share, each typed and with the host's own messages.</summary>
internal static class CliOptions
{
    /// <summary>A <c>--name VALUE</c> option given at most once.</summary>
    public static Option<string?> Text(string name, string? alias, string valueName, string description) =>
        Single(new Option<string?>(name, Aliases(alias)) { HelpName = valueName, Description = description });

    /// <summary>A switch (<c>--quiet</c>).</summary>
    public static Option<bool> Switch(string name, string? alias, string description) =>
        Single(new Option<bool>(name, Aliases(alias)) { Description = description, Arity = ArgumentArity.Zero });

    /// <summary>A <c>--name VALUE</c> option whose value is one of <paramref name="choices"/>, parsed to <typeparamref name="T"/>.</summary>
    public static Option<T?> Choice<T>(string name, string? alias, string valueName, string description, IReadOnlyList<(string Name, T Value)> choices)
        where T : struct
    {
        var option = new Option<T?>(name, Aliases(alias)) { HelpName = valueName, Description = description };
        option.CustomParser = r =>
        {
            var token = r.Tokens.Count > 0 ? r.Tokens[^1].Value : null;
            foreach (var (text, value) in choices)
            {
                if (string.Equals(text, token, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            r.AddError($"option '{name}' must be one of {string.Join(", ", choices.Select(c => c.Name))}, not '{token}'");
            return null;
        };
        return Single(option);
    }

    /// <summary><c>--plugins DIR</c>, repeatable; with the <c>INSTRUMENTS_PLUGINS</c> folders through <see cref="PluginFolders"/>.</summary>
    public static Option<string[]> Plugins() =>
        new("--plugins")
        {
            HelpName = "DIR",
            Description = "also load instruments from DIR (repeatable; also the folders in " + InstrumentCatalog.EnvironmentVariable + ")",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary>The <c>--plugins</c> folders, then those of the <c>INSTRUMENTS_PLUGINS</c> variable (separated by the path separator).</summary>
    public static IReadOnlyList<string> PluginFolders(ParseResult result, Option<string[]> plugins, CliContext context)
    {
        var folders = new List<string>(result.GetValue(plugins) ?? []);
        folders.AddRange(PluginSearchPath.Parse(context.GetEnvironmentVariable(InstrumentCatalog.EnvironmentVariable)));

        return folders;
    }

    private static string[] Aliases(string? alias) => alias is null ? [] : [alias];

    private static TOption Single<TOption>(TOption option)
        where TOption : Option
    {
        option.Validators.Add(r =>
        {
            if (r.IdentifierTokenCount > 1)
            {
                r.AddError($"option '{option.Name}' given more than once");
            }
        });
        return option;
    }
}

/// <summary>Parses the command line, prints the host's help, errors and hints, and runs the command.</summary>
internal static class Cli
{
    public const string Summary = "Score psychometric instruments and check instrument definitions.";

    /// <summary>Runs <c>instruments</c> with <paramref name="args"/>; everything from outside comes from <paramref name="context"/>.</summary>
    public static int Run(string[] args, CliContext context) => Run(args, context, everyCommand: false);

    /// <summary>As <see cref="Run(string[], CliContext)"/>; <paramref name="everyCommand"/> builds every command whatever the line names (tests compare the two).</summary>
    internal static int Run(string[] args, CliContext context, bool everyCommand)
    {
        var stdout = context.Out;
        var stderr = context.Error;
        if (args.Length == 0)
        {
            stderr.Write(RootHelp(Instruments.Cli.Commands.Commands.Create(context)));
            return ExitCodes.Usage;
        }

        if (args[0] == "help")
        {
            args = args.Length == 1 ? ["--help"] : [args[1], "--help"];
        }

        // Only the command named first is built when there is one; the root's help and errors see every command.
        var commands = everyCommand ? Instruments.Cli.Commands.Commands.Create(context) : Instruments.Cli.Commands.Commands.CreateFor(args[0], context);
        var root = CreateRoot(commands, context);

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var command = parsed.CommandResult.Command as HostCommand;
        try
        {
            if (parsed.Errors.Count > 0 && parsed.Action is not (HelpAction or VersionAction))
            {
                return ParseError(parsed, command, commands, stderr);
            }

            var exit = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            return context.Cancellation.IsCancellationRequested && exit == ExitCodes.Success ? ExitCodes.Interrupted : exit;
        }
        catch (CliException ex)
        {
            stderr.WriteLine("instruments: error: " + ex.Message);
            if (ex.ShowUsage && command is not null)
            {
                stderr.WriteLine(command.Usage + " (see 'instruments " + command.Name + " --help')");
            }

            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException)
        {
            stderr.WriteLine("instruments: error: " + ex.Message);
            return ExitCodes.Usage;
        }
    }

    private static RootCommand CreateRoot(IReadOnlyList<HostCommand> commands, CliContext context)
    {
        var root = new RootCommand(Summary);
        root.Directives.Clear();
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Action = new HelpAction(commands);
            }
            else if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }

        root.SetAction(_ =>
        {
            context.Error.Write(RootHelp(commands));
            return ExitCodes.Usage;
        });
        return root;
    }

    /// <summary>One line for the first mistake, with a hint for a misspelt command or option, then the usage line: exit 2.</summary>
    private static int ParseError(ParseResult parsed, HostCommand? command, IReadOnlyList<HostCommand> commands, TextWriter stderr)
    {
        var unmatched = parsed.UnmatchedTokens.FirstOrDefault();
        if (command is null)
        {
            var name = unmatched ?? parsed.Tokens.FirstOrDefault()?.Value ?? string.Empty;
            var hint = NameSuggester.DidYouMean(name, commands.Select(c => c.Name));
            stderr.WriteLine($"instruments: error: unknown command '{name}'{hint}");
            stderr.WriteLine("usage: instruments <command> [options]; commands: " + string.Join(", ", commands.Select(c => c.Name)) + " (see 'instruments --help')");
            return ExitCodes.Usage;
        }

        string message;
        if (unmatched is not null && unmatched.Length > 1 && unmatched[0] == '-')
        {
            var key = unmatched.Split('=', 2)[0];
            var hint = NameSuggester.DidYouMean(key, command.Options.Where(HostCommand.IsShown).Select(o => o.Name));
            message = $"unknown option '{key}' for '{command.Name}'{hint}";
        }
        else if (unmatched is not null)
        {
            message = $"unexpected argument '{unmatched}' for '{command.Name}'";
        }
        else
        {
            var error = parsed.Errors[0];
            message = error.SymbolResult switch
            {
                OptionResult { IdentifierTokenCount: > 1 } o when o.Option is not { Arity.MaximumNumberOfValues: > 1 } => $"option '{o.Option.Name}' given more than once",
                OptionResult { Tokens.Count: 0 } o when o.Option.ValueType != typeof(bool) => $"option '{o.Option.Name}' needs a value ({o.Option.HelpName})",
                _ => error.Message,
            };
        }

        stderr.WriteLine("instruments: error: " + message);
        stderr.WriteLine(command.Usage + " (see 'instruments " + command.Name + " --help')");
        return ExitCodes.Usage;
    }

    private static string Version =>
        typeof(Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    internal static string RootHelp(IReadOnlyList<HostCommand> commands)
    {
        var sb = new StringBuilder();
        sb.AppendLine("usage: instruments <command> [options]").AppendLine();
        sb.AppendLine(Summary).AppendLine();
        sb.AppendLine("commands:");
        foreach (var command in commands)
        {
            sb.Append("  ").Append(command.Name.PadRight(10)).AppendLine(command.Description);
        }

        sb.AppendLine().AppendLine("Run 'instruments <command> --help' for the options of a command.");
        sb.AppendLine("example: instruments score swls --input samples/swls.csv");
        return sb.ToString();
    }

    /// <summary><c>--help</c>: the host's layout (usage line, summary, details, options), on standard output.</summary>
    private sealed class HelpAction(IReadOnlyList<HostCommand> commands) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.Write(parseResult.CommandResult.Command is HostCommand command ? command.Help() : RootHelp(commands));
            return ExitCodes.Success;
        }
    }

    /// <summary><c>--version</c>: <c>instruments 1.2.3</c>.</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine("instruments " + Version);
            return ExitCodes.Success;
        }
    }
}
