using System.Text.Json;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Hosting;

namespace Instruments.Server;

/// <summary><c>GET /instruments</c>, <c>GET /instruments/{id}</c>, <c>GET /health</c> and <c>GET /ready</c>.</summary>
internal static class CatalogEndpoints
{
    /// <summary>
    /// What <c>describe --format json</c> writes as each item's <c>text_note</c> when the texts are licensed
    /// separately (the texts themselves are never shipped, so never served); kept equal to the console host's
    /// (a test compares the two answers byte for byte).
    /// </summary>
    public const string RestrictedTextNote = "item texts are licensed separately; supply them with --texts <file>";

    public static void Map(WebApplication app)
    {
        app.MapGet("/instruments", List)
            .WithName("ListInstruments")
            .WithSummary("The loaded instruments (as 'instruments list --format json', without source paths).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

        app.MapGet("/instruments/{id}", Describe)
            .WithName("DescribeInstrument")
            .WithSummary("One instrument's definition, or one protocol's measures and outcome rules, as 'instruments describe ID --format json' gives it (restricted item texts left out).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/health", () => Results.Ok(new { status = "healthy" }))
            .WithName("Health")
            .WithSummary("Liveness: the process answers.");

        app.MapGet("/ready", (LibraryProvider provider) => provider.IsReady
                ? Results.Ok(new { status = "ready", instruments = provider.Library.Result.Host.Instruments.Length })
                : Results.Json(new { status = "loading" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready")
            .WithSummary("Readiness: the instrument library has loaded (503 until then).");
    }

    private static async Task<IResult> List(LibraryProvider provider)
    {
        var library = await provider.Library.ConfigureAwait(false);
        var bytes = JsonText(w =>
        {
            w.WriteStartArray();
            foreach (var i in library.Host.Instruments.OrderBy(i => i.Definition.Id, StringComparer.Ordinal))
            {
                var def = i.Definition;
                w.WriteStartObject();
                DefinitionJsonWriter.WriteSummaryProperties(w, def);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return Results.Text(bytes + "\n", "application/json; charset=utf-8");
    }

    private static async Task<IResult> Describe(string id, LibraryProvider provider)
    {
        var library = await provider.Library.ConfigureAwait(false);
        var found = library.Find(id);
        if (found.Instrument is { } instrument)
        {
            return Results.Text(DefinitionJsonWriter.ToJson(instrument.Definition, RestrictedTextNote) + "\n", "application/json; charset=utf-8");
        }

        // A protocol (scored by /score too): its measures, their rules and its outcomes, as 'describe <protocol>' writes them.
        return library.FindProtocol(id) is { } protocol
            ? Results.Text(ProtocolJsonWriter.ToJson(protocol.Plan) + "\n", "application/json; charset=utf-8")
            : Unknown(found);
    }

    /// <summary>Runs <paramref name="write"/> on a writer with the SDK's JSON options (indented, as the console host writes).</summary>
    public static string JsonText(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, DiagnosticWriters.JsonOptions))
        {
            write(w);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>404 with the library's PLG3022 (the id, close matches and the ids there are), as the console host says it.</summary>
    public static IResult Unknown(InstrumentResolution resolution) =>
        Problems.For(StatusCodes.Status404NotFound, resolution.Diagnostics.First(d => d.Id == PluginDiagnostics.UnknownInstrument.Id));
}
