using System.Diagnostics;

namespace Instruments.Cli.Tests;

/// <summary>
/// The real process with its standard output redirected by a shell to a regular file: what it writes must land at the
/// shell's offset and move it on, as any Unix program's output does (<c>(echo a; instruments score ...; echo b) &gt; out</c>,
/// and <c>&gt;&gt;</c> appending).
/// </summary>
public sealed class StandardOutputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("instruments-stdout-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(">")]
    [InlineData(">>")]
    public async Task ScoreAndTrack_BetweenShellWrites_KeepTheirPlaceInTheFile(string redirect)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var output = Path.Combine(_folder, "out.txt");
        if (redirect == ">>")
        {
            await File.WriteAllTextAsync(output, "before\n");
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
        var host = $"'{dotnet}' '{Host.HostDll}'";
        var script = $"(echo start; {host} score swls --input samples/swls.csv; echo middle; "
            + $"{host} track phq-9 --input samples/phq-9-course.csv; echo end) {redirect} '{output}'";
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Host.RepoRoot, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment.Remove("INSTRUMENTS_PLUGINS");
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        var lines = (await File.ReadAllTextAsync(output)).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var expectedStart = redirect == ">>" ? new[] { "before", "start" } : ["start"];
        Assert.True(lines.Take(expectedStart.Length).SequenceEqual(expectedStart), stderr + "\n" + string.Join("\n", lines));
        Assert.StartsWith("respondent_id,session,date,status,total", lines[expectedStart.Length], StringComparison.Ordinal);
        var middle = Array.IndexOf(lines, "middle");
        Assert.True(middle > expectedStart.Length + 1, string.Join("\n", lines));
        Assert.StartsWith("client,administrations,used,", lines[middle + 1], StringComparison.Ordinal);
        Assert.Equal("end", lines.Last(l => l.Length > 0));
    }
}
