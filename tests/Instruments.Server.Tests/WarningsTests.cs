using System.Net;
using System.Text;

namespace Instruments.Server.Tests;

/// <summary>
/// The reader's warnings (the console host prints them to standard error) reach the client as <c>Instruments-Warning</c>
/// fields: headers for those known when the answer starts, trailers for those found while rows stream.
/// </summary>
public sealed class WarningsTests(SmallAndPipelineServices services) : IClassFixture<SmallAndPipelineServices>
{
    private const string Swls = "respondent_id,swls1,swls2,swls3,swls4,swls5";

    private static async Task<HttpResponseMessage> Send(ServiceFactory service, byte[] body, string mediaType = "text/csv")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        var r = await service.Client().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/instruments/swls/score") { Content = content });
        await r.Content.LoadIntoBufferAsync(); // the trailers arrive after the body
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return r;
    }

    private static async Task<List<string>> ConsoleWarnings(byte[] body, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "instruments-server-" + Guid.NewGuid().ToString("N") + extension);
        await File.WriteAllBytesAsync(path, body);
        var (_, stderr) = await ConsoleHost.RunWithErrorsAsync("score", "swls", "--input", path, "--quiet");
        File.Delete(path);
        const string Prefix = "instruments: warning: ";
        return [.. stderr.Split('\n').Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).Select(l => l[Prefix.Length..].TrimEnd('\r'))];
    }

    [Fact]
    public async Task Warnings_OfTheCsvHeader_AreTheConsoleHostsWarnings_InResponseHeaders_OnBothPaths()
    {
        // An item column missing (with a close match: a case-sensitive near miss) and a pass-through column named twice.
        var body = Encoding.UTF8.GetBytes("respondent_id,note,note,swls1,swls2,swls3,Swls4\nr1,a,b,5,5,5,5\n");
        var expected = await ConsoleWarnings(body, ".csv");
        Assert.Equal(2, expected.Count);
        Assert.Contains("the input has no column for items swls4, swls5", expected[1], StringComparison.Ordinal);
        foreach (var service in new[] { services.Small, services.Pipeline })
        {
            using var r = await Send(service, body);
            Assert.Equal(expected, Answer.Decode(r.Headers));
            Assert.Empty(Answer.Decode(r.TrailingHeaders));
        }
    }

    [Fact]
    public async Task Warnings_FoundWhileRowsStream_AreTrailers_AndHeadersWhenTheBodyWasReadWhole()
    {
        // Invalid UTF-8 in a pass-through field: found by the decoder, as the row is scored (after the answer started).
        byte[] body = [.. Encoding.UTF8.GetBytes($"{Swls}\nr"), 0xFF, .. Encoding.UTF8.GetBytes(",5,5,5,5,5\n")];
        var expected = await ConsoleWarnings(body, ".csv");
        Assert.Single(expected);
        using (var streamed = await Send(services.Pipeline, body))
        {
            Assert.Empty(Answer.Decode(streamed.Headers));
            Assert.Equal(expected, Answer.Decode(streamed.TrailingHeaders));
        }

        using var small = await Send(services.Small, body);
        Assert.Equal(expected, Answer.Decode(small.Headers));
        Assert.Empty(Answer.Decode(small.TrailingHeaders));
    }

    [Fact]
    public async Task Warnings_AreNotSentWithAProblem_FoundAfterTheCsvHeaderWarned()
    {
        // The header warns (swls5 missing), then the streamed body (sent in 1,000-byte chunks, without a length, through
        // the pipeline) passes the size limit before any row is answered: 413, without the header's warning.
        using var service = new ServiceFactory(new Dictionary<string, string?> { ["Instruments:MaxRequestBodyBytes"] = "10000", ["Instruments:SmallBodyBytes"] = "0" });
        var body = Encoding.UTF8.GetBytes("respondent_id,swls1,swls2,swls3,swls4\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"r{i},5,5,5,5\n")));
        var content = new Answer.ChunkedContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var r = await service.Client().PostAsync("/instruments/swls/score", content);
        await Problem.AssertAsync(r, HttpStatusCode.RequestEntityTooLarge, "RSP2061");
        Assert.Empty(Answer.Decode(r.Headers));
        Assert.False(r.Headers.Contains("Trailer"));
    }

    [Fact]
    public async Task Warnings_JsonArrayNotClosed_IsAWarning()
    {
        var body = Encoding.UTF8.GetBytes("[{\"respondent_id\":\"a\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5},");
        using var r = await Send(services.Small, body, "application/json");
        Assert.Equal(["the JSON array is not closed (no ']' at the end of the input)"], Answer.Decode(r.Headers));
    }

    [Fact]
    public async Task Warnings_OutsidePrintableAscii_ArePercentEncodedUtf8()
    {
        // The close match 'swlsé' is quoted in the warning.
        var body = Encoding.UTF8.GetBytes("respondent_id,swls1,swls2,swls3,swls4,swls\u00e9\nr1,5,5,5,5,5\n");
        using var r = await Send(services.Small, body);
        var raw = Assert.Single(r.Headers.GetValues("Instruments-Warning"));
        Assert.All(raw, c => Assert.InRange(c, ' ', '~'));
        Assert.Contains("'swls%C3%A9' for 'swls5'", raw, StringComparison.Ordinal);
        Assert.Equal(await ConsoleWarnings(body, ".csv"), Answer.Decode(r.Headers));
    }

    [Fact]
    public async Task Warnings_ManyOfThem_AreCutAtTwenty_WithACountOfTheRest()
    {
        // 25 pass-through columns each named twice: 25 warnings.
        var names = Enumerable.Range(1, 25).Select(i => "c" + i).ToList();
        var header = string.Join(',', names.Concat(names)) + ",swls1,swls2,swls3,swls4,swls5";
        var body = Encoding.UTF8.GetBytes(header + "\n" + string.Join(',', Enumerable.Repeat("x", 50)) + ",5,5,5,5,5\n");
        var expected = await ConsoleWarnings(body, ".csv");
        Assert.Equal(25, expected.Count);
        using var r = await Send(services.Small, body);
        var served = Answer.Decode(r.Headers).ToList();
        Assert.Equal(21, served.Count);
        Assert.Equal(expected.Take(20), served.Take(20));
        Assert.Equal("5 more warnings were left out", served[20]);
    }
}
