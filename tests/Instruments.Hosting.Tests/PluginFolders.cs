using System.Reflection;

namespace Instruments.Hosting.Tests;

/// <summary>Temporary plugin folders made from the test plugins' build output, as a third party would ship them.</summary>
internal sealed class PluginFolders : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "instruments-plugins-" + Guid.NewGuid().ToString("N")[..8]);

    public PluginFolders() => Directory.CreateDirectory(_root);

    public static string RepoRoot { get; } = FindRoot();

    public static string BuiltInPlugins => Path.Combine(RepoRoot, "plugins");

    private static string Configuration =>
        typeof(PluginFolders).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "Configuration").Value!;

    /// <summary>A plugin folder holding a copy of a test plugin's build output and the given manifest.</summary>
    public string Compiled(string project, string manifest, string? folderName = null)
    {
        var output = Path.Combine(RepoRoot, "tests", "TestPlugins", project, "bin", Configuration, "net10.0");

        Assert.True(Directory.Exists(output), "test plugin not built: " + output);
        var folder = Path.Combine(_root, folderName ?? Path.GetFileName(project).ToLowerInvariant());
        Directory.CreateDirectory(Path.Combine(folder, "bin"));
        foreach (var file in Directory.EnumerateFiles(output))
        {
            File.Copy(file, Path.Combine(folder, "bin", Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), manifest);
        return folder;
    }

    /// <summary>A plugin folder with only the given files (relative path -> content).</summary>
    public string Files(string name, params (string Path, string Content)[] files)
    {
        var folder = Path.Combine(_root, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Loaded plugin assemblies may still be open on some platforms; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found");
    }
}
