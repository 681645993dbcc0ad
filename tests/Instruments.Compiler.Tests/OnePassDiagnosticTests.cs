using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Errors in one pass: a structural mistake that leaves the rest of the definition whole (an unknown key, an
/// optional value of the wrong type) no longer hides the checks of references, scores, bands and expressions; a
/// mistake that drops part of the definition stops there, without follow-on errors. Every expected diagnostic is
/// marked with ‸ and listed by ID in caret order.
/// </summary>
public sealed class OnePassDiagnosticTests
{
    [Fact]
    public void UnknownKeyInAnItem_DoesNotHideUnknownScaleUnknownItemOrABandOutsideTheRange()
    {
        var found = ExpectAll(Doc(
            items: """
                items:
                  - { id: mood, scale: freq }
                  - { id: sleep, scale: ‸frq }
                  - { id: energy, scale: freq, ‸revers: true }
                """,
            scores: """
                scores:
                  - id: total
                    items: [mood, energy]
                    method: sum
                    bands: [‸{ min: 0, max: 9, label: All }]
                  - id: other
                    items: [mood, ‸slep]
                    method: sum
                """), "INS1030", "INS1010", "INS1052", "INS1031");
        Assert.Contains("did you mean 'reverse'", found[1].Message, StringComparison.Ordinal);
        Assert.Contains("(0 to 9) lies outside the range the score can take (0 to 4)", found[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyInAScore_DoesNotHideAnExpressionError()
    {
        ExpectAll(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                ‸title2: Total
              - id: pct
                expression: "totl * 2"
            """.Replace("totl", "‸totl", StringComparison.Ordinal)), "INS1010", "INS1041");
    }

    [Fact]
    public void OptionalValuesOfTheWrongType_AreReportedWithTheBandChecks()
    {
        ExpectAll(Doc(
            items: """
                items:
                  - { id: mood, scale: freq, reverse: ‸maybe }
                  - { id: sleep, scale: freq }
                  - { id: energy, scale: freq }
                """,
            scores: """
                scores:
                  - id: total
                    items: [mood, sleep, energy]
                    method: sum
                    bands:
                      - { min: 0, max: 3, label: Low }
                      ‸- { min: 3, max: 6, label: High }
                """.Replace("‸- {", "- ‸{", StringComparison.Ordinal)), "INS1012", "INS1050");
    }

    [Fact]
    public void AnItemWithoutAnId_StopsAtTheReader_WithoutFollowOnErrors()
    {
        // The dropped item would make 'energy' unknown to the score (INS1031): that is not reported.
        ExpectAll(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - { id: sleep, scale: freq }
              - ‸{ scale: freq, ‸colour: red }
            """), "INS1011", "INS1010");
    }

    [Fact]
    public void AWrongScoreMethod_StopsAtTheReader_WithoutFollowOnBandErrors()
    {
        // Read as a sum, a mean's bands (1..2 on a 0..2 scale) would seem not to cover 0..6: not reported.
        ExpectAll(Doc(scores: """
            scores:
              - id: avg
                items: [mood, sleep, energy]
                method: ‸average
                bands: [{ min: 0, max: 2, label: All }]
            """), "INS1016");
    }

    /// <summary>
    /// Compiles <paramref name="marked"/> and asserts that the diagnostics (INS1070, about citations, aside) are
    /// exactly <paramref name="ids"/>, one per caret, at the carets' positions in order, and that nothing is scored.
    /// </summary>
    private static List<Diagnostic> ExpectAll(string marked, params string[] ids)
    {
        var (text, marks) = Strip(marked);
        Assert.Equal(ids.Length, marks.Count);
        var compilation = Compile(text);
        var all = string.Join("\n", compilation.Diagnostics);
        var found = compilation.Diagnostics.Where(d => d.Id != "INS1070")
            .OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToList();
        Assert.True(found.Count == ids.Length, $"expected {string.Join(", ", ids)}, got:\n{all}");
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.True((ids[i], marks[i].Line, marks[i].Column) == (found[i].Id, found[i].Location.Line, found[i].Location.Column),
                $"expected {ids[i]} at ({marks[i].Line},{marks[i].Column}), got:\n{all}");
        }

        Assert.True(compilation.HasErrors);
        Assert.Empty(compilation.Definitions);
        return found;
    }
}
