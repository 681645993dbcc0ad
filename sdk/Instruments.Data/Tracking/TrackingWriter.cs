using System.Text;
using Instruments.Course;
using Instruments.Data.IO;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// Writes the tracker's output: one row per client, or with <see cref="TrackingOptions.Occasions"/> one row per
/// administration. Bytes collect in a buffer that goes to the stream every 64 KiB. Not thread-safe.
/// </summary>
internal abstract class TrackingWriter(TrackedSet set, Stream output, bool occasions)
{
    private const int FlushBytes = 64 * 1024;

    private protected TrackedSet Set { get; } = set;

    private protected bool Occasions { get; } = occasions;

    private protected ByteBuffer Buffer { get; } = new(FlushBytes * 2);

    /// <summary>The scores, numbered across the instruments (<see cref="TrackedSet.Scores"/>).</summary>
    private protected ScoreDefinition[] Scores { get; } = set.Scores;

    /// <summary>Per score: the events "reliable_improvement:&lt;rule&gt;" and "reliable_deterioration:&lt;rule&gt;", by rule.</summary>
    private protected string[][] Improvements { get; } =
        [.. set.Scores.Select(s => (s.Change?.ReliableChange ?? []).Select(r => "reliable_improvement:" + r.Id).ToArray())];

    private protected string[][] Deteriorations { get; } =
        [.. set.Scores.Select(s => (s.Change?.ReliableChange ?? []).Select(r => "reliable_deterioration:" + r.Id).ToArray())];

    /// <summary>Per score: the events "rupture:&lt;rule&gt;" and "repair:&lt;rule&gt;", by rupture rule.</summary>
    private protected string[][] RuptureEvents { get; } =
        [.. set.Scores.Select(s => (s.Change?.Ruptures ?? []).Select(r => "rupture:" + r.Id).ToArray())];

    private protected string[][] RepairEvents { get; } =
        [.. set.Scores.Select(s => (s.Change?.Ruptures ?? []).Select(r => "repair:" + r.Id).ToArray())];

    private readonly List<string> _events = [];

    /// <summary>The writer for <paramref name="format"/>; none at all for <see cref="Stream.Null"/> (nothing is formatted to be thrown away).</summary>
    public static TrackingWriter Create(DataFormat format, TrackedSet set, Stream output, bool occasions) => ReferenceEquals(output, Stream.Null)
        ? new NullTrackingWriter(set)
        : format switch
    {
        DataFormat.Csv => new CsvTrackingWriter(set, output, occasions),
        DataFormat.Json => new JsonTrackingWriter(set, output, occasions, lines: false),
        DataFormat.Ndjson => new JsonTrackingWriter(set, output, occasions, lines: true),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an output format"),
    };

    /// <summary>Writes what comes before the first client.</summary>
    public abstract void Start();

    /// <summary>Writes one client (or its administrations).</summary>
    public abstract void Client(ClientCourse course);

    /// <summary>
    /// Writes what comes after the last client, with the rows that belong to no client and, for a protocol with an
    /// alliance-and-outcome pairing, the summary across clients; and flushes.
    /// </summary>
    public abstract void End(IReadOnlyList<TrackDiagnostic> unattributed, AllianceOutcomeSummary? summary);

    private protected void MaybeFlush()
    {
        if (Buffer.Length >= FlushBytes)
        {
            Flush();
        }
    }

    private protected void Flush()
    {
        output.Write(Buffer.WrittenSpan);
        Buffer.Clear();
    }

    private protected void FlushStream()
    {
        Flush();
        output.Flush();
    }

    /// <summary>The canonical text of an occasion as UTF-8, in <paramref name="scratch"/>.</summary>
    private protected static ReadOnlySpan<byte> Utf8(Occasion occasion, Span<byte> scratch) =>
        occasion.TryFormat(scratch, out var n) ? scratch[..n] : [];

    private protected static string OutcomeName(ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.Improved => "improved",
        ChangeOutcome.Deteriorated => "deteriorated",
        _ => "unchanged",
    };

