using System.CommandLine;
using Instruments.Alliance;
using Instruments.Compiler;
using Instruments.Diagnostics;
using Instruments.Hosting;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments validate &lt;path&gt;...</c>: compiles definition files and prints every diagnostic.</summary>
internal static class ValidateCommand
{
    private const string Details = """
        Each <path> is a .yaml file, a folder of .yaml files (every *.yaml below it), or a plugin folder (one with a
        plugin.yaml, or holding plugin folders): plugins are loaded as the host would load them, and their manifest,
        assembly, instrument and analyzer diagnostics are printed. Loose files are compiled together, so an
        instrument id defined twice is reported. A form that declares a counterpart is paired with it (among the
        files given and the loaded instruments): a counterpart that is missing, lacks a paired score, or whose
        score can take other values is reported (INS1133-INS1139). Text output prints one 'path(line,col): error INS1010: message'
        line per diagnostic on stdout and a summary on stderr. Functions of the --plugins folders (and of those in
        INSTRUMENTS_PLUGINS) are available to the files checked; only the diagnostics of the paths given are printed.

        exit codes: 0 no errors, 1 errors found, 2 usage error (for example a path that does not exist)
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("validate", "Compile instrument definition files and print every diagnostic.", "<path>...", Details);
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.ZeroOrMore };
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "text (default), json or sarif (SARIF 2.1.0)",
            [("text", ValidateFormat.Text), ("json", ValidateFormat.Json), ("sarif", ValidateFormat.Sarif)]);
        var warnAsError = CliOptions.Switch("--warnaserror", null, "report warnings as errors");
        var noWarn = new Option<string[]>("--nowarn")
        {
            HelpName = "ID",
            Description = "do not report diagnostic ID (repeatable), as the C# compiler's -nowarn",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(paths);
        command.Options.Add(format);
        command.Options.Add(warnAsError);
        command.Options.Add(noWarn);
        command.Options.Add(plugins);
        command.RequireArguments(paths, 1);
        command.SetAction(r => Run(
            new ValidateSettings(r.GetValue(paths) ?? [], r.GetValue(format) ?? ValidateFormat.Text, r.GetValue(warnAsError), CliOptions.PluginFolders(r, plugins, context), r.GetValue(noWarn) ?? []),
            context.Out,
            context.Error));
        return command;
    }

    public static int Run(ValidateSettings args, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        var pluginFolders = new List<string>();
        foreach (var path in args.Paths)
        {
            if (Directory.Exists(path) && IsPluginFolder(path))
            {
                pluginFolders.Add(path);
            }
            else if (Directory.Exists(path))
            {
                // Links to folders are not followed (a link back up would loop forever): say which were skipped.
                var links = new SortedSet<string>(StringComparer.Ordinal);
                var found = PluginSearchPath.EnumerateFiles(path, "*.yaml", recursive: true, links)
                    .Concat(PluginSearchPath.EnumerateFiles(path, "*.yml", recursive: true, links))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                foreach (var link in links)
                {
                    stderr.WriteLine(TerminalText.Escape($"instruments: warning: skipped '{link}': a link to a folder (links to folders are not followed)"));
                }

                if (found.Count == 0)
                {
                    stderr.WriteLine($"instruments: warning: no .yaml files in '{path}'");
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new CliException($"'{path}' does not exist");
            }
        }

        // Report templates (*.scriban) are parsed, not compiled; their TPL4xxx diagnostics join the others.
        var templates = files.Where(f => f.EndsWith(".scriban", StringComparison.OrdinalIgnoreCase)).ToList();
        files.RemoveAll(templates.Contains);
        var options = DiagnosticOptions.Default.WithWarningsAsErrors(args.WarningsAsErrors);
        foreach (var id in args.NoWarn)
        {
            options = options.WithSeverity(id, ReportSeverity.Suppress);
        }

        // Plugin folders go through the plugin host (manifest, assembly, instruments, analyzers), next to the built-in
        // plugins so that functions they bring resolve; only the diagnostics of the folders asked about are printed.
        // The folders asked about load first, so that validating a copy of a built-in plugin checks the copy.
        var builder = new InstrumentHostBuilder().WithDiagnosticOptions(options);
        foreach (var folder in pluginFolders)
        {
            builder.AddPluginsFrom(folder);
        }

        if (Directory.Exists(InstrumentCatalog.BuiltInFolder))
        {
            builder.AddPluginsFrom(InstrumentCatalog.BuiltInFolder);
        }

        InstrumentCatalog.AddFolders(builder, args.Plugins);

        var host = builder.Build();
        var roots = pluginFolders.Select(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        var pluginDiagnostics = host.Diagnostics
            .Where(d => d.Location.HasPath && roots.Any(r => (Path.GetFullPath(d.Location.Path) + Path.DirectorySeparatorChar).StartsWith(r, StringComparison.Ordinal)))
            .ToList();
        var pluginInstruments = host.Instruments.Count(i => i.SourcePath is not null
            && roots.Any(r => Path.GetFullPath(i.SourcePath).StartsWith(r, StringComparison.Ordinal)));

        pluginInstruments += host.Protocols.Count(p => p.SourcePath is not null
            && roots.Any(r => Path.GetFullPath(p.SourcePath).StartsWith(r, StringComparison.Ordinal)));

        // Protocol files (top-level 'protocol') are checked against the loaded instruments and the instrument files given.
        var sources = files.Select(InstrumentSource.FromFile).ToList();
        var protocolSources = sources.Where(f => ProtocolCompiler.IsProtocol(f.Text)).ToList();
        var compilation = InstrumentCompiler.Compile(sources.Except(protocolSources).ToList(), options, host.Functions);
        var available = compilation.Definitions.Select(compilation.CreatePlan).Concat(host.Instruments.Select(i => i.Plan)).ToList();
        var protocols = protocolSources.Select(f => ProtocolCompiler.Compile(f, available, options)).ToList();
        var templateDiagnostics = TemplateDiagnostics(templates, options, out var validTemplates);

        // Paired forms (a 'counterpart'): what only shows once both forms are loaded (INS1133-INS1139), for each form
        // checked here that declares one, against the files given and every loaded instrument.
        var checkedForms = compilation.Definitions.Select(compilation.CreatePlan)
            .Concat(host.Instruments.Where(i => i.SourcePath is not null && roots.Any(r => Path.GetFullPath(i.SourcePath).StartsWith(r, StringComparison.Ordinal))).Select(i => i.Plan))
            .Where(p => p.Definition.Counterpart is not null);
        var pairingDiagnostics = checkedForms.SelectMany(p => options.Apply(InstrumentPairing.Resolve(p, available).Diagnostics)).DistinctBy(d => d.ToString()).ToList();
        var diagnostics = pluginDiagnostics.Concat(compilation.Diagnostics).Concat(protocols.SelectMany(p => p.Diagnostics)).Concat(pairingDiagnostics)
            .Concat(templateDiagnostics).ToList();
        var validProtocols = protocols.Count(p => p.Plan is not null);
        switch (args.Format)
        {
            case ValidateFormat.Json:
                stdout.WriteLine(DiagnosticWriters.ToJson(diagnostics));
                break;
            case ValidateFormat.Sarif:
                stdout.WriteLine(SarifLogWriter.ToJson(diagnostics, new SarifOptions { ToolVersion = typeof(ValidateCommand).Assembly.GetName().Version?.ToString(3) }));
                break;
            default:
                // Messages quote keys and values of the files checked: control characters print escaped.
                foreach (var d in diagnostics)
                {
                    stdout.WriteLine(TerminalText.Escape(d.ToString()));
                }

                break;
        }

        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        var what = Plural(files.Count + templates.Count, "file") + (pluginFolders.Count > 0 ? " and " + Plural(pluginFolders.Count, "plugin folder") : string.Empty);
        stderr.WriteLine($"instruments: {what} checked, {compilation.Definitions.Length + validProtocols + pluginInstruments + validTemplates} valid: {Plural(errors, "error")}, {Plural(warnings, "warning")}");
        return errors > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
    }

    /// <summary>Parses report templates (format from the name: x.html.scriban is HTML) and returns their diagnostics.</summary>
    private static List<Diagnostic> TemplateDiagnostics(List<string> templates, DiagnosticOptions options, out int valid)
    {
        var renderer = new Reports.ReportRenderer();
        var parsed = templates.Select(t => renderer.Load(t)).ToList();
        valid = parsed.Count(t => !t.HasErrors);
        return [.. options.Apply(parsed.SelectMany(t => t.Diagnostics))];
    }

    /// <summary>A plugin, or a folder of plugins: it or one of its subfolders has a plugin.yaml.</summary>
    private static bool IsPluginFolder(string path) =>
        PluginSearchPath.Classify(path) is PluginFolderKind.Plugin or PluginFolderKind.PluginCollection;

    private static string Plural(int n, string word) => n + " " + word + (n == 1 ? string.Empty : "s");
}

/// <summary>What <c>instruments validate</c> prints.</summary>
internal enum ValidateFormat
{
    Text,
    Json,
    Sarif,
}

/// <summary>The arguments of <c>instruments validate</c>.</summary>
/// <param name="Paths">Files and folders to check.</param>
/// <param name="Format">Output format.</param>
/// <param name="WarningsAsErrors">Report warnings as errors.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record ValidateSettings(IReadOnlyList<string> Paths, ValidateFormat Format, bool WarningsAsErrors, IReadOnlyList<string> Plugins, IReadOnlyList<string> NoWarn);
