using Instruments.Scoring;

namespace Instruments.Fhir;

/// <summary>
/// One QuestionnaireResponse read into item values (in the instrument's item order), with what identifies it for the
/// Observations derived from it; or, when it could not be read, why (<see cref="Malformed"/>). Answers that match no
/// response option are non-numeric values whose text names the <c>linkId</c> (RSP2002 when scored).
/// </summary>
public sealed class FhirResponse
{
    private readonly ResponseValue[] _values;
    private readonly string?[] _texts;

    internal FhirResponse(int position, int itemCount)
    {
        Position = position;
        _values = new ResponseValue[itemCount];
        _texts = new string?[itemCount];
    }

    /// <summary>
    /// Where the response is in the input, 1-based: its NDJSON line, or its entry's position in the Bundle (1 for a single
    /// resource). Used as the line of an unreadable response (RSP2010).
    /// </summary>
    public int Position { get; }

    /// <summary>The resource id, when given.</summary>
    public string? Id { get; internal set; }

    /// <summary>
    /// How Observations refer to the response (<c>derivedFrom</c>): the Bundle entry's <c>fullUrl</c>, else
    /// <c>QuestionnaireResponse/{id}</c>; null when the response has neither.
    /// </summary>
    public string? Reference { get; internal set; }

    /// <summary>The response's <c>subject.reference</c> (for example <c>Patient/123</c>), when given.</summary>
    public string? Subject { get; internal set; }

    /// <summary>The response's <c>authored</c> time as written, when given.</summary>
    public string? Authored { get; internal set; }

    /// <summary>The Questionnaire the response says it answers (<c>questionnaire</c>), when given.</summary>
    public string? Questionnaire { get; internal set; }

    /// <summary>Why the response could not be read (it is then scored as invalid with RSP2010), or null.</summary>
    public string? Malformed { get; internal set; }

    /// <summary>The <c>linkId</c>s with answers that match no item of the instrument (their answers are ignored).</summary>
    public IReadOnlyList<string> UnmatchedLinkIds => UnmatchedList;

    internal List<string> UnmatchedList { get; } = [];

    /// <summary>The item values, in the instrument's item order (missing where not answered).</summary>
    public ReadOnlySpan<ResponseValue> Values => _values;

    /// <summary>The text of each non-numeric value (what was answered, naming its <c>linkId</c>), beside <see cref="Values"/>.</summary>
    public ReadOnlySpan<string?> Texts => _texts;

    internal ResponseValue[] ValueArray => _values;

    internal string?[] TextArray => _texts;

    /// <summary>
    /// Scores the response into <paramref name="result"/>: its values, or, when it could not be read, an invalid result
    /// with RSP2010 naming its <see cref="Position"/>.
    /// </summary>
    /// <param name="plan">The plan of the instrument the response was read for.</param>
    /// <param name="result">A result of <paramref name="plan"/>, reused from response to response.</param>
    public void Score(ScoringPlan plan, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Malformed is { } reason)
        {
            plan.ScoreMalformed(result, Position, reason);
        }
        else
        {
            plan.Score(_values, _texts, result);
        }
    }
}
