using System.Text.Json;
using Instruments.Compiler;
using Instruments.Data;
using Instruments.Scoring;

namespace Instruments.Fuzz;

/// <summary>
/// The tracking pipeline (<c>instruments track</c>) over any CSV bytes, with an instrument that has every change rule
/// (caseness, a fixed and a Jacobson-Truax rule, clinical significance, sudden gains): only
/// <see cref="ResponseFileException"/> may escape; the JSON output parses, names each client once, and a client never
/// has more administrations than the input has rows. Both paths run: the seekable input (pre-scan, streaming when
/// grouped) and a forward-only one (everything held).
/// </summary>
internal sealed class TrackTarget : FuzzTarget
{
    private const string Yaml = """
        instrument: course
        version: 1.0.0
        title: Course fuzz instrument
        license: { name: test, texts: restricted }
        response_scales:
          five: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" } ] }
        items:
          - { id: a, scale: five }
          - { id: b, scale: five }
          - { id: c, scale: five }
        scores:
          - id: total
            items: [a, b, c]
            method: sum
            missing: { max: 1, prorate: true, sources: [test] }
            change:
              direction: lower-is-better
              caseness: { min: 6, sources: [test] }
              reliable_change:
                - { id: fixed, method: fixed, threshold: 3, sources: [test] }
                - { id: jt, method: jacobson-truax, sd: 2.5, reliability: 0.8, sources: [test] }
              clinical_significance: { functional: { mean: 2, sd: 1.5 }, dysfunctional: { mean: 8, sd: 2 }, reliable_change: jt, sources: [test] }
              sudden_gains: { reliable_change: fixed, sources: [test] }
        """;

    private static readonly ScoringPlan Plan = Compile();

    public override string Name => "track";

    public override string Contract =>
        "only ResponseFileException escapes; the JSON output parses, each client once, administrations <= rows; one pass (seekable in and out), pre-scan (seekable in, forward-only out) and forward-only in agree";

    public override void Run(byte[] data)
    {
        var onePass = Track(new MemoryStream(data, writable: false), data.Length, seekableOutput: true);
        var preScanned = Track(new MemoryStream(data, writable: false), data.Length, seekableOutput: false);
        var forwardOnly = Track(new ForwardOnlyStream(new MemoryStream(data, writable: false)), data.Length, seekableOutput: true);
        if (onePass != preScanned || onePass != forwardOnly)
        {
            throw new ContractViolationException("one pass, a pre-scanned pass and a forward-only read of the same input give different output");
        }
    }

    private static string? Track(Stream input, int bytes, bool seekableOutput)
    {
        var output = new MemoryStream();
        try
        {
            var pipeline = new TrackingPipeline(Plan, input, DataFormat.Csv, new TrackingOptions { Warnings = static _ => { }, Workers = 2 });
            pipeline.Run(DataFormat.Json, seekableOutput ? output : new WriteOnlyStream(output));
        }
        catch (ResponseFileException)
        {
            return null; // documented: the input cannot be read at all (no client or occasion column, unreadable bytes)
        }

        var json = output.ToArray();
        try
        {
            using var document = JsonDocument.Parse(json);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var client in document.RootElement.GetProperty("clients").EnumerateArray())
            {
                var id = client.GetProperty("client").GetString()!;
                if (!seen.Add(id))
                {
                    throw new ContractViolationException($"client '{id}' is written twice");
                }

                if (client.GetProperty("administrations").GetInt32() > bytes + 1)
                {
                    throw new ContractViolationException($"client '{id}' has more administrations than the input has bytes");
                }
            }
        }
        catch (JsonException e)
        {
            throw new ContractViolationException("the JSON output does not parse: " + e.Message, e);
        }

        return System.Text.Encoding.UTF8.GetString(json);
    }

    private static ScoringPlan Compile()
    {
        var compilation = InstrumentCompiler.Compile(Yaml, "course.yaml");
        if (compilation.HasErrors)
        {
            throw new InvalidOperationException("The track fuzz instrument does not compile: " + string.Join("; ", compilation.Diagnostics));
        }

        return compilation.CreatePlan(compilation.Definitions[0]);
    }

    /// <summary>Standard input as the pipeline sees it: readable, not seekable.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>An output that cannot seek (standard output): the tracker pre-scans instead of guessing.</summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
