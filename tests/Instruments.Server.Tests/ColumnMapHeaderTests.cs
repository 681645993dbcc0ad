using System.Net;
using System.Text;
using System.Text.Json;

namespace Instruments.Server.Tests;

/// <summary>The <c>Instruments-Column-Map</c> header: the console host's <c>--map</c> for a score request.</summary>
public sealed class ColumnMapHeaderTests(SmallAndPipelineServices services) : IClassFixture<SmallAndPipelineServices>
{
    // A REDCap-like export: q1..q5 are the items swls1..swls5; 'q,6' (a comma in the name) is mapped too, and absent.
    private const string Csv = "record_id,q1,q2,q3,q4,q5\nr1,5,5,5,5,5\nr2,1,2,3,4,7\n";

    private static async Task<HttpResponseMessage> Send(ServiceFactory service, string body, string? map, string mediaType = "text/csv")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, "/instruments/swls/score") { Content = content };
        if (map is not null)
        {
            request.Headers.TryAddWithoutValidation("Instruments-Column-Map", map);
        }

        var r = await service.Client().SendAsync(request);
        await r.Content.LoadIntoBufferAsync();
        return r;
    }

    [Fact]
    public async Task Score_ColumnMapHeader_AnswersTheConsoleHostsMapOutput_AndItsWarnings_OnBothPaths()
    {
        var dir = Path.Combine(Path.GetTempPath(), "instruments-server-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "in.csv"), Csv);
        await File.WriteAllTextAsync(Path.Combine(dir, "map.csv"), "redcap_field,item_id\nq1,swls1\nq2,swls2\nq3,swls3\nq4,swls4\n\"q,5\",swls5\n");
        var (expected, stderr) = await ConsoleHost.RunWithErrorsAsync("score", "swls", "--input", Path.Combine(dir, "in.csv"), "--map", Path.Combine(dir, "map.csv"), "--quiet");
        Directory.Delete(dir, recursive: true);
        const string Prefix = "instruments: warning: ";
        // The same warnings, the map named as the header instead of the file.
        var warnings = stderr.Split('\n').Where(l => l.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(l => l[Prefix.Length..].TrimEnd('\r').Replace(Path.Combine(dir, "map.csv"), "Instruments-Column-Map header", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count); // 'q,5' is not a column of the input; swls5 has no column

        foreach (var service in new[] { services.Small, services.Pipeline })
        {
            using var r = await Send(service, Csv, "q1=swls1, q2=swls2,q3=swls3 , q4=swls4,q%2C5=swls5");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(ConsoleHost.Text(expected), await r.Content.ReadAsStringAsync());
            Assert.Equal(warnings, Answer.Decode(r.Headers));
        }

        // The map applies to JSON keys too.
        using var json = await Send(services.Small, "{\"record_id\":\"r1\",\"q1\":5,\"q2\":5,\"q3\":5,\"q4\":5,\"swls5\":5}", "q1=swls1,q2=swls2,q3=swls3,q4=swls4", "application/json");
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal("complete", doc.RootElement.GetProperty("results")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("q1", "line 2: 'q1' is not a 'column=item' pair")]
    [InlineData("q1=swls1,=swls2", "line 3: '=swls2' is not a 'column=item' pair")]
    [InlineData("q1=swls9", "line 2: 'q1' is mapped to 'swls9', which is not an item of 'swls' (did you mean 'swls1'?)")]
    [InlineData("q1=swls1,q1=swls2", "line 3: column 'q1' is already mapped on line 2")]
    [InlineData("q1=swls1,q2=swls1", "line 3: item 'swls1' is already mapped from column 'q1' on line 2")]
    [InlineData(" , ", "has no 'column=item' pair")]
    public async Task RSP2065_ColumnMapHeaderNotAMap_Is400_BeforeTheBodyIsRead(string map, string message)
    {
        using var r = await Send(services.Small, Csv, map);
        var problem = await Problem.AssertAsync(r, HttpStatusCode.BadRequest, "RSP2065", "The Instruments-Column-Map header cannot be used: column map 'Instruments-Column-Map header'");
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ScoreDocumentsTheColumnMapHeader_AndTheWarningHeader()
    {
        using var doc = JsonDocument.Parse(await services.Small.Client().GetStringAsync("/openapi/v1.json"));
        var post = doc.RootElement.GetProperty("paths").GetProperty("/instruments/{id}/score").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Instruments-Column-Map" && p.GetProperty("in").GetString() == "header");
        Assert.True(post.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("Instruments-Warning", out _));
    }
}
