using System.Diagnostics;

namespace Instruments.Hosting.Tests;

/// <summary>
/// Hostile plugin folders never hang or exhaust the host (issue 13, items 5, 12, 13 and 15): FIFOs and devices are not
/// opened, links to folders are not followed, a plugin whose Initialize never returns is named and skipped, and an
/// assembly that is a link to a file outside its plugin folder is refused.
/// </summary>
public sealed class HostileFolderTests : IDisposable
{
    private const string Sdk = "sdk: \">=0.1.0 <1.0.0\"\n";

    private const string Instrument = """
        instrument: demo
        version: 1.0.0
        title: Demo
        license: { name: Test licence, texts: shipped }
        response_scales:
          freq:
            options:
              - { value: 0, label: Never }
              - { value: 1, label: Often }
        items:
          - { id: mood, scale: freq }
        scores:
          - { id: total, items: [mood], method: sum }

        """;

    private readonly PluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static string Manifest(string id, string type) =>
        $"id: {id}\nversion: 1.0.0\n{Sdk}assembly: bin/Instruments.TestPlugins.Misbehaving.dll\ntype: Instruments.TestPlugins.Misbehaving.{type}\ninstruments: []\ntemplates: []\n";

    /// <summary>Builds on another thread, so that a regression fails the test instead of hanging the run.</summary>
    private static async Task<InstrumentHost> BuildWithin(InstrumentHostBuilder builder, int seconds = 60)
    {
        var build = Task.Run(builder.Build);
        Assert.True(await Finished(build, seconds), $"the host did not finish loading within {seconds} s");
        return await build;
    }

    private static async Task<bool> Finished(Task task, int seconds) =>
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))) == task;

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(file, args);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task DevZeroLinkedAsAnInstrumentFile_IsINS1009_AndTheOtherFilesLoad()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = _folders.Files("zeroes", ("plugin.yaml", $"id: zeroes\nversion: 1.0.0\n{Sdk}"), ("instruments/demo.yaml", Instrument));
        File.CreateSymbolicLink(Path.Combine(folder, "instruments", "zero.yaml"), "/dev/zero");

        var host = await BuildWithin(new InstrumentHostBuilder().AddPluginFolder(folder), seconds: 30);

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("INS1009", d.Id);
        Assert.EndsWith("zero.yaml", d.Location.Path, StringComparison.Ordinal);
        Assert.Contains("character device", d.Message, StringComparison.Ordinal);
        Assert.NotNull(host.Find("demo"));
    }

    [Fact]
    public async Task ManifestThatIsAFifo_IsPLG3001_AndNeverBlocks()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = _folders.Files("piped", ("instruments/demo.yaml", Instrument));
        var manifest = Path.Combine(folder, "plugin.yaml");
        Run("mkfifo", manifest);

        var build = Task.Run(new InstrumentHostBuilder().AddPluginFolder(folder).Build);
        var finished = await Finished(build, 20);
        if (!finished)
        {
            using var writer = new FileStream(manifest, FileMode.Open, FileAccess.Write); // unblock the stuck reader
        }

        Assert.True(finished, "reading a FIFO manifest blocked");
        var d = Assert.Single((await build).Diagnostics);
        Assert.Equal("PLG3001", d.Id);
        Assert.Contains("FIFO", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecursivePattern_WithALinkLoop_SkipsTheLinkWithPLG3024_AndLoadsTheRest()
    {
        var folder = _folders.Files("loopy", ("plugin.yaml", $"id: loopy\nversion: 1.0.0\n{Sdk}instruments: [\"instruments/**/*.yaml\"]\n"),
            ("instruments/sub/demo.yaml", Instrument));
        Directory.CreateSymbolicLink(Path.Combine(folder, "instruments", "sub", "loop"), Path.Combine(folder, "instruments"));

        var host = await BuildWithin(new InstrumentHostBuilder().AddPluginFolder(folder), seconds: 30);

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3024", d.Id);
        Assert.Contains(Path.Combine("sub", "loop"), d.Message, StringComparison.Ordinal);
        Assert.NotNull(host.Find("demo"));
    }

    [Fact]
    public void EnumerateFiles_DoesNotFollowLinksToFolders_AndNamesThem()
    {
        var folder = _folders.Files("enumerate", ("a.yaml", "x"), ("sub/b.yaml", "x"));
        var link = Path.Combine(folder, "sub", "up");
        Directory.CreateSymbolicLink(link, folder);
        var skipped = new List<string>();

        var files = PluginSearchPath.EnumerateFiles(folder, "*.yaml", recursive: true, skipped);

        Assert.Equal([Path.Combine(folder, "a.yaml"), Path.Combine(folder, "sub", "b.yaml")], files.ToArray());
        Assert.Equal([link], skipped);
    }

    [Fact]
    public async Task PluginWhoseInitializeNeverReturns_IsPLG3023_NamingIt_AndTheOthersLoad()
    {
        var host = await BuildWithin(new InstrumentHostBuilder()
            .WithPluginInitializeTimeout(TimeSpan.FromMilliseconds(300))
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("sleeper", "NeverReturns"), "sleeper"))
            .AddPluginFolder(_folders.Files("yaml-only", ("plugin.yaml", $"id: yaml-only\nversion: 1.0.0\n{Sdk}"), ("instruments/demo.yaml", Instrument))));

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3023", d.Id);
        Assert.Equal("Plugin 'sleeper' did not finish NeverReturns.Initialize within 0.3 seconds; it was skipped (its code may still be running in the background)", d.Message);
        Assert.DoesNotContain(host.Plugins, p => p.Id == "sleeper");
        Assert.NotNull(host.Find("demo"));
    }

    [Fact]
    public async Task PluginWhoseInitializeNeverReturns_DoesNotHangTheHost_WithTheDefaultTimeout()
    {
        var host = await BuildWithin(new InstrumentHostBuilder()
            .AddPluginFolder(_folders.Compiled("Misbehaving", Manifest("sleeper", "NeverReturns"), "sleeper")), seconds: 60);

        Assert.Equal("PLG3023", Assert.Single(host.Diagnostics).Id);
    }

    [Fact]
    public void AssemblyThatIsALinkToAFileOutsideThePluginFolder_IsPLG3004_AndNotLoaded()
    {
        var real = _folders.Compiled("Misbehaving", Manifest("good", "Good"), "real");
        var folder = _folders.Files("linked", ("plugin.yaml", Manifest("linked", "Good")));
        Directory.CreateDirectory(Path.Combine(folder, "bin"));
        File.CreateSymbolicLink(Path.Combine(folder, "bin", "Instruments.TestPlugins.Misbehaving.dll"),
            Path.Combine(real, "bin", "Instruments.TestPlugins.Misbehaving.dll"));

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3004", d.Id);
        Assert.Contains("outside the folder", d.Message, StringComparison.Ordinal);
        Assert.Empty(host.Plugins);
    }

    [Fact]
    public void AssemblyInsideAPluginFolderThatIsItselfALink_StillLoads()
    {
        var real = _folders.Compiled("Misbehaving", Manifest("good", "Good"), "real");
        var link = Path.Combine(Path.GetDirectoryName(real)!, "alias");
        Directory.CreateSymbolicLink(link, real);

        var host = new InstrumentHostBuilder().AddPluginFolder(link).Build();

        Assert.Contains(host.Plugins, p => p.Id == "good");
    }
}
