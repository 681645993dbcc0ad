using Instruments.Scoring;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// Scores against the rules published for each instrument. Every expected value cites its source
/// (as collected in shared/instruments/CATALOGUE.md).
/// </summary>
public sealed class PublishedRuleTests
{
    private static readonly ScoringPlan Swls = ShippedPlan("wellbeing/instruments/swls.yaml");
    private static readonly ScoringPlan Phq9 = ShippedPlan("symptoms/instruments/phq-9.yaml");

    // SWLS: sum of 5 items 1-7 (5-35); bands 31-35 Extremely satisfied; 26-30 Satisfied; 21-25 Slightly satisfied;
    // 20 Neutral; 15-19 Slightly dissatisfied; 10-14 Dissatisfied; 5-9 Extremely dissatisfied.
    // Source: Diener et al. (1985); https://labs.psychology.illinois.edu/~ediener/SWLS.html
    [Theory]
    [InlineData(5, "Extremely dissatisfied")]
    [InlineData(9, "Extremely dissatisfied")]
    [InlineData(10, "Dissatisfied")]
    [InlineData(14, "Dissatisfied")]
    [InlineData(15, "Slightly dissatisfied")]
    [InlineData(19, "Slightly dissatisfied")]
    [InlineData(20, "Neutral")]
    [InlineData(21, "Slightly satisfied")]
    [InlineData(25, "Slightly satisfied")]
    [InlineData(26, "Satisfied")]
    [InlineData(30, "Satisfied")]
    [InlineData(31, "Extremely satisfied")]
    [InlineData(35, "Extremely satisfied")]
    public void Swls_TotalAtEveryBandBoundary_GetsTheManualsBand(int total, string band)
    {
        var result = Score(Swls, Spread(total, 5, 1, 7));

        Assert.Equal(ResponseStatus.Complete, result.Status);
        Assert.Equal(total, result.GetScore(0));
        Assert.Equal(band, result.GetBand(0));
        Assert.Empty(Ids(result));
    }

    [Fact]
    public void Swls_OneItemMissing_NoTotal_BecauseNoMissingRuleIsPublished()
    {
        // No author missing-data rule (CATALOGUE.md, SWLS: "Missing data: no author rule (UNCONFIRMED)").
        var result = Score(Swls, 5, 5, null, 5, 5);

        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.Null(result.GetScore(0));
        Assert.Null(result.GetBand(0));
        Assert.Equal(["RSP2004", "RSP2005"], Ids(result));
        Assert.Equal("Score 'total' not computed: 1 of its 5 items missing, at most 0 allowed", result.FormatMessage(result.Diagnostics[1]));
    }

