namespace Instruments.Cli.Tests;

/// <summary>
/// A command line that starts with a command's name is parsed with that command alone (the others are not built): it
/// must behave exactly as with every command built. Each line is run both ways; exit code, output and errors must match.
/// </summary>
public sealed class CommandTreeTests
{
    private static readonly string[] Names = ["list", "describe", "validate", "score", "export", "track", "agree", "report", "test", "schema", "import", "sql"];

    public static TheoryData<string[]> Lines()
    {
        var data = new TheoryData<string[]>();
        foreach (var name in Names)
        {
            data.Add([name, "--help"]);
            data.Add(["help", name]);
            data.Add([name, "--bogus"]);
            data.Add([name, "--inptu", "x"]);
            data.Add([name, "--version"]);
            data.Add([name, "score"]);
            data.Add([name, "--format"]);
        }

        data.Add(["track"]);
        data.Add(["track", "phq-9", "--input", "a.csv", "--input", "b.csv"]);
        data.Add(["track", "phq-9", "--input", "/nonexistent/instruments-test.csv"]);
        data.Add(["score", "nhs-talking-therapies", "--input", "/nonexistent/instruments-test.csv", "--format", "xml"]);
        data.Add(["score", "phq-9", "-i"]);
        data.Add(["describe", "phq-9"]);
        data.Add(["describe", "phq9"]);
        data.Add(["list", "--format", "json"]);
        data.Add(["agree", "wai-sr"]);
        data.Add(["sql", "gad-7", "--dialect", "duckdb"]);
        data.Add(["Track", "--help"]);
        data.Add(["trak", "phq-9"]);
        data.Add(["--help"]);
        data.Add(["--version"]);
        data.Add(["help"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void ACommandLine_RunsTheSame_WithOnlyItsCommandBuilt(string[] line)
    {
        var alone = InProcess.Run(line, stdin: null, stdout: null);
        var every = InProcess.Run(line, stdin: null, stdout: null, everyCommand: true);

        Assert.Equal(every.ExitCode, alone.ExitCode);
        Assert.Equal(every.Stdout, alone.Stdout);
        Assert.Equal(every.Stderr, alone.Stderr);
    }

    [Fact]
    public void EveryCommandName_BuildsThatCommand()
    {
        var context = new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, OpenStandardInput = () => Stream.Null, OpenStandardOutput = () => Stream.Null };
        Assert.Equal(Names, Commands.Commands.Create(context).Select(c => c.Name));
        foreach (var name in Names)
        {
            Assert.Equal([name], Commands.Commands.CreateFor(name, context).Select(c => c.Name));
        }

        Assert.Equal(Names, Commands.Commands.CreateFor("Track", context).Select(c => c.Name));
        Assert.Equal(Names, Commands.Commands.CreateFor(null, context).Select(c => c.Name));
    }
}
