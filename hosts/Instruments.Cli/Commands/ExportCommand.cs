using System.CommandLine;
using System.Text;

namespace Instruments.Cli.Commands;

/// <summary><c>instruments export fhir &lt;instrument&gt;</c>: an instrument as a FHIR R4 Questionnaire (JSON).</summary>
internal static class ExportCommand
{
    private const string Details = """
        fhir: a FHIR R4 Questionnaire (JSON): one item per item, its id as the linkId, its question code, and its
        answer options as codings with ordinal values (options without a code as integers); the instrument's code and
        its licence notice as the copyright. Instruments whose item texts are licensed separately (licence texts:
        restricted) are exported without texts, as 'describe' shows them, unless --texts names a licensed texts file.
        See docs/interop.md.

        exit codes: 0 written, 2 usage error, unknown instrument or definition errors
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("export", "Export an instrument in another format (fhir: a FHIR R4 Questionnaire).", "fhir <instrument>", Details);
        var target = new Argument<string>("format") { Arity = ArgumentArity.ZeroOrOne };
        var instrument = new Argument<string>("instrument") { Arity = ArgumentArity.ZeroOrOne };
        var output = CliOptions.Text("--output", "-o", "FILE", "output file (written atomically), or '-' for standard output (default)");
        var texts = TextsOption.Create();
        var plugins = CliOptions.Plugins();
        command.Arguments.Add(target);
        command.Arguments.Add(instrument);
        command.Options.Add(output);
        command.Options.Add(texts);
        command.Options.Add(plugins);
        command.RequireArguments(instrument, 1);
        command.SetAction(r => Run(r.GetValue(target)!, r.GetValue(instrument)!, r.GetValue(output) ?? "-", r.GetValue(texts),
            CliOptions.PluginFolders(r, plugins, context), context));
        return command;
    }

    public static int Run(string target, string instrument, string output, string? texts, IReadOnlyList<string> plugins, CliContext context)
    {
        if (target != "fhir")
        {
            throw new CliException($"'export' writes one format: fhir, not '{target}'", showUsage: true);
        }

        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(instrument, plugins, context.Error);
        if (protocol is not null)
        {
            throw new CliException($"'{instrument}' is a protocol; export its instruments one at a time");
        }

        var definition = TextsOption.Apply(plan!.Definition, texts, context.Error);
        var json = FhirExport.QuestionnaireJson(definition);
        return OutputTarget.Write(output, context, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes(json + "\n"));
            return 0;
        }, _ => ExitCodes.Success);
    }
}

/// <summary>The FHIR calls, kept apart so that the Firely SDK is loaded only by the commands that use it.</summary>
internal static class FhirExport
{
    public static string QuestionnaireJson(Definitions.InstrumentDefinition definition) =>
        Fhir.FhirJson.Serialize(Fhir.FhirQuestionnaire.Create(definition));
}
