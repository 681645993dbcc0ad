using System.Diagnostics;

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
            Assert.True(File.Exists(file.TemporaryPath!));
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

    // ---- special files: written in place, never replaced (issue 13, bug 3) ----

    [Fact]
    public void Create_OnACharacterDevice_WritesThroughItAndKeepsTheDevice()
    {
        // A private copy of /dev/null (major 1, minor 3): the real one must never be at risk in a test.
        var device = Path.Combine(_dir, "null");
        if (!OperatingSystem.IsLinux() || Run("mknod", device, "c", "1", "3") != 0)
        {
            return; // mknod needs root (CAP_MKNOD); the FIFO test covers the same path
        }

        using (var file = OutputFile.Create(device))
        {
            file.Stream.Write("discarded"u8);
            file.Commit();
        }

        Assert.Equal("character special file", FileType(device));
        Assert.Equal([device], Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Create_OnAFifo_StreamsToItsReaderAndKeepsTheFifo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = Path.Combine(_dir, "out.csv");
        Assert.Equal(0, Run("mkfifo", fifo));
        var reader = Task.Run(() => File.ReadAllText(fifo)); // opening blocks until the writer opens
        using (var file = OutputFile.Create(fifo))
        {
            file.Stream.Write("a,b\n1,2\n"u8);
            file.Commit();
        }

        Assert.Equal("a,b\n1,2\n", await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("fifo", FileType(fifo));
        Assert.Equal([fifo], Directory.GetFiles(_dir));
    }

    // ---- modes: a replacement keeps the old file's mode; a new file gets the umask default (bug 7) ----

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void Commit_ReplacingAnExistingFile_KeepsItsMode(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_dir, "out.csv");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, mode);
        using (var file = OutputFile.Create(path))
        {
            file.Stream.Write("new"u8);
            file.Commit();
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Create_ReplacingA0600File_TheTemporaryFileIsNoMorePermissive()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_dir, "out.csv");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var file = OutputFile.Create(path);
        file.Stream.Write("new"u8);
        file.Stream.Flush();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.TemporaryPath!));
    }

    [Fact]
    public void Commit_NewFile_GetsTheUmaskDefault()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Path.Combine(_dir, "new.csv");
        using (var file = OutputFile.Create(path))
        {
            file.Stream.Write("new"u8);
            file.Commit();
        }

        Assert.Equal((UnixFileMode)Convert.ToInt32("666", 8) & ~Umask(), File.GetUnixFileMode(path));
    }

    // ---- the same file under another name (bug 4) ----

    [Fact]
    public void WouldOverwrite_SamePathHardLinkAndSymlink_AreTheSameFile_AnotherFileIsNot()
    {
        var input = Path.Combine(_dir, "in.csv");
        File.WriteAllText(input, "a\n1\n");
        var other = Path.Combine(_dir, "other.csv");
        File.WriteAllText(other, "a\n1\n");
        Assert.True(OutputFile.WouldOverwrite(input, input));
        Assert.True(OutputFile.WouldOverwrite(Path.Combine(_dir, ".", "in.csv"), input));
        Assert.False(OutputFile.WouldOverwrite(other, input));
        Assert.False(OutputFile.WouldOverwrite(Path.Combine(_dir, "new.csv"), input));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var symlink = Path.Combine(_dir, "symlink.csv");
        File.CreateSymbolicLink(symlink, input);
        Assert.True(OutputFile.WouldOverwrite(symlink, input));
        Assert.True(OutputFile.WouldOverwrite(input, symlink));
        if (OperatingSystem.IsLinux())
        {
            var hardLink = Path.Combine(_dir, "hard.csv");
            Assert.Equal(0, Run("ln", input, hardLink));
            Assert.True(OutputFile.WouldOverwrite(hardLink, input));
        }
    }

    [Fact]
    public void Commit_ThroughASymlink_ReplacesTheTargetAndKeepsTheLink()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var target = Path.Combine(_dir, "target.csv");
        File.WriteAllText(target, "old");
        var link = Path.Combine(_dir, "link.csv");
        File.CreateSymbolicLink(link, target);
        using (var file = OutputFile.Create(link))
        {
            file.Stream.Write("new"u8);
            file.Commit();
        }

        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    private static UnixFileMode Umask() =>
        (UnixFileMode)Convert.ToInt32(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("Umask:", StringComparison.Ordinal))[6..].Trim(), 8);

    private static string FileType(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }

    private static int Run(string program, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
