using System.Collections.Immutable;
using System.Text;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>
/// The instrument of the tracking tests: three 0-9 items, <c>total</c> = their sum (at most one missing, prorated),
/// with change rules built here in C# (the YAML reader for <c>change:</c> is another branch's): lower is better,
/// a case at 10 or more, a fixed rule of 5 points and a Jacobson-Truax rule (sd 5, r 0.8: S_diff = 3.1623, threshold
/// 6.198), clinical significance with cut-off c from M0 5, s0 3, M1 18, s1 4 (c = (3*18 + 4*5)/7 = 10.571), and
/// sudden gains with the fixed rule's 5 points as cut-off. A second score, <c>first</c> (item a alone), has no rules.
/// </summary>
internal static class TrackingTestPlans
{
    public const string Yaml = """
        instrument: course
        version: 1.2.0
        title: Course test instrument
        license: { name: test, texts: restricted }
        response_scales:
          ten: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" }, { value: 6, label: "6" }, { value: 7, label: "7" }, { value: 8, label: "8" }, { value: 9, label: "9" } ] }
        items:
          - { id: a, scale: ten }
          - { id: b, scale: ten }
          - { id: c, scale: ten }
        scores:
          - { id: total, items: [a, b, c], method: sum, missing: { max: 1, prorate: true } }
          - { id: first, items: [a], method: sum }
        """;

    public static ChangeRules Rules { get; } = new()
    {
        Direction = ChangeDirection.LowerIsBetter,
        Caseness = new CasenessRule { Min = 10, Sources = ["test"] },
        ReliableChange =
        [
            new ReliableChangeRule { Id = "fixed", Method = ReliableChangeMethod.Fixed, Threshold = 5, Sources = ["test"] },
            new ReliableChangeRule { Id = "jt", Method = ReliableChangeMethod.JacobsonTruax, Sd = 5, Reliability = 0.8, Sources = ["test"] },
        ],
        ClinicalSignificance = new ClinicalSignificanceRule
        {
            FunctionalMean = 5, FunctionalSd = 3, DysfunctionalMean = 18, DysfunctionalSd = 4, ReliableChange = "jt", Sources = ["test"],
        },
        SuddenGains = new SuddenGainRule { ReliableChange = "fixed", Sources = ["test"] },
    };

    public static ScoringPlan Course { get; } = Build();

    private static ScoringPlan Build()
    {
        var yaml = TestPlans.Compile(Yaml).Definition;
        var scores = yaml.Scores.Select(s => new ScoreDefinition
        {
            Id = s.Id,
            Method = s.Method,
            Items = s.Items,
            Missing = s.Missing,
            Change = s.Id == "total" ? Rules : null,
        }).ToImmutableArray();
        var definition = new InstrumentDefinition
        {
            Id = yaml.Id,
            Version = yaml.Version,
            Title = yaml.Title,
            License = yaml.License,
            ResponseScales = yaml.ResponseScales,
            Items = yaml.Items,
            Scores = scores,
        };
        var result = ScoringPlan.Create(definition);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Plan!;
    }

    /// <summary>Tracks <paramref name="input"/> and returns the output text and the counts.</summary>
    public static (string Output, TrackingCounts Counts, List<string> Warnings) Track(string input, DataFormat output = DataFormat.Json,
        DataFormat inputFormat = DataFormat.Csv, bool seekable = true, bool occasions = false, int workers = 0, string client = "client_id", string occasion = "session",
        bool seekableOutput = true, List<long>? progress = null)
    {
        var warnings = new List<string>();
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(input));
        if (!seekable)
        {
            stream = new ForwardOnly(stream);
        }

        var pipeline = new TrackingPipeline(Course, stream, inputFormat, new TrackingOptions
        {
            Occasions = occasions,
            Warnings = warnings.Add,
            Workers = workers,
            ClientColumn = client,
            OccasionColumn = occasion,
            Progress = progress is null ? null : progress.Add,
        });
        var bytes = new MemoryStream();
        var counts = pipeline.Run(output, seekableOutput ? bytes : new WriteOnly(bytes));
        return (Encoding.UTF8.GetString(bytes.ToArray()), counts, warnings);
    }

    /// <summary>A stream that cannot seek, like standard input.</summary>
    public sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>An output that cannot seek, like standard output or a pipe.</summary>
    public sealed class WriteOnly(Stream inner) : Stream
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
