using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Definitions;
using Instruments.Testing;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments test [&lt;instrument&gt;|&lt;path&gt;]...</c>: runs the worked examples of instrument definitions through the
/// real scoring plan and reports each like a test runner.
/// </summary>
internal static class TestCommand
{
    public static readonly CommandSpec Spec = new(
        "test",
        "Run the worked examples of instruments through the scoring engine and report pass or fail for each.",
        "[<instrument>|<path>]...",
        0,
        int.MaxValue,
        [
            new("format", 'f', "FORMAT", "text (default) or json", Allowed: ["text", "json"]),
            new("plugins", null, "DIR", "also load instruments from DIR (repeatable)", Repeatable: true),
        ],
        """
        Without arguments every loaded instrument is tested. An argument is the id of a loaded instrument or the path
        of a .yaml file. Each example of a definition (its 'examples' list, see docs/yaml-format.md) is scored and
        compared with what it expects: status, scores, bands, flags, prorated scores and diagnostics.

        exit codes: 0 every example passed, 1 an example failed (or a loaded file did not compile), 2 usage error
        """);

    public static int Run(ParsedArgs args, TextWriter stdout, TextWriter stderr)
    {
        var plugins = args.GetAll("plugins");
        var targets = new List<CatalogEntry>();
        var brokenFiles = 0;
        InstrumentCatalog? catalog = null;
        if (args.Positionals.Count == 0)
        {
            catalog = InstrumentCatalog.Load(plugins);
            catalog.ReportProblems(stderr);
            brokenFiles = catalog.Problems.Where(d => d.IsError).Select(d => d.Location.Path).Distinct(StringComparer.Ordinal).Count();
            targets.AddRange(catalog.Entries);
        }

        foreach (var name in args.Positionals)
        {
            if (InstrumentCatalog.LooksLikePath(name))
            {
                targets.Add(InstrumentCatalog.Resolve(name, plugins, stderr));
            }
            else
            {
                catalog ??= InstrumentCatalog.Load(plugins);
                targets.Add(catalog.Get(name));
            }
        }

        // Each instrument's own plan, with the plugins' functions and response checks.
        var results = targets
            .Select(t => (t.Definition, Source: t.SourcePath, Outcomes: t.Definition.Examples.Select(e => ExampleRunner.Run(t.Plan, e)).ToImmutableArray()))
            .ToList();
        int examples = results.Sum(r => r.Outcomes.Length), failed = results.Sum(r => r.Outcomes.Count(o => !o.Passed));
        var without = results.Count(r => r.Outcomes.IsEmpty);
        if (args.Get("format") == "json")
        {
            stdout.WriteLine(Json(results, examples, failed, without, brokenFiles));
        }
        else
        {
            foreach (var (def, _, outcomes) in results)
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
                        stdout.WriteLine("     source: " + outcome.Example.Source);
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

    private static string Json(List<(InstrumentDefinition Definition, string Source, System.Collections.Immutable.ImmutableArray<ExampleOutcome> Outcomes)> results,
        int examples, int failed, int without, int brokenFiles)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CatalogCommands.JsonOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("instruments");
            foreach (var (def, source, outcomes) in results)
            {
                w.WriteStartObject();
                w.WriteString("id", def.Id);
                w.WriteString("version", def.Version);
                w.WriteString("source", source);
                w.WriteStartArray("examples");
                foreach (var o in outcomes)
                {
                    w.WriteStartObject();
                    w.WriteString("name", o.Example.Name);
                    w.WriteBoolean("passed", o.Passed);
                    w.WriteStartArray("failures");
                    foreach (var f in o.Failures)
                    {
                        w.WriteStringValue(f);
                    }

                    w.WriteEndArray();
                    w.WriteString("actual", o.Actual);
                    w.WriteString("source", o.Example.Source);
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
