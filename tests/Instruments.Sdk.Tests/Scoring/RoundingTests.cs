using Instruments.Scoring;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// Rounding as a definition states it: a prorated total rounded to the nearest whole number (the APA severity
/// measures' "if the result is a fraction, round to the nearest whole number"), each tie rule, a tie the source does
/// not settle, a score's own rounding, half-open bands, and bands read on the rounded value. Every expectation comes
/// from a reference written here in exact rational arithmetic, independent of the engine's decimal rounding.
/// </summary>
public sealed class RoundingTests
{
    // Ten items 0-4 (the APA template): total prorated from 8 or 9 answered items, rounded as {0} says; avg = total / 10
    // with half-open bands (0.5 steps), so that a tie left unrounded (x.5 total, x.x5 average) is visible in the band.
    private static string Definition(string ties, string scoreRounding = "") => $$"""
        instrument: ten
        version: 1.0.0
        title: Ten items (test fixture)
        license: { name: free, texts: restricted }
        response_scales:
          z4: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" } ] }
        items:
          - { id: i1, scale: z4 }
          - { id: i2, scale: z4 }
          - { id: i3, scale: z4 }
          - { id: i4, scale: z4 }
          - { id: i5, scale: z4 }
          - { id: i6, scale: z4 }
          - { id: i7, scale: z4 }
          - { id: i8, scale: z4 }
          - { id: i9, scale: z4 }
          - { id: i10, scale: z4 }
        scores:
          - id: total
            items: [i1, i2, i3, i4, i5, i6, i7, i8, i9, i10]
            method: sum
            missing:
              max: 2
              prorate: true
              rounding: { method: nearest, ties: {{ties}}, sources: [test] }
              sources: [test]
          - id: avg
            expression: "total / 10"
        {{scoreRounding}}
            sources: [test]
            bands:
              - { min: 0, below: 1.5, label: Low }
              - { min: 1.5, below: 2.3, label: Middle }
              - { min: 2.3, max: 4, label: High }
        """;

    /// <summary>The reference: the prorated total as an exact fraction (sum * 10 / answered), rounded by the rule named.</summary>
    private static (double Unrounded, double? Rounded) Reference(int sum, int answered, string ties)
    {
        var numerator = sum * 10;
        var whole = numerator / answered;
        var remainder = numerator % answered;          // value = whole + remainder / answered
        var unrounded = (double)numerator / answered;
        if (remainder == 0)
        {
            return (unrounded, whole);
        }

        var twice = 2 * remainder;
        if (twice < answered)
        {
            return (unrounded, whole);
        }

        if (twice > answered)
        {
            return (unrounded, whole + 1);
        }

        return ties switch
        {
            "half-up" or "half-away-from-zero" => (unrounded, whole + 1),
            "half-down" => (unrounded, whole),
            "half-even" => (unrounded, whole % 2 == 0 ? whole : whole + 1),
            _ => (unrounded, null),                     // unstated: left unrounded
        };
    }

