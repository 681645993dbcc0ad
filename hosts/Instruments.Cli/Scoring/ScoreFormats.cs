using Instruments.Data;

namespace Instruments.Cli.Scoring;

/// <summary>The FHIR outputs of <c>score</c>.</summary>
internal enum FhirOutputFormat
{
    /// <summary><c>--format fhir</c>: one Bundle (type collection) of Observations.</summary>
    Bundle,

    /// <summary><c>--format fhir-ndjson</c>: one Observation per line.</summary>
    Ndjson,
}

/// <summary>A <c>--format</c> value of <c>score</c>: a data format, or a FHIR one.</summary>
internal readonly record struct ScoreOutput(DataFormat? Data, FhirOutputFormat? Fhir);

/// <summary>An <c>--input-format</c> value of <c>score</c>: a data format, or FHIR.</summary>
internal readonly record struct ScoreInput(DataFormat? Data, bool Fhir);

/// <summary>The formats <c>score</c> reads and writes, by name: the data formats and the FHIR ones.</summary>
internal static class ScoreFormats
{
    public static readonly (string Name, ScoreOutput Value)[] Output =
        [.. InputFiles.Formats.Select(f => (f.Name, new ScoreOutput(f.Format, null))), ("fhir", new ScoreOutput(null, FhirOutputFormat.Bundle)),
         ("fhir-ndjson", new ScoreOutput(null, FhirOutputFormat.Ndjson))];

    public static readonly (string Name, ScoreInput Value)[] Input =
        [.. InputFiles.Formats.Select(f => (f.Name, new ScoreInput(f.Format, false))), ("fhir", new ScoreInput(null, true))];
}
