using System.Runtime.InteropServices;
using System.Text;
using Instruments.Cli;

// The compilers' first run, on another core, while the command line is parsed (see Warmup).
Warmup.Start(args);

// The real console: the only place that touches Console statics. Commands get all of it through a CliContext.
try
{
    // Before Console.Out is first used, so that it writes UTF-8 without a byte order mark everywhere.
    Console.OutputEncoding = new UTF8Encoding(false);
}
catch (IOException)
{
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks the command to stop (score and report then leave no partial output file, exit 130);
    // a second one ends the process at once.
    if (!interrupt.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupt.Cancel();
    }
};

// SIGTERM (kill, a supervisor stopping the job) and SIGHUP (the terminal went away) stop a command the way Ctrl+C
// does: the temporary output file is removed and the command says so. The exit code is 128 + the signal's number, as a
// shell reports a process killed by it (SIGINT 130, SIGHUP 129, SIGTERM 143; and 141 for a closed standard output).
// A second signal of either kind takes its default action and ends the process at once.
var signalled = 0;
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var context = new CliContext
{
    Out = Console.Out,
    Error = StandardError(),
    OpenStandardInput = Console.OpenStandardInput,
    OpenStandardOutput = OpenStandardOutput,
    GetEnvironmentVariable = Environment.GetEnvironmentVariable,
    ErrorIsTerminal = !Console.IsErrorRedirected,
    Cancellation = interrupt.Token,
};
var exit = Cli.Run(args, context);
return exit == ExitCodes.Interrupted && Volatile.Read(ref signalled) is > 0 and var number ? 128 + number : exit;

void Stop(PosixSignalContext signal)
{
    if (!interrupt.IsCancellationRequested)
    {
        signal.Cancel = true;
        Volatile.Write(ref signalled, signal.Signal == PosixSignal.SIGTERM ? 15 : 1);
        interrupt.Cancel();
    }
}

// Console.Error encodes through a 256-byte buffer, one write(2) per 256 bytes: a run that warns about 100,000 rows
// (agree) made 80,000 system calls for 20 MB. The same stream, encoded through 16 KiB, flushed after every write as
// Console.Error is (nothing is held back from a terminal or a log).
static TextWriter StandardError()
{
    try
    {
        return TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false), 1 << 14) { AutoFlush = true });
    }
    catch (IOException)
    {
        return Console.Error;
    }
}

// On Unix the console stream drops writes to a closed pipe silently, so 'score ... | head -1' would score the whole
// input; write(2) on file descriptor 1 reports the broken pipe as an IOException, and the command stops. (A FileStream
// over descriptor 1 would too, but for a regular file it writes at its own position with pwrite and leaves the shell's
// offset behind: '(echo a; instruments score ...; echo b) > out' lost the start of the results.)
static Stream OpenStandardOutput()
{
    if (OperatingSystem.IsWindows())
    {
        return Console.OpenStandardOutput();
    }

    Console.Out.Flush();
    return new Instruments.Cli.IO.StandardOutputStream();
}
