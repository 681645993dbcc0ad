using System.Net;
using System.Text.Json;

namespace Instruments.Server.Tests;

public sealed class ValidateEndpointTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Validate(string yaml)
    {
        var r = await service.Client().PostAsync("/validate", ScoreEndpointTests.Body(yaml, "application/yaml"));
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task Validate_AShippedDefinition_IsValid()
    {
        var (status, body) = await Validate(await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "plugins", "wellbeing", "instruments", "swls.yaml")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("valid").GetBoolean(), body.ToString());
        Assert.Equal("swls", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Validate_ADefinitionWithErrors_Is200_ValidFalse_WithTheConsoleHostsDiagnostics()
    {
        var yaml = (await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "plugins", "wellbeing", "instruments", "swls.yaml"))) + "\nbogus_key: 1\n";
        var (status, body) = await Validate(yaml);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("valid").GetBoolean(), body.ToString());
        var ids = body.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();

        var file = Path.Combine(Path.GetTempPath(), "instruments-server-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        var console = JsonDocument.Parse(await ConsoleHost.RunAsync("validate", file, "--format", "json")).RootElement;
        Assert.Equal(console.EnumerateArray().Select(d => d.GetProperty("id").GetString()), ids);
        Assert.NotEmpty(ids);
    }

    [Fact]
    public async Task RSP2061_ADefinitionOverOneMebibyte_Is413()
    {
        var r = await service.Client().PostAsync("/validate", ScoreEndpointTests.Body(new string('#', 1024 * 1024 + 10), "application/yaml"));
        await Problem.AssertAsync(r, HttpStatusCode.RequestEntityTooLarge, "RSP2061");
    }
}
