using System.Text;
using System.Text.Json;
using Instruments.Cli.Commands;

namespace Instruments.Cli.Tests;

/// <summary>The command line and the commands, run in process through <see cref="InProcess"/> (no child process).</summary>
public sealed class InProcessTests
{
    private const string SwlsHeader = "respondent_id,swls1,swls2,swls3,swls4,swls5";

    private const string Manifest = "id: acme\nversion: 1.0.0\nsdk: \">=0.1.0 <1.0.0\"\ninstruments: [\"instruments/*.yaml\"]\n";

    // A two-item instrument with one example that passes and one that fails (9 is not an option).
    private const string Mood = """
        instrument: acme.mood
        version: 1.0.0
        title: Mood (test)
        license: { name: test, texts: shipped }
        response_scales:
          f: { options: [ { value: 0, label: a }, { value: 1, label: b }, { value: 2, label: c }, { value: 3, label: d } ] }
        items:
          - { id: m1, scale: f }
          - { id: m2, scale: f }
        scores:
          - { id: total, items: [m1, m2], method: sum }
        examples:
          - name: both answered
            source: test
            responses: { m1: 1, m2: 2 }
            expect: { status: complete, scores: { total: 3 } }
          - name: nine is expected to count
            source: test
            responses: { m1: 9, m2: 2 }
            expect: { status: complete, scores: { total: 11 } }
        """;

    // ---- help, version, usage errors ----

