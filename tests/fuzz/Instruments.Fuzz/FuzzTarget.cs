namespace Instruments.Fuzz;

/// <summary>
/// One thing the fuzzers drive: a function of an input's bytes that must return, or throw only what its contract
/// allows (it catches those itself). Anything else that escapes <see cref="Run"/> is a finding, and so is a
/// <see cref="ContractViolationException"/> the target throws when an output check fails.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The target's name on the command line and its corpus folder under <c>tests/fuzz/corpus/</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What the target checks, for <c>list</c>.</summary>
    public abstract string Contract { get; }

    /// <summary>Runs the target over one input.</summary>
    public abstract void Run(byte[] data);

    /// <summary>Every target, in the order the smoke run takes them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new CompilerTarget(),
        new ReaderTarget(Data.DataFormat.Csv),
        new ReaderTarget(Data.DataFormat.Json),
        new ReaderTarget(Data.DataFormat.Ndjson),
        new TemplateTarget(),
        new TrackTarget(),
        new ProtocolTarget(),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A target's output broke its contract (a row count, an unparsable output, a sandbox escape).</summary>
internal sealed class ContractViolationException : Exception
{
    public ContractViolationException()
    {
    }

    public ContractViolationException(string message)
        : base(message)
    {
    }

    public ContractViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
