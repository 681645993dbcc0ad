namespace Instruments.Data;

/// <summary>A format responses are read from and results are written in.</summary>
public enum DataFormat
{
    /// <summary>CSV with a header row (RFC 4180 quoting, UTF-8).</summary>
    Csv,

    /// <summary>A JSON array of objects.</summary>
    Json,

    /// <summary>Newline-delimited JSON: one object per line.</summary>
    Ndjson,

    /// <summary>
    /// Apache Parquet: read row group by row group (a file, not a pipe: its index is at its end), written with one row
    /// group per 65,536 rows. See <c>docs/interop.md</c> for how each Parquet type is read.
    /// </summary>
    Parquet,
}

/// <summary>Names and file extensions of the <see cref="DataFormat"/>s.</summary>
public static class DataFormats
{
    /// <summary>The formats' names as users type them: <c>csv</c>, <c>json</c>, <c>ndjson</c>, <c>parquet</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["csv", "json", "ndjson", "parquet"];

    /// <summary>The format a file name's extension stands for (<c>.csv</c>, <c>.json</c>, <c>.ndjson</c> or <c>.jsonl</c>, <c>.parquet</c>).</summary>
    /// <param name="path">A file name or path.</param>
    /// <returns>The format, or null when the extension names none.</returns>
    public static DataFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => DataFormat.Csv,
        ".json" => DataFormat.Json,
        ".ndjson" or ".jsonl" => DataFormat.Ndjson,
        ".parquet" => DataFormat.Parquet,
        _ => null,
    };

    /// <summary>The format named <paramref name="name"/> (one of <see cref="Names"/>, case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="format">The format, when the name is known.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParse(string? name, out DataFormat format)
    {
        switch (name?.ToLowerInvariant())
        {
            case "csv": format = DataFormat.Csv; return true;
            case "json": format = DataFormat.Json; return true;
            case "ndjson": format = DataFormat.Ndjson; return true;
            case "parquet": format = DataFormat.Parquet; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The name of <paramref name="format"/> as users type it.</summary>
    /// <param name="format">The format.</param>
    /// <returns><c>csv</c>, <c>json</c>, <c>ndjson</c> or <c>parquet</c>.</returns>
    public static string Name(DataFormat format) => format switch
    {
        DataFormat.Csv => "csv",
        DataFormat.Json => "json",
        DataFormat.Ndjson => "ndjson",
        DataFormat.Parquet => "parquet",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
