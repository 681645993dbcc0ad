using Instruments.Course;
using Instruments.Data;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Instruments.Server;

/// <summary>
/// <c>POST /instruments/{id}/score</c>: scores every row of the body with the console host's pipeline
/// (<see cref="ResponseReader"/>, <see cref="ScoringPipeline"/>, <see cref="ResultFormat"/>), so that the answer is
/// byte for byte what <c>instruments score ID --input FILE --format F</c> writes for the same input. The body's
/// Content-Type gives the input format (text/csv, application/json: one object or an array, application/x-ndjson);
/// Accept the output format (default: the input's). Rows stream: the pipeline reads, scores and writes blocks (up to
/// 4,096 rows or 256 KiB of input each) while the body is still arriving, with a bounded number of blocks in flight,
/// so memory stays flat whatever the body's size. Every row gives one output row; a row that cannot be read gives
/// an invalid one (RSP2010), never a dropped one.
/// </summary>
internal static class ScoreEndpoint
{
    // The input the pipeline reads into one block (Instruments.Data's RowBlock.TargetBytes).
    private const long OneBlock = 256 * 1024;

    public static void Map(WebApplication app) =>
        app.MapPost("/instruments/{id}/score", Score)
            .WithName("Score")
            .WithSummary("Score every row of the body (CSV, JSON or NDJSON); the answer streams in the Accept format, as 'instruments score' writes it.")
            // Not .Accepts(...): routing would then answer other content types 415 with an empty body; the handler
            // answers them with a problem (RSP2063), and the OpenAPI document is told the body's types here.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = OpenApiBodies.Body("The responses: CSV with a header row, one JSON object or an array of them, or NDJSON.",
                    MediaTypes.Csv, MediaTypes.Json, MediaTypes.Ndjson);
                return Task.CompletedTask;
            })
            .Produces(StatusCodes.Status200OK, contentType: MediaTypes.Csv, additionalContentTypes: [MediaTypes.Json, MediaTypes.Ndjson])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task Score(string id, HttpContext context, LibraryProvider provider, IOptions<ServerOptions> options, ILoggerFactory loggers)
    {
        var library = await provider.Library.ConfigureAwait(false);
        var settings = options.Value;
        var found = library.Find(id);
        var protocol = found.Instrument is null ? library.FindProtocol(id)?.Plan : null;
        if (found.Instrument is null && protocol is null)
        {
            await CatalogEndpoints.Unknown(found).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var plan = found.Instrument?.Plan;
        if (MediaTypes.Format(context.Request.ContentType) is not { } inputFormat)
        {
            await Problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, InstrumentDiagnostics.UnsupportedMediaType,
                context.Request.ContentType ?? "(none)", MediaTypes.All).ConfigureAwait(false);
            return;
        }

        if (MediaTypes.Negotiate(context.Request.Headers.Accept, inputFormat) is not { } outputFormat)
        {
            await Problems.WriteAsync(context, StatusCodes.Status406NotAcceptable, InstrumentDiagnostics.NotAcceptable,
                context.Request.Headers.Accept.ToString(), MediaTypes.All).ConfigureAwait(false);
            return;
        }

        var limit = settings.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, limit).ConfigureAwait(false);
            return;
        }

        // A small body is one block: a second scoring thread would only wait.
        var workers = settings.WorkersPerRequest > 0 ? settings.WorkersPerRequest
            : context.Request.ContentLength is < OneBlock ? 1 : 0;
        var cancel = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = MediaTypes.ContentType(outputFormat);
        var input = new RequestBodyStream(context.Request.Body, limit, inputFormat == DataFormat.Json, cancel);
        var output = new ResponseBodyStream(context.Response.BodyWriter, cancel);
        var written = 0L;
        try
        {
            // The pipeline reads and writes synchronously: it runs on threads of its own, never on a request thread.
            await Task.Factory.StartNew(
                () => Run(plan, protocol, inputFormat, outputFormat, input, output, workers, rows => Volatile.Write(ref written, rows), cancel),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (ResponseFileException e) when (!output.Started)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, InstrumentDiagnostics.RequestBodyUnreadable,
                DataFormats.Name(inputFormat), e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (!output.Started && TooLarge(e))
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, limit).ConfigureAwait(false);
        }
        catch (Exception e) when (output.Started && !cancel.IsCancellationRequested && e is ResponseFileException or IOException or BadHttpRequestException)
        {
            // Half an answer is sent: the status cannot change any more, so the response is cut off (the client sees
            // an incomplete body, never a complete-looking one).
            loggers.CreateLogger(typeof(ScoreEndpoint)).LogWarning("Scoring '{Id}' stopped after the answer had started: {Message}", id, e.Message);
            context.Abort();
        }
        catch (Exception e) when (cancel.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away, or the time limit passed (the timeout middleware answers 503 if nothing was sent).
            loggers.CreateLogger(typeof(ScoreEndpoint)).LogInformation(
                "Scoring '{Id}' cancelled (the client went away or the time limit passed) after {Rows} rows", id, Volatile.Read(ref written));
            if (output.Started)
            {
                context.Abort();
            }

            throw new OperationCanceledException(cancel);
        }
    }

    private static bool TooLarge(Exception e) =>
        e is RequestBodyTooLargeException || (e is BadHttpRequestException b && b.StatusCode == StatusCodes.Status413PayloadTooLarge);

    private static ScoreCounts Run(ScoringPlan? plan, ProtocolPlan? protocol, DataFormat inputFormat, DataFormat outputFormat,
        Stream input, Stream output, int workers, Action<long> progress, CancellationToken cancel)
    {
        // As ScoreCommand.ScoreAll in the console host, with no column map and warnings dropped (they go to stderr there).
        using var reader = ResponseReader.Open(input, inputFormat, protocol?.ReaderPlan ?? plan!);
        var pipeline = protocol is null ? new ScoringPipeline(plan!, reader) : new ScoringPipeline(protocol, reader);
        var columns = outputFormat == DataFormat.Csv ? pipeline.DiscoverColumns() : [];
        var resultFormat = protocol is not null ? ResultFormat.Create(outputFormat, protocol, columns, positional: reader.Columns is not null)
            : outputFormat == DataFormat.Csv ? ResultFormat.CreateCsv(plan!, columns, positional: reader.Columns is not null)
            : ResultFormat.Create(outputFormat, plan!, []);
        return pipeline.Run(resultFormat, output, new ScoringPipelineOptions { Workers = workers, Progress = progress }, cancel);
    }
}
