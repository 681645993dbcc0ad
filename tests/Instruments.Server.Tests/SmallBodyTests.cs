using System.Net;
using System.Text;
using System.Text.Json;

namespace Instruments.Server.Tests;

/// <summary>The two services of <see cref="SmallBodyTests"/>: one with the small-body path (the default), one without.</summary>
public sealed class SmallAndPipelineServices : IDisposable
{
    /// <summary>The default settings: a body of at most 64 KiB is scored on the request thread.</summary>
    public ServiceFactory Small { get; } = new();

    /// <summary>Every body through the parallel pipeline.</summary>
    public ServiceFactory Pipeline { get; } = new(new Dictionary<string, string?> { ["Instruments:SmallBodyBytes"] = "0" });

    public void Dispose()
    {
        Small.Dispose();
        Pipeline.Dispose();
    }
}

/// <summary>
/// The small-body path (a body read whole and scored on the request thread) answers what the pipeline answers: the same
/// status, content type, bytes and warnings, for every input format and every output format, over awkward inputs.
/// </summary>
public sealed class SmallBodyTests(SmallAndPipelineServices services) : IClassFixture<SmallAndPipelineServices>
{
    private const string Swls = "respondent_id,swls1,swls2,swls3,swls4,swls5";

    private static readonly string[] Accepts = ["text/csv", "application/json", "application/x-ndjson"];

    private static string Ndjson(string id, params object[] values) =>
        "{\"respondent_id\":\"" + id + "\"" + string.Concat(values.Select((v, i) => $",\"swls{i + 1}\":{JsonSerializer.Serialize(v)}")) + "}";

    /// <summary>Named inputs: (name, instrument, media type, body bytes).</summary>
    public static TheoryData<string> Inputs() => [.. Bodies.Keys];

    private static readonly Dictionary<string, (string Id, string MediaType, byte[] Body)> Bodies = Build();

