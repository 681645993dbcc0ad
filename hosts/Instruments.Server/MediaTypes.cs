using Instruments.Data;
using Microsoft.Net.Http.Headers;

namespace Instruments.Server;

/// <summary>The body formats of <c>POST /instruments/{id}/score</c>, by media type.</summary>
public static class MediaTypes
{
    /// <summary>CSV with a header row.</summary>
    public const string Csv = "text/csv";

    /// <summary>One JSON object, or an array of them.</summary>
    public const string Json = "application/json";

    /// <summary>Newline-delimited JSON, one object per line, streamed in and out.</summary>
    public const string Ndjson = "application/x-ndjson";

    /// <summary>The media types read and written, for messages.</summary>
    public const string All = "text/csv, application/json or application/x-ndjson";

    /// <summary>The format of a media type (its parameters, such as charset, are ignored); null when not one of ours.</summary>
    /// <param name="mediaType">The media type, for example <c>text/csv; charset=utf-8</c>.</param>
    /// <returns>The format, or null.</returns>
    public static DataFormat? Format(string? mediaType)
    {
        if (mediaType is null || !MediaTypeHeaderValue.TryParse(mediaType, out var parsed))
        {
            return null;
        }

        return parsed.MediaType.Value?.ToLowerInvariant() switch
        {
            Csv => DataFormat.Csv,
            Json => DataFormat.Json,
            Ndjson or "application/ndjson" or "application/jsonl" => DataFormat.Ndjson,
            _ => null,
        };
    }

    /// <summary>The media type written for <paramref name="format"/>.</summary>
    /// <param name="format">The format.</param>
    /// <returns>The Content-Type.</returns>
    public static string ContentType(DataFormat format) => format switch
    {
        DataFormat.Csv => "text/csv; charset=utf-8",
        DataFormat.Json => "application/json; charset=utf-8",
        _ => Ndjson,
    };

    /// <summary>
    /// The output format an Accept header asks for: its most preferred type that is ours; <paramref name="input"/>
    /// when the header is absent or accepts anything (<c>*/*</c>); null when it names none of ours (406).
    /// </summary>
    /// <param name="accept">The Accept header values.</param>
    /// <param name="input">The request's format.</param>
    /// <returns>The format, or null.</returns>
    public static DataFormat? Negotiate(IList<string> accept, DataFormat input)
    {
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var values) || values.Count == 0)
        {
            return input;
        }

        foreach (var value in values.Where(v => v.Quality is not 0).OrderByDescending(v => v.Quality ?? 1))
        {
            if (value.MatchesAllTypes)
            {
                return input;
            }

            if (Format(value.MediaType.Value) is { } format)
            {
                return format;
            }

            if (value.MatchesAllSubTypes && value.Type.Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                return DataFormat.Csv;
            }

            if (value.MatchesAllSubTypes && value.Type.Equals("application", StringComparison.OrdinalIgnoreCase))
            {
                return input == DataFormat.Csv ? DataFormat.Json : input;
            }
        }

        return null;
    }
}
