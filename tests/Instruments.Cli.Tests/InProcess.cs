using System.Text;

namespace Instruments.Cli.Tests;

/// <summary>
/// Runs <c>instruments</c> inside the test process: <see cref="Cli.Run"/> with a <see cref="CliContext"/> over memory
/// (stdin from a string or stream, stdout and stderr captured, an environment of the test's choosing, never the
/// machine's). No process is spawned; paths are taken as given, relative to the test process's folder, so pass
/// absolute ones.
/// </summary>
public static class InProcess
{
    /// <summary>The clock of every in-process run, so that a report's timestamp is the same in two runs.</summary>
    private static readonly TimeProvider FixedClock = new FixedTime(new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.Zero));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static Task<RunResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    public static Task<RunResult> RunAsync(IEnumerable<string> args, string? stdin, IDictionary<string, string?>? environment = null) =>
        Task.Run(() => Run(args, stdin is null ? null : new MemoryStream(new UTF8Encoding(false).GetBytes(stdin)), null, environment));

    /// <summary>Runs with any standard input and output streams (for example a generator, or a stream that breaks).</summary>
    /// <param name="everyCommand">Build every command, not only the one the line names (see <see cref="Cli.Run(string[], CliContext, bool)"/>).</param>
    public static RunResult Run(IEnumerable<string> args, Stream? stdin, Stream? stdout, IDictionary<string, string?>? environment = null, CancellationToken cancel = default,
        bool everyCommand = false)
    {
        var output = stdout ?? new MemoryStream();
        var outWriter = new StreamWriter(new NonClosing(output), new UTF8Encoding(false)) { AutoFlush = true };
        var errWriter = new StringWriter();
        var context = new CliContext
        {
            Out = outWriter,
            Error = errWriter,
            OpenStandardInput = () => new NonClosing(stdin ?? new MemoryStream()),
            OpenStandardOutput = () => new NonClosing(output),
            GetEnvironmentVariable = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            ErrorIsTerminal = false,
            Cancellation = cancel,
            Time = FixedClock,
        };
        var exit = Cli.Run([.. args], context, everyCommand);
        string text;
        try
        {
            outWriter.Flush();
            text = output is MemoryStream memory ? Encoding.UTF8.GetString(memory.ToArray()) : string.Empty;
        }
        catch (IOException)
        {
            text = string.Empty;
        }

        return new RunResult(exit, text, errWriter.ToString());
    }

    /// <summary>Keeps the captured stream open when a command disposes what it was given.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
