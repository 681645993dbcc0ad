using System.Text;
using Instruments.Compiler;
using Instruments.Diagnostics;

namespace Instruments.Server;

/// <summary>
/// <c>POST /validate</c>: compiles one instrument (or protocol) definition sent as YAML and answers its diagnostics.
/// A definition with errors is a successful check: 200 with <c>"valid": false</c> (422 would say the request was
/// wrong; it was not, the definition was, and the answer carries why). Functions of the loaded plugins are available,
/// and a protocol is checked against the loaded instruments, as <c>instruments validate</c> does.
/// </summary>
internal static class ValidateEndpoint
{
    /// <summary>The largest definition read: the size limit of an instrument file.</summary>
    public const int MaxDefinitionBytes = 1024 * 1024;

    /// <summary>The path diagnostics name (the definition has no file).</summary>
    public const string SourceName = "request.yaml";

    public static void Map(WebApplication app) =>
        app.MapPost("/validate", Validate)
            .WithName("Validate")
            .WithSummary("Compile a YAML definition; 200 with 'valid' and the diagnostics (as 'instruments validate --format json').")
            // Any content type is read as YAML (so not .Accepts(...), which would refuse the others with an empty 415).
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = OpenApiBodies.Body("One instrument or protocol definition (YAML, UTF-8, at most 1 MiB).", "application/yaml");
                return Task.CompletedTask;
            })
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static async Task<IResult> Validate(HttpContext context, LibraryProvider provider)
    {
        var library = await provider.Library.ConfigureAwait(false);
        if (context.Request.ContentLength > MaxDefinitionBytes)
        {
            return Problems.For(StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, MaxDefinitionBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxDefinitionBytes)
            {
                return Problems.For(StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, MaxDefinitionBytes);
            }
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException e)
        {
            return Problems.For(StatusCodes.Status400BadRequest, InstrumentDiagnostics.RequestBodyUnreadable, "UTF-8 YAML", e.Message);
        }

        var source = InstrumentSource.FromText(text.TrimStart('\uFEFF'), SourceName);
        IReadOnlyList<Diagnostic> diagnostics;
        string kind;
        string? id;
        if (ProtocolCompiler.IsProtocol(source.Text))
        {
            var compiled = ProtocolCompiler.Compile(source, library.Host.Instruments.Select(i => i.Plan));
            (kind, id, diagnostics) = ("protocol", compiled.Plan?.Definition.Id, compiled.Diagnostics);
        }
        else
        {
            var compiled = InstrumentCompiler.Compile([source], functions: library.Host.Functions);
            (kind, id, diagnostics) = ("instrument", compiled.Definitions.FirstOrDefault()?.Id, compiled.Diagnostics);
        }

        var valid = !diagnostics.Any(d => d.IsError);
        var json = CatalogEndpoints.JsonText(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("valid", valid);
            w.WriteString("kind", kind);
            w.WriteString("id", valid ? id : null);
            w.WritePropertyName("diagnostics");
            DiagnosticWriters.WriteJson(w, diagnostics);
            w.WriteEndObject();
        });
        return Results.Text(json + "\n", "application/json; charset=utf-8");
    }
}
