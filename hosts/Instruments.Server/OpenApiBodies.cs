using Microsoft.OpenApi;

namespace Instruments.Server;

/// <summary>Request bodies as the OpenAPI document describes them (text bodies, read as streams by the handlers).</summary>
internal static class OpenApiBodies
{
    public static OpenApiRequestBody Body(string description, params string[] mediaTypes) => new()
    {
        Description = description,
        Required = true,
        Content = mediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } }),
    };

    /// <summary>The score operation's headers: the column map it reads, the warnings it answers.</summary>
    public static void ScoreHeaders(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = ColumnMapHeader.Field,
            In = ParameterLocation.Header,
            Required = false,
            Description = "A column map, as the console host's --map: 'column=item' pairs separated by commas, each side percent-encoded where it holds ',', '=', '%' or non-ASCII (RSP2065 when unusable).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                [ResponseWarnings.Field] = new OpenApiHeader
                {
                    Description = "One reader warning per field (the console host prints them to stderr), UTF-8 percent-encoded outside printable ASCII; "
                        + "warnings found after the answer started are trailers of the same name where the protocol carries trailers (HTTP/2, HTTP/3).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
        }
    }
}
