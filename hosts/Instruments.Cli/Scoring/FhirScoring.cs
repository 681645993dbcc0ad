using System.Globalization;
using Instruments.Cli.Commands;
using Instruments.Data;
using Instruments.Fhir;
using Instruments.Scoring;

namespace Instruments.Cli.Scoring;

/// <summary>
/// <c>score</c> with FHIR on either side: QuestionnaireResponses in (<c>--input-format fhir</c>), Observations out
/// (<c>--format fhir</c> or <c>fhir-ndjson</c>), or both. Sequential: a Bundle is one JSON document, read whole; NDJSON
/// is read a line at a time. Every response gives exactly one output row (or one Observation per score).
/// </summary>
internal static class FhirScoring
{
    public static int Run(ScoreSettings args, CliContext context)
    {
        var stderr = context.Error;
        var input = args.Input ?? throw new CliException("'score' needs --input FILE (use '-' for standard input)", showUsage: true);
        if (args.Questionnaire is not null && !args.FhirInput)
        {
            throw new CliException("--questionnaire needs --input-format fhir", showUsage: true);
        }

        if (args.Map is not null && args.FhirInput)
        {
            throw new CliException("--map renames the columns of CSV, JSON or NDJSON input; FHIR input finds items by linkId (use --questionnaire)", showUsage: true);
        }

        InputFiles.RefuseToOverwrite(input, args.Output);
        var output = args.Output;
        var dataOutput = args.FhirOutput is null
            ? args.Format ?? (output == "-" ? null : DataFormats.FromExtension(output)) ?? DataFormat.Csv
            : (DataFormat?)null;
        if (dataOutput is { } data)
        {
            Commands.ScoreCommand.RefuseParquetToStandardOutput(data, output);
        }

        var dataInput = args.FhirInput ? (DataFormat?)null : InputFiles.Format(input, args.InputFormat);
        var (plan, protocol) = InstrumentCatalog.ResolveForScoring(args.Instrument, args.Plugins, stderr);
        if (protocol is not null)
        {
            throw new CliException($"'{args.Instrument}' is a protocol; FHIR input and output take one instrument");
        }

        var map = args.FhirInput ? ItemMap(plan!, args.Questionnaire) : null;
        var columnMap = args.FhirInput ? null : InputFiles.LoadMap(args.Map, plan!);
        var inputStream = InputFiles.Open(input, context);
        try
        {
            return OutputTarget.Write(output, context, stream =>
            {
                var sink = new Sink(plan!, stream, dataOutput, args.FhirOutput, InputFiles.Warn(stderr));
                try
                {
                    if (map is not null)
                    {
                        using var reader = new QuestionnaireResponseReader(inputStream, map, FhirInputKind.Auto, InputFiles.Warn(stderr));
                        foreach (var response in reader.ReadAll())
                        {
                            context.Cancellation.ThrowIfCancellationRequested();
                            sink.Write(response);
                        }
                    }
                    else
                    {
                        using var reader = InputFiles.OpenReader(dataInput!.Value, inputStream, plan!, stderr, columnMap);
                        var row = new ResponseRow(plan!);
                        while (reader.Read(row))
                        {
                            context.Cancellation.ThrowIfCancellationRequested();
                            sink.Write(row);
                        }
                    }
                }
                catch (FhirFormatException e)
                {
                    throw new CliException(e.Message);
                }

                return sink.Complete();
            }, counts =>
            {
                if (!args.Quiet)
                {
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"instruments: scored {counts.Total:N0} responses: {counts.Complete:N0} complete, {counts.Partial:N0} partial, {counts.Invalid:N0} invalid"));
                }

                return counts.Invalid > 0 ? ExitCodes.RowErrors : ExitCodes.Success;
            });
        }
        finally
        {
            inputStream.Dispose();
        }
    }

    private static FhirItemMap ItemMap(ScoringPlan plan, string? questionnairePath)
    {
        if (questionnairePath is null)
        {
            return FhirItemMap.Create(plan.Definition);
        }

        if (!File.Exists(questionnairePath))
        {
            throw new CliException($"questionnaire file '{questionnairePath}' does not exist");
        }

        if (!FhirJson.TryRead(File.ReadAllText(questionnairePath), out var resource, out var error))
        {
            throw new CliException($"questionnaire file '{questionnairePath}' cannot be read: {error}");
        }

        if (resource is not Hl7.Fhir.Model.Questionnaire questionnaire)
        {
            throw new CliException($"questionnaire file '{questionnairePath}' holds a {resource!.TypeName}, not a Questionnaire");
        }

        var map = FhirItemMap.Create(plan.Definition, questionnaire);
        if (map.QuestionnaireLinkIds == 0)
        {
            throw new CliException($"no item of questionnaire file '{questionnairePath}' has a question code of '{plan.Definition.Id}'; nothing could be matched");
        }

        return map;
    }

    /// <summary>Scores each response and writes it: as Observations, or as a row of CSV, JSON or NDJSON.</summary>
    private sealed class Sink
    {
        private readonly ScoringPlan _plan;
        private readonly ScoreResult _result;
        private readonly ObservationWriter? _observations;
        private readonly ResultWriter? _rows;
        private readonly ResponseRow _row;
        private long _complete, _partial, _invalid;

        public Sink(ScoringPlan plan, Stream output, DataFormat? data, FhirOutputFormat? fhir, Action<string> warnings)
        {
            _plan = plan;
            _result = plan.CreateResult();
            _row = new ResponseRow(plan);
            if (fhir is { } kind)
            {
                _observations = new ObservationWriter(plan, output, kind == FhirOutputFormat.Ndjson ? FhirOutputKind.Ndjson : FhirOutputKind.Bundle);
            }
            else
            {
                var format = data!.Value is DataFormat.Csv or DataFormat.Parquet
                    ? ResultFormat.Create(data.Value, plan, QuestionnaireResponseReader.FieldNames)
                    : ResultFormat.Create(data.Value, plan, []);
                _rows = new ResultWriter(format, output, warnings);
            }
        }

        /// <summary>A response read from FHIR.</summary>
        public void Write(FhirResponse response)
        {
            if (_observations is not null)
            {
                response.Score(_plan, _result);
                Count();
                _observations.Write(_result, response.Reference, response.Subject, response.Authored);
                return;
            }

            _row.Start(response.Position);
            response.Values.CopyTo(_row.Values);
            var texts = response.Texts;
            for (var i = 0; i < texts.Length; i++)
            {
                if (texts[i] is { } text)
                {
                    _row.Texts[i] = text;
                }
            }

            _row.AddField("response", response.Reference);
            _row.AddField("subject", response.Subject);
            _row.AddField("authored", response.Authored);
            if (response.Malformed is { } reason)
            {
                _row.MarkMalformed(reason);
            }

            _row.Score(_plan, _result);
            Count();
            _rows!.Write(_row, _result);
        }

        /// <summary>A row of CSV, JSON or NDJSON, written as Observations (its 'response', 'subject' and 'authored' fields, if any).</summary>
        public void Write(ResponseRow row)
        {
            row.Score(_plan, _result);
            Count();
            _observations!.Write(_result, Field(row, "response"), Field(row, "subject"), Field(row, "authored"));
        }

        public ScoreCounts Complete()
        {
            _observations?.Complete();
            _rows?.Complete();
            return new ScoreCounts(_complete, _partial, _invalid);
        }

        private void Count()
        {
            switch (_result.Status)
            {
                case ResponseStatus.Complete: _complete++; break;
                case ResponseStatus.Partial: _partial++; break;
                default: _invalid++; break;
            }
        }

        private static string? Field(ResponseRow row, string name)
        {
            foreach (var f in row.Fields)
            {
                if (f.Name == name)
                {
                    return f.Value is { Length: > 0 } v ? v : null;
                }
            }

            return null;
        }
    }
}
