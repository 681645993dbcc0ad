using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Compiler.Tests;

/// <summary>
/// The published facts of each shipped instrument, written out here from the catalogue
/// (<c>/work/shared/instruments/CATALOGUE.md</c>) independently of the YAML files and their worked examples, so that an
/// error made in both a definition and its examples is still caught. Items are referred to by their position
/// (item 1 = the first item), as manuals number them.
/// </summary>
public sealed class CatalogueFactsTests
{
    private static InstrumentDefinition Load(string relative) => InstrumentLibraryTests.Load(relative);

    private static (double Min, double Max, string Label)[] Bands(ScoreDefinition s) => [.. s.Bands.Select(b => (b.Min, b.Max, b.Label))];

    private static (double, double)[] Edges(ScoreDefinition s) => [.. s.Bands.Select(b => (b.Min, b.Max))];

    /// <summary>Item ids by 1-based position.</summary>
    private static string[] ItemsAt(InstrumentDefinition def, params int[] positions) => [.. positions.Select(p => def.Items[p - 1].Id)];

    /// <summary>
    /// Items 1 to <paramref name="count"/> are required and answered on <paramref name="min"/>..<paramref name="max"/>;
    /// the <paramref name="unscored"/> items after them (a functional-difficulty question on the form) are optional.
    /// All by position, as the catalogue states them, not by selecting on the property under test.
    /// </summary>
    private static void ScaleIs(InstrumentDefinition def, int count, int min, int max, int unscored = 0)
    {
        Assert.Equal(count + unscored, def.Items.Length);
        for (var p = 1; p <= count; p++)
        {
            var item = def.Items[p - 1];
            Assert.False(item.Optional, $"item {p} is scored, so it must not be optional");
            Assert.Equal((min, max), (def.FindScale(item.Scale)!.Min, def.FindScale(item.Scale)!.Max));
        }

        for (var p = count + 1; p <= count + unscored; p++)
        {
            Assert.True(def.Items[p - 1].Optional, $"item {p} is the unscored functional item, so it must be optional");
            Assert.All(def.Scores, s => Assert.DoesNotContain(def.Items[p - 1].Id, s.Items.IsDefault ? [] : s.Items));
        }
    }

    private static void ReverseKeyedAre(InstrumentDefinition def, params int[] positions) =>
        Assert.Equal(ItemsAt(def, positions), def.Items.Where(i => i.Reverse).Select(i => i.Id));

