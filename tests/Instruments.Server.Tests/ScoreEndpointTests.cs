using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Instruments.Server.Tests;

public sealed class ScoreEndpointTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private const string SwlsHeader = "respondent_id,swls1,swls2,swls3,swls4,swls5";

    internal static HttpContent Body(string text, string mediaType) => Body(Encoding.UTF8.GetBytes(text), mediaType);

    internal static HttpContent Body(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private async Task<HttpResponseMessage> Score(string id, HttpContent content, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/instruments/{id}/score") { Content = content };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await service.Client().SendAsync(request);
    }

    // The console host's bytes for the same input and format: the service must be a shell over the same pipeline.
    [Theory]
    [InlineData("phq-9", "phq-9.csv", "text/csv", "csv", null)]
    [InlineData("phq-9", "phq-9.csv", "text/csv", "ndjson", "application/x-ndjson")]
    [InlineData("phq-9", "phq-9.ndjson", "application/x-ndjson", "ndjson", null)]
    [InlineData("phq-9", "phq-9.ndjson", "application/x-ndjson", "csv", "text/csv")]
    [InlineData("swls", "swls.json", "application/json", "json", null)]
    [InlineData("swls", "swls.json", "application/json", "csv", "text/csv")]
    [InlineData("swls", "swls.csv", "text/csv", "json", "application/json")]
    [InlineData("alliance-and-symptoms", "alliance-and-symptoms.csv", "text/csv", "csv", null)] // a protocol
    [InlineData("alliance-and-symptoms", "alliance-and-symptoms.csv", "text/csv", "ndjson", "application/x-ndjson")]
    public async Task Score_Output_IsTheConsoleHostsBytes(string id, string sample, string mediaType, string format, string? accept)
    {
        var path = Paths.Sample(sample);
        var r = await Score(id, Body(await File.ReadAllBytesAsync(path), mediaType), accept);
        var served = await r.Content.ReadAsByteArrayAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(served));
        var expected = await ConsoleHost.RunAsync("score", id, "--input", path, "--format", format, "--quiet");
        Assert.Equal(ConsoleHost.Text(expected), Encoding.UTF8.GetString(served));
        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task Score_OneJsonObject_IsScoredAsAnArrayOfOne()
    {
        var r = await Score("swls", Body("""{ "respondent_id": "r1", "swls1": 5, "swls2": 5, "swls3": 5, "swls4": 5, "swls5": 5 }""", "application/json"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var row = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("complete", row.GetProperty("status").GetString());
        Assert.Equal(25, row.GetProperty("scores").GetProperty("total").GetDouble());
    }

    [Fact]
    public async Task RSP2010_MalformedRows_GiveOneInvalidRowEach_NeverDropped()
    {
        var csv = SwlsHeader + "\nr1,5,5,5,5,5\nr2,5,5\nr3,\"broken,5,5,5,5\nr4,7,7,7,7,7\n";
        var r = await Score("swls", Body(csv, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var lines = (await r.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var expected = ConsoleHost.Text(await ConsoleHost.RunAsync("score", "swls", "--input", await Temp(csv, ".csv"), "--quiet"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines);
        Assert.StartsWith("r1,complete", lines[1], StringComparison.Ordinal);
        Assert.Contains("invalid", lines[2], StringComparison.Ordinal);
        Assert.Contains("RSP2010", lines[2], StringComparison.Ordinal);
        Assert.Contains(lines.Skip(3), l => l.StartsWith("r4,complete", StringComparison.Ordinal) || l.Contains("RSP2010", StringComparison.Ordinal));
        Assert.True(lines.Length - 1 >= 3, "every input row has its output row");

        var ndjson = "{\"respondent_id\":\"a\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5}\n{not json\n{\"respondent_id\":\"c\",\"swls1\":7,\"swls2\":7,\"swls3\":7,\"swls4\":7,\"swls5\":7}\n";
        var n = await Score("swls", Body(ndjson, "application/x-ndjson"));
        var rows = (await n.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["complete", "invalid", "complete"], rows.Select(x => x.GetProperty("status").GetString()));
        Assert.Equal("RSP2010", rows[1].GetProperty("diagnostics")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task PLG3022_UnknownInstrument_Is404()
    {
        var r = await Score("phq-99", Body(SwlsHeader + "\n", "text/csv"));
        await Problem.AssertAsync(r, HttpStatusCode.NotFound, "PLG3022", "Unknown instrument 'phq-99'");
    }

    [Theory]
    [InlineData("", "text/csv")]
    [InlineData("not json at all", "application/json")]
    public async Task RSP2060_UnreadableBody_Is400(string body, string mediaType)
    {
        var r = await Score("swls", Body(body, mediaType));
        await Problem.AssertAsync(r, HttpStatusCode.BadRequest, "RSP2060", "The request body cannot be read as ");
    }

    [Fact]
    public async Task RSP2063_UnsupportedContentType_Is415()
    {
        var r = await Score("swls", Body(SwlsHeader + "\n", "application/xml"));
        await Problem.AssertAsync(r, HttpStatusCode.UnsupportedMediaType, "RSP2063");
    }

    [Fact]
    public async Task RSP2064_AcceptNamingNoFormatOfOurs_Is406()
    {
        var r = await Score("swls", Body(SwlsHeader + "\nr1,5,5,5,5,5\n", "text/csv"), "application/xml");
        await Problem.AssertAsync(r, HttpStatusCode.NotAcceptable, "RSP2064");
    }

    private static async Task<string> Temp(string text, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "instruments-server-" + Guid.NewGuid().ToString("N") + extension);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
