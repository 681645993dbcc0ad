using System.Collections;
using System.Reflection;
using System.Text;
using Instruments.Plugins;
using McMaster.NETCore.Plugins;
using McMaster.NETCore.Plugins.Loader;

namespace Instruments.Hosting.Tests;

/// <summary>
/// The default loader builds the load context McMaster's <c>PluginLoader</c> builds, without its slow reading of the
/// runtime configuration files. Differential: McMaster itself is the reference, compared field by field.
/// </summary>
public sealed class PluginLoadContextTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("instruments-alc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly FieldInfo[] BuilderFields = typeof(AssemblyLoadContextBuilder).GetFields(BindingFlags.Instance | BindingFlags.NonPublic);

    private static List<string> ProbingPaths(AssemblyLoadContextBuilder builder) =>
        (List<string>)typeof(AssemblyLoadContextBuilder).GetField("_additionalProbingPaths", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(builder)!;

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => k.ToString()).Order(StringComparer.Ordinal)) + "}",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object>().Select(Describe)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    [Fact]
    public void TheNormsPluginsContext_IsTheOneMcMastersPluginLoaderBuilds_FieldByField()
    {
        var path = Path.GetFullPath(Path.Combine(PluginFolders.BuiltInPlugins, "norms", "bin", "Instruments.Plugins.Norms.dll"));
        Assert.True(File.Exists(path), path);
        var loader = PluginLoader.CreateFromAssemblyFile(path, sharedTypes: [typeof(InstrumentPlugin)], configure: c => c.PreferSharedTypes = true);
        var theirs = (AssemblyLoadContextBuilder)typeof(PluginLoader).GetField("_contextBuilder", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(loader)!;
        var ours = IsolatedPluginAssemblyLoader.CreateBuilder(path);

        Assert.True(BuilderFields.Length >= 10, "McMaster's builder changed shape: " + string.Join(", ", BuilderFields.Select(f => f.Name)));
        foreach (var field in BuilderFields)
        {
            Assert.Equal(Describe(field.GetValue(theirs)), Describe(field.GetValue(ours)));
        }

        // The shared contract and what it references resolve in the host's context, as the isolation tests rely on.
        Assert.Contains("Instruments.Sdk", Describe(typeof(AssemblyLoadContextBuilder).GetField("_defaultAssemblies", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(ours)));
    }

    public static TheoryData<string, string?, string?> Configurations()
    {
        var data = new TheoryData<string, string?, string?>();
        var abs = Path.DirectorySeparatorChar == '/' ? "/opt/probe" : @"C:\probe";
        string[] configs =
        [
            "{}",
            "null",
            "[]",
            "3",
            "{\"runtimeOptions\": null}",
            "{\"runtimeOptions\": 3}",
            "{\"runtimeOptions\": {}}",
            "{\"runtimeOptions\": {\"tfm\": \"net10.0\"}}",
            "{\"runtimeOptions\": {\"tfm\": null}}",
            "{\"runtimeOptions\": {\"tfm\": 10}}",
            $"{{\"runtimeOptions\": {{\"additionalProbingPaths\": [\"{abs}/a\", \"{abs}/|arch|/|tfm|\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\", \"{abs}/|arch|/|tfm|/x\", \"{abs}/b\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\", \"relative/b\", \"{abs}/c\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\", null, \"{abs}/c\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\", \"\", \"{abs}/c\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\", 3]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": \"{abs}/a\"}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": null}}}}",
            $"{{\"RuntimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\"]}}}}",
            $"{{\"runtimeOptions\": {{\"Tfm\": \"net10.0\", \"AdditionalProbingPaths\": [\"{abs}/a\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net8.0\"}}, \"runtimeOptions\": {{\"additionalProbingPaths\": [\"{abs}/|tfm|\"]}}}}",
            $"{{\"runtimeOptions\": 3, \"runtimeOptions\": {{\"additionalProbingPaths\": [\"{abs}/a\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"tfm\": \"net9.0\", \"additionalProbingPaths\": [\"{abs}/a\"], \"additionalProbingPaths\": [\"{abs}/|tfm|\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\",]}}}}",
            $"// a comment\n{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\"]}}}}",
            $"\uFEFF{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net10.0\", \"additionalProbingPaths\": [\"{abs}/a\"]}}}} {{}}",
            "{\"runtimeOptions\": {\"tfm\": \"net10.0\", \"configProperties\": {\"x\": true}, \"framework\": {\"name\": \"Microsoft.NETCore.App\"}}}",
            "not json",
            string.Empty,
        ];
        string?[] devs =
        [
            null,
            "{}",
            $"{{\"runtimeOptions\": {{\"additionalProbingPaths\": [\"{abs}/dev/|tfm|\", \"{abs}/dev/|arch|\"]}}}}",
            $"{{\"runtimeOptions\": {{\"tfm\": \"net9.0\", \"additionalProbingPaths\": [\"{abs}/dev/|tfm|\"]}}}}",
            $"{{\"runtimeOptions\": {{\"additionalProbingPaths\": [\"dev/relative\", \"{abs}/dev/after\"]}}}}",
            "{\"runtimeOptions\": {\"tfm\": 3}}",
        ];
        foreach (var config in configs)
        {
            foreach (var dev in devs)
            {
                data.Add(config, dev, null);
            }
        }

        // The runtime store is probed only when the process is 'dotnet' and a framework is named.
        data.Add("{\"runtimeOptions\": {\"tfm\": \"net10.0\"}}", null, "/usr/share/dotnet/dotnet");
        data.Add("{\"runtimeOptions\": {\"tfm\": \"net10.0\"}}", null, "/usr/share/dotnet/DOTNET.exe");
        data.Add("{\"runtimeOptions\": {}}", "{\"runtimeOptions\": {\"tfm\": \"net9.0\"}}", "/usr/share/dotnet/dotnet");
        data.Add("{\"runtimeOptions\": {\"tfm\": \"net10.0\"}}", null, "/opt/app/instruments");
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ProbingPaths_FromARuntimeConfig_AreMcMasters(string config, string? dev, string? process)
    {
        var path = Path.Combine(_folder, "plugin.runtimeconfig.json");
        File.WriteAllText(path, config, new UTF8Encoding(false));
        if (dev is not null)
        {
            File.WriteAllText(Path.Combine(_folder, "plugin.runtimeconfig.dev.json"), dev, new UTF8Encoding(false));
        }

        var ours = new AssemblyLoadContextBuilder();
        IsolatedPluginAssemblyLoader.AddProbingPaths(ours, path, process ?? Environment.ProcessPath);
        if (process is null)
        {
            // McMaster asks the running process (dotnet, under the test host); ours was told the same.
            var theirs = new AssemblyLoadContextBuilder();
            theirs.TryAddAdditionalProbingPathFromRuntimeConfig(path, includeDevConfig: true, out _);
            Assert.Equal(ProbingPaths(theirs), ProbingPaths(ours));
        }
        else
        {
            var isDotnet = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
            var tfm = config.Contains("net10.0", StringComparison.Ordinal) ? "net10.0" : "net9.0";
            var expected = isDotnet
                ? new[] { Path.Combine(Path.GetDirectoryName(process)!, "store", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), tfm) }
                : [];
            Assert.Equal(expected, ProbingPaths(ours));
        }
    }

    [Fact]
    public void AMissingConfig_AddsNothing()
    {
        var ours = new AssemblyLoadContextBuilder();
        IsolatedPluginAssemblyLoader.AddProbingPaths(ours, Path.Combine(_folder, "absent.runtimeconfig.json"), "/usr/share/dotnet/dotnet");
        Assert.Empty(ProbingPaths(ours));
    }
}
