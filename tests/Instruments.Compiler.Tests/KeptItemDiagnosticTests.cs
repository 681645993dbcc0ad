using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// <c>keep: true</c> items: the key is read, and a kept item used by a score, a derived score or a flag is INS1160 at
/// the reference (marked with ‸).
/// </summary>
public sealed class KeptItemDiagnosticTests
{
    // The template's three items plus a kept choice that no score uses.
    private const string ItemsWithKept = """
        items:
          - { id: situation, scale: freq, keep: true }
          - { id: mood, scale: freq }
          - { id: sleep, scale: freq }
          - { id: energy, scale: freq }
        """;

    [Fact]
    public void Keep_IsRead_AndDefaultsToFalse()
    {
        var compilation = Compile(Doc(items: ItemsWithKept));
        Assert.Empty(compilation.Diagnostics);
        var items = Assert.Single(compilation.Definitions).Items;
        Assert.True(items[0].Keep);
        Assert.False(items[1].Keep);
        Assert.False(items[0].Optional);
    }

    [Fact]
    public void Keep_False_IsAllowedInScores()
    {
        var compilation = Compile(Doc(items: """
            items:
              - { id: mood, scale: freq, keep: false }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """));
        Assert.Empty(compilation.Diagnostics);
        Assert.False(compilation.Definitions[0].Items[0].Keep);
    }

    [Fact]
    public void Keep_NotABoolean_IsReportedAtTheValue()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: situation, scale: freq, keep: ‸sometimes }
              - { id: mood, scale: freq }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1012");
        Assert.Contains("keep", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1160_SumScoreListsAKeptItem_PointsAtTheListEntry()
    {
        var d = ExpectOneAt(Doc(items: ItemsWithKept, scores: """
            scores:
              - id: total
                items: [mood, ‸situation, sleep, energy]
                method: sum
            """), "INS1160");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Score 'total' uses item 'situation', which is declared 'keep: true': a kept item is carried through to the output, never scored", d.Message);
    }

    [Fact]
    public void INS1160_MeanScoreInBlockList_PointsAtTheEntry()
    {
        ExpectOneAt(Doc(items: ItemsWithKept, scores: """
            scores:
              - id: average
                items:
                  - mood
                  - ‸situation
                method: mean
            """), "INS1160");
    }

    [Fact]
    public void INS1160_DerivedScoreNamesAKeptItem_PointsAtEachNameInTheExpression()
    {
        var found = ExpectAt(Doc(items: ItemsWithKept, scores: Scores + """

              - id: scaled
                expression: "total + ‸situation * 2 - max(‸situation, mood)"
            """), "INS1160");
        Assert.All(found, d => Assert.StartsWith("Score 'scaled' uses item 'situation'", d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void INS1160_FlagNamesAKeptItem_PointsAtTheName()
    {
        var d = ExpectOneAt(Doc(items: ItemsWithKept, flags: """
            flags:
              - id: high
                when: mood >= 1 and ‸situation == 2
            """), "INS1160");
        Assert.StartsWith("Flag 'high' uses item 'situation'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeptItem_MayAppearInExamples()
    {
        var compilation = Compile(Doc(items: ItemsWithKept, extra: """
            examples:
              - name: with a situation
                source: computed
                responses: { situation: 2, mood: 1, sleep: 1, energy: 1 }
                expect: { status: complete, scores: { total: 3 } }
            """));
        Assert.Empty(compilation.Diagnostics);
    }

    [Fact]
    public void Texts_Applied_KeepTheKeepFlag()
    {
        var compilation = Compile(Doc(header: Header.Replace("texts: shipped", "texts: restricted", StringComparison.Ordinal), items: ItemsWithKept));
        var def = Assert.Single(compilation.Definitions);
        var applied = InstrumentTexts.Apply(def, "instrument: demo\ntexts: { situation: Which situation?, mood: a, sleep: b, energy: c }\n", "t.yaml");
        Assert.True(applied.Definition is not null, string.Join("\n", applied.Diagnostics));
        Assert.True(applied.Definition.Items[0].Keep);
        Assert.False(applied.Definition.Items[1].Keep);
        Assert.Equal("Which situation?", applied.Definition.Items[0].Text);
    }
}
