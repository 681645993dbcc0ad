using System.Diagnostics;

namespace Instruments.Cli.Tests;

/// <summary>
/// Output never destroys input, replaces a special file, widens permissions or leaves debris (issue 13): in process,
/// on real files.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private const string Swls = "respondent_id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\nr2,7,7,7,7,7\n";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("same path")]
    [InlineData("./ relative")]
    [InlineData("hard link")]
    [InlineData("symlink")]
    public async Task Score_OutputIsTheInputFile_IsRefusedBeforeReading_Exit2_InputIntact(string how)
    {
        var input = _dir.File("in.csv", Swls);
        var (inputArg, output) = SameFile(how, input);

        var r = await InProcess.RunAsync("score", "swls", "--input", inputArg, "--output", output);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is the input file", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("scored", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(Swls, File.ReadAllText(input));
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp"));
    }

    [Theory]
    [InlineData("same path")]
    [InlineData("hard link")]
    [InlineData("symlink")]
    public async Task Report_CombinedOutputIsTheInputFile_IsRefused_Exit2_InputIntact(string how)
    {
        var input = _dir.File("in.csv", Swls);
        var (inputArg, output) = SameFile(how, input);

        var r = await InProcess.RunAsync("report", "swls", "--input", inputArg, "--combined", "--output", output, "--format", "md");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is the input file", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(Swls, File.ReadAllText(input));
    }

    [Fact]
    public async Task Score_OutputToDevNull_WritesThroughTheDeviceAndKeepsIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var input = _dir.File("in.csv", Swls);
        var r = await InProcess.RunAsync("score", "swls", "--input", input, "--output", "/dev/null");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("character special file", FileType("/dev/null"));
        Assert.Empty(Directory.GetFiles("/dev", ".null.*.tmp"));
    }

    [Fact]
    public async Task Score_OutputToAFifo_StreamsToItsReaderAndKeepsTheFifo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var input = _dir.File("in.csv", Swls);
        var fifo = _dir["out.csv"];
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var reader = Task.Run(() => File.ReadAllText(fifo));
        var r = await InProcess.RunAsync("score", "swls", "--input", input, "--output", fifo);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("respondent_id,status,total", await reader.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Equal("fifo", FileType(fifo));
        Assert.Equal([input, fifo], Directory.GetFiles(_dir.Path).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("600")]
    [InlineData("640")]
    public async Task Score_ReplacingAnExistingOutput_KeepsItsMode(string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = (UnixFileMode)Convert.ToInt32(octal, 8);
        var input = _dir.File("in.csv", Swls);
        var output = _dir.File("out.csv", "old results");
        File.SetUnixFileMode(output, mode);

        var r = await InProcess.RunAsync("score", "swls", "--input", input, "--output", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("respondent_id,status", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(mode, File.GetUnixFileMode(output));
    }

    /// <summary>The input argument and an output argument naming the same file another way.</summary>
    private (string Input, string Output) SameFile(string how, string input)
    {
        switch (how)
        {
            case "same path":
                return (input, input);
            case "./ relative":
                var relative = Path.GetRelativePath(Environment.CurrentDirectory, input);
                return (relative, "." + Path.DirectorySeparatorChar + relative);
            case "hard link":
                var hard = _dir["hard.csv"];
                using (var ln = Process.Start("ln", [input, hard]))
                {
                    ln.WaitForExit();
                }

                return (input, hard);
            default:
                var symlink = _dir["link.csv"];
                File.CreateSymbolicLink(symlink, input);
                return (input, symlink);
        }
    }

    private static string FileType(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }
}
