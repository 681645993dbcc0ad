using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Instruments.Fuzz;

/// <summary>
/// The in-process deterministic mode (CI's smoke run): a target over its seed corpus and then over seeded
/// mutations, each input on a worker thread with a deadline. The first new finding (an exception outside the
/// contract, a contract violation, or an input that passes the deadline) is saved, printed in base64, and fails the
/// run. Findings listed in <c>tests/fuzz/known-issues.txt</c> (owned and being fixed elsewhere) are reported and counted,
/// not failed; a known hang still ends the target's run, since a thread cannot be stopped.
/// </summary>
internal sealed class SmokeRun(FuzzTarget target, SmokeOptions options)
{
    private readonly Worker _worker = new(target);

    public int Run()
    {
        var seeds = LoadCorpus(Path.Combine(options.CorpusFolder, target.Name));
        if (seeds.Count == 0)
        {
            Console.Error.WriteLine($"fuzz: no seed inputs in {Path.Combine(options.CorpusFolder, target.Name)}");
            return 2;
        }

        var known = KnownIssues.Load(options.KnownIssuesFile);
        var mutator = new Mutator(options.Seed, seeds.Select(s => s.Data).ToArray());
        var clock = Stopwatch.StartNew();
        var executions = 0;
        var knownHits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = seeds.Count + options.Iterations;
        var lastInput = Path.Combine(Path.GetTempPath(), $"instruments-fuzz-last-{target.Name}.bin");
        for (var i = 0; i < total; i++)
        {
            var (name, data) = i < seeds.Count ? seeds[i] : ($"mutation {i - seeds.Count + 1} (seed {options.Seed})", mutator.Next(options.MaxLength));
            File.WriteAllBytes(lastInput, data); // what a dying process (a stack overflow) was running
            var failure = _worker.Execute(data, options.Timeout);
            executions++;
            if (failure is null)
            {
                continue;
            }

            if (known.Match(failure.Signature) is { } note)
            {
                if (!knownHits.TryGetValue(failure.Signature, out var hits))
                {
                    Console.WriteLine($"fuzz {target.Name}: known issue ({note}): {failure.Signature}, first on {name}");
                }

                knownHits[failure.Signature] = hits + 1;
                if (failure.Hung)
                {
                    Console.WriteLine($"fuzz {target.Name}: stopping this target after a known hang (the hung thread cannot be stopped)");
                    break;
                }

                continue;
            }

            Report(failure, name, data);
            return 1;
        }

        var knownCount = knownHits.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz {target.Name}: {executions} executions ({seeds.Count} seeds, seed {options.Seed}) in {clock.Elapsed.TotalSeconds:0.0} s, 0 new findings, {knownCount} known"));
        return 0;
    }

    /// <summary>Runs one input (a reproduction): 0 when it keeps the contract, 1 with the failure printed when not.</summary>
    public int Replay(string file)
    {
        var data = File.ReadAllBytes(file);
        var failure = _worker.Execute(data, options.Timeout);
        if (failure is null)
        {
            Console.WriteLine($"fuzz {target.Name}: {file} keeps the contract");
            return 0;
        }

        Console.WriteLine($"fuzz {target.Name}: {file}: {failure.Signature}");
        Console.WriteLine(failure.Details);
        return 1;
    }

    private void Report(Failure failure, string name, byte[] data)
    {
        Directory.CreateDirectory(options.FindingsFolder);
        var hash = Convert.ToHexStringLower(SHA256.HashData(data))[..12];
        var path = Path.Combine(options.FindingsFolder, $"{target.Name}-{(failure.Hung ? "hang" : "crash")}-{hash}.bin");
        File.WriteAllBytes(path, data);
        Console.Error.WriteLine($"fuzz {target.Name}: NEW FINDING on {name}: {failure.Signature}");
        Console.Error.WriteLine(failure.Details);
        Console.Error.WriteLine($"input ({data.Length} bytes) saved to {path}; base64:");
        Console.Error.WriteLine(Convert.ToBase64String(data));
        Console.Error.WriteLine($"reproduce: tests/fuzz/run.sh --repro {target.Name} {path}");
    }