    private static ScoreResult Score(InstrumentDefinition def, Func<int, int?> valueAtPosition)
    {
        var plan = ScoringPlan.Create(def).Plan!;
        var response = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var p = 1; p <= def.Items.Length; p++)
        {
            if (valueAtPosition(p) is { } v)
            {
                response[def.Items[p - 1].Id] = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return plan.Score(response);
    }

    // ---- APA DSM-5 severity measures (MBC-RULES section 6): 10 items 0-4, raw total 0-40 prorated from 8 or 9
    // answered and rounded to the nearest whole number (tie rule not published: left unrounded), average = raw / 10
    // read at its anchors 0-4; item texts restricted (the APA grant covers researchers and clinicians only). ----

    [Theory]
    [InlineData("symptoms/instruments/dsm5-panic-adult.yaml", 0)]
    [InlineData("symptoms/instruments/dsm5-specific-phobia-adult.yaml", 1)]
    public void Dsm5SeverityMeasure_TenItems0To4_ProratedRawTotalRoundedToNearest_AverageReadAtItsAnchors(string file, int unscoredFirst)
    {
        var def = InstrumentLibraryTests.Load(file);
        Assert.Equal(10 + unscoredFirst, def.Items.Length);
        var rated = def.Items.Skip(unscoredFirst).ToArray();
        Assert.All(rated, i => Assert.Equal(
            ["Never", "Occasionally", "Half of the time", "Most of the time", "All of the time"],
            def.FindScale(i.Scale)!.Options.Select(o => o.Label).ToArray()));
        Assert.All(rated, i => Assert.Equal([0, 1, 2, 3, 4], def.FindScale(i.Scale)!.Options.Select(o => o.Value).ToArray()));

        var total = def.FindScore("total")!;
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Equal(rated.Select(i => i.Id), total.Items);
        Assert.Equal((2, true), (total.Missing.MaxMissing, total.Missing.Prorate));
        Assert.Equal((RoundingMethod.Nearest, RoundingTies.Unstated, 0),
            (total.Missing.Rounding!.Method, total.Missing.Rounding.Ties, total.Missing.Rounding.Digits));
        Assert.Empty(total.Bands);
        Assert.Null(total.Change);
        var average = def.FindScore("average")!;
        Assert.Equal([(0, 0, "None"), (1, 1, "Mild"), (2, 2, "Moderate"), (3, 3, "Severe"), (4, 4, "Extreme")], Bands(average));
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
        Assert.Contains("can be reproduced without permission by researchers and by clinicians for use with their patients", def.License.Notice,
            StringComparison.Ordinal);
        Assert.All(def.Items, i => Assert.Null(i.Text));

        // Raw totals by hand: 9 answered summing to 25 -> 250 / 9 = 27.78 -> 28; 8 answered summing to 21 -> 26.25 -> 26;
        // 8 answered summing to 22 -> 27.5 exactly, a tie the form does not settle: left as 27.5; 7 answered: no total.
        int? At(int p, int answered, int[] values) => p <= unscoredFirst ? 1 : p - unscoredFirst <= answered ? values[p - unscoredFirst - 1] : null;
        var t = def.Scores.IndexOf(total);
        var a = def.Scores.IndexOf(average);
        var nine = Score(def, p => At(p, 9, [4, 4, 4, 4, 4, 4, 1, 0, 0]));
        Assert.Equal((28.0, 2.8), (nine.GetScore(t), nine.GetScore(a)));
        Assert.Null(nine.GetBand(a));
        Assert.Equal(26, Score(def, p => At(p, 8, [4, 4, 4, 4, 4, 1, 0, 0])).GetScore(t));
        var tie = Score(def, p => At(p, 8, [4, 4, 4, 4, 4, 2, 0, 0]));
        Assert.Equal(27.5, tie.GetScore(t));
        Assert.Contains(tie.Diagnostics.ToArray(), d => d.Id == "RSP2015");
        Assert.Null(Score(def, p => At(p, 7, [4, 4, 4, 4, 4, 4, 4])).GetScore(t));
        var complete = Score(def, p => At(p, 10, [4, 4, 4, 4, 4, 0, 0, 0, 0, 0]));
        Assert.Equal((20.0, 2.0, "Moderate"), (complete.GetScore(t)!.Value, complete.GetScore(a)!.Value, complete.GetBand(a)));

        if (unscoredFirst == 1)
        {
            // Specific phobia: the situation cluster (one of five) comes first, is in no score and is kept in the output.
            Assert.Equal(5, def.FindScale(def.Items[0].Scale)!.Options.Length);
            Assert.True(def.Items[0].Keep);
            Assert.All(def.Scores, s => Assert.DoesNotContain(def.Items[0].Id, s.Items.IsDefault ? [] : s.Items));
        }
    }

    [Fact]
    public void Swls_FiveItems1To7_Sum5To35_SevenBands_TextsShipped()
    {
        var def = Load("wellbeing/instruments/swls.yaml");
        ScaleIs(def, 5, 1, 7);
        ReverseKeyedAre(def);
        var total = Assert.Single(def.Scores);
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Equal(
            [(5, 9, "Extremely dissatisfied"), (10, 14, "Dissatisfied"), (15, 19, "Slightly dissatisfied"), (20, 20, "Neutral"),
             (21, 25, "Slightly satisfied"), (26, 30, "Satisfied"), (31, 35, "Extremely satisfied")],
            Bands(total));
        Assert.Equal(0, total.Missing.MaxMissing);
        Assert.Equal(TextLicense.Shipped, def.License.Texts);
        Assert.Contains("Diener", def.License.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Phq9_NineItems0To3_FiveBands_ProratesUpToTwo_Item9Flag_FunctionalItemNotScored()
    {
        var def = Load("symptoms/instruments/phq-9.yaml");
        ScaleIs(def, 9, 0, 3, unscored: 1);
        var total = Assert.Single(def.Scores);
        Assert.Equal(ItemsAt(def, 1, 2, 3, 4, 5, 6, 7, 8, 9), total.Items);
        Assert.Equal([(0, 4), (5, 9), (10, 14), (15, 19), (20, 27)], Edges(total));
        Assert.Equal((2, true), (total.Missing.MaxMissing, total.Missing.Prorate));
        Assert.True(def.Items[9].Optional);
        Assert.DoesNotContain(def.Items[9].Id, total.Items);

        // Item 9 > 0 raises the risk flag regardless of the total.
        var flagged = Score(def, p => p == 9 ? 1 : 0);
        Assert.Equal(FlagState.Raised, flagged.GetFlag(0));
        Assert.Equal(1, flagged.GetScore(0));
        Assert.Equal(FlagState.NotRaised, Score(def, p => p == 9 ? 0 : 3).GetFlag(0));

        // Two missing: replaced by the mean of the answered items (7 answered summing to 14 -> 18); three missing: no total.
        Assert.Equal(18, Score(def, p => p <= 7 ? 2 : null).GetScore(0)!.Value, 9);
        Assert.Null(Score(def, p => p <= 6 ? 2 : null).GetScore(0));
        Assert.Contains("Pfizer", def.License.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Gad7_SevenItems0To3_Sum0To21_CutPoints5_10_15_FunctionalItemOptional()
    {
        var def = Load("symptoms/instruments/gad-7.yaml");
        ScaleIs(def, 7, 0, 3, unscored: 1);
        var total = Assert.Single(def.Scores);
        Assert.Equal(ItemsAt(def, 1, 2, 3, 4, 5, 6, 7), total.Items);
        Assert.Equal([(0, 4), (5, 9), (10, 14), (15, 21)], Edges(total));
        Assert.Equal(["Minimal", "Mild", "Moderate", "Severe"], total.Bands.Select(b => b.Label));
        Assert.Equal(0, total.Missing.MaxMissing);
        Assert.True(def.Items[7].Optional);                     // the functional question after the seven items
        Assert.DoesNotContain(def.Items[7].Id, total.Items);
        Assert.Equal(new ScoreRange(0, 21, true), ScoringPlan.Create(def).Plan!.GetScoreRange(0));
        Assert.Equal(TextLicense.Shipped, def.License.Texts);
        Assert.Contains("Pfizer", def.License.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Who5_FiveItems0To5_Raw0To25_PercentageRawTimesFour_ScreeningCutOffs()
    {
        var def = Load("wellbeing/instruments/who-5.yaml");
        ScaleIs(def, 5, 0, 5);
        Assert.Equal(TextLicense.Shipped, def.License.Texts);
        var plan = ScoringPlan.Create(def).Plan!;
        int raw = plan.IndexOfScore("raw"), percentage = plan.IndexOfScore("percentage");
        Assert.Equal(new ScoreRange(0, 25, true), plan.GetScoreRange(raw));          // catalogue: raw 0-25
        Assert.Equal((0d, 100d), (plan.GetScoreRange(percentage).Min, plan.GetScoreRange(percentage).Max)); // x 4: 0-100
        for (var total = 0; total <= 25; total++)
        {
            var t = total;
            var r = Score(def, p => Math.Clamp(t - ((p - 1) * 5), 0, 5));
            Assert.Equal(total, r.GetScore(raw));
            Assert.Equal(total * 4, r.GetScore(percentage));

            // raw < 13 -> poor well-being (test for depression); percentage <= 28 -> likely depression (Topp et al. 2015).
            var flags = Enumerable.Range(0, plan.FlagCount).Where(f => r.GetFlag(f) == FlagState.Raised).Select(f => def.Flags[f].Id).ToHashSet();
            Assert.Equal(total < 13, flags.Contains("poor_wellbeing"));
            Assert.Equal(total * 4 <= 28, flags.Contains("likely_depression"));
        }
    }

    [Fact]
    public void Flourishing_EightItems1To7_Sum8To56_NoReverseItems()
    {
        var def = Load("wellbeing/instruments/flourishing.yaml");
        ScaleIs(def, 8, 1, 7);
        ReverseKeyedAre(def);
        var total = Assert.Single(def.Scores);
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Empty(total.Bands);
        Assert.Equal(8, Score(def, _ => 1).GetScore(0));
        Assert.Equal(56, Score(def, _ => 7).GetScore(0));
        Assert.Equal(TextLicense.Shipped, def.License.Texts);
    }

    [Fact]
    public void WaiSr_TwelveItems1To5_TaskBondGoalFourItemsEach_SumScores_NoBands_TextsRestricted()
    {
        var def = Load("alliance/instruments/wai-sr.yaml");
        ScaleIs(def, 12, 1, 5);
        ReverseKeyedAre(def);
        Assert.Equal(ItemsAt(def, 1, 2, 10, 12), def.FindScore("task")!.Items);
        Assert.Equal(ItemsAt(def, 3, 5, 7, 9), def.FindScore("bond")!.Items);
        Assert.Equal(ItemsAt(def, 4, 6, 8, 11), def.FindScore("goal")!.Items);
        Assert.Equal(ItemsAt(def, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), def.FindScore("total")!.Items);
        Assert.All(def.Scores, s => Assert.Equal(ScoreMethod.Sum, s.Method));
        Assert.All(def.Scores, s => Assert.Empty(s.Bands));
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
        Assert.All(def.Items, i => Assert.Null(i.Text));
        Assert.Equal(["Seldom", "Sometimes", "Fairly often", "Very often", "Always"], def.ResponseScales[0].Options.Select(o => o.Label));
    }

    [Fact]
    public void Core10_TenItems0To4_Items2And3Reversed_Sum0To40_Bands_OneMissingProrated_Item6RiskFlag()
    {
        var def = Load("symptoms/instruments/core-10.yaml");
        ScaleIs(def, 10, 0, 4);
        ReverseKeyedAre(def, 2, 3);
        var clinical = Assert.Single(def.Scores);
        Assert.Equal(ScoreMethod.Sum, clinical.Method);
        Assert.Equal([(0, 10), (11, 14), (15, 19), (20, 24), (25, 40)], Edges(clinical));
        Assert.Equal(["Mild", "Moderate", "Moderate-to-severe", "Severe"], clinical.Bands.Skip(1).Select(b => b.Label));
        Assert.Equal((1, true), (clinical.Missing.MaxMissing, clinical.Missing.Prorate));

        // Sum = item mean x 10; one missing: mean of the remaining nine x 10.
        Assert.Equal(0, Score(def, p => p is 2 or 3 ? 4 : 0).GetScore(0));
        Assert.Equal(40, Score(def, p => p is 2 or 3 ? 0 : 4).GetScore(0));
        Assert.Equal(30, Score(def, p => p == 1 ? null : p is 2 or 3 ? 1 : 3).GetScore(0)!.Value, 9);
        Assert.Null(Score(def, p => p <= 2 ? null : 1).GetScore(0));

        var risk = Assert.Single(def.Flags);
        Assert.Equal(FlagState.Raised, Score(def, p => p == 6 ? 1 : p is 2 or 3 ? 4 : 0).GetFlag(0));
        Assert.Equal(FlagState.NotRaised, Score(def, p => p == 6 ? 0 : 4).GetFlag(0));
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
        Assert.Equal(FlagSeverity.Critical, risk.Severity);
    }

    [Fact]
    public void OciR_EighteenItems0To4_SixThreeItemSubscales_Total_CutOff21()
    {
        var def = Load("symptoms/instruments/oci-r.yaml");
        ScaleIs(def, 18, 0, 4);
        ReverseKeyedAre(def);
        Assert.Equal(ItemsAt(def, 5, 11, 17), def.FindScore("washing")!.Items);
        Assert.Equal(ItemsAt(def, 6, 12, 18), def.FindScore("obsessing")!.Items);
        Assert.Equal(ItemsAt(def, 1, 7, 13), def.FindScore("hoarding")!.Items);
        Assert.Equal(ItemsAt(def, 3, 9, 15), def.FindScore("ordering")!.Items);
        Assert.Equal(ItemsAt(def, 2, 8, 14), def.FindScore("checking")!.Items);
        Assert.Equal(ItemsAt(def, 4, 10, 16), def.FindScore("neutralizing")!.Items);
        Assert.Equal(def.Items.Select(i => i.Id), def.FindScore("total")!.Items);
        Assert.All(def.Scores, s => Assert.Equal(ScoreMethod.Sum, s.Method));
        Assert.Equal([(0, 15), (16, 27), (28, 72)], Edges(def.FindScore("total")!));

        // Cut-off: total >= 21.
        Assert.Equal(FlagState.Raised, Score(def, p => p <= 5 ? 4 : p == 6 ? 1 : 0).GetFlag(0));
        Assert.Equal(FlagState.NotRaised, Score(def, p => p <= 5 ? 4 : 0).GetFlag(0));
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
    }

    [Fact]
    public void K10_TenItems1To5_Sum10To50_AbsBands()
    {
        var def = Load("symptoms/instruments/k10.yaml");
        ScaleIs(def, 10, 1, 5);
        var total = Assert.Single(def.Scores);
        Assert.Equal(ScoreMethod.Sum, total.Method);
        Assert.Equal([(10, 15, "Low"), (16, 21, "Moderate"), (22, 29, "High"), (30, 50, "Very high")], Bands(total));
        Assert.Contains("ABS", def.Notes, StringComparison.Ordinal);
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
    }

    [Fact]
    public void Shs_FourItems1To7_Item4Reversed_Mean()
    {
        var def = Load("wellbeing/instruments/shs.yaml");
        ScaleIs(def, 4, 1, 7);
        ReverseKeyedAre(def, 4);
        var score = Assert.Single(def.Scores);
        Assert.Equal(ScoreMethod.Mean, score.Method);
        Assert.Equal(5.5, Score(def, _ => 7).GetScore(0));
        Assert.Equal(7, Score(def, p => p == 4 ? 1 : 7).GetScore(0));
        Assert.Equal(1, Score(def, p => p == 4 ? 7 : 1).GetScore(0));
        Assert.Equal(TextLicense.Restricted, def.License.Texts);
    }
}
