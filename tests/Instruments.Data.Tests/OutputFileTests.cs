namespace Instruments.Data.Tests;

public sealed class OutputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("instruments-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Commit_ReplacesTheOldFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "out.csv");
        File.WriteAllText(path, "old");
        using (var file = OutputFile.Create(path))
        {
            file.Stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(path));
            file.Commit();
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Dispose_WithoutCommit_KeepsTheOldFileAndRemovesTheTemporaryOne()
    {
        var path = Path.Combine(_dir, "out.csv");
        File.WriteAllText(path, "old");
        using (var file = OutputFile.Create(path))
        {
            file.Stream.Write("half a fi"u8);
            Assert.True(File.Exists(file.TemporaryPath));
        }

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Create_InAMissingFolder_IsDirectoryNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => OutputFile.Create(Path.Combine(_dir, "nope", "out.csv")));

    [Fact]
    public void Create_OnAFolder_IsAnIOException() =>
        Assert.Throws<IOException>(() => OutputFile.Create(_dir));
}
