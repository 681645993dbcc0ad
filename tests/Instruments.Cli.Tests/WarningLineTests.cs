using Instruments.Cli.Scoring;

namespace Instruments.Cli.Tests;

/// <summary>How a data-layer warning reads on standard error: the severity said once, a diagnostic's id after it.</summary>
public sealed class WarningLineTests
{
    [Theory]
    [InlineData("RSP2042: warning: c.csv line 3: client 'x' at occasion 2: no partner", "instruments: warning: RSP2042: c.csv line 3: client 'x' at occasion 2: no partner")]
    [InlineData("RSP2040: error: t.csv line 9: not paired", "instruments: error: RSP2040: t.csv line 9: not paired")]
    [InlineData("RSP2034: info: Line 3: empty", "instruments: info: RSP2034: Line 3: empty")]
    [InlineData("c.csv: line 3: the column 'x' is not an item", "instruments: warning: c.csv: line 3: the column 'x' is not an item")]
    [InlineData("Line 3: warning: not an id", "instruments: warning: Line 3: warning: not an id")]
    [InlineData("RSP: warning: no number", "instruments: warning: RSP: warning: no number")]
    [InlineData("rsp2042: warning: lower case", "instruments: warning: rsp2042: warning: lower case")]
    [InlineData("2042: warning: no letters", "instruments: warning: 2042: warning: no letters")]
    [InlineData("RSP2042: fatal: no such severity", "instruments: warning: RSP2042: fatal: no such severity")]
    [InlineData("RSP2042: warning: ", "instruments: warning: RSP2042: ")]
    [InlineData("", "instruments: warning: ")]
    public void Diagnostics_SayTheirSeverityOnce_OtherWarningsAreWarnings(string message, string line) =>
        Assert.Equal(line, InputFiles.WarningLine(message));
}
