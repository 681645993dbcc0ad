using System.Globalization;
using Instruments.Fuzz;

// Usage:
//   Instruments.Fuzz list
//   Instruments.Fuzz afl TARGET                 under afl-fuzz, after `sharpfuzz` instrumented the assemblies
//   Instruments.Fuzz smoke TARGET [--seed N] [--iterations N] [--max-length N] [--timeout-seconds N]
//                                  [--corpus DIR] [--findings DIR] [--known FILE]
//   Instruments.Fuzz repro TARGET FILE [--timeout-seconds N]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Instruments.Fuzz list | afl TARGET | smoke TARGET [options] | repro TARGET FILE");
    return 2;
}

if (args[0] == "list")
{
    foreach (var t in FuzzTarget.All)
    {
        Console.WriteLine($"{t.Name,-9} {t.Contract}");
    }

    return 0;
}

if (args.Length < 2 || FuzzTarget.Find(args[1]) is not { } target)
{
    Console.Error.WriteLine($"fuzz: name a target: {string.Join(", ", FuzzTarget.All.Select(t => t.Name))}");
    return 2;
}

if (args[0] == "afl")
{
    // Persistent mode: one process runs many inputs. Everything that escapes Run is a crash to AFL.
    SharpFuzz.Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}

var repo = FindRepository();
var options = new SmokeOptions(
    CorpusFolder: Path.Combine(repo, "tests", "fuzz", "corpus"),
    FindingsFolder: Path.Combine(repo, "tests", "fuzz", "findings"),
    KnownIssuesFile: Path.Combine(repo, "tests", "fuzz", "known-issues.txt"),
    Seed: 13,
    Iterations: 2000,
    MaxLength: 64 * 1024,
    Timeout: TimeSpan.FromSeconds(10));
var rest = args[0] == "repro" ? args.Skip(3) : args.Skip(2);
using (var flags = rest.GetEnumerator())
{
    while (flags.MoveNext())
    {
        var flag = flags.Current;
        if (!flags.MoveNext())
        {
            Console.Error.WriteLine($"fuzz: {flag} needs a value");
            return 2;
        }

        var value = flags.Current;
        options = flag switch
        {
            "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
            "--iterations" => options with { Iterations = int.Parse(value, CultureInfo.InvariantCulture) },
            "--max-length" => options with { MaxLength = int.Parse(value, CultureInfo.InvariantCulture) },
            "--timeout-seconds" => options with { Timeout = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
            "--corpus" => options with { CorpusFolder = value },
            "--findings" => options with { FindingsFolder = value },
            "--known" => options with { KnownIssuesFile = value },
            _ => null,
        } ?? options;
        if (flag is not ("--seed" or "--iterations" or "--max-length" or "--timeout-seconds" or "--corpus" or "--findings" or "--known"))
        {
            Console.Error.WriteLine($"fuzz: unknown option {flag}");
            return 2;
        }
    }
}

var run = new SmokeRun(target, options);
int exit;
switch (args[0])
{
    case "smoke":
        exit = run.Run();
        break;
    case "repro" when args.Length >= 3:
        exit = run.Replay(args[2]);
        break;
    default:
        Console.Error.WriteLine($"fuzz: unknown command {args[0]}");
        return 2;
}

// A hung worker thread is a background thread: exiting here ends it.
return exit;

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (Directory.Exists(Path.Combine(dir.FullName, "tests", "fuzz", "corpus")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
