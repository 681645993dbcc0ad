using System.Net;
using System.Text.Json;

namespace Instruments.Server.Tests;

public sealed class CatalogEndpointTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    [Fact]
    public async Task Health_AnswersOk()
    {
        var r = await service.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Ready_OnceTheLibraryHasLoaded_SaysHowManyInstruments()
    {
        var client = service.Client();
        await client.GetAsync("/instruments"); // waits for the library
        var r = await client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
        Assert.True(doc.RootElement.GetProperty("instruments").GetInt32() >= 10);
    }

    [Fact]
    public async Task List_HoldsTheShippedInstruments_WithTheConsoleHostsFields_AndNoServerPaths()
    {
        var r = await service.Client().GetAsync("/instruments");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var served = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        var console = JsonDocument.Parse(await ConsoleHost.RunAsync("list", "--format", "json")).RootElement.EnumerateArray().ToList();
        Assert.Equal(console.Select(e => e.GetProperty("id").GetString()), served.Select(e => e.GetProperty("id").GetString()));
        var phq9 = served.Single(e => e.GetProperty("id").GetString() == "phq-9");
        Assert.Equal("total", phq9.GetProperty("scores")[0].GetString());
        foreach (var field in new[] { "version", "title", "respondent", "license", "texts" })
        {
            Assert.True(phq9.TryGetProperty(field, out _), field);
        }

        Assert.All(served, e => Assert.False(e.TryGetProperty("source", out _)));
    }

    [Theory]
    [InlineData("phq-9")]
    [InlineData("core-10")] // item texts restricted: never served
    [InlineData("alliance-and-symptoms")] // a protocol (no outcome rules, an alliance pairing)
    [InlineData("nhs-talking-therapies")] // a protocol with outcome rules
    public async Task Describe_IsTheConsoleHostsDescribeJson_ByteForByte(string id)
    {
        var r = await service.Client().GetAsync($"/instruments/{id}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        var expected = await ConsoleHost.RunAsync("describe", id, "--format", "json");
        Assert.Equal(ConsoleHost.Text(expected), await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Describe_Protocol_GivesItsMeasuresAndOutcomeRules_AndTheOpenApiSummarySaysSo()
    {
        var r = await service.Client().GetAsync("/instruments/nhs-talking-therapies");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("nhs-talking-therapies", root.GetProperty("protocol").GetString());
        var measures = root.GetProperty("measures").EnumerateArray().ToList();
        Assert.Equal(["phq-9", "gad-7"], measures.Select(m => m.GetProperty("instrument").GetString()));
        Assert.All(measures, m => Assert.Equal("nhs-talking-therapies", m.GetProperty("reliable_change").GetString()));
        Assert.All(measures, m => Assert.False(string.IsNullOrEmpty(m.GetProperty("score").GetString())));
        Assert.NotEmpty(root.GetProperty("outcomes").EnumerateArray());
        Assert.All(root.GetProperty("outcomes").EnumerateArray(), o => Assert.False(string.IsNullOrEmpty(o.GetProperty("when").GetString())));

        using var openApi = JsonDocument.Parse(await service.Client().GetStringAsync("/openapi/v1.json"));
        var summary = openApi.RootElement.GetProperty("paths").GetProperty("/instruments/{id}").GetProperty("get").GetProperty("summary").GetString();
        Assert.Contains("protocol", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_RestrictedTexts_AreLeftOut()
    {
        var json = await service.Client().GetStringAsync("/instruments/core-10");
        using var doc = JsonDocument.Parse(json);
        Assert.All(doc.RootElement.GetProperty("items").EnumerateArray(), item =>
            Assert.True(!item.TryGetProperty("text", out var text) || text.ValueKind == JsonValueKind.Null, item.ToString()));
    }

    [Fact]
    public async Task PLG3022_UnknownInstrument_Is404ProblemDetails_WithTheLibrarysMessage()
    {
        var r = await service.Client().GetAsync("/instruments/phq-99");
        await Problem.AssertAsync(r, HttpStatusCode.NotFound, "PLG3022", "Unknown instrument 'phq-99'; did you mean 'phq-9'?");
    }

    [Fact]
    public async Task OpenApi_DocumentNamesEveryEndpoint()
    {
        var json = await service.Client().GetStringAsync("/openapi/v1.json");
        using var doc = JsonDocument.Parse(json);
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["/health", "/instruments", "/instruments/{id}", "/instruments/{id}/score", "/ready", "/validate"], paths.Order(StringComparer.Ordinal));
    }
}

/// <summary>Checks a problem details answer (RFC 7807) and the diagnostic it carries.</summary>
public static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage r, HttpStatusCode status, string id, string? detailStart = null)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"{(int)r.StatusCode}: {body}");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.Equal(id, root.GetProperty("diagnosticId").GetString());
        Assert.Equal("docs/diagnostics.md#" + id.ToLowerInvariant(), root.GetProperty("type").GetString());
        Assert.Equal(id, root.GetProperty("diagnostics")[0].GetProperty("id").GetString());
        if (detailStart is not null)
        {
            Assert.StartsWith(detailStart, root.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        return root;
    }
}