    private static List<(string Name, byte[] Data)> LoadCorpus(string folder) =>
        !Directory.Exists(folder)
            ? []
            : Directory.EnumerateFiles(folder)
                .Order(StringComparer.Ordinal)
                .Select(f => ("seed " + Path.GetFileName(f), File.ReadAllBytes(f)))
                .ToList();
}

/// <summary>The smoke mode's settings (see <c>Program</c> for their flags and defaults).</summary>
internal sealed record SmokeOptions(string CorpusFolder, string FindingsFolder, string KnownIssuesFile, int Seed, int Iterations, int MaxLength, TimeSpan Timeout);

/// <summary>One input that broke the contract: its signature (target, kind, where) and the full details.</summary>
internal sealed record Failure(string Signature, string Details, bool Hung);

/// <summary>
/// Runs inputs on one background thread and waits for each with a deadline (the hang guard). After a hang the
/// worker is abandoned: the thread goes on spinning until the process exits.
/// </summary>
internal sealed class Worker
{
    private readonly FuzzTarget _target;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private byte[] _input = [];
    private Exception? _error;
    private bool _hung;

    public Worker(FuzzTarget target)
    {
        _target = target;
        new Thread(Loop) { IsBackground = true, Name = "fuzz " + target.Name }.Start();
    }

    public Failure? Execute(byte[] data, TimeSpan timeout)
    {
        if (_hung)
        {
            throw new InvalidOperationException("the worker is stuck on an earlier input");
        }

        _input = data;
        _error = null;
        _start.Release();
        if (!_done.Wait(timeout))
        {
            _hung = true;
            return new Failure($"{_target.Name} hang", $"the input did not finish within {timeout.TotalSeconds:0.#} s", Hung: true);
        }

        return _error is null ? null : new Failure(Signature(_error), _error.ToString(), Hung: false);
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            try
            {
                _target.Run(_input);
            }
#pragma warning disable CA1031 // the harness reports every exception: that is its job
            catch (Exception e)
#pragma warning restore CA1031
            {
                _error = e;
            }

            _done.Release();
        }
    }

    /// <summary>The target, the exception type and the innermost Instruments frame (or the contract's message without numbers).</summary>
    private string Signature(Exception e)
    {
        if (e is ContractViolationException)
        {
            return $"{_target.Name} contract: {new string(e.Message.Where(c => !char.IsAsciiDigit(c)).ToArray())}";
        }

        var frames = new StackTrace(e).GetFrames();
        var where = frames.Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.FullName?.StartsWith("Instruments.", StringComparison.Ordinal) == true && m.DeclaringType.Namespace != "Instruments.Fuzz")
                    ?? frames.FirstOrDefault()?.GetMethod();
        return $"{_target.Name} {e.GetType().FullName} at {where?.DeclaringType?.FullName}.{where?.Name}";
    }
}

/// <summary>
/// <c>tests/fuzz/known-issues.txt</c>: one signature prefix a line, then <c>#</c> and a note (who owns it). Blank lines and
/// lines starting with <c>#</c> are comments. Remove a line when its fix lands, so the smoke run guards the fix.
/// </summary>
internal sealed class KnownIssues(IReadOnlyList<(string Prefix, string Note)> entries)
{
    public static KnownIssues Load(string file)
    {
        if (!File.Exists(file))
        {
            return new([]);
        }

        var entries = new List<(string, string)>();
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var hash = line.IndexOf(" #", StringComparison.Ordinal);
            entries.Add(hash < 0 ? (line, "known") : (line[..hash].TrimEnd(), line[(hash + 2)..].Trim()));
        }

        return new(entries);
    }

    public string? Match(string signature) =>
        entries.FirstOrDefault(e => signature.StartsWith(e.Prefix, StringComparison.Ordinal)).Note;
}
