namespace Instruments.Cli;

/// <summary>
/// Everything a command may take from the world outside its arguments: standard output and error, standard input,
/// environment variables, whether stderr is a terminal, and a cancellation token. Program.cs builds the one over the
/// real console (<see cref="Console"/> statics are used nowhere else); tests build one over memory and run commands in
/// process.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Text output (results, help, tables). Commands that write bytes use <see cref="OpenStandardOutput"/> instead.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Messages, warnings, summaries and progress.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Opens standard input as a byte stream (for <c>--input -</c>).</summary>
    public required Func<Stream> OpenStandardInput { get; init; }

    /// <summary>
    /// Opens standard output as a byte stream (for results written as bytes). A write to it after the reader went away
    /// (a closed pipe) must throw <see cref="IOException"/>, so that the command can stop early.
    /// </summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Reads an environment variable; null when it is not set.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = _ => null;

    /// <summary>The clock (report timestamps); tests fix it.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>True when stderr is a terminal (progress is shown only then).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Cancelled when the user interrupts (Ctrl+C); long commands stop and exit with code 130.</summary>
    public CancellationToken Cancellation { get; init; }
}
