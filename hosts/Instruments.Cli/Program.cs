using System.Text;
using Instruments.Cli;
using Microsoft.Win32.SafeHandles;

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

var context = new CliContext
{
    Out = Console.Out,
    Error = Console.Error,
    OpenStandardInput = Console.OpenStandardInput,
    OpenStandardOutput = OpenStandardOutput,
    GetEnvironmentVariable = Environment.GetEnvironmentVariable,
    ErrorIsTerminal = !Console.IsErrorRedirected,
    Cancellation = interrupt.Token,
};
return Cli.Run(args, context);

// On Unix the console stream drops writes to a closed pipe silently, so 'score ... | head -1' would score the whole
// input; a FileStream over file descriptor 1 reports the broken pipe as an IOException, and the command stops.
static Stream OpenStandardOutput()
{
    if (OperatingSystem.IsWindows())
    {
        return Console.OpenStandardOutput();
    }

    Console.Out.Flush();
    return new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
