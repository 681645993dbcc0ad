using System.Diagnostics;
using System.Text;

namespace Instruments.Cli.Tests;

/// <summary>The real process, when the reader of its standard output goes away (<c>instruments score ... | head -1</c>).</summary>
public sealed class BrokenPipeTests
{
    [Fact]
    public async Task Score_StdoutClosedAfterOneLine_StopsReadingInput_Exit141_WithoutSummary()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // a closed pipe is reported differently there; the in-process test covers the logic
        }

        const long rows = 4_000_000;   // about 50 MB: far more than the host reads ahead
        var row = Encoding.ASCII.GetBytes("r,5,6,7,5,6\n");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Host.RepoRoot,
        };
        foreach (var a in new[] { Host.HostDll, "score", "swls", "--input", "-" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("INSTRUMENTS_PLUGINS");
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();

        // The generator: writes rows until they are all written or the host is gone; counts the rows it got rid of.
        long written = 0;
        var feed = Task.Run(() =>
        {
            var stdin = process.StandardInput.BaseStream;
            var block = new byte[row.Length * 4096];
            for (var i = 0; i < 4096; i++)
            {
                row.CopyTo(block, i * row.Length);
            }

            try
            {
                stdin.Write("respondent_id,swls1,swls2,swls3,swls4,swls5\n"u8);
                while (written < rows)
                {
                    stdin.Write(block);
                    written += 4096;
                }

                stdin.Close();
            }
            catch (IOException)
            {
                // The host exited and closed its end of the pipe.
            }
        });

        var first = await process.StandardOutput.ReadLineAsync();
        process.StandardOutput.Close();   // like 'head -1'
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await feed.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("respondent_id,status,total,total_band,flags,diagnostics", first);
        Assert.True(process.ExitCode == 141, $"exit {process.ExitCode}: {await stderr}");
        Assert.DoesNotContain("scored", await stderr, StringComparison.Ordinal);
        Assert.True(written < rows / 4, $"the host took {written:N0} of {rows:N0} rows after its output was closed");
    }
}
