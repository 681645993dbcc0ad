using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// What one tracking run follows: one instrument, or the instruments of a protocol. Scores are numbered across the
/// instruments (instrument 0's scores first), so that a row's values are one flat vector; each instrument keeps its
/// own status per administration (an invalid PHQ-9 part leaves the GAD-7 part usable).
/// </summary>
internal sealed class TrackedSet
{
    private readonly int[] _instrumentOfScore;

    public TrackedSet(ScoringPlan plan)
        : this(null, plan, [plan], plan.Options)
    {
    }

    public TrackedSet(ProtocolPlan protocol)
        : this(protocol, protocol.ReaderPlan, [.. protocol.Instruments], protocol.ReaderPlan.Options)
    {
    }

    private TrackedSet(ProtocolPlan? protocol, ScoringPlan readerPlan, ScoringPlan[] instruments, DiagnosticOptions options)
    {
        Protocol = protocol;
        ReaderPlan = readerPlan;
        Instruments = instruments;
        Options = options;
        ScoreStart = new int[instruments.Length + 1];
        for (var k = 0; k < instruments.Length; k++)
        {
            ScoreStart[k + 1] = ScoreStart[k] + instruments[k].ScoreCount;
        }

        ScoreCount = ScoreStart[^1];
        Scores = [.. instruments.SelectMany(p => p.Definition.Scores)];
        _instrumentOfScore = new int[ScoreCount];
        for (var k = 0; k < instruments.Length; k++)
        {
            Array.Fill(_instrumentOfScore, k, ScoreStart[k], ScoreStart[k + 1] - ScoreStart[k]);
        }

        if (protocol is not null)
        {
            MemberScores = [.. protocol.Members.Select(m => ScoreStart[m.InstrumentIndex] + m.ScoreIndex)];
        }
    }

    /// <summary>The protocol; null when one instrument is tracked.</summary>
    public ProtocolPlan? Protocol { get; }

    /// <summary>The plan the input is read with: the instrument's, or the protocol's reader plan.</summary>
    public ScoringPlan ReaderPlan { get; }

    /// <summary>The instruments, in the protocol's order.</summary>
    public ScoringPlan[] Instruments { get; }

    /// <summary>Per instrument, the index of its first score in the flat numbering; one more entry holds <see cref="ScoreCount"/>.</summary>
    public int[] ScoreStart { get; }

    /// <summary>All instruments' scores.</summary>
    public int ScoreCount { get; }

    /// <summary>The scores, flat.</summary>
    public ScoreDefinition[] Scores { get; }

    /// <summary>Per protocol member, its score in the flat numbering; empty without a protocol.</summary>
    public int[] MemberScores { get; } = [];

    /// <summary>The severity choices for the tracking diagnostics.</summary>
    public DiagnosticOptions Options { get; }

    /// <summary>The instrument of score <paramref name="score"/> (flat).</summary>
    public int InstrumentOf(int score) => _instrumentOfScore[score];

    /// <summary>How a score is named in messages and CSV cells: its id, prefixed with the instrument id in a protocol.</summary>
    public string ScoreName(int score) =>
        Protocol is null ? Scores[score].Id : Instruments[InstrumentOf(score)].Definition.Id + "." + Scores[score].Id;
}