    [Fact]
    public async Task Help_Root_ListsEveryCommandWithItsSummary()
    {
        var help = await InProcess.RunAsync("--help");

        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("usage: instruments <command> [options]", help.Stdout, StringComparison.Ordinal);
        var summaries = Commands.Commands.Create(new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, OpenStandardInput = () => Stream.Null, OpenStandardOutput = () => Stream.Null })
            .ToDictionary(c => c.Name, c => c.Description);
        string[] expected = ["list", "describe", "validate", "score", "export", "track", "agree", "report", "test", "schema", "import", "sql"];
        Assert.Equal(expected, summaries.Keys);
        var commandLines = help.StdoutLines.SkipWhile(l => l != "commands:").Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(expected.Select(name => "  " + name.PadRight(10) + summaries[name]), commandLines);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public async Task Help_OtherSpellings_PrintTheSameRootHelp(string flag)
    {
        var help = await InProcess.RunAsync(flag);
        var reference = await InProcess.RunAsync("--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal(reference.Stdout, help.Stdout);
    }

    [Fact]
    public async Task Help_ForACommand_ListsItsOptions_AndHelpCommandIsTheSame()
    {
        var help = await InProcess.RunAsync("score", "--help");
        var viaHelp = await InProcess.RunAsync("help", "score");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal(help.Stdout, viaHelp.Stdout);
        Assert.StartsWith("usage: instruments score <instrument> [options]", help.Stdout, StringComparison.Ordinal);
        foreach (var option in new[] { "-i, --input FILE", "-o, --output FILE", "-f, --format FORMAT", "    --input-format FORMAT", "-q, --quiet", "    --plugins DIR", "-h, --help" })
        {
            Assert.Contains("  " + option + " ", help.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_PrintsNameAndVersion()
    {
        var r = await InProcess.RunAsync("--version");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^instruments \d+\.\d+\.\d+\S*$", Assert.Single(r.StdoutLines));
    }

    [Fact]
    public async Task NoArguments_PrintsHelpOnStderr_Exit2()
    {
        var r = await InProcess.RunAsync();

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.StartsWith("usage: instruments <command> [options]", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_OneLineWithHint_ThenUsage_Exit2()
    {
        var r = await InProcess.RunAsync("score", "swls", "--input", Host.Sample("swls.csv"), "--fromat", "json");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.Equal(
            [
                "instruments: error: unknown option '--fromat' for 'score'; did you mean '--format'?",
                "usage: instruments score <instrument> [options] (see 'instruments score --help')",
            ],
            r.StderrLines);
    }

    [Fact]
    public async Task UnknownCommand_OneLineWithHint_Exit2()
    {
        var r = await InProcess.RunAsync("valdiate", "x.yaml");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("instruments: error: unknown command 'valdiate'; did you mean 'validate'?", r.StderrLines[0]);
        Assert.StartsWith("usage: instruments <command> [options]; commands: list, describe, validate, score, export, track, agree, report, test", r.StderrLines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "score", "swls", "--input", "a.csv", "--format", "xml" }, "option '--format' must be one of csv, json, ndjson, parquet, fhir, fhir-ndjson, not 'xml'")]
    [InlineData(new[] { "score", "swls", "--input" }, "option '--input' needs a value (FILE)")]
    [InlineData(new[] { "score", "swls", "-i", "a.csv", "--input", "b.csv" }, "option '--input' given more than once")]
    [InlineData(new[] { "score", "swls", "extra", "--input", "a.csv" }, "unexpected argument 'extra' for 'score'")]
    [InlineData(new[] { "describe" }, "'describe' needs <instrument>")]
    [InlineData(new[] { "validate" }, "'validate' needs <path>...")]
    [InlineData(new[] { "list", "--quiet" }, "unknown option '--quiet' for 'list'")]
    [InlineData(new[] { "describe", "swls", "--combined", "-q" }, "unknown option '--combined' for 'describe'")]
    public async Task UsageErrors_OneLine_ThenUsage_Exit2(string[] args, string message)
    {
        var r = await InProcess.RunAsync(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(2, r.StderrLines.Length);
        Assert.Equal("instruments: error: " + message, r.StderrLines[0]);
        Assert.StartsWith("usage: instruments " + args[0], r.StderrLines[1], StringComparison.Ordinal);
    }

    // ---- commands ----

    [Fact]
    public async Task Score_FromStdinToStdout_ExactCsv()
    {
        var r = await InProcess.RunAsync(["score", "swls", "--input", "-"], SwlsHeader + "\nr1,5,5,5,5,5\nr2,7,7,7,7,9\n");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            "respondent_id,status,total,total_band,flags,diagnostics\r\n" +
            "r1,complete,25,Slightly satisfied,,\r\n" +
            "r2,invalid,,,,RSP2001:swls5;RSP2005:total\r\n",
            r.Stdout);
        Assert.Equal(["instruments: scored 2 rows: 1 complete, 0 partial, 1 invalid"], r.StderrLines);
    }

    [Fact]
    public async Task Score_Interrupted_Exit130_NoOutputFile()
    {
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var r = await Task.Run(() => InProcess.Run(["score", "swls", "--input", Host.Sample("swls.csv"), "--output", dir["out.csv"]], null, null, cancel: cancel.Token));

        Assert.Equal(130, r.ExitCode);
        Assert.Contains("instruments: error: interrupted; no output file was written", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["out.csv"]));
    }

    [Fact]
    public async Task Score_StdoutClosedEarly_StopsReading_Exit141_Quietly()
    {
        const long rows = 2_000_000;
        var input = new GeneratedCsv(rows);
        var output = new ClosesAfter(64 * 1024);

        var r = await Task.Run(() => InProcess.Run(["score", "swls", "--input", "-"], input, output));

        Assert.True(r.ExitCode == 141, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);              // no error, and no "scored N rows" summary
        Assert.True(input.RowsRead < rows / 4, $"read {input.RowsRead:N0} of {rows:N0} rows after stdout closed");
    }

    [Fact]
    public async Task Validate_InProcess_PrintsDiagnosticsWithThePathGiven()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.yaml", "instrument: demo\nversion: 1.0.0\ntitle: Demo\ncolour: blue\n");

        var r = await InProcess.RunAsync("validate", path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StdoutLines, l => l.StartsWith(path + "(4,1): error INS1010: Unknown key 'colour'", StringComparison.Ordinal));
        Assert.StartsWith("instruments: 1 file checked, 0 valid:", r.StderrLines[^1], StringComparison.Ordinal);
    }

    // ---- plugins: --plugins and INSTRUMENTS_PLUGINS reach every command ----

    [Theory]
    [InlineData("list")]
    [InlineData("describe")]
    [InlineData("score")]
    [InlineData("report")]
    [InlineData("test")]
    public async Task Plugins_FromFlagAndFromEnvironment_ReachEveryCommand(string command)
    {
        using var dir = new TempDir();
        dir.File("acme/plugin.yaml", Manifest);
        dir.File("acme/instruments/mood.yaml", Mood.Replace("m1: 9", "m1: 3", StringComparison.Ordinal).Replace("total: 11", "total: 5", StringComparison.Ordinal));
        var input = dir.File("in.csv", "id,m1,m2\nr1,1,2\n");
        string[] args = command switch
        {
            "list" => ["list"],
            "describe" => ["describe", "acme.mood"],
            "score" => ["score", "acme.mood", "--input", input],
            "report" => ["report", "acme.mood", "--input", input, "--combined"],
            _ => ["test", "acme.mood"],
        };

        var withFlag = await InProcess.RunAsync([.. args, "--plugins", dir["acme"]], null);
        var withEnvironment = await InProcess.RunAsync(args, null, new Dictionary<string, string?> { ["INSTRUMENTS_PLUGINS"] = dir["acme"] });
        var without = await InProcess.RunAsync(args, null);

        Assert.True(withFlag.ExitCode == 0, withFlag.ToString());
        Assert.True(withEnvironment.ExitCode == 0, withEnvironment.ToString());
        Assert.Equal(withFlag.Stdout, withEnvironment.Stdout);
        Assert.Contains(command == "score" ? "r1,complete,3" : "acme.mood", withFlag.Stdout, StringComparison.Ordinal);
        if (command == "list")
        {
            Assert.DoesNotContain("acme.mood", without.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, without.ExitCode);
            Assert.Contains("unknown instrument 'acme.mood'", without.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Plugins_FromFlagAndFromEnvironment_ReachValidate()
    {
        var swls = Path.Combine(Host.RepoRoot, "plugins", "wellbeing", "instruments", "swls.yaml");
        using var dir = new TempDir();
        dir.File("acme/plugin.yaml", Manifest);
        dir.File("acme/instruments/mood.yaml", Mood);

        var flag = await InProcess.RunAsync("validate", swls, "--plugins", "/no/such/folder");
        var environment = await InProcess.RunAsync(["validate", swls], null, new Dictionary<string, string?> { ["INSTRUMENTS_PLUGINS"] = "/no/such/folder" });
        var loaded = await InProcess.RunAsync(["validate", swls, "--plugins", dir["acme"]], null);

        Assert.Equal(2, flag.ExitCode);
        Assert.Equal(["instruments: error: plugins folder '/no/such/folder' does not exist"], flag.StderrLines);
        Assert.Equal(2, environment.ExitCode);
        Assert.Equal(flag.StderrLines, environment.StderrLines);
        Assert.True(loaded.ExitCode == 0, loaded.ToString());   // the plugin is loaded beside the file; only the paths given are reported
        Assert.Equal(string.Empty, loaded.Stdout);
    }

    // ---- test on a plugin folder ----

    [Fact]
    public async Task Test_PluginFolder_TestsOnlyThatPluginsInstruments_AndAFailureShowsItsDiagnostics()
    {
        using var dir = new TempDir();
        dir.File("acme/plugin.yaml", Manifest);
        dir.File("acme/instruments/mood.yaml", Mood);

        var r = await InProcess.RunAsync("test", dir["acme"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("PASS acme.mood \u203a both answered", r.StdoutLines[0]);
        Assert.Equal("FAIL acme.mood \u203a nine is expected to count", r.StdoutLines[1]);
        Assert.Contains(r.StdoutLines, l => l.StartsWith("     diagnostic: RSP2001: Item 'm1': 9 is not one of its response options", StringComparison.Ordinal));
        Assert.Equal("FAILED: 1 instrument, 2 examples: 1 passed, 1 failed", r.StdoutLines[^1]);
        Assert.DoesNotContain(r.StdoutLines, l => l.Contains("swls", StringComparison.Ordinal));   // built-in instruments are not tested

        var json = await InProcess.RunAsync("test", dir["acme"], "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var failed = doc.RootElement.GetProperty("instruments")[0].GetProperty("examples")[1];
        Assert.False(failed.GetProperty("passed").GetBoolean());
        Assert.Contains(failed.GetProperty("diagnostics").EnumerateArray(), d => d.GetString()!.StartsWith("RSP2001: Item 'm1': 9 is not one of its response options", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_BuiltInPluginFolder_TestsItsFourInstruments()
    {
        var r = await InProcess.RunAsync("test", Path.Combine(AppContext.BaseDirectory, "plugins", "wellbeing"));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("PASSED: 4 instruments,", r.StdoutLines[^1], StringComparison.Ordinal);
    }

    /// <summary>A CSV of <c>rows</c> SWLS rows made as it is read; counts the rows handed out.</summary>
    private sealed class GeneratedCsv(long rows) : Stream
    {
        private static readonly byte[] Header = Encoding.ASCII.GetBytes(SwlsHeader + "\n");
        private static readonly byte[] Row = Encoding.ASCII.GetBytes("r,5,6,7,5,6\n");
        private long _position;

        public long RowsRead => Math.Max(0, (_position - Header.Length) / Row.Length);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var total = Header.Length + (rows * Row.Length);
            var n = (int)Math.Min(count, total - _position);
            for (var i = 0; i < n; i++, _position++)
            {
                buffer[offset + i] = _position < Header.Length ? Header[_position] : Row[(_position - Header.Length) % Row.Length];
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Standard output whose reader goes away after <c>limit</c> bytes: later writes fail as on a closed pipe.</summary>
    private sealed class ClosesAfter(int limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > limit)
            {
                throw new IOException("Broken pipe");
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > limit)
            {
                throw new IOException("Broken pipe");
            }

            base.Write(buffer);
        }
    }
}
