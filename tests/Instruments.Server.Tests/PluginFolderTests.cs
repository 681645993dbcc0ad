using System.Net;

namespace Instruments.Server.Tests;

/// <summary>
/// The service finds instruments where the console host does: the built-in folder, configured folders (its
/// <c>--plugins</c>) and <c>INSTRUMENTS_PLUGINS</c>. Not run in parallel with other classes: one test sets the
/// process's environment variable.
/// </summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class PluginFolderTests
{
    private static async Task<string> FolderWithACopyOfSwls(string id)
    {
        var folder = Path.Combine(Path.GetTempPath(), "instruments-server-plugins-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var yaml = await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "plugins", "wellbeing", "instruments", "swls.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, id + ".yaml"), yaml.Replace("instrument: swls", "instrument: " + id, StringComparison.Ordinal));
        return folder;
    }

    [Fact]
    public async Task ConfiguredPluginsFolder_IsLoaded_AsTheConsoleHostsPluginsOption()
    {
        var folder = await FolderWithACopyOfSwls("swls-configured");
        using var service = new ServiceFactory(new Dictionary<string, string?> { ["Instruments:Plugins:0"] = folder });
        var r = await service.Client().GetAsync("/instruments/swls-configured");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task EnvironmentVariable_FoldersAreLoaded_AsByTheConsoleHost()
    {
        var folder = await FolderWithACopyOfSwls("swls-from-env");
        var before = Environment.GetEnvironmentVariable("INSTRUMENTS_PLUGINS");
        Environment.SetEnvironmentVariable("INSTRUMENTS_PLUGINS", folder);
        try
        {
            using var service = new ServiceFactory();
            var r = await service.Client().GetAsync("/instruments/swls-from-env");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var score = await service.Client().PostAsync("/instruments/swls-from-env/score",
                ScoreEndpointTests.Body("respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\n", "text/csv"));
            Assert.Contains("r1,complete,25,", await score.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("INSTRUMENTS_PLUGINS", before);
        }
    }
}

[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;
