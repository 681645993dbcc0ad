using Instruments.Expressions;

namespace Instruments.Definitions;

/// <summary>
/// The one range analysis of the SDK: the <see cref="ScoreRange"/> of a score from its items' scales, its
/// missing-data rule and (for an expression) interval arithmetic over the compiled expression
/// (<see cref="CompiledExpression.Range"/>). The binder runs it once per score, in evaluation order; the bands
/// check and the scoring plan (hence reports) use what it gives.
/// </summary>
internal static class ScoreRangeAnalysis
{
    /// <summary>
    /// The range of one score. <paramref name="scoreRange"/> gives the ranges of the scores computed before it
    /// (by score index); <paramref name="note"/> says why the range is not integral ("prorated", "mean", "expression").
    /// Null when the score cannot be analysed at all (an unresolved scale or input; its bands are then not checked).
    /// </summary>
    public static ScoreRange? Analyze(ScoreDefinition score, int[] scoreItems, BoundItem[] items, CompiledExpression? expression,
        Func<int, ScoreRange> scoreRange, out string? note)
    {
        note = null;
        if (scoreItems.Any(i => items[i].Scale is null || items[i].Scale!.Options.IsDefaultOrEmpty))
        {
            return null;
        }

        var rule = score.Missing ?? MissingRule.None;
        ScoreRange range;
        switch (score.Method)
        {
            case ScoreMethod.Sum when rule.Prorate && rule.MaxMissing > 0:
            {
                // A prorated sum is the mean of the answered items times the item count.
                var n = scoreItems.Length;
                range = new ScoreRange(n * scoreItems.Min(i => (double)items[i].Min), n * scoreItems.Max(i => (double)items[i].Max), false);
                note = "prorated";
                break;
            }

            case ScoreMethod.Sum:
                range = new ScoreRange(scoreItems.Sum(i => (double)items[i].Min), scoreItems.Sum(i => (double)items[i].Max), true);
                break;

            case ScoreMethod.Mean:
            {
                if (scoreItems.Length == 0)
                {
                    return null;
                }

                // With missing items allowed, a mean may be over one item only: any single item's extremes.
                range = rule.MaxMissing > 0
                    ? new ScoreRange(scoreItems.Min(i => (double)items[i].Min), scoreItems.Max(i => (double)items[i].Max), scoreItems.Length == 1)
                    : new ScoreRange(scoreItems.Average(i => (double)items[i].Min), scoreItems.Average(i => (double)items[i].Max), scoreItems.Length == 1);
                note = "mean";
                break;
            }

            default:
            {
                if (expression is null
                    || expression.Slots.Any(slot => slot >= items.Length ? !scoreRange(slot - items.Length).IsKnown : items[slot].Scale is null))
                {
                    return null;
                }

                var (min, max) = expression.Range(slot => slot < items.Length
                    ? (items[slot].Min, items[slot].Max)
                    : (scoreRange(slot - items.Length).Min, scoreRange(slot - items.Length).Max));
                var integral = expression.IsIntegral(slot => slot < items.Length || scoreRange(slot - items.Length).IsIntegral);
                range = new ScoreRange(min, max, integral);
                note = integral ? null : "expression";
                break;
            }
        }

        return Round(score, range, ref note);
    }

    /// <summary>
    /// A range as the score's rounding rules leave it: rounded bounds, and whole numbers only when a rule rounds to
    /// whole numbers with a stated tie rule (under <c>ties: unstated</c> a tie stays x.5).
    /// </summary>
    private static ScoreRange Round(ScoreDefinition score, ScoreRange range, ref string? note)
    {
        var prorating = score.Method == ScoreMethod.Sum && score.Missing is { Prorate: true, MaxMissing: > 0 };
        foreach (var rule in new[] { prorating ? score.Missing!.Rounding : null, score.Rounding })
        {
            if (rule is not { Method: RoundingMethod.Nearest } || (uint)rule.Digits > Scoring.RoundingRules.MaxDigits)
            {
                continue;
            }

            if (rule.Ties == RoundingTies.Unstated || rule.Ties == RoundingTies.Unspecified)
            {
                note = (note ?? "rounded") + ", a tie left unrounded";
                continue;
            }

            range = new ScoreRange(Scoring.RoundingRules.Apply(rule, range.Min, out _), Scoring.RoundingRules.Apply(rule, range.Max, out _),
                range.IsIntegral || rule.Digits == 0);
            if (rule.Digits == 0)
            {
                note = null;
            }
        }

        return range;
    }
}