    public static TheoryData<string, int, int> EveryPartialSum()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var ties in new[] { "half-up", "half-down", "half-even", "half-away-from-zero", "unstated" })
        {
            foreach (var answered in new[] { 8, 9 })
            {
                for (var sum = 0; sum <= 4 * answered; sum++)
                {
                    data.Add(ties, answered, sum);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPartialSum))]
    public void ProratedTotal_IsRoundedAsTheRuleStates_AndKeepsItsUnroundedValue(string ties, int answered, int sum)
    {
        var plan = Plan(Definition(ties));
        var values = Answers(answered, sum);
        var result = Score(plan, values);
        var (unrounded, rounded) = Reference(sum, answered, ties);
        var total = plan.IndexOfScore("total");

        Assert.Equal(unrounded, result.GetUnroundedScore(total), 12);
        Assert.True(result.IsProrated(total));
        var ids = result.Diagnostics.ToArray().Select(d => d.Id).ToList();
        if (rounded is { } r)
        {
            Assert.Equal(r, result.GetScoreValue(total));
            Assert.Equal(r != unrounded, result.IsRounded(total));
            Assert.Equal(r != unrounded, ids.Contains("RSP2016"));
            Assert.DoesNotContain("RSP2015", ids);
        }
        else
        {
            // A tie under 'unstated': left as it is, and said so.
            Assert.Equal(unrounded, result.GetScoreValue(total));
            Assert.False(result.IsRounded(total));
            Assert.Contains("RSP2015", ids);
            Assert.DoesNotContain("RSP2016", ids);
        }
    }

    [Fact]
    public void ATie_UnderEachRule_GoesItsOwnWay()
    {
        // 8 answered, partial sum 22: 22 x 10 / 8 = 27.5 exactly; 26 x 10 / 8 = 32.5.
        foreach (var (ties, expected27, expected32) in new[]
                 {
                     ("half-up", 28.0, 33.0), ("half-down", 27.0, 32.0), ("half-even", 28.0, 32.0),
                     ("half-away-from-zero", 28.0, 33.0), ("unstated", 27.5, 32.5),
                 })
        {
            var plan = Plan(Definition(ties));
            var total = plan.IndexOfScore("total");
            Assert.Equal(expected27, Score(plan, Answers(8, 22)).GetScoreValue(total));
            Assert.Equal(expected32, Score(plan, Answers(8, 26)).GetScoreValue(total));
        }
    }

    [Fact]
    public void TheMessages_SayWhatWasRoundedAndWhyATieWasNot()
    {
        var plan = Plan(Definition("unstated"));
        var tie = Score(plan, Answers(8, 22));
        var d = Assert.Single(tie.Diagnostics.ToArray(), x => x.Id == "RSP2015");
        Assert.Equal("Score 'total' = 27.5 is exactly halfway between 27 and 28, and the source of its rounding rule does not say which way a tie goes; left unrounded",
            tie.FormatMessage(d));
        var prorated = Assert.Single(tie.Diagnostics.ToArray(), x => x.Id == "RSP2011");
        Assert.Equal("Score 'total' prorated from 8 of its 10 items (mean of answered items x 10)", tie.FormatMessage(prorated));

        var rounded = Score(plan, Answers(9, 20)); // 200 / 9 = 22.22...
        var r = Assert.Single(rounded.Diagnostics.ToArray(), x => x.Id == "RSP2016");
        Assert.Equal("Score 'total' rounded from 22.222222222222 to 22 (nearest whole number, tie rule not stated by the source (a tie is left unrounded), "
            + "as the missing rule states for a prorated value)", rounded.FormatMessage(r));
    }

    [Fact]
    public void ACompleteResponse_IsNeverRoundedByTheMissingRule()
    {
        var plan = Plan(Definition("half-up"));
        var result = Score(plan, [4, 4, 4, 3, 0, 0, 0, 0, 0, 0]);
        var total = plan.IndexOfScore("total");
        Assert.Equal(15, result.GetScoreValue(total));
        Assert.False(result.IsProrated(total));
        Assert.False(result.IsRounded(total));
        Assert.Equal(15, result.GetUnroundedScore(total));
        Assert.DoesNotContain(result.Diagnostics.ToArray(), x => x.Id is "RSP2016" or "RSP2015" or "RSP2011");
    }

    [Fact]
    public void BandsApplyToTheRoundedValue_AndHalfOpenBandsHoldTheirLowerBoundOnly()
    {
        var plan = Plan(Definition("half-up"));
        var avg = plan.IndexOfScore("avg");

        Assert.Equal("Low", Score(plan, Answers(9, 13)).GetBand(avg));     // 130 / 9 = 14.44 -> 14: avg 1.4
        Assert.Equal("Middle", Score(plan, Answers(8, 12)).GetBand(avg));  // 15: avg 1.5, the lower bound of [1.5, 2.3)
        Assert.Equal("High", Score(plan, Answers(9, 22)).GetBand(avg));    // 220 / 9 = 24.44 -> 24: avg 2.4

        // 8 answered, sum 18: 22.5. Rounded half up to 23, avg 2.3 is High; left unrounded (ties unstated), avg 2.25 is Middle.
        var rounded = Score(plan, Answers(8, 18));
        Assert.Equal(2.3, rounded.GetScoreValue(avg), 12);
        Assert.Equal("High", rounded.GetBand(avg));
        var unstated = Plan(Definition("unstated"));
        var tie = Score(unstated, Answers(8, 18));
        Assert.Equal(2.25, tie.GetScoreValue(unstated.IndexOfScore("avg")), 12);
        Assert.Equal("Middle", tie.GetBand(unstated.IndexOfScore("avg")));
    }

    [Fact]
    public void AScoresOwnRounding_AppliesToEveryValue_AfterTheProratedValuesRounding()
    {
        var plan = Plan(Definition("half-up", "    rounding: { method: nearest, ties: half-even, digits: 0, sources: [test] }"));
        var avg = plan.IndexOfScore("avg");

        // Complete: total 25, avg 2.5 -> half-even 2 (the score's rule); prorated 8 answered, sum 30: 37.5 -> 38, avg 3.8 -> 4.
        var complete = Score(plan, [4, 4, 4, 4, 4, 4, 1, 0, 0, 0]);
        Assert.Equal(2, complete.GetScoreValue(avg));
        Assert.Equal(2.5, complete.GetUnroundedScore(avg));
        Assert.True(complete.IsRounded(avg));
        var prorated = Score(plan, Answers(8, 30));
        Assert.Equal(4, prorated.GetScoreValue(avg));
        Assert.Equal(3.8, prorated.GetUnroundedScore(avg), 12);
    }

    [Fact]
    public void AScoreThatIsNotComputed_HasNoUnroundedValue()
    {
        var plan = Plan(Definition("half-up"));
        var result = Score(plan, [1, 1, 1, 1, 1, 1, 1, null, null, null]);
        var total = plan.IndexOfScore("total");
        Assert.True(double.IsNaN(result.GetUnroundedScore(total)));
        Assert.False(result.IsRounded(total));
    }

    /// <summary>Ten answers: the first <paramref name="answered"/> items share <paramref name="sum"/> (4s first), the rest unanswered.</summary>
    private static int?[] Answers(int answered, int sum)
    {
        var values = new int?[10];
        for (var i = 0; i < 10; i++)
        {
            if (i >= answered)
            {
                values[i] = null;
                continue;
            }

            var v = Math.Min(4, sum);
            values[i] = v;
            sum -= v;
        }

        Assert.Equal(0, sum);
        return values;
    }
}
