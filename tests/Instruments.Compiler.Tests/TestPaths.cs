namespace Instruments.Compiler.Tests;

/// <summary>Locates files of the repository from the test output folder.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Plugin(string relative) => Path.Combine(RepoRoot, "plugins", relative);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found above " + AppContext.BaseDirectory);
    }
}
