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
}
