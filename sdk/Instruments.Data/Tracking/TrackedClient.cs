using System.Collections.Immutable;
using System.Text;
using Instruments.Course;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Data;

/// <summary>
/// One client as the tracking pipeline analysed it, handed to <see cref="TrackingOptions.OnClient"/> (for example to
/// write a course-of-care report): the client id, one <see cref="TrackedAdministration"/> per occasion in occasion
/// order (the positions of the change engine's series), and the client's diagnostics (RSP2030-RSP2034) ordered by
/// line. Rows whose occasion is not usable (RSP2033) have no place in the order and appear only in
/// <see cref="Diagnostics"/>. Immutable; built only when a callback is set.
/// </summary>
public sealed class TrackedClient
{
    private TrackedClient(string client, int rows, ImmutableArray<TrackedAdministration> administrations, ImmutableArray<Diagnostic> diagnostics)
    {
        Client = client;
        Rows = rows;
        Administrations = administrations;
        Diagnostics = diagnostics;
    }

    /// <summary>The client id as given (untrusted text).</summary>
    public string Client { get; }

    /// <summary>The client's input rows, including those whose occasion is not usable and every row of a duplicated occasion.</summary>
    public int Rows { get; }

    /// <summary>One entry per distinct usable occasion, in occasion order.</summary>
    public ImmutableArray<TrackedAdministration> Administrations { get; }

    /// <summary>The client's diagnostics, in the order of the lines they name (each <see cref="Location.Line"/> is the input line, 0 when none).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    internal static TrackedClient From(ClientCourse course, ScoringPlan plan)
    {
        var admins = course.Administrations;
        var scores = plan.ScoreCount;
        var list = ImmutableArray.CreateBuilder<TrackedAdministration>(course.PositionCount);
        for (var i = 0; i < admins.Length;)
        {
            var p = course.PositionOf(i);
            if (p < 0)
            {
                break; // rows whose occasion is not usable come last
            }

            var j = i + 1;
            while (j < admins.Length && course.PositionOf(j) == p)
            {
                j++;
            }

            ref readonly var a = ref admins[i];
            var values = ImmutableArray.CreateBuilder<double>(scores);
            for (var s = 0; s < scores; s++)
            {
                values.Add(course.Value(i, s));
            }

            var reason = course.Reason(i, 0);
            string? problem = a.Status != ResponseStatus.Invalid ? null
                : reason.Length > 0 ? Encoding.UTF8.GetString(reason)
                : a.TextLength > 0 ? Encoding.UTF8.GetString(course.Text(i)) : null;
            var lines = ImmutableArray.CreateBuilder<int>(j - i);
            for (var k = i; k < j; k++)
            {
                lines.Add(admins[k].Line);
            }

            var notUsed = j - i > 1
                ? $"{j - i} administrations at this occasion (lines {string.Join(", ", lines)}): none is used (RSP2031)"
                : null;
            list.Add(new TrackedAdministration(a.Occasion, a.Line, lines.MoveToImmutable(), a.Status, values.MoveToImmutable(), problem, notUsed));
            i = j;
        }

        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>(course.Diagnostics.Count);
        foreach (var d in course.Diagnostics)
        {
            var location = d.Line > 0 ? new Location(string.Empty, d.Line, 0, d.Line, 0) : Location.None;
            diagnostics.Add(Diagnostic.Create(d.Descriptor, location, d.Arguments).WithSeverity(d.Severity));
        }

        return new TrackedClient(course.Client, course.Count, list.ToImmutable(), diagnostics.MoveToImmutable());
    }
}

/// <summary>
/// One occasion of a <see cref="TrackedClient"/>: the administration scored there, as the tracking pipeline holds it.
/// Immutable.
/// </summary>
public sealed class TrackedAdministration
{
    internal TrackedAdministration(Occasion occasion, int line, ImmutableArray<int> lines, ResponseStatus status, ImmutableArray<double> scores,
        string? problem, string? notUsed)
    {
        Occasion = occasion;
        Line = line;
        Lines = lines;
        Status = status;
        Scores = scores;
        Problem = problem;
        NotUsed = notUsed;
    }

    /// <summary>The occasion (its canonical text is <c>Occasion.ToString()</c>).</summary>
    public Occasion Occasion { get; }

    /// <summary>The input line of the administration (the first of them when the occasion is duplicated).</summary>
    public int Line { get; }

    /// <summary>Every input line at this occasion: one, or several when the occasion is duplicated (RSP2031).</summary>
    public ImmutableArray<int> Lines { get; }

    /// <summary>The scoring status of the administration (the first one when the occasion is duplicated).</summary>
    public ResponseStatus Status { get; }

    /// <summary>Every score of the plan as scored, in definition order; NaN when not computed (any value of an invalid administration is not used).</summary>
    public ImmutableArray<double> Scores { get; }

    /// <summary>Why the administration is invalid (its first error), or null.</summary>
    public string? Problem { get; }

    /// <summary>Why the administration is set aside although scored (two or more at this occasion, RSP2031), or null.</summary>
    public string? NotUsed { get; }

    /// <summary>True when score <paramref name="score"/> is used in the course: a finite value, not invalid, not set aside.</summary>
    /// <param name="score">The score's index in the definition.</param>
    public bool IsUsable(int score) => Status != ResponseStatus.Invalid && NotUsed is null && double.IsFinite(Scores[score]);
}
