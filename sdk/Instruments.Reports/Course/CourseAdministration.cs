using System.Collections.Immutable;
using Instruments.Scoring;

namespace Instruments.Reports;

/// <summary>
/// One administration of an instrument to one client at one occasion, copied out of a (reusable)
/// <see cref="ScoreResult"/> for a course-of-care report (<see cref="CourseReportModel"/>): the occasion as given,
/// the input line, the status, every score's value and band, and, when the tracking pipeline set it aside, why.
/// Immutable.
/// </summary>
public sealed class CourseAdministration
{
    private CourseAdministration(string occasion, int line, ResponseStatus status, ImmutableArray<double> scores,
        ImmutableArray<int> bands, string? problem, string? notUsed)
    {
        Occasion = occasion;
        Line = line;
        Status = status;
        Scores = scores;
        Bands = bands;
        Problem = problem;
        NotUsed = notUsed;
    }

    /// <summary>The occasion as given in the input (a session number or an ISO date, <c>yyyy-MM-dd</c>); the x-axis label.</summary>
    public string Occasion { get; }

    /// <summary>The input line the administration started on, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The status of the scored response.</summary>
    public ResponseStatus Status { get; }

    /// <summary>Every score of the plan, in definition order; NaN when the score was not computed.</summary>
    public ImmutableArray<double> Scores { get; }

    /// <summary>The index of the band each score lies in (into <c>ScoreDefinition.Bands</c>), or -1.</summary>
    public ImmutableArray<int> Bands { get; }

    /// <summary>The message of the response's first error diagnostic (why it is invalid), or null.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Why the tracking pipeline did not use this administration although it was scored (for example two
    /// administrations at the same occasion, RSP2031), or null.
    /// </summary>
    public string? NotUsed { get; }

    /// <summary>
    /// True when the score's value counts in the course: a finite value, a status that is not invalid, and not set
    /// aside (<see cref="NotUsed"/> is null).
    /// </summary>
    /// <param name="score">The score's index in the definition.</param>
    public bool IsUsable(int score) => Status != ResponseStatus.Invalid && NotUsed is null && double.IsFinite(Scores[score]);

    /// <summary>
    /// One administration from values scored elsewhere (for example by the tracking pipeline, which keeps each
    /// score's value and the status rather than the <see cref="ScoreResult"/>): each score's band is the score's band
    /// whose inclusive range holds the value, as scoring finds it.
    /// </summary>
    /// <param name="plan">The plan that scored the administration.</param>
    /// <param name="occasion">The occasion as given (a number or an ISO date); untrusted text.</param>
    /// <param name="status">The scoring status.</param>
    /// <param name="scores">Every score of <paramref name="plan"/>, in definition order; NaN when not computed.</param>
    /// <param name="line">The input line the administration started on, or 0 when unknown.</param>
    /// <param name="problem">Why the administration is invalid (its first error), or null.</param>
    /// <param name="notUsed">Why the administration is set aside although scored (a duplicate occasion), or null.</param>
    public static CourseAdministration FromValues(ScoringPlan plan, string occasion, ResponseStatus status, IReadOnlyList<double> scores,
        int line = 0, string? problem = null, string? notUsed = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(occasion);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count != plan.ScoreCount)
        {
            throw new ArgumentException($"Expected {plan.ScoreCount} score values, got {scores.Count}.", nameof(scores));
        }

        var values = ImmutableArray.CreateBuilder<double>(scores.Count);
        var bands = ImmutableArray.CreateBuilder<int>(scores.Count);
        for (var s = 0; s < scores.Count; s++)
        {
            var v = scores[s];
            values.Add(v);
            var band = -1;
            var defined = plan.Definition.Scores[s].Bands;
            for (var b = 0; b < defined.Length && double.IsFinite(v); b++)
            {
                if (v >= defined[b].Min && v <= defined[b].Max)
                {
                    band = b;
                    break;
                }
            }

            bands.Add(band);
        }

        return new CourseAdministration(occasion, line, status, values.MoveToImmutable(), bands.MoveToImmutable(), problem, notUsed);
    }

    /// <summary>Copies one scored administration.</summary>
    /// <param name="occasion">The occasion as given (a number or an ISO date); untrusted text.</param>
    /// <param name="result">The result, just scored (it may be reused afterwards).</param>
    /// <param name="line">The input line the administration started on, or 0 when unknown.</param>
    /// <param name="notUsed">Why the administration is set aside although scored (a duplicate occasion), or null.</param>
    public static CourseAdministration Create(string occasion, ScoreResult result, int line = 0, string? notUsed = null)
    {
        ArgumentNullException.ThrowIfNull(occasion);
        ArgumentNullException.ThrowIfNull(result);
        var count = result.Plan.ScoreCount;
        var scores = ImmutableArray.CreateBuilder<double>(count);
        var bands = ImmutableArray.CreateBuilder<int>(count);
        for (var s = 0; s < count; s++)
        {
            scores.Add(result.GetScore(s) ?? double.NaN);
            bands.Add(result.GetBandIndex(s));
        }

        string? problem = null;
        foreach (var d in result.Diagnostics)
        {
            if (d.Severity == Diagnostics.DiagnosticSeverity.Error)
            {
                problem = result.FormatMessage(d);
                break;
            }
        }

        return new CourseAdministration(occasion, line, result.Status, scores.MoveToImmutable(), bands.MoveToImmutable(), problem, notUsed);
    }
}
