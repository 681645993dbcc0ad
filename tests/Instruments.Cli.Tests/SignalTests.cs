using System.Diagnostics;
using System.Text;

namespace Instruments.Cli.Tests;

/// <summary>The real process, stopped by a signal while it writes an output file (issue 13).</summary>
public sealed class SignalTests
{
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public async Task Score_SignalledWhileWritingAFile_RemovesTheTemporaryFile_SaysSo_Exits128PlusSignal(string signal, int expectedExit)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir.Path,
        };
        foreach (var a in new[] { Host.HostDll, "score", "swls", "--input", "-", "--output", "out.csv" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("INSTRUMENTS_PLUGINS");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Input that does not end while the host runs: rows until the host is gone.
            var feed = Task.Run(() =>
            {
                var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("r,5,6,7,5,6\n", 4096)));
                var stdin = process.StandardInput.BaseStream;
                try
                {
                    stdin.Write("respondent_id,swls1,swls2,swls3,swls4,swls5\n"u8);
                    while (true)
                    {
                        stdin.Write(block);
                    }
                }
                catch (IOException)
                {
                    // The host exited and closed its end of the pipe.
                }
            });

            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (Directory.GetFiles(dir.Path, ".out.csv.*.tmp").Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "the host never started its temporary file: " + (process.HasExited ? await stderr : ""));
                await Task.Delay(50);
            }

            await Task.Delay(300); // well into the scoring
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            await feed.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        var err = await stderr;
        Assert.True(process.ExitCode == expectedExit, $"exit {process.ExitCode}: {err}");
        Assert.Contains("interrupted; no output file was written", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        Assert.Equal(string.Empty, await stdout);
    }
}
