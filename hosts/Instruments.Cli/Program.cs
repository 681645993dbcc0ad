using System.Reflection;
using System.Text;
using Instruments.Cli;
using Instruments.Cli.Commands;
using Instruments.Text;

try
{
    // Before Console.Out is first used, so that it writes UTF-8 without a byte order mark everywhere.
    Console.OutputEncoding = new UTF8Encoding(false);
}
catch (IOException)
{
}

return Cli.Run(args, Console.Out, Console.Error);

namespace Instruments.Cli
{
    /// <summary>Entry point: dispatches to a command and turns user mistakes into one-line errors and exit codes.</summary>
    internal static class Cli
    {
        private delegate int Handler(ParsedArgs args, TextWriter stdout, TextWriter stderr);

        private static readonly (CommandSpec Spec, Handler Run)[] Commands =
        [
            (CatalogCommands.ListSpec, CatalogCommands.List),
            (CatalogCommands.DescribeSpec, CatalogCommands.Describe),
            (ValidateCommand.Spec, ValidateCommand.Run),
            (ScoreCommand.Spec, ScoreCommand.Run),
            (ReportCommand.Spec, ReportCommand.Run),
            (TestCommand.Spec, TestCommand.Run),
        ];

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0)
            {
                stderr.Write(Help());
                return ExitCodes.Usage;
            }

            var name = args[0];
            if (name is "-h" or "--help" or "-?" or "help" && args.Length == 1)
            {
                stdout.Write(Help());
                return ExitCodes.Success;
            }

            if (name == "--version")
            {
                stdout.WriteLine("instruments " + Version);
                return ExitCodes.Success;
            }

            var rest = args.Skip(1).ToList();
            if (name == "help")
            {
                name = args[1];
                rest = ["--help"];
            }

            var command = Commands.FirstOrDefault(c => c.Spec.Name == name);
            if (command.Spec is null)
            {
                var hint = NameSuggester.DidYouMean(name, Commands.Select(c => c.Spec.Name));
                stderr.WriteLine($"instruments: error: unknown command '{name}'{hint}");
                stderr.WriteLine("usage: instruments <command> [options]; commands: " + string.Join(", ", Commands.Select(c => c.Spec.Name)) + " (see 'instruments --help')");
                return ExitCodes.Usage;
            }

            try
            {
                var parsed = command.Spec.Parse(rest, stdout);
                return parsed is null ? ExitCodes.Success : command.Run(parsed, stdout, stderr);
            }
            catch (CliException ex)
            {
                stderr.WriteLine("instruments: error: " + ex.Message);
                if (ex.ShowUsage)
                {
                    stderr.WriteLine(command.Spec.Usage + " (see 'instruments " + command.Spec.Name + " --help')");
                }

                return ex.ExitCode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException)
            {
                stderr.WriteLine("instruments: error: " + ex.Message);
                return ExitCodes.Usage;
            }
        }

        private static string Version =>
            typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

        private static string Help()
        {
            var sb = new StringBuilder();
            sb.AppendLine("usage: instruments <command> [options]").AppendLine();
            sb.AppendLine("Score psychometric instruments and check instrument definitions.").AppendLine();
            sb.AppendLine("commands:");
            foreach (var (spec, _) in Commands)
            {
                sb.Append("  ").Append(spec.Name.PadRight(10)).AppendLine(spec.Summary);
            }

            sb.AppendLine().AppendLine("Run 'instruments <command> --help' for the options of a command.");
            sb.AppendLine("example: instruments score swls --input samples/swls.csv");
            return sb.ToString();
        }
    }
}
