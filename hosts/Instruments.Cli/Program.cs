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

// SIGINT (Ctrl+C), SIGTERM (kill, a supervisor stopping the job) and SIGHUP (the terminal went away) ask the command to
// stop: score and report then leave no partial output file, and the command says so. The exit code is 128 + the
// signal's number, as a shell reports a process killed by it (SIGINT 130, SIGHUP 129, SIGTERM 143; and 141 for a
// closed standard output). A second signal of any of these takes its default action and ends the process at once.
// (Registered directly rather than through Console.CancelKeyPress, which sets up the whole terminal first.)
var signalled = 0;
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var textOut = OperatingSystem.IsWindows() ? Console.Out : StandardText(1, 1 << 12);
var context = new CliContext
{
    Out = textOut,
    Error = OperatingSystem.IsWindows() ? Console.Error : StandardText(2, 1 << 14),
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
        Volatile.Write(ref signalled, signal.Signal switch { PosixSignal.SIGTERM => 15, PosixSignal.SIGINT => 2, _ => 1 });
        interrupt.Cancel();
    }
}

// Standard output or error as text, UTF-8 without a byte order mark, flushed after every write (nothing is held back
// from a terminal or a log). On Unix: write(2) on the descriptor through a buffer of bufferSize bytes, without
// Console's terminal set-up (terminfo, signal handlers: several milliseconds of every start); a closed pipe is ignored,
// as Console ignores it. Console.Error also encoded through a 256-byte buffer: a run that warned about 100,000 rows
// (agree) made 80,000 system calls for 20 MB.
static TextWriter StandardText(int fd, int bufferSize)
{
    return TextWriter.Synchronized(new StreamWriter(new Instruments.Cli.IO.StandardOutputStream(fd, ignoreBrokenPipe: true), new UTF8Encoding(false), bufferSize) { AutoFlush = true });
}

// On Unix the console stream drops writes to a closed pipe silently, so 'score ... | head -1' would score the whole
// input; write(2) on file descriptor 1 reports the broken pipe as an IOException, and the command stops. (A FileStream
// over descriptor 1 would too, but for a regular file it writes at its own position with pwrite and leaves the shell's
// offset behind: '(echo a; instruments score ...; echo b) > out' lost the start of the results.)
Stream OpenStandardOutput()
{
    if (OperatingSystem.IsWindows())
    {
        return Console.OpenStandardOutput();
    }

    textOut.Flush();
    return new Instruments.Cli.IO.StandardOutputStream();
}