    // PHQ-9: sum of 9 items 0-3 (0-27); bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe,
    // 20-27 severe. Source: Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16(9):606-613.
    [Theory]
    [InlineData(0, "Minimal")]
    [InlineData(4, "Minimal")]
    [InlineData(5, "Mild")]
    [InlineData(9, "Mild")]
    [InlineData(10, "Moderate")]
    [InlineData(14, "Moderate")]
    [InlineData(15, "Moderately severe")]
    [InlineData(19, "Moderately severe")]
    [InlineData(20, "Severe")]
    [InlineData(27, "Severe")]
    public void Phq9_TotalAtEveryBandBoundary_GetsTheManualsBand(int total, string band)
    {
        // Item 9 kept at 0 where possible so that the flag does not fire; the functional item (10) answered.
        var items = Spread(total, 9, 0, 3).Reverse().ToArray();
        var result = Score(Phq9, [.. items, 1]);

        Assert.Equal(total, result.GetScore(0));
        Assert.Equal(band, result.GetBand(0));
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    [Fact]
    public void Phq9_Item9Endorsed_FlagRaisedEvenWhenTheTotalIsMinimal()
    {
        // "Item 9 ... requires immediate clinical evaluation for any positive response, regardless of the total score."
        // MII PROMs IG, https://build.fhir.org/ig/medizininformatik-initiative/kerndatensatzmodul-proms/en/phq-9.html
        var result = Score(Phq9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);

        Assert.Equal(1, result.GetScore(0));
        Assert.Equal("Minimal", result.GetBand(0));
        Assert.Equal(FlagState.Raised, result.GetFlag(0));
    }

    [Fact]
    public void Phq9_Item9Zero_FlagNotRaised()
    {
        var result = Score(Phq9, 3, 3, 3, 3, 3, 3, 3, 3, 0, 3);

        Assert.Equal(24, result.GetScore(0));
        Assert.Equal(FlagState.NotRaised, result.GetFlag(0));
    }

    [Fact]
    public void Phq9_Item9Missing_FlagIsUnknownAndSaysSo_NeverSilentlyNoRisk()
    {
        var result = Score(Phq9, 1, 1, 1, 1, 1, 1, 1, 1, null, 0);

        Assert.Equal(FlagState.Unknown, result.GetFlag(0));
        var diagnostic = result.Diagnostics.ToArray().Single(d => d.Id == "RSP2008");
        Assert.Equal("Flag 'item9_positive' could not be evaluated: 'phq9_9' is missing; check it by hand", result.FormatMessage(diagnostic));
    }

    // Prorating: "Questionnaires with up to two missing values are scored, replacing any missing values with the average
    // score of the completed items." Arrieta et al. (2017), J Clin Psychol, doi:10.1002/jclp.22390 (via qscorer docs).
    [Fact]
    public void Phq9_OneItemMissing_ProratedFromTheMeanOfTheEightAnswered()
    {
        // answered: 2,2,2,2,2,2,2,3 -> sum 17, mean 2.125, x 9 = 19.125 (not rounded: rounding is unpublished).
        var result = Score(Phq9, 2, 2, 2, 2, 2, 2, 2, null, 3, 0);

        Assert.Equal(19.125, result.GetScore(0));
        Assert.True(result.IsProrated(0));
        Assert.Equal(8, result.GetAnsweredCount(0));
        Assert.Equal(ResponseStatus.Partial, result.Status);
        Assert.Null(result.GetBand(0)); // 19.125 lies between 15-19 and 20-27
        Assert.Equal(["RSP2004", "RSP2011", "RSP2007"], Ids(result));
    }

    [Fact]
    public void Phq9_TwoItemsMissing_ProratedFromTheMeanOfTheSevenAnswered()
    {
        // answered: 1,1,1,1,1,1,1 -> mean 1 x 9 = 9 -> Mild.
        var result = Score(Phq9, 1, 1, null, 1, 1, null, 1, 1, 1, 0);

        Assert.Equal(9, result.GetScore(0));
        Assert.True(result.IsProrated(0));
        Assert.Equal(7, result.GetAnsweredCount(0));
        Assert.Equal("Mild", result.GetBand(0));
        Assert.Equal(FlagState.Raised, result.GetFlag(0));
    }

    [Fact]
    public void Phq9_ThreeItemsMissing_NoTotal()
    {
        var result = Score(Phq9, 1, 1, null, 1, null, null, 1, 1, 0, 0);

        Assert.Null(result.GetScore(0));
        Assert.False(result.IsProrated(0));
        Assert.Contains("RSP2005", Ids(result));
        Assert.Equal(ResponseStatus.Partial, result.Status);
    }

    [Fact]
    public void Phq9_FunctionalItemIsOptionalAndNotScored()
    {
        // "the last question is not scored" (awell-score PHQ-9 README).
        var answered = Score(Phq9, 1, 1, 1, 1, 1, 1, 1, 1, 0, 3);
        var unanswered = Score(Phq9, 1, 1, 1, 1, 1, 1, 1, 1, 0, null);

        Assert.Equal(8, answered.GetScore(0));
        Assert.Equal(8, unanswered.GetScore(0));
        Assert.Equal(ResponseStatus.Complete, unanswered.Status);
        Assert.Empty(Ids(unanswered));
    }

    // CORE-10: 10 items 0-4, items 2 and 3 reverse-scored; clinical score = sum 0-40 (= item mean x 10); one missing
    // item may be prorated (mean of remaining items x 10). Sources: Barkham et al. (2013), Counselling and Psychotherapy
    // Research 13(1):3-13; NovoPsych CORE-10 page; CORE System Trust, "What's in a name 1: scoring CORE measures".
    private const string Core10 = """
        instrument: core-10
        version: 1.0.0
        title: CORE-10 (test fixture)
        license: { name: CORE System Trust, texts: restricted }
        response_scales:
          freq5:
            options:
              - { value: 0, label: Not at all }
              - { value: 1, label: Only occasionally }
              - { value: 2, label: Sometimes }
              - { value: 3, label: Often }
              - { value: 4, label: Most or all of the time }
        items:
          - { id: c1, scale: freq5 }
          - { id: c2, scale: freq5, reverse: true }
          - { id: c3, scale: freq5, reverse: true }
          - { id: c4, scale: freq5 }
          - { id: c5, scale: freq5 }
          - { id: c6, scale: freq5 }
          - { id: c7, scale: freq5 }
          - { id: c8, scale: freq5 }
          - { id: c9, scale: freq5 }
          - { id: c10, scale: freq5 }
        scores:
          - id: clinical
            items: [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10]
            method: sum
            missing: { max: 1, prorate: true }
        flags:
          - { id: risk, when: "c6 > 0", severity: critical }
        """;

    [Fact]
    public void Core10_Items2And3AreReverseScored()
    {
        var plan = Plan(Core10);

        // All items 0: items 2 and 3 reverse to 4 each -> 8.
        Assert.Equal(8, Score(plan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).GetScore(0));

        // Items 2 and 3 answered 4 ("most or all of the time" someone to turn to / able to cope) score 0.
        Assert.Equal(0, Score(plan, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0).GetScore(0));

        // Reverse keying is min + max - value for each value of the 0-4 scale.
        for (var v = 0; v <= 4; v++)
        {
            Assert.Equal(4 - v, Score(plan, 0, v, 4, 0, 0, 0, 0, 0, 0, 0).GetScore(0));
        }
    }

    [Fact]
    public void Core10_OneMissingItemIsProratedAsMeanOfRemainingTimesTen()
    {
        var plan = Plan(Core10);

        // 9 answered items; reversed values: c1 2, c2 4-1=3, c3 4-1=3, c4..c9 2, c10 missing -> sum 2+3+3+2*6 = 20,
        // mean 20/9, x 10 = 22.22...
        var result = Score(plan, 2, 1, 1, 2, 2, 2, 2, 2, 2, null);

        Assert.Equal(20.0 / 9 * 10, result.GetScore(0)!.Value, 12);
        Assert.True(result.IsProrated(0));
        Assert.Null(Score(plan, 2, 1, 1, 2, 2, 2, 2, null, 2, null).GetScore(0));
    }

    // SHS: 4 items 1-7; "reverse code the 4th item (i.e., turn a 7 into a 1, a 6 into a 2 ...) and compute the mean of
    // the 4 items"; range 1.0-7.0. Lyubomirsky & Lepper (1999), Soc Indic Res 46(2):137-155.
    private const string Shs = """
        instrument: shs
        version: 1.0.0
        title: Subjective Happiness Scale (test fixture)
        license: { name: unconfirmed, texts: restricted }
        response_scales:
          seven: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" }, { value: 6, label: "6" }, { value: 7, label: "7" } ] }
        items:
          - { id: shs1, scale: seven }
          - { id: shs2, scale: seven }
          - { id: shs3, scale: seven }
          - { id: shs4, scale: seven, reverse: true }
        scores:
          - { id: happiness, items: [shs1, shs2, shs3, shs4], method: mean }
        """;

    [Theory]
    [InlineData(7, 7, 7, 1, 7.0)]   // item 4 answered 1 reverses to 7
    [InlineData(1, 1, 1, 7, 1.0)]   // item 4 answered 7 reverses to 1
    [InlineData(5, 6, 4, 3, 5.0)]   // (5 + 6 + 4 + (8 - 3)) / 4 = 20 / 4
    [InlineData(5, 5, 6, 6, 4.5)]   // (5 + 5 + 6 + 2) / 4 = 18 / 4
    public void Shs_MeanOfFourItemsWithItem4Reversed(int a, int b, int c, int d, double expected)
    {
        var result = Score(Plan(Shs), a, b, c, d);

        Assert.Equal(expected, result.GetScore(0));
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    // WHO-5: 5 items 0-5, raw 0-25, percentage = raw x 4 (0-100); raw < 13 -> poor well-being.
    // Sources: https://help.valant.com/who-five-well-being-index-who-5 ; https://medicalalgorithms.com/the-who-five-well-being-index
    private const string Who5 = """
        instrument: who-5
        version: 1.0.0
        title: WHO-5 (test fixture)
        license: { name: free, texts: restricted }
        response_scales:
          six: { options: [ { value: 0, label: At no time }, { value: 1, label: Some of the time }, { value: 2, label: Less than half of the time }, { value: 3, label: More than half of the time }, { value: 4, label: Most of the time }, { value: 5, label: All of the time } ] }
        items:
          - { id: who1, scale: six }
          - { id: who2, scale: six }
          - { id: who3, scale: six }
          - { id: who4, scale: six }
          - { id: who5, scale: six }
        scores:
          - { id: raw, items: [who1, who2, who3, who4, who5], method: sum }
          - id: percentage
            expression: "raw * 4"
        flags:
          - { id: poor_wellbeing, when: "raw < 13", severity: warning }
        """;

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0 }, 0, 0, true)]
    [InlineData(new[] { 3, 3, 2, 2, 2 }, 12, 48, true)]
    [InlineData(new[] { 3, 3, 3, 2, 2 }, 13, 52, false)]
    [InlineData(new[] { 5, 5, 5, 5, 5 }, 25, 100, false)]
    public void Who5_PercentageIsRawTimesFour_AndRawBelow13IsFlagged(int[] items, int raw, int percentage, bool poor)
    {
        var result = Score(Plan(Who5), [.. items.Select(i => (int?)i)]);

        Assert.Equal(raw, result.GetScore(0));
        Assert.Equal(percentage, result.GetScore(1));
        Assert.Equal(poor ? FlagState.Raised : FlagState.NotRaised, result.GetFlag(0));
    }

    [Fact]
    public void Who5_DerivedScoreNotComputedWhenRawIsMissing()
    {
        var result = Score(Plan(Who5), 1, 1, null, 1, 1);

        Assert.Null(result.GetScore(0));
        Assert.Null(result.GetScore(1));
        Assert.Equal(FlagState.Unknown, result.GetFlag(0));
        var derived = result.Diagnostics.ToArray().Single(d => d.Id == "RSP2009");
        Assert.Equal("Score 'percentage' not computed: 'raw' is missing", result.FormatMessage(derived));
    }
}