    private static Dictionary<string, (string, string, byte[])> Build()
    {
        var utf8 = Encoding.UTF8;
        byte[] B(string s) => utf8.GetBytes(s);
        byte[] Bom(string s) => [0xEF, 0xBB, 0xBF, .. utf8.GetBytes(s)];
        var d = new Dictionary<string, (string, string, byte[])>
        {
            ["csv plain"] = ("swls", "text/csv", B($"{Swls}\nr1,5,5,5,5,5\nr2,1,2,3,4,5\n")),
            ["csv BOM and CRLF"] = ("swls", "text/csv", Bom($"{Swls}\r\nr1,5,5,5,5,5\r\nr2,7,7,7,7,7\r\n")),
            ["csv no final newline"] = ("swls", "text/csv", B($"{Swls}\nr1,5,5,5,5,5\nr2,1,1,1,1,1")),
            ["csv quoted"] = ("swls", "text/csv", B($"{Swls}\n\"r,1\",\"5\",5,5,5,5\n\"r \"\"2\"\"\",1,\"2\",3,4,5\n\"line\nbreak\",3,3,3,3,3\n")),
            ["csv malformed rows"] = ("swls", "text/csv", B($"{Swls}\nr1,5,5,5,5,5\nr2,5,5\nr3,\"broken,5,5,5,5\nr4,7,7,7,7,7\n")),
            ["csv bad values"] = ("swls", "text/csv", B($"{Swls}\nr1,abc,9,,-99,1.5\nr2, 2 ,+1,1.,.5,0000000003\n")),
            ["csv missing item column"] = ("swls", "text/csv", B("respondent_id,swls1,swls2,swls3,Swls4\nr1,5,5,5,5\n")),
            ["csv duplicate pass-through columns"] = ("swls", "text/csv", B("id,id,swls1,swls2,swls3,swls4,swls5\na,b,5,5,5,5,5\n")),
            ["csv invalid UTF-8 in a field"] = ("swls", "text/csv", [.. B($"{Swls}\nr"), 0xFF, .. B(",5,5,5,5,5\nr2,"), 0xC3, 0x28, .. B(",5,5,5,5,5\n")]),
            ["csv header only"] = ("swls", "text/csv", B($"{Swls}\n")),
            ["csv empty body"] = ("swls", "text/csv", []),
            ["csv blank lines"] = ("swls", "text/csv", B($"{Swls}\n\nr1,5,5,5,5,5\n\n")),
            ["ndjson rows"] = ("swls", "application/x-ndjson", B(Ndjson("a", 5, 5, 5, 5, 5) + "\n" + Ndjson("b", 1, "2", 3, null!, 5) + "\n")),
            ["ndjson no final newline"] = ("swls", "application/x-ndjson", B(Ndjson("a", 5, 5, 5, 5, 5) + "\n" + Ndjson("b", 7, 7, 7, 7, 7))),
            ["ndjson BOM, CRLF, blank lines"] = ("swls", "application/x-ndjson", Bom(Ndjson("a", 5, 5, 5, 5, 5) + "\r\n\r\n" + Ndjson("b", 4, 4, 4, 4, 4) + "\r\n")),
            ["ndjson malformed line"] = ("swls", "application/x-ndjson", B(Ndjson("a", 5, 5, 5, 5, 5) + "\n{not json\n[1,2]\n" + Ndjson("c", 7, 7, 7, 7, 7) + "\n")),
            ["ndjson missing keys and extra keys"] = ("swls", "application/x-ndjson", B("{\"respondent_id\":\"a\",\"swls1\":5,\"note\":\"x\"}\n{\"other\":true,\"swls2\":3}\n")),
            ["ndjson duplicate key"] = ("swls", "application/x-ndjson", B("{\"respondent_id\":\"a\",\"swls1\":5,\"swls1\":4,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5}\n")),
            ["ndjson empty body"] = ("swls", "application/x-ndjson", []),
            ["json one object"] = ("swls", "application/json", B("{ \"respondent_id\": \"r1\", \"swls1\": 5, \"swls2\": 5, \"swls3\": 5, \"swls4\": 5, \"swls5\": 5 }")),
            ["json one object after BOM and white space"] = ("swls", "application/json", Bom("\r\n  {\"respondent_id\":\"r1\",\"swls1\":1,\"swls2\":2,\"swls3\":3,\"swls4\":4,\"swls5\":5}\n")),
            ["json array"] = ("swls", "application/json", B("[" + Ndjson("a", 5, 5, 5, 5, 5) + ",\n" + Ndjson("b", 1, 1, 1, 1, 1) + "]")),
            ["json empty array"] = ("swls", "application/json", B("[]")),
            ["json array not closed"] = ("swls", "application/json", B("[" + Ndjson("a", 5, 5, 5, 5, 5) + ",")),
            ["json text after the array"] = ("swls", "application/json", B("[" + Ndjson("a", 5, 5, 5, 5, 5) + "] trailing")),
            ["json array with a malformed element"] = ("swls", "application/json", B("[" + Ndjson("a", 5, 5, 5, 5, 5) + ",{\"swls1\":}," + Ndjson("c", 2, 2, 2, 2, 2) + "]")),
            ["json not json"] = ("swls", "application/json", B("not json at all")),
            ["json empty body"] = ("swls", "application/json", []),
            ["protocol csv"] = ("alliance-and-symptoms", "text/csv", File.ReadAllBytes(Paths.Sample("alliance-and-symptoms.csv"))),
            ["protocol csv missing columns"] = ("alliance-and-symptoms", "text/csv", B("client_id,session,wai1,wai2,phq9_1\nc1,1,4,4,2\n")),
            ["phq-9 sample"] = ("phq-9", "text/csv", File.ReadAllBytes(Paths.Sample("phq-9.csv"))),
            ["phq-9 ndjson sample"] = ("phq-9", "application/x-ndjson", File.ReadAllBytes(Paths.Sample("phq-9.ndjson"))),
        };
        return d;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task SmallBody_AnswersThePipelinesBytesAndWarnings_InEveryOutputFormat(string name)
    {
        var (id, mediaType, body) = Bodies[name];
        foreach (var accept in Accepts)
        {
            var small = await Answer.GetAsync(services.Small, id, body, mediaType, accept);
            var pipeline = await Answer.GetAsync(services.Pipeline, id, body, mediaType, accept);
            var what = $"{name} as {accept}";
            Assert.True(pipeline.Status == small.Status, $"{what}: pipeline {pipeline.Status}, small {small.Status}\n{pipeline.Text}\n{small.Text}");
            if (small.Status != HttpStatusCode.OK)
            {
                // A problem: the same diagnostic and message (the trace id differs).
                Assert.Equal(pipeline.Problem(), small.Problem());
                continue;
            }

            // Each path was taken (the small one logs that it scored on the request thread).
            Assert.True(small.Small, $"{what}: the small body was not answered by the small-body path");
            Assert.False(pipeline.Small, $"{what}: the pipeline service took the small-body path");
            Assert.Equal(pipeline.ContentType, small.ContentType);
            Assert.Equal(pipeline.Text, small.Text);
            Assert.Equal(pipeline.Bytes, small.Bytes);
            Assert.Equal(pipeline.Warnings, small.Warnings);
        }
    }

    [Fact]
    public async Task SmallBody_WithoutContentLength_IsStillTheSmallPath_AndALargeOneStillStreams()
    {
        var rows = string.Concat(Enumerable.Range(0, 3000).Select(i => $"r{i},5,4,3,2,{1 + (i % 7)}\n"));
        foreach (var text in new[] { $"{Swls}\nr1,5,5,5,5,5\n", Swls + "\n" + rows })
        {
            var body = Encoding.UTF8.GetBytes(text);
            var chunked = await Answer.GetAsync(services.Small, "swls", body, "text/csv", "text/csv", chunked: true);
            var pipeline = await Answer.GetAsync(services.Pipeline, "swls", body, "text/csv", "text/csv");
            Assert.Equal(HttpStatusCode.OK, chunked.Status);
            Assert.Equal(pipeline.Bytes, chunked.Bytes);
            // Under 64 KiB: read whole; over: the first bytes read are replayed into the pipeline.
            Assert.Equal(body.Length <= 64 * 1024, chunked.Small);
        }
    }
}

/// <summary>One score answer, read whole.</summary>
/// <param name="Small">Whether the service logged that it took the small-body path.</param>
internal sealed record Answer(HttpStatusCode Status, string? ContentType, bool Small, byte[] Bytes, IReadOnlyList<string> Warnings)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public string Problem()
    {
        var root = JsonDocument.Parse(Bytes).RootElement;
        return root.GetProperty("diagnosticId").GetString() + ": " + root.GetProperty("detail").GetString();
    }

    public static async Task<Answer> GetAsync(ServiceFactory service, string id, byte[] body, string mediaType, string? accept, bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/instruments/{id}/score") { Content = content };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var logged = service.Logs.Count;
        using var r = await service.Client().SendAsync(request);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        var warnings = Decode(r.Headers).Concat(Decode(r.TrailingHeaders)).ToList();
        var small = service.Logs.Skip(logged).Any(l => l.Contains("scored on the request thread", StringComparison.Ordinal));
        return new Answer(r.StatusCode, r.Content.Headers.ContentType?.ToString(), small, bytes, warnings);
    }

    /// <summary>The <c>Instruments-Warning</c> fields of <paramref name="headers"/>, decoded.</summary>
    public static IEnumerable<string> Decode(System.Net.Http.Headers.HttpHeaders headers) =>
        headers.TryGetValues("Instruments-Warning", out var values) ? values.Select(Uri.UnescapeDataString) : [];

    /// <summary>A body sent without a Content-Length (chunked), in small pieces.</summary>
    internal sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < body.Length; i += 1000)
            {
                await stream.WriteAsync(body.AsMemory(i, Math.Min(1000, body.Length - i)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