    private protected static string CategoryName(ClinicalCategory category) => category switch
    {
        ClinicalCategory.Recovered => "recovered",
        ClinicalCategory.Improved => "improved",
        ClinicalCategory.Deteriorated => "deteriorated",
        _ => "unchanged",
    };

    /// <summary>
    /// The per-administration values of administration <paramref name="i"/> for score <paramref name="s"/>: the value
    /// used in the course (NaN when the administration is not used for the score), the change from the previous usable
    /// value and from the first usable value (NaN at the first), and the events at that occasion.
    /// </summary>
    private protected (double Value, double ChangePrevious, double ChangeFirst, List<string> Events) AtOccasion(ClientCourse c, int i, int s)
    {
        _events.Clear();
        var value = c.Value(i, s);
        var p = c.PositionOf(i);
        var series = c.Series(s);
        if (p < 0 || !double.IsFinite(series[p]))
        {
            return (double.NaN, double.NaN, double.NaN, _events);
        }

        var previous = double.NaN;
        for (var q = p - 1; q >= 0; q--)
        {
            if (double.IsFinite(series[q]))
            {
                previous = series[q];
                break;
            }
        }

        var course = c.Courses[s];
        var analyzer = c.Analyzers[s];
        foreach (var g in course.SuddenGains)
        {
            if (g.PregainPosition + 1 == p)
            {
                _events.Add("sudden_gain");
            }
        }

        foreach (var g in course.SuddenLosses)
        {
            if (g.PregainPosition + 1 == p)
            {
                _events.Add("sudden_loss");
            }
        }

        var ruptures = course.Ruptures;
        for (var r = 0; r < ruptures.Count; r++)
        {
            var list = ruptures[r].Ruptures;
            for (var k = 0; k < list.Count; k++)
            {
                if (list[k].Position == p)
                {
                    _events.Add(RuptureEvents[s][r]);
                }
            }

            for (var k = 0; k < list.Count; k++)
            {
                if (list[k].RepairPosition == p)
                {
                    // Several ruptures repaired at one administration: one event.
                    _events.Add(RepairEvents[s][r]);
                    break;
                }
            }
        }

        var changeFirst = double.NaN;
        if (p > course.FirstPosition)
        {
            changeFirst = value - course.First;
            for (var r = 0; r < course.RuleCount; r++)
            {
                switch (analyzer.Compare(course.First, value, r))
                {
                    case ChangeOutcome.Improved: _events.Add(Improvements[s][r]); break;
                    case ChangeOutcome.Deteriorated: _events.Add(Deteriorations[s][r]); break;
                }
            }

            if (course.CaseFirst == true && analyzer.IsCase(value) == false)
            {
                _events.Add("recovered");
            }
        }

        return (value, value - previous, changeFirst, _events);
    }

    /// <summary>The diagnostics shown with administration <paramref name="i"/>: those naming its line; those naming no line go with the client's first row.</summary>
    private protected static IEnumerable<TrackDiagnostic> DiagnosticsOf(ClientCourse c, int i)
    {
        var line = c.Administrations[i].Line;
        foreach (var d in c.Diagnostics)
        {
            if (d.Names(line) || (d.Line == 0 && i == 0))
            {
                yield return d;
            }
        }
    }

    private protected static string StatusName(ResponseStatus status) => ResultFormat.StatusName(status);

    /// <summary>Why a rupture rule could not be applied, in words; null when it could.</summary>
    private protected static string? NotEvaluableText(NoChangeReason reason) => reason switch
    {
        NoChangeReason.None => null,
        NoChangeReason.OneUsableAdministration => "one usable administration",
        _ => "no usable administration",
    };
}

/// <summary>
/// The writer for <see cref="Stream.Null"/>: a run whose only consumer is <see cref="TrackingOptions.OnClient"/> (the host's
/// course-of-care reports) formats no table.
/// </summary>
internal sealed class NullTrackingWriter(TrackedSet set) : TrackingWriter(set, Stream.Null, occasions: false)
{
    public override void Start()
    {
    }

    public override void Client(ClientCourse course)
    {
    }

    public override void End(IReadOnlyList<TrackDiagnostic> unattributed, AllianceOutcomeSummary? summary)
    {
    }
}
