using Instruments.Course;
using Instruments.Data;
using Instruments.Diagnostics;
using Instruments.Scoring;
using System.Runtime.InteropServices;
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
                OpenApiBodies.ScoreHeaders(operation);
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

        ColumnMap? map;
        try
        {
            map = ColumnMapHeader.Parse(context.Request.Headers[ColumnMapHeader.Field], protocol?.ReaderPlan ?? plan!);
        }
        catch (ResponseFileException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, InstrumentDiagnostics.ColumnMapUnusable, e.Message).ConfigureAwait(false);
            return;
        }

        var limit = settings.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, limit).ConfigureAwait(false);
            return;
        }

        var cancel = context.RequestAborted;
        var warnings = new ResponseWarnings();
        var log = loggers.CreateLogger(typeof(ScoreEndpoint));
        var prefix = ReadOnlyMemory<byte>.Empty;
        var small = Math.Min(settings.SmallBodyBytes, limit);
        try
        {
            if (small > 0 && (context.Request.ContentLength is null || context.Request.ContentLength <= small))
            {
                // A small body (or one of unknown length, until it proves large) is read whole: scored on this thread.
                var (body, ended) = await ReadUpTo(context.Request.Body, (int)small, context.Request.ContentLength, cancel).ConfigureAwait(false);
                if (ended)
                {
                    log.LogDebug("Scoring '{Id}': a small body ({Bytes} bytes), scored on the request thread", id, body.Length);
                    await ScoreSmall(context, plan, protocol, map, inputFormat, outputFormat, body, warnings, cancel).ConfigureAwait(false);
                    return;
                }

                prefix = body;
            }
        }
        catch (ResponseFileException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, InstrumentDiagnostics.RequestBodyUnreadable,
                DataFormats.Name(inputFormat), e.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (cancel.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            log.LogInformation("Scoring '{Id}' cancelled (the client went away or the time limit passed) while reading or answering a small body", id);
            throw new OperationCanceledException(cancel);
        }
        catch (Exception e) when (TooLarge(e))
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, InstrumentDiagnostics.RequestBodyTooLarge, limit).ConfigureAwait(false);
            return;
        }

        // A body of less than one block is one block: a second scoring thread would only wait.
        var workers = settings.WorkersPerRequest > 0 ? settings.WorkersPerRequest
            : context.Request.ContentLength is < OneBlock ? 1 : 0;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = MediaTypes.ContentType(outputFormat);
        var trailers = context.Response.SupportsTrailers();
        context.Response.OnStarting(() =>
        {
            // The warnings found so far (those of a CSV header) go with the headers; later ones in trailers. A problem
            // answer (the body turned out too large or unreadable before any row was sent) carries none.
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                return Task.CompletedTask;
            }

            warnings.WriteHeaders(context.Response.Headers);
            if (trailers)
            {
                context.Response.DeclareTrailer(ResponseWarnings.Field);
            }

            return Task.CompletedTask;
        });
        var input = new RequestBodyStream(context.Request.Body, limit, inputFormat == DataFormat.Json, cancel, prefix);
        var output = new ResponseBodyStream(context.Response.BodyWriter, cancel);
        var written = 0L;
        try
        {
            // The pipeline reads and writes synchronously: it runs on threads of its own, never on a request thread.
            await Task.Factory.StartNew(
                () => Run(plan, protocol, map, inputFormat, outputFormat, input, output, warnings.Add,
                    new ScoringPipelineOptions { Workers = workers, Progress = rows => Volatile.Write(ref written, rows), Warnings = warnings.Add }, cancel),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            if (warnings.Late() is { Count: > 0 } late)
            {
                if (trailers)
                {
                    foreach (var value in ResponseWarnings.Values(late))
                    {
                        context.Response.AppendTrailer(ResponseWarnings.Field, value);
                    }
                }
                else
                {
                    log.LogInformation("Scoring '{Id}': {Count} warning(s) found after the answer started (no trailers on {Protocol}): {Warnings}",
                        id, late.Count, context.Request.Protocol, string.Join(" | ", late));
                }
            }
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
            log.LogWarning("Scoring '{Id}' stopped after the answer had started: {Message}", id, e.Message);
            context.Abort();
        }
        catch (Exception e) when (cancel.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away, or the time limit passed (the timeout middleware answers 503 if nothing was sent).
            log.LogInformation(
                "Scoring '{Id}' cancelled (the client went away or the time limit passed) after {Rows} rows", id, Volatile.Read(ref written));
            if (output.Started)
            {
                context.Abort();
            }

            throw new OperationCanceledException(cancel);
        }
    }

    /// <summary>
    /// Reads the body until it ends or passes <paramref name="max"/> bytes: the bytes and whether the body ended
    /// (when not, the bytes are the first <paramref name="max"/> + 1 or more, to be read again by the pipeline).
    /// <paramref name="contentLength"/>: the Content-Length, when sent (at most <paramref name="max"/> here).
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Body, bool Ended)> ReadUpTo(Stream body, int max, long? contentLength, CancellationToken cancel)
    {
        // Room for the whole body and one byte more (its end is then found without growing), or 4 KiB to start with.
        var buffer = new byte[Math.Min(max + 1, contentLength is { } sent ? (int)sent + 1 : 4096)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > max)
                {
                    return (buffer, false);
                }

                Array.Resize(ref buffer, Math.Min(max + 1, buffer.Length * 2));
            }

            var n = await body.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                return (buffer.AsMemory(0, length), true);
            }

            length += n;
        }
    }

    /// <summary>
    /// The small-body path: the whole body is in memory, so it is read, scored and formatted here, on the calling
    /// thread, with the pipeline's own steps (<see cref="ScoringPipelineOptions.OnCallingThread"/>: no threads, a
    /// block sized to the body), and the answer is sent in one write with its length and every warning in the headers.
    /// </summary>
    private static async Task ScoreSmall(HttpContext context, ScoringPlan? plan, ProtocolPlan? protocol, ColumnMap? map, DataFormat inputFormat,
        DataFormat outputFormat, ReadOnlyMemory<byte> body, ResponseWarnings warnings, CancellationToken cancel)
    {
        // One JSON object is read as an array of one, as RequestBodyStream reads it.
        var input = inputFormat == DataFormat.Json && RequestBodyStream.SingleObjectStart(body.Span) is >= 0 and var start
            ? new MemoryStream([.. "["u8, .. body.Span[start..], .. "]"u8], writable: false)
            : MemoryMarshal.TryGetArray(body, out var array) ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        var output = new MemoryStream(Math.Max(1024, body.Length * 2));
        Run(plan, protocol, map, inputFormat, outputFormat, input, output, warnings.Add,
            new ScoringPipelineOptions { OnCallingThread = true, Warnings = warnings.Add }, cancel);
        context.Response.ContentType = MediaTypes.ContentType(outputFormat);
        context.Response.ContentLength = output.Length;
        warnings.WriteHeaders(context.Response.Headers);
        await context.Response.Body.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), cancel).ConfigureAwait(false);
    }

    private static bool TooLarge(Exception e) =>
        e is RequestBodyTooLargeException || (e is BadHttpRequestException b && b.StatusCode == StatusCodes.Status413PayloadTooLarge);

    private static ScoreCounts Run(ScoringPlan? plan, ProtocolPlan? protocol, ColumnMap? map, DataFormat inputFormat, DataFormat outputFormat,
        Stream input, Stream output, Action<string> readerWarnings, ScoringPipelineOptions options, CancellationToken cancel)
    {
        // As ScoreCommand.ScoreAll in the console host, and the warnings (stderr there) kept for the answer.
        using var reader = ResponseReader.Open(input, inputFormat, protocol?.ReaderPlan ?? plan!, readerWarnings, map);
        var pipeline = protocol is null ? new ScoringPipeline(plan!, reader) : new ScoringPipeline(protocol, reader);
        var columns = outputFormat == DataFormat.Csv ? pipeline.DiscoverColumns() : [];
        var resultFormat = protocol is not null ? ResultFormat.Create(outputFormat, protocol, columns, positional: reader.Columns is not null)
            : outputFormat == DataFormat.Csv ? ResultFormat.CreateCsv(plan!, columns, positional: reader.Columns is not null)
            : ResultFormat.Create(outputFormat, plan!, []);
        return pipeline.Run(resultFormat, output, options, cancel);
    }
}
