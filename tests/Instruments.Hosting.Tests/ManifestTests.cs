namespace Instruments.Hosting.Tests;

public sealed class ManifestTests : IDisposable
{
    private readonly PluginFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private InstrumentHost Load(string manifest, params (string Path, string Content)[] files) =>
        new InstrumentHostBuilder().AddPluginFolder(_folders.Files("p", [("plugin.yaml", manifest), .. files])).Build();

    [Fact]
    public void UnknownKey_IsPLG3002_AtTheKey_WithASuggestion()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \">=0.1.0\"\ninstrumnets: [\"x/*.yaml\"]\n");

        var d = Assert.Single(host.Diagnostics, x => x.Id == "PLG3002");
        Assert.Equal((4, 1), (d.Location.Line, d.Location.Column));
        Assert.Contains("did you mean 'instruments'?", d.Message);
        Assert.Empty(host.Plugins);
    }

    [Fact]
    public void MissingRequiredKey_IsPLG3003()
    {
        var host = Load("id: p\nversion: 1.0.0\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3003", d.Id);
        Assert.Equal("Missing required key 'sdk' in plugin.yaml", d.Message);
        Assert.Equal((1, 1), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void WrongTypes_ArePLG3004_AtTheValue()
    {
        var host = Load("id: Not_Valid\nversion: one\nsdk: \">=0.1.0\"\ninstruments: instruments/*.yaml\n");

        Assert.Equal(["PLG3004", "PLG3004", "PLG3004"], host.Diagnostics.Select(d => d.Id));
        Assert.Equal([(1, 5), (2, 10), (4, 14)], host.Diagnostics.Select(d => (d.Location.Line, d.Location.Column)));
    }

    [Fact]
    public void PatternEscapingThePluginFolder_IsRefused()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \">=0.1.0\"\ninstruments: [\"../other/*.yaml\"]\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3004", d.Id);
        Assert.Equal((4, 15), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void BadVersionRange_IsPLG3007()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \"about one\"\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3007", d.Id);
        Assert.Equal((3, 6), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void MissingAssemblyFile_IsPLG3005()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \">=0.1.0\"\nassembly: bin/Nope.dll\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3005", d.Id);
        Assert.Equal("Plugin 'p': assembly 'bin/Nope.dll' does not exist", d.Message);
        Assert.Equal((4, 11), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void PatternMatchingNothing_IsAWarning_PLG3006()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \">=0.1.0\"\ninstruments: [\"forms/*.yaml\"]\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3006", d.Id);
        Assert.False(d.IsError);
        Assert.Single(host.Plugins);
    }

    [Fact]
    public void ManifestSyntaxError_IsPLG3001_WithPosition()
    {
        var host = Load("id: p\nversion: [1.0.0\n");

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3001", d.Id);
        Assert.True(d.Location.Line >= 2);
    }

    [Fact]
    public void FolderWithoutManifest_IsPLG3018()
    {
        var folder = _folders.Files("empty", ("readme.txt", "nothing"));

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).Build();

        Assert.Equal("PLG3018", Assert.Single(host.Diagnostics).Id);
    }

    [Fact]
    public void SamePluginIdTwice_IsPLG3014()
    {
        var a = _folders.Files("a", ("plugin.yaml", "id: same\nversion: 1.0.0\nsdk: \">=0.1.0\"\n"));
        var b = _folders.Files("b", ("plugin.yaml", "id: same\nversion: 2.0.0\nsdk: \">=0.1.0\"\n"));

        var host = new InstrumentHostBuilder().AddPluginFolder(a).AddPluginFolder(b).Build();

        var d = Assert.Single(host.Diagnostics);
        Assert.Equal("PLG3014", d.Id);
        Assert.Equal("1.0.0", Assert.Single(host.Plugins).Version);
    }

    [Fact]
    public void InstrumentErrorsInAYamlPlugin_KeepTheirFilePositions()
    {
        var host = Load("id: p\nversion: 1.0.0\nsdk: \">=0.1.0\"\n", ("instruments/bad.yaml", "instrument: bad\nversion: 1.0.0\ntitle: x\nlicence: {}\n"));

        var d = Assert.Single(host.Diagnostics, x => x.Id == "INS1010");
        Assert.EndsWith(Path.Combine("instruments", "bad.yaml"), d.Location.Path);
        Assert.Equal((4, 1), (d.Location.Line, d.Location.Column));
    }

    [Theory]
    [InlineData(">=0.1.0 <1.0.0", "0.1.0", true)]
    [InlineData(">=0.1.0 <1.0.0", "1.0.0", false)]
    [InlineData("0.1.0", "0.9.3", true)]
    [InlineData("0.1.0", "1.0.0", false)]
    [InlineData(">1.2.3", "1.2.3", false)]
    [InlineData("=1.2.3", "1.2.3", true)]
    [InlineData("<=2.0.0", "2.0.0", true)]
    public void VersionRange_Contains(string range, string version, bool expected) =>
        Assert.Equal(expected, VersionRange.Parse(range)!.Contains(Version.Parse(version)));

    [Theory]
    [InlineData("")]
    [InlineData("1.0")]
    [InlineData(">=x.y.z")]
    [InlineData("~1.0.0")]
    public void VersionRange_RejectsWhatItCannotRead(string range) => Assert.Null(VersionRange.Parse(range));

    [Fact]
    public void ManifestErrorInOneField_DoesNotHideTheInstrumentFilesErrors_ButNothingLoads()
    {
        using var folders = new PluginFolders();
        var folder = folders.Files("phased",
            ("plugin.yaml", "id: phased\nversion: 1.0\nsdk: \">=0.1.0 <1.0.0\"\n"),
            ("instruments/bad.yaml", "instrument: bad\nversion: 1.0.0\ntitle: Bad\ncolour: red\n"));

        var host = new InstrumentHostBuilder().AddPluginFolder(folder).Build();

        Assert.Contains(host.Diagnostics, d => d.Id == "PLG3004" && d.Location.Path.EndsWith("plugin.yaml", StringComparison.Ordinal));
        Assert.Contains(host.Diagnostics, d => d.Id == "INS1010" && d.Location.Path.EndsWith("bad.yaml", StringComparison.Ordinal));
        Assert.Empty(host.Instruments);
        Assert.Empty(host.Plugins);
    }

    [Fact]
    public void UnreadableInstrumentList_OrACompiledPlugin_OnlyTheManifestErrorsAreReported()
    {
        using var folders = new PluginFolders();
        var badList = folders.Files("badlist",
            ("plugin.yaml", "id: badlist\nversion: 1.0\nsdk: \">=0.1.0 <1.0.0\"\ninstruments: 3\n"),
            ("instruments/bad.yaml", "instrument: bad\ncolour: red\n"));
        var compiled = folders.Files("compiled",
            ("plugin.yaml", "id: compiled\nversion: 1.0\nsdk: \">=0.1.0 <1.0.0\"\nassembly: bin/x.dll\n"),
            ("instruments/bad.yaml", "instrument: bad\ncolour: red\n"));

        var host = new InstrumentHostBuilder().AddPluginFolder(badList).AddPluginFolder(compiled).Build();

        Assert.All(host.Diagnostics, d => Assert.StartsWith("PLG", d.Id, StringComparison.Ordinal));
    }
}
