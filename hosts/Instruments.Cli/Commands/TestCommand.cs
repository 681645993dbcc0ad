using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Definitions;
using Instruments.Scoring;
using Instruments.Testing;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments test [&lt;instrument&gt;|&lt;path&gt;]...</c>: runs the worked examples of instrument definitions through the
/// real scoring plan and reports each like a test runner.
/// </summary>
internal static class TestCommand
{
    private const string Details = """
        Without arguments every loaded instrument is tested. An argument is the id of a loaded instrument, the path
        of a .yaml file, or a plugin folder (one with a plugin.yaml): then the instruments that plugin registers are
        tested, and nothing else. Each example of a definition (its 'examples' list, see docs/yaml-format.md) is
        scored and compared with what it expects: status, scores, bands, flags, prorated scores and diagnostics; an
        example with a 'series' has each administration scored and each score's course (first, last, change, caseness,
        reliable change, category, sudden gains and losses) compared. A failing example is shown with what scoring gave and the diagnostics scoring reported for it.

        exit codes: 0 every example passed, 1 an example failed (or a loaded file did not compile), 2 usage error
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand(
            "test",
            "Run the worked examples of instruments through the scoring engine and report pass or fail for each.",
            "[<instrument>|<path>|<plugin folder>]...",
            Details);
        var targets = new Argument<string[]>("instrument") { Arity = ArgumentArity.ZeroOrMore };
        var format = CliOptions.Choice("--format", "-f", "FORMAT", "text (default) or json", [("text", CatalogFormat.Text), ("json", CatalogFormat.Json)]);
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(targets);
        command.Options.Add(format);
        command.Options.Add(plugins);
        command.SetAction(r => Run(
            new TestSettings(r.GetValue(targets) ?? [], r.GetValue(format) ?? CatalogFormat.Text, CliOptions.PluginFolders(r, plugins, context)),
            context.Out,
            context.Error));
        return command;
    }

    public static int Run(TestSettings args, TextWriter stdout, TextWriter stderr)
    {
        // Plugin folders asked about load first, so that testing a copy of a built-in plugin tests the copy.
        // (A folder inside the built-in plugins folder is loaded with it.)
        var builtIn = Path.GetFullPath(InstrumentCatalog.BuiltInFolder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var pluginFolders = args.Targets.Where(Directory.Exists)
            .Where(f => !(Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).StartsWith(builtIn, StringComparison.Ordinal))
            .ToList();
        var plugins = args.Plugins;
        var targets = new List<CatalogEntry>();
        var brokenFiles = 0;
        InstrumentCatalog? catalog = null;
        if (args.Targets.Count == 0)
        {
            catalog = InstrumentCatalog.Load(plugins);
            catalog.ReportProblems(stderr);
            brokenFiles = catalog.Problems.Where(d => d.IsError).Select(d => d.Location.Path).Distinct(StringComparer.Ordinal).Count();
            targets.AddRange(catalog.Entries);
        }

        foreach (var name in args.Targets)
        {
            if (Directory.Exists(name))
            {
                if (!File.Exists(Path.Combine(name, "plugin.yaml")))
                {
                    throw new CliException($"'{name}' is a folder without a plugin.yaml; give a plugin folder, an instrument id or a .yaml file");
                }

                catalog ??= InstrumentCatalog.Load(plugins, pluginFolders);
                var (entries, problems) = PluginEntries(catalog, name);
                foreach (var group in problems.GroupBy(d => d.Location.Path))
                {
                    stderr.WriteLine($"instruments: warning: skipped {group.Key}: {group.First().Id}: {group.First().Message}");
                }

                brokenFiles += problems.Select(d => d.Location.Path).Distinct(StringComparer.Ordinal).Count();
                targets.AddRange(entries);
            }
            else if (InstrumentCatalog.LooksLikePath(name))
            {
                targets.Add(InstrumentCatalog.Resolve(name, plugins, stderr));
            }
            else
            {
                catalog ??= InstrumentCatalog.Load(plugins, pluginFolders);
                targets.Add(catalog.Get(name));
            }
        }

        // Each instrument's own plan, with the plugins' functions and response checks.
        var results = targets
            .Select(t => (t.Definition, Source: t.SourcePath, Outcomes: ExampleRunner.Run(t.Plan), t.Plan))
            .ToList();
        int examples = results.Sum(r => r.Outcomes.Length), failed = results.Sum(r => r.Outcomes.Count(o => !o.Passed));
        var without = results.Count(r => r.Outcomes.IsEmpty);
        if (args.Format == CatalogFormat.Json)
        {
            stdout.WriteLine(Json(results, examples, failed, without, brokenFiles));
        }
        else
        {
            foreach (var (def, _, outcomes, plan) in results)
            {
                if (outcomes.IsEmpty)
                {
                    stdout.WriteLine($"NONE {def.Id} (no examples)");
                }

                foreach (var outcome in outcomes)
                {
                    stdout.WriteLine(outcome.ToString());
                    if (!outcome.Passed)
                    {
                        foreach (var failure in outcome.Failures)
                        {
                            stdout.WriteLine("     " + failure);
                        }

                        stdout.WriteLine("     got: " + outcome.Actual);
                        foreach (var diagnostic in Diagnostics(plan, outcome.Example))
                        {
                            stdout.WriteLine("     diagnostic: " + diagnostic);
                        }

                        stdout.WriteLine("     source: " + outcome.Source);
                    }
                }
            }

            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{(failed == 0 && brokenFiles == 0 ? "PASSED" : "FAILED")}: {results.Count} instrument{(results.Count == 1 ? "" : "s")}, ");
            sb.Append(CultureInfo.InvariantCulture, $"{examples} example{(examples == 1 ? "" : "s")}: {examples - failed} passed, {failed} failed");
            if (without > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"; {without} instrument{(without == 1 ? " has" : "s have")} no examples");
            }

            if (brokenFiles > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"; {brokenFiles} file{(brokenFiles == 1 ? "" : "s")} did not compile");
            }

            stdout.WriteLine(sb.ToString());
        }

        return failed > 0 || brokenFiles > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
    }

    /// <summary>
    /// The instruments registered by the plugin in <paramref name="folder"/> (not every loaded one), and the errors of
    /// its files and manifest.
    /// </summary>
    private static (List<CatalogEntry> Entries, List<Diagnostics.Diagnostic> Problems) PluginEntries(InstrumentCatalog catalog, string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        bool Inside(string path) => (Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal);
        var ids = catalog.Host.Plugins.Where(p => Inside(p.Directory)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var problems = catalog.Problems.Where(d => d.IsError && d.Location.HasPath && Inside(d.Location.Path)).ToList();
        if (ids.Count == 0 && problems.Count == 0)
        {
            throw new CliException($"plugin folder '{folder}' was not loaded (is its id the id of a plugin loaded before it?)");
        }

        return ([.. catalog.Entries.Where(e => ids.Contains(e.PluginId))], problems);
    }

    /// <summary>The diagnostics scoring reports for an example's responses, as <c>RSP2001: Item 'x': 9 is not one of its response options</c>.</summary>
    internal static List<string> Diagnostics(ScoringPlan plan, InstrumentExample? example)
    {
        var lines = new List<string>();
        if (example is null)
        {
            return lines;   // a series example: its failures and summary say what each administration gave
        }

        var result = plan.Score(example.Responses);
        foreach (var d in result.Diagnostics)
        {
            lines.Add(d.Id + ": " + result.FormatMessage(d));
        }

        return lines;
    }

    private static string Json(List<(InstrumentDefinition Definition, string Source, ImmutableArray<ExampleOutcome> Outcomes, ScoringPlan Plan)> results,
        int examples, int failed, int without, int brokenFiles)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CatalogCommands.JsonOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("instruments");
            foreach (var (def, source, outcomes, plan) in results)
            {
                w.WriteStartObject();
                w.WriteString("id", def.Id);
                w.WriteString("version", def.Version);
                w.WriteString("source", source);
                w.WriteStartArray("examples");
                foreach (var o in outcomes)
                {
                    w.WriteStartObject();
                    w.WriteString("name", o.Name);
                    w.WriteBoolean("passed", o.Passed);
                    w.WriteStartArray("failures");
                    foreach (var f in o.Failures)
                    {
                        w.WriteStringValue(f);
                    }

                    w.WriteEndArray();
                    w.WriteString("actual", o.Actual);
                    if (!o.Passed)
                    {
                        w.WriteStartArray("diagnostics");
                        foreach (var d in Diagnostics(plan, o.Example))
                        {
                            w.WriteStringValue(d);
                        }

                        w.WriteEndArray();
                    }

                    w.WriteString("source", o.Source);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("summary");
            w.WriteNumber("instruments", results.Count);
            w.WriteNumber("examples", examples);
            w.WriteNumber("passed", examples - failed);
            w.WriteNumber("failed", failed);
            w.WriteNumber("without_examples", without);
            w.WriteNumber("files_not_compiled", brokenFiles);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>The arguments of <c>instruments test</c>.</summary>
/// <param name="Targets">Instrument ids, .yaml files and plugin folders; empty for every loaded instrument.</param>
/// <param name="Format">Output format.</param>
/// <param name="Plugins">The <c>--plugins</c> folders and those of <c>INSTRUMENTS_PLUGINS</c>.</param>
internal sealed record TestSettings(IReadOnlyList<string> Targets, CatalogFormat Format, IReadOnlyList<string> Plugins);
