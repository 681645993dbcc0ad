using System.CommandLine;
using System.Text;
using Instruments.Compiler;
using Instruments.Data;
using Instruments.Diagnostics;

namespace Instruments.Cli.Commands;

/// <summary>
/// <c>instruments import redcap &lt;data-dictionary.csv&gt;</c>: writes an instrument YAML skeleton from a REDCap data
/// dictionary (a shell over <see cref="RedcapDictionaryImporter"/>).
/// </summary>
internal static class ImportCommand
{
    private const string Details = """
        Reads a REDCap data dictionary (the CSV of REDCap's "Data Dictionary" page; UTF-8) and writes an instrument
        YAML skeleton that compiles: each radio, dropdown, yesno and truefalse field of the form becomes an item (its
        id is the field name), and each distinct set of choices ('0, Not at all | 1, Several days | ...') one response
        scale, shared by the fields that have it. No scoring rule is imported: TODO comments mark the scores, bands,
        sources, citation and licence to write from the instrument's manual. A data dictionary does not state the
        licence of its wording, so the skeleton says 'texts: restricted' and keeps the field labels as comments only,
        unless --ship-texts is given.

        Fields that cannot be mapped are left out, each with a diagnostic at the dictionary's line and column on
        stderr ('dict.csv(13,4): warning INS1181: ...'): calculated fields (INS1181), checkboxes (INS1182), sliders
        (INS1183), text, notes, file, descriptive and sql fields (INS1180), choices that do not parse (INS1185,
        INS1186) and field names that cannot be item ids (INS1189). A field with branching logic is imported with a
        TODO (INS1184). Score a REDCap export with the result through 'instruments score --map' (see
        docs/interop.md).

        exit codes: 0 skeleton written (warnings may have been printed), 1 nothing could be imported (no form chosen,
                    not a data dictionary, no field maps to an item), 2 usage error (for example a file that does not
                    exist, an invalid --id)
        """;

    public static HostCommand Create(CliContext context)
    {
        var command = new HostCommand("import", "Write an instrument YAML skeleton from another system's definition (a REDCap data dictionary).",
            "redcap <data-dictionary.csv>", Details);
        var kind = new Argument<string>("kind") { Arity = ArgumentArity.ZeroOrOne };
        var file = new Argument<string>("file") { Arity = ArgumentArity.ZeroOrOne };
        var form = CliOptions.Text("--form", null, "NAME", "the REDCap form to import (its 'Form Name'); required when the dictionary has several");
        var id = CliOptions.Text("--id", null, "ID", "the instrument id (default: the form name, e.g. phq_9 gives phq-9)");
        var output = CliOptions.Text("--output", "-o", "FILE", "write the skeleton to FILE (atomically) instead of standard output");
        var shipTexts = CliOptions.Switch("--ship-texts", null, "write the field labels as item texts (texts: shipped); only when their licence allows it");
        command.Arguments.Add(kind);
        command.Arguments.Add(file);
        command.Options.Add(form);
        command.Options.Add(id);
        command.Options.Add(output);
        command.Options.Add(shipTexts);
        command.RequireArguments(file, 1);
        command.Validators.Add(r =>
        {
            if (r.GetValue(kind) is { } k && !string.Equals(k, "redcap", StringComparison.Ordinal))
            {
                r.AddError($"'import' reads one kind of file: redcap (a REDCap data dictionary), not '{k}'");
            }
        });
        command.SetAction(r => Run(new ImportSettings(r.GetValue(file)!, r.GetValue(form), r.GetValue(id), r.GetValue(output) ?? "-", r.GetValue(shipTexts)), context));
        return command;
    }

    public static int Run(ImportSettings args, CliContext context)
    {
        var stderr = context.Error;
        if (Directory.Exists(args.Dictionary))
        {
            throw new CliException($"'{args.Dictionary}' is a folder, not a data dictionary file");
        }

        if (!File.Exists(args.Dictionary))
        {
            throw new CliException($"data dictionary '{args.Dictionary}' does not exist");
        }

        if (args.Output != "-" && OutputFile.WouldOverwrite(args.Output, args.Dictionary))
        {
            throw new CliException($"output '{args.Output}' is the data dictionary '{args.Dictionary}'; choose another output file");
        }

        RedcapImportResult result;
        try
        {
            result = RedcapDictionaryImporter.ImportFile(args.Dictionary, new RedcapImportOptions { Form = args.Form, InstrumentId = args.Id, ShipTexts = args.ShipTexts });
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message.Split(" (Parameter", 2)[0], showUsage: true);
        }

        foreach (var d in result.Diagnostics)
        {
            stderr.WriteLine(TerminalText.Escape(d.ToString()));
        }

        var errors = result.Diagnostics.Count(d => d.IsError);
        var warnings = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        if (!result.Success)
        {
            stderr.WriteLine($"instruments: nothing imported from '{args.Dictionary}'");
            return ExitCodes.RowErrors;
        }

        if (args.Output == "-")
        {
            context.Out.Write(result.Yaml);
            context.Out.Flush();
        }
        else
        {
            using var file = OutputFile.Create(args.Output);
            file.Stream.Write(new UTF8Encoding(false).GetBytes(result.Yaml!));
            file.Commit();
        }

        stderr.WriteLine($"instruments: imported form '{result.Form}' as instrument '{result.InstrumentId}': {Plural(result.Items.Length, "item")}, {Plural(result.Scales.Length, "response scale")}; {Plural(errors, "error")}, {Plural(warnings, "warning")}"
            + (args.Output == "-" ? string.Empty : $"; written to '{args.Output}'"));
        return ExitCodes.Success;
    }

    private static string Plural(int n, string word) => n + " " + word + (n == 1 ? string.Empty : "s");
}

/// <summary>The arguments of <c>instruments import redcap</c>.</summary>
/// <param name="Dictionary">The data dictionary file.</param>
/// <param name="Form">The form to import, or null for the only one.</param>
/// <param name="Id">The instrument id, or null for the form name's.</param>
/// <param name="Output">Output file or <c>-</c>.</param>
/// <param name="ShipTexts">Write the labels as item texts.</param>
internal sealed record ImportSettings(string Dictionary, string? Form, string? Id, string Output, bool ShipTexts);
