using System.Text;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// One or more tests per INS diagnostic: each compiles a small YAML text and checks the ID and the exact
/// line and column (marked with ‸ in the text), and where it matters a fragment of the message.
/// </summary>
public sealed class CompilerDiagnosticTests
{
    [Fact]
    public void Template_CompilesWithoutDiagnostics()
    {
        var compilation = Compile(Doc());
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal("demo", Assert.Single(compilation.Definitions).Id);
    }

    // ---- INS100x: the file and its YAML ----

    [Fact]
    public void INS1001_UnterminatedString_PointsAtItsOpeningQuote()
    {
        var d = ExpectOneAt("""
            instrument: demo
            title: ‸"Demo
            version: 1.0.0
            """, "INS1001");
        Assert.StartsWith("YAML syntax error: ", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line:", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1001_YamlSyntaxError_MappingValueInPlainScalar()
    {
        ExpectOneAt("""
            instrument: demo
            title: Demo
              version‸: 1.0.0
            """, "INS1001");
    }

    [Fact]
    public void INS1001_TabIndentation_PointsAtTheTab()
    {
        // YamlDotNet reports this error without a position; the compiler points where the scanner stopped.
        var d = ExpectOneAt("instrument: demo\nlicense:\n‸\tname: x\n", "INS1001");
        Assert.Contains("tab", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1001_ParserFailure_IsADiagnosticNotAnException()
    {
        // A backtick ending a plain scalar in a flow mapping makes YamlDotNet throw InvalidOperationException.
        var d = ExpectOneAt(Doc(scales: """
            response_scales:
              freq:
                options:
                  - { value: 0, label: Never `
                  ‸- { value: 1, label: Sometimes }
            """), "INS1001");
        Assert.StartsWith("YAML syntax error: the YAML cannot be read here", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("‸")]
    [InlineData("‸# only a comment\n# and another\n")]
    [InlineData("‸   \n\n  \n")]
    [InlineData("‸---\n")]
    [InlineData("‸---\n...\n")]
    public void INS1002_EmptyFile_AtLineOneColumnOne(string marked)
    {
        var d = ExpectOneAt(marked, "INS1002");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void INS1003_FileTooLarge_IsReportedOnTheFileWithoutPosition()
    {
        var text = "# " + new string('x', InstrumentCompiler.MaxFileBytes) + "\n";
        var compilation = Compile(text);
        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1003", d.Id);
        Assert.Equal((0, 0), (d.Location.Line, d.Location.Column));
        Assert.StartsWith("test.yaml: error INS1003: The file is 1,048,579 bytes; instrument files are limited to 1,048,576 bytes", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void INS1003_FileTooLarge_CountsUtf8BytesNotCharacters()
    {
        // 600,000 characters but 1,200,000 UTF-8 bytes.
        var text = "notes: " + new string('é', 600_000) + "\n";
        var d = Assert.Single(Compile(text).Diagnostics);
        Assert.Equal("INS1003", d.Id);

        var justUnder = Compile("notes: " + new string('x', InstrumentCompiler.MaxFileBytes - 20) + "\n");
        Assert.DoesNotContain(justUnder.Diagnostics, x => x.Id == "INS1003");
    }

    [Fact]
    public void INS1004_NestingTooDeep_PointsAtTheThirtyThirdLevel()
    {
        // The top-level mapping is level 1, so the 32nd '[' opens level 33.
        var marked = "instrument: demo\nnotes: " + new string('[', 31) + "‸[" + new string(']', 32) + "\n";
        var d = ExpectOneAt(marked, "INS1004");
        Assert.Contains("32 levels", d.Message, StringComparison.Ordinal);

        // Level 32 is allowed: no INS1004, only the ordinary type error.
        var ok = Compile(Doc(extra: "notes: " + new string('[', 31) + new string(']', 31)));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "INS1004");
        Assert.Equal("INS1012", Assert.Single(ok.Diagnostics).Id);
    }

    [Fact]
    public void INS1004_DeepBlockNesting()
    {
        var sb = new StringBuilder("instrument: demo\nnotes:\n");
        for (var i = 0; i < 40; i++)
        {
            sb.Append(new string(' ', 2 * (i + 1))).Append(i == 31 ? "‸" : string.Empty).Append('k').Append(i).Append(":\n");
        }

        ExpectOneAt(sb.ToString(), "INS1004");
    }

    [Fact]
    public void INS1005_AnchorAndAlias_AreBothReported()
    {
        var found = ExpectAt(Doc(extra: """
            citation: ‸&c Someone (2020)
            notes: ‸*c
            """), "INS1005");
        Assert.Contains("anchor '&c'", found[0].Message, StringComparison.Ordinal);
        Assert.Contains("alias '*c'", found[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1005_AnchorOnACollection()
    {
        ExpectOneAt(Doc(scales: """
            response_scales:
              freq: ‸&opts
                options:
                  - { value: 0, label: Never }
                  - { value: 1, label: Sometimes }
            """), "INS1005");
    }

    [Fact]
    public void INS1006_MergeKey()
    {
        ExpectOneAt("""
            instrument: demo
            version: 1.0.0
            title: Demo
            license:
              ‸<<: { name: Test licence }
              texts: shipped
            """ + "\n" + Scales + "\n" + Items + "\n" + Scores + "\n", "INS1006");
    }

    [Fact]
    public void INS1006_MergeKeyAsAValue_IsNotAMergeKey()
    {
        // '<<' written as a value is just text.
        var compilation = Compile(Doc(extra: "notes: <<"));
        Assert.Empty(compilation.Diagnostics);
    }

    [Fact]
    public void INS1007_TwoDocuments_PointsAtTheSecondDocumentStart()
    {
        ExpectOneAt(Doc() + "‸---\ninstrument: other\n", "INS1007");
        ExpectOneAt("---\n" + Doc() + "...\n‸---\ninstrument: other\n", "INS1007");
    }

    [Fact]
    public void INS1008_DuplicateInstrumentId_AcrossSources()
    {
        var (second, marks) = Strip(Doc().Replace("instrument: demo", "instrument: ‸demo", StringComparison.Ordinal)
            .Replace("title: Demo", "title: Demo again", StringComparison.Ordinal));
        var compilation = InstrumentCompiler.Compile(
            [new InstrumentSource("first.yaml", Doc()), new InstrumentSource("second.yaml", second)]);
        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1008", d.Id);
        Assert.Equal(("second.yaml", marks[0].Line, marks[0].Column), (d.Location.Path, d.Location.Line, d.Location.Column));
        Assert.Equal("Instrument id 'demo' is already defined in first.yaml", d.Message);
        Assert.Equal("Demo", Assert.Single(compilation.Definitions).Title);
        Assert.True(compilation.HasErrors);
    }

    [Fact]
    public void INS1008_IsAnErrorEvenWhenSuppressedTheDefinitionIsNotAddedTwice()
    {
        var options = DiagnosticOptions.Default.WithSeverity("INS1008", ReportSeverity.Suppress);
        var compilation = InstrumentCompiler.Compile(
            [new InstrumentSource("first.yaml", Doc()), new InstrumentSource("second.yaml", Doc())], options);
        Assert.Empty(compilation.Diagnostics);
        Assert.Single(compilation.Definitions);
    }

    // ---- INS101x: keys and value types ----

    [Fact]
    public void INS1010_UnknownKey_InBlockItem_PointsAtTheKey_WithDidYouMean()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - id: mood
                scale: freq
                ‸revers: true
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1010");
        Assert.Equal("Unknown key 'revers' in an item; did you mean 'reverse'?", d.Message);
        Assert.Equal("test.yaml(16,5): error INS1010: Unknown key 'revers' in an item; did you mean 'reverse'?", d.ToString());
    }

    [Fact]
    public void INS1010_UnknownKey_InFlowItem()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq, ‸revers: true }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1010");
        Assert.EndsWith("did you mean 'reverse'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1010_UnknownTopLevelKey_ListsTheAllowedKeys()
    {
        var d = ExpectOneAt(Doc(extra: "‸colour: red"), "INS1010");
        Assert.Contains("in the instrument file; allowed keys: instrument, version", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1011_MissingTopLevelKey_PointsAtTheStartOfTheFile()
    {
        var d = ExpectOneAt("‸" + Doc().Replace("title: Demo\n", string.Empty, StringComparison.Ordinal), "INS1011");
        Assert.Equal("Missing required key 'title' in the instrument file", d.Message);
    }

    [Fact]
    public void INS1011_MissingItemKey_PointsAtTheItem()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - ‸{ id: sleep }
              - { id: energy, scale: freq }
            """), "INS1011");
        Assert.Equal("Missing required key 'scale' in an item", d.Message);
    }

    [Fact]
    public void INS1011_ScoreWithItemsButNoMethod()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - ‸id: total
                items: [mood, sleep, energy]
            """), "INS1011");
        Assert.Contains("'method'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1011_FlagWithoutWhen()
    {
        ExpectOneAt(Doc(flags: """
            flags:
              - ‸{ id: high }
            """), "INS1011");
    }

    [Theory]
    [InlineData("yes", "'yes'")]
    [InlineData("1.5", "'1.5'")]
    [InlineData("one", "'one'")]
    [InlineData("99999999999", "'99999999999'")]
    public void INS1012_OptionValueThatIsNotAnInteger(string value, string described)
    {
        var d = ExpectOneAt(Doc(scales: $$"""
            response_scales:
              freq:
                options:
                  - { value: 0, label: Never }
                  - { value: ‸{{value}}, label: Sometimes }
                  - { value: 2, label: Often }
            """), "INS1012");
        Assert.Equal($"'value' must be an integer, not {described}", d.Message);
    }

    [Fact]
    public void INS1012_ReverseYes_IsNotABoolean()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq, reverse: ‸yes }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1012");
        Assert.Equal("'reverse' must be true or false, not 'yes'", d.Message);
    }

    [Fact]
    public void INS1012_ListWhereAMappingBelongs()
    {
        var d = ExpectOneAt(Doc(header: """
            instrument: demo
            version: 1.0.0
            title: Demo
            license: ‸[Test licence, shipped]
            """), "INS1012");
        Assert.Equal("'license' must be a mapping (key: value pairs), not a list", d.Message);
    }

    [Fact]
    public void INS1012_MappingWhereAListBelongs()
    {
        var d = ExpectOneAt(Doc(items: """
            items: ‸{ mood: freq }
            """, scores: "scores: []"), "INS1012");
        Assert.Equal("'items' must be a list, not a mapping", d.Message);
    }

    [Fact]
    public void INS1012_MappingWhereTextBelongs()
    {
        ExpectOneAt(Doc(extra: "notes: ‸{ a: b }"), "INS1012");
    }

    [Fact]
    public void INS1012_RootIsNotAMapping()
    {
        ExpectOneAt("‸- just\n- a list\n", "INS1012");
        ExpectOneAt("‸hello\n", "INS1012");
    }

    [Fact]
    public void INS1013_DuplicateKey_PointsAtTheSecondOccurrence()
    {
        var d = ExpectOneAt(Doc(header: """
            instrument: demo
            version: 1.0.0
            title: Demo
            ‸title: Demo again
            license:
              name: Test licence
              texts: shipped
            """), "INS1013");
        Assert.Equal("Key 'title' appears more than once in the same mapping (first at line 3)", d.Message);
    }

    [Fact]
    public void INS1013_DuplicateKeyInFlowMapping()
    {
        ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq, ‸id: mood2 }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
            """), "INS1013");
    }

    [Fact]
    public void INS1014_InvalidInstrumentId()
    {
        var d = ExpectOneAt(Doc().Replace("instrument: demo", "instrument: ‸Demo Study", StringComparison.Ordinal), "INS1014");
        Assert.StartsWith("Instrument id 'Demo Study' is invalid", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1014_InvalidItemScoreFlagAndScaleIds()
    {
        var found = ExpectAt(Doc(
            scales: """
                response_scales:
                  ‸freq-scale:
                    options:
                      - { value: 0, label: Never }
                      - { value: 1, label: Often }
                """,
            items: """
                items:
                  - { id: ‸2mood, scale: freq-scale }
                """,
            scores: """
                scores:
                  - id: ‸total score
                    items: [2mood]
                    method: sum
                """,
            flags: """
                flags:
                  - { id: ‸high-mood, when: "2mood >= 1" }
                """), "INS1014", "INS1040");
        Assert.StartsWith("Response scale id 'freq-scale' is invalid", found[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Item id '2mood' is invalid", found[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("Score id 'total score' is invalid", found[2].Message, StringComparison.Ordinal);
        Assert.StartsWith("Flag id 'high-mood' is invalid", found[3].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    [InlineData("latest")]
    public void INS1015_InvalidVersion(string version)
    {
        var d = ExpectOneAt(Doc().Replace("version: 1.0.0", "version: ‸" + version, StringComparison.Ordinal), "INS1015");
        Assert.Equal($"Version '{version}' is not a semantic version such as 1.0.0", d.Message);
    }

    [Fact]
    public void INS1016_InvalidMethod_IsNotAlsoReportedAsMissing()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: ‸median
            """), "INS1016");
        Assert.Equal("'median' is not a valid value for 'method'; expected one of: sum, mean", d.Message);
    }

    [Fact]
    public void INS1016_InvalidLicenseTextsRespondentAndFlagSeverity()
    {
        var found = ExpectAt(Doc(
            header: """
                instrument: demo
                version: 1.0.0
                title: Demo
                license:
                  name: Test licence
                  texts: ‸open
                respondent: ‸patient
                """,
            flags: """
                flags:
                  - { id: high, when: total >= 5, severity: ‸urgent }
                """), "INS1016");
        Assert.Contains("'texts'", found[0].Message, StringComparison.Ordinal);
        Assert.Contains("'respondent'", found[1].Message, StringComparison.Ordinal);
        Assert.Contains("expected one of: critical, warning, info", found[2].Message, StringComparison.Ordinal);
    }

    // ---- INS102x: duplicates ----

    [Fact]
    public void INS1020_DuplicateItemId()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - { id: sleep, scale: freq }
              - { id: energy, scale: freq }
              - { id: ‸sleep, scale: freq }
            """), "INS1020");
        Assert.Equal("Item id 'sleep' is already used by item 2", d.Message);
    }

    [Fact]
    public void INS1021_DuplicateScoreId()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
              - id: ‸total
                items: [mood]
                method: sum
            """), "INS1021");
        Assert.Equal("Score id 'total' is already used by score 1", d.Message);
    }

    [Fact]
    public void INS1022_DuplicateFlagId()
    {
        var d = ExpectOneAt(Doc(flags: """
            flags:
              - { id: high, when: total >= 5 }
              - { id: ‸high, when: mood >= 2 }
            """), "INS1022");
        Assert.Equal("Flag id 'high' is already used by flag 1", d.Message);
    }

    [Fact]
    public void INS1023_DuplicateScaleId_InYamlIsADuplicateKey()
    {
        // In YAML two scales with the same id are two equal keys of one mapping, caught as INS1013 first.
        ExpectOneAt(Doc(scales: Scales + """

              ‸freq:
                options:
                  - { value: 0, label: No }
            """), "INS1013");
    }

    [Fact]
    public void INS1023_DuplicateScaleId_InADefinitionBuiltInCode()
    {
        var scale = new ResponseScale { Id = "freq", Options = [new ResponseOption { Value = 0, Label = "Never" }, new ResponseOption { Value = 1, Label = "Often" }] };
        var definition = new InstrumentDefinition
        {
            Id = "demo",
            Version = "1.0.0",
            Title = "Demo",
            License = new LicenseInfo { Name = "Test", Texts = TextLicense.Shipped },
            ResponseScales = [scale, scale],
            Items = [new ItemDefinition { Id = "mood", Scale = "freq" }],
            Scores = [new ScoreDefinition { Id = "total", Method = ScoreMethod.Sum, Items = ["mood"] }],
        };
        var d = Assert.Single(definition.Validate());
        Assert.Equal("INS1023", d.Id);
        Assert.Equal("Response scale id 'freq' is defined more than once", d.Message);
        Assert.Same(Location.None, d.Location);
    }

    [Fact]
    public void INS1024_DuplicateOptionValue_PointsAtTheSecondValue()
    {
        var d = ExpectOneAt(Doc(scales: """
            response_scales:
              freq:
                options:
                  - { value: 0, label: Never }
                  - { value: 1, label: Sometimes }
                  - { value: ‸1, label: Often }
            """), "INS1024");
        Assert.Equal("Response scale 'freq' has value 1 more than once", d.Message);
    }

    [Fact]
    public void INS1027_ScaleTooWide_PointsAtTheScale()
    {
        var d = ExpectOneAt(Doc(scales: """
            response_scales:
              ‸freq:
                options:
                  - { value: -2147483648, label: Never }
                  - { value: 2147483647, label: Always }
            """), "INS1027");
        Assert.Equal("Response scale 'freq' spans -2147483648 to 2147483647; option values of one scale must lie within 1001 consecutive integers", d.Message);
    }

    [Fact]
    public void INS1025_ScoreIdEqualsItemId()
    {
        ExpectOneAt(Doc(scores: """
            scores:
              - id: ‸mood
                items: [mood, sleep]
                method: sum
            """), "INS1025");
    }

    [Fact]
    public void INS1026_ItemListedTwiceInAScore()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, ‸mood]
                method: sum
            """), "INS1026");
        Assert.Equal("Score 'total' lists item 'mood' more than once", d.Message);
    }

    // ---- INS103x: references and scoring rules ----

    [Fact]
    public void INS1030_UnknownScale_WithDidYouMean()
    {
        var d = ExpectOneAt(Doc(items: """
            items:
              - { id: mood, scale: freq }
              - { id: sleep, scale: ‸frq }
              - { id: energy, scale: freq }
            """), "INS1030");
        Assert.Equal("Item 'sleep' refers to unknown response scale 'frq'; did you mean 'freq'?", d.Message);
    }

    [Fact]
    public void INS1031_UnknownItem_WithDidYouMean()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, ‸slep, energy]
                method: sum
            """), "INS1031");
        Assert.Equal("Score 'total' refers to unknown item 'slep'; did you mean 'sleep'?", d.Message);
    }

    [Fact]
    public void INS1031_UnknownItem_InBlockList()
    {
        ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                method: sum
                items:
                  - mood
                  - ‸anxiety
            """), "INS1031");
    }

    [Fact]
    public void INS1033_ScoreWithEmptyItems_PointsAtTheList()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: ‸[]
                method: mean
            """), "INS1033");
        Assert.Equal("Score 'total' uses method 'mean' but lists no items", d.Message);
    }

    [Fact]
    public void INS1033_ScoreWithMethodButNoItemsKey_PointsAtTheScore()
    {
        ExpectOneAt(Doc(scores: """
            scores:
              - ‸id: total
                method: sum
            """), "INS1033");
    }

    [Fact]
    public void INS1034_ScoreWithItemsAndExpression_PointsAtTheItems()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: ‸[mood, sleep]
                expression: mood + sleep
            """), "INS1034");
        Assert.Equal("Score 'total' has both 'items' and 'expression'; a score is either a sum/mean of items or an expression", d.Message);
    }

    [Fact]
    public void INS1034_ScoreWithMethodAndExpression_PointsAtTheExpression()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep]
                method: sum
                expression: ‸mood + sleep
            """), "INS1034");
        Assert.Contains("method 'sum' and 'expression'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1035_TwoScoresDependOnEachOther()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
              - id: a
                expression: ‸"b + 1"
              - id: b
                expression: "a + total"
            """), "INS1035");
        Assert.Equal("Score 'a' depends on itself: a -> b -> a", d.Message);
    }

    [Fact]
    public void INS1035_ScoreRefersToItself()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
              - id: doubled
                expression: ‸doubled * 2
            """), "INS1035");
        Assert.Equal("Score 'doubled' depends on itself: doubled -> doubled", d.Message);
    }

    [Fact]
    public void INS1036_ScaleWithoutOptions_PointsAtTheScaleId()
    {
        var d = ExpectOneAt(Doc(scales: Scales + """

              ‸none:
                options: []
            """), "INS1036");
        Assert.Equal("Response scale 'none' has no options", d.Message);
    }

    [Fact]
    public void INS1037_MaxMissingNotBelowItemCount()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing: { max: ‸3, prorate: true }
            """), "INS1037");
        Assert.Contains("missing.max is 3 but the score has only 3 items", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1037_NegativeMaxMissing()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing:
                  max: ‸-1
            """), "INS1037");
        Assert.Contains("missing.max is -1; it must be 0 or more", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1037_ProrateOnAMean()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                missing: { max: 1, prorate: ‸true }
            """), "INS1037");
        Assert.Contains("prorate applies to sum scores only", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1037_SumAllowingMissingWithoutProrate()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing: { max: ‸1 }
            """), "INS1037");
        Assert.Contains("must say 'prorate: true'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1037_ProrateWithoutAllowingMissing()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing: { prorate: ‸true }
            """), "INS1037");
        Assert.Contains("has no effect with missing.max 0", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1038_MissingCodeIsAnOptionValue()
    {
        var d = ExpectOneAt(Doc(extra: "missing_codes: [-99, ‸2]"), "INS1038");
        Assert.Equal("Missing code 2 is also a value of response scale 'freq'; it could not be told apart from an answer", d.Message);
    }

    [Fact]
    public void INS1039_NoItems()
    {
        var d = ExpectOneAt(Doc(items: "items: ‸[]", scores: "scores: []"), "INS1039");
        Assert.Equal("Instrument 'demo' has no items", d.Message);
    }

    // ---- INS104x: expressions ----

    [Fact]
    public void INS1040_ExpressionSyntax_DoubleQuoted_PointsIntoTheExpression()
    {
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: "total * ‸* 4"
            """), "INS1040");
    }

    [Fact]
    public void INS1040_ExpressionSyntax_Plain_PointsIntoTheExpression()
    {
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: total * ‸* 4
            """), "INS1040");
    }

    [Fact]
    public void INS1040_ExpressionSyntax_SingleQuoted_PointsIntoTheExpression()
    {
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: 'total * ‸* 4'
            """), "INS1040");
    }

    [Fact]
    public void INS1040_ExpressionSyntax_InAFlowMapping()
    {
        ExpectOneAt(Doc(scores: Scores + """

              - { id: scaled, expression: "(total + 1‸" }
            """), "INS1040");
    }

    [Fact]
    public void INS1040_ExpressionSyntax_WithEscapes_PointsAtTheValue()
    {
        // An escape makes source columns and offsets in the value differ; the value itself is the safe position.
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: ‸"total\t* * 4"
            """), "INS1040");
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: ‸'total ''x'' * 4'
            """), "INS1040");
    }

    [Fact]
    public void INS1040_ExpressionSyntax_OnSeveralLines_PointsAtTheValue()
    {
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: ‸total *
                  * 4
            """), "INS1040");
        ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: ‸>-
                  total * * 4
            """), "INS1040");
    }

    [Fact]
    public void INS1040_FlagConditionSyntax()
    {
        ExpectOneAt(Doc(flags: """
            flags:
              - id: high
                when: mood >= ‸>= 1
            """), "INS1040");
    }

    [Fact]
    public void INS1041_UnknownIdentifier_PointsAtTheName_WithDidYouMean()
    {
        var d = ExpectOneAt(Doc(scores: Scores + """

              - id: scaled
                expression: "total + ‸slep * 2"
            """), "INS1041");
        Assert.Equal("'slep' is neither an item nor a score of this instrument; did you mean 'sleep'?", d.Message);
    }

    [Fact]
    public void INS1041_UnknownIdentifier_InAPlainFlagCondition()
    {
        ExpectOneAt(Doc(flags: """
            flags:
              - id: high
                when: mood >= 1 and ‸totl >= 5
            """), "INS1041");
    }

    [Fact]
    public void INS1042_FlagConditionIsANumber()
    {
        var d = ExpectOneAt(Doc(flags: """
            flags:
              - id: high
                when: ‸total
            """), "INS1042");
        Assert.Equal("Flag 'high' condition 'total' is a number, not a condition; write a comparison such as 'total >= 1'", d.Message);
    }

    // ---- INS105x: bands (the template's total ranges from 0 to 6) ----

    private static string TotalWithBands(string bands, string method = "sum") => $$"""
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: {{method}}
            sources: [Test manual]
            bands:
        {{bands}}
        """;

    [Fact]
    public void INS1050_BandsOverlap()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 3, label: Low }
                  - ‸{ min: 3, max: 6, label: High }
            """)), "INS1050");
        Assert.Equal("Score 'total': band 'High' (3 to 6) overlaps band 'Low' (0 to 3)", d.Message);
    }

    [Fact]
    public void INS1051_BandsLeaveAGap()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 2, label: Low }
                  - ‸{ min: 4, max: 6, label: High }
            """)), "INS1051");
        Assert.Equal("Score 'total': no band covers 3, between band 'Low' and band 'High'", d.Message);
    }

    [Fact]
    public void INS1052_BandOutsideTheRange()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 2, label: Low }
                  - ‸{ min: 3, max: 9, label: High }
            """)), "INS1052");
        Assert.Equal("Score 'total': band 'High' (3 to 9) lies outside the range the score can take (0 to 6)", d.Message);
    }

    [Fact]
    public void INS1053_MeanScoreBetweenIntegerBands_IsAWarning()
    {
        var found = ExpectAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 1, label: Low }
                  - ‸{ min: 2, max: 2, label: High }
            """, method: "mean")), "INS1053");
        var d = Assert.Single(found);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("a value between 1 and 2 would fall between band 'Low' and band 'High'", d.Message, StringComparison.Ordinal);
        Assert.Single(Compile(Strip(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 1, label: Low }
                  - { min: 2, max: 2, label: High }
            """, method: "mean"))).Text).Definitions);
    }

    [Fact]
    public void INS1054_BandsDoNotCoverTheRange_IsAWarning()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                bands: ‸[{ min: 1, max: 2, label: Low }, { min: 3, max: 4, label: High }]
            """), "INS1054");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Score 'total': no band covers 0 and 5 to 6 of its range 0 to 6", d.Message);
    }

    [Fact]
    public void INS1055_BandMinAboveMax()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 6, label: All }
                  - ‸{ min: 4, max: 2, label: Odd }
            """)), "INS1055");
        Assert.Equal("Score 'total': band 'Odd' has min 4 above max 2", d.Message);
    }

    // ---- half-open bands ('below:') ----

    [Fact]
    public void HalfOpenBands_ThatMeet_LeaveNoGapForAMeanScore_SoNoIns1053()
    {
        // A mean of three 0-2 items can be 1/3, 2/3 ...: inclusive bands 0-1 and 2-2 leave (1, 2) uncovered (INS1053);
        // half-open ones meeting at 1 leave nothing.
        var compilation = Compile(Doc(scores: TotalWithBands("""
                  - { min: 0, below: 1, label: Low }
                  - { min: 1, max: 2, label: High }
            """, method: "mean")));
        Assert.Empty(compilation.Diagnostics);
        var band = Assert.Single(compilation.Definitions).Scores[0].Bands[0];
        Assert.True(band.UpperExclusive);
        Assert.Equal(1, band.Max);
    }

    [Fact]
    public void HalfOpenBand_SharingItsExclusiveBound_DoesNotOverlap_ButAnInclusiveOneDoes()
    {
        Assert.Empty(Compile(Doc(scores: TotalWithBands("""
                  - { min: 0, below: 3, label: Low }
                  - { min: 3, max: 6, label: High }
            """))).Diagnostics);
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 3, label: Low }
                  - ‸{ min: 3, max: 6, label: High }
            """)), "INS1050");
        Assert.Equal("Score 'total': band 'High' (3 to 6) overlaps band 'Low' (0 to 3)", d.Message);
    }

    [Fact]
    public void HalfOpenBand_OnAnIntegerScore_LeavesAGapWhenTheNextStartsLater()
    {
        // [0, 3) holds 0, 1, 2; the next band starts at 4, so 3 is in no band.
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, below: 3, label: Low }
                  - ‸{ min: 4, max: 6, label: High }
            """)), "INS1051");
        Assert.Equal("Score 'total': no band covers 3, between band 'Low' and band 'High'", d.Message);
    }

    [Fact]
    public void HalfOpenBand_AtTheTop_MustReachAboveTheRange()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, below: 3, label: Low }
                  - { min: 3, below: 6, label: High }
            """).Replace("- { min: 0, below: 3", "‸- { min: 0, below: 3", StringComparison.Ordinal)), "INS1054");
        Assert.Equal("Score 'total': no band covers 6 of its range 0 to 6", d.Message);
        Assert.Empty(Compile(Doc(scores: TotalWithBands("""
                  - { min: 0, below: 3, label: Low }
                  - { min: 3, below: 7, label: High }
            """))).Diagnostics);
    }

    [Fact]
    public void HalfOpenBand_WithNothingBelowItsBound_IsInverted()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 6, label: All }
                  - ‸{ min: 4, below: 4, label: Empty }
            """)), "INS1055", "INS1050");
        Assert.Equal("Score 'total': band 'Empty' has min 4 above max 4", d.Message);
    }

    [Fact]
    public void INS1153_BandWithBothMaxAndBelow()
    {
        var d = ExpectOneAt(Doc(scores: TotalWithBands("""
                  - { min: 0, max: 3, below: ‸4, label: Low }
                  - { min: 4, max: 6, label: High }
            """)), "INS1153");
        Assert.Equal("Score 'total': band 'Low' gives both 'max' (3, inclusive) and 'below' (4, exclusive); give one", d.Message);
    }

    // ---- INS115x: rounding ----

    [Fact]
    public void Rounding_ReadsMethodTiesDigitsAndSources_OnTheMissingRuleAndOnTheScore()
    {
        var compilation = Compile(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing:
                  max: 1
                  prorate: true
                  rounding: { method: nearest, ties: unstated, sources: [Test manual, p. 3] }
                  sources: [Test manual]
              - id: avg
                expression: "total / 3"
                rounding: { method: nearest, ties: half-even, digits: 2, sources: [Test manual] }
              - id: plain
                items: [mood]
                method: sum
                rounding: none
            """));
        Assert.Empty(compilation.Diagnostics);
        var scores = Assert.Single(compilation.Definitions).Scores;
        var prorate = scores[0].Missing.Rounding!;
        Assert.Equal((RoundingMethod.Nearest, RoundingTies.Unstated, 0), (prorate.Method, prorate.Ties, prorate.Digits));
        Assert.Equal(["Test manual", "p. 3"], prorate.Sources.ToArray());
        Assert.Null(scores[0].Rounding);
        var avg = scores[1].Rounding!;
        Assert.Equal((RoundingMethod.Nearest, RoundingTies.HalfEven, 2), (avg.Method, avg.Ties, avg.Digits));
        Assert.Equal(RoundingMethod.None, scores[2].Rounding!.Method);
    }

    [Fact]
    public void INS1150_NearestWithoutTies_IsAnError()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing:
                  max: 1
                  prorate: true
                  rounding: { method: ‸nearest, sources: [Test manual] }
                  sources: [Test manual]
            """), "INS1150");
        Assert.StartsWith("The missing rule of score 'total' rounds to the nearest value but does not say how a value exactly halfway goes", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1150_OnTheScoresOwnRule_NamesTheScore()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                rounding: { method: ‸nearest, digits: 1, sources: [Test manual] }
            """), "INS1150");
        Assert.StartsWith("Score 'total' rounds to the nearest value", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1151_DigitsOutOfRange()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                rounding: { method: nearest, ties: half-up, digits: ‸7, sources: [Test manual] }
            """), "INS1151");
        Assert.Equal("Score 'total' keeps 7 decimals; 'digits' must be 0 (whole numbers) to 6", d.Message);
    }

    [Fact]
    public void INS1152_MissingRoundingOnAMeanScore_HasNothingToRound()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                missing:
                  max: 1
                  rounding: ‸{ method: nearest, ties: half-up, sources: [Test manual] }
                  sources: [Test manual]
            """), "INS1152");
        Assert.Equal("Score 'total': missing.rounding rounds prorated values, but this rule does not prorate (a mean score is the mean of the answered items); "
            + "put the rounding on the score ('rounding:' beside 'missing:') to round every value", d.Message);
    }

    [Fact]
    public void Rounding_UnknownTieRule_IsInvalidEnumValue()
    {
        var d = ExpectOneAt(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                rounding: { method: nearest, ties: ‸bankers, sources: [Test manual] }
            """), "INS1016");
        Assert.Contains("half-up, half-down, half-even, half-away-from-zero, unstated", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounding_NearestWithoutSources_IsIns1070()
    {
        var compilation = Compile(Doc(scores: """
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: mean
                rounding: { method: nearest, ties: half-up }
            """));
        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal("INS1070", d.Id);
        Assert.Contains("The rounding rule of score 'total'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounding_ToWholeNumbers_MakesAProratedSumIntegral_SoIntegerBandsNeedNoIns1053_UnlessTiesAreUnstated()
    {
        string Scores(string ties) => $$"""
            scores:
              - id: total
                items: [mood, sleep, energy]
                method: sum
                missing:
                  max: 1
                  prorate: true
                  rounding: { method: nearest, ties: {{ties}}, sources: [Test manual] }
                  sources: [Test manual]
                sources: [Test manual]
                bands:
                  - { min: 0, max: 2, label: Low }
                  - { min: 3, max: 6, label: High }
            """;
        Assert.Empty(Compile(Doc(scores: Scores("half-up"))).Diagnostics);
        var d = Assert.Single(Compile(Doc(scores: Scores("unstated"))).Diagnostics);
        Assert.Equal("INS1053", d.Id);
        Assert.Contains("(prorated, a tie left unrounded)", d.Message, StringComparison.Ordinal);
    }

    // ---- INS106x: licensing ----

    [Fact]
    public void INS1060_RestrictedTextPresent()
    {
        var d = ExpectOneAt(Doc(
            header: Header.Replace("texts: shipped", "texts: restricted", StringComparison.Ordinal),
            items: """
                items:
                  - { id: mood, scale: freq }
                  - id: sleep
                    scale: freq
                    text: ‸I sleep well.
                  - { id: energy, scale: freq }
                """), "INS1060");
        Assert.Equal("Item 'sleep' has a text, but the licence says texts: restricted; remove the text from this file", d.Message);
    }

    // ---- severity overrides ----

    private static string IncompleteBands => Doc(scores: TotalWithBands("""
              - { min: 0, max: 3, label: Low }
        """));

    [Fact]
    public void Severity_DefaultWarning_KeepsTheDefinition()
    {
        var compilation = Compile(IncompleteBands);
        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("INS1054", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        Assert.StartsWith("test.yaml(", d.ToString(), StringComparison.Ordinal);
        Assert.Contains("): warning INS1054: ", d.ToString(), StringComparison.Ordinal);
        Assert.False(compilation.HasErrors);
        Assert.Single(compilation.Definitions);
    }

    [Fact]
    public void Severity_RaisedToError_FailsTheCompilation()
    {
        var compilation = Compile(IncompleteBands, DiagnosticOptions.Default.WithSeverity("INS1054", ReportSeverity.Error));
        var d = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("INS1054", DiagnosticSeverity.Error), (d.Id, d.Severity));
        Assert.Contains("): error INS1054: ", d.ToString(), StringComparison.Ordinal);
        Assert.True(compilation.HasErrors);
        Assert.Empty(compilation.Definitions);
    }

    [Fact]
    public void Severity_Suppressed_RemovesTheDiagnostic()
    {
        var compilation = Compile(IncompleteBands, DiagnosticOptions.Default.WithSeverity("INS1054", ReportSeverity.Suppress));
        Assert.Empty(compilation.Diagnostics);
        Assert.Single(compilation.Definitions);
    }

    [Fact]
    public void Severity_WarningsAsErrors()
    {
        var compilation = Compile(IncompleteBands, DiagnosticOptions.Default.WithWarningsAsErrors(true));
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(compilation.Diagnostics).Severity);
        Assert.True(compilation.HasErrors);
        Assert.Empty(compilation.Definitions);

        // An explicit override wins over warnings-as-errors.
        var lowered = Compile(IncompleteBands, DiagnosticOptions.Default.WithWarningsAsErrors(true).WithSeverity("INS1054", ReportSeverity.Info));
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(lowered.Diagnostics).Severity);
        Assert.Single(lowered.Definitions);
    }

    [Fact]
    public void Severity_ErrorLoweredToWarning_StillFailsTheDefinition()
    {
        // Lowering an error does not make an invalid definition usable: the binder still refuses it.
        var options = DiagnosticOptions.Default.WithSeverity("INS1031", ReportSeverity.Warning);
        var compilation = Compile(Doc(scores: """
            scores:
              - id: total
                items: [mood, slep]
                method: sum
            """), options);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(compilation.Diagnostics).Severity);
        Assert.Empty(compilation.Definitions);
    }

    // ---- robustness ----

    public static TheoryData<string, string> HostileInputs()
    {
        var junk = new byte[4096];
        new Random(42).NextBytes(junk);
        return new TheoryData<string, string>
        {
            { "binary junk", Encoding.Latin1.GetString(junk) },
            { "binary junk as UTF-8", Encoding.UTF8.GetString(junk) },
            { "NUL bytes", "instrument: demo\0\0\0\nversion: 1.0.0\n" },
            { "open brackets", "[[[[" },
            { "open braces", "{{{{" },
            { "tabs", "\t\tinstrument:\tdemo\n\tversion: 1.0.0\n\t- x\n" },
            { "10,000-deep [", new string('[', 10_000) },
            { "10,000-deep [ closed", new string('[', 10_000) + new string(']', 10_000) },
            { "10,000-deep {", string.Concat(Enumerable.Repeat("{a: ", 10_000)) },
            { "10,000-deep block sequence", string.Concat(Enumerable.Repeat("- ", 10_000)) + "x" },
            { "huge single line", "title: " + new string('x', 1_000_000) },
            { "huge single line of flow items", "items: [" + string.Join(", ", Enumerable.Range(0, 100_000).Select(i => "i" + i)) + "]" },
            { "only comments", "# one\n# two\n   # three\n" },
            { "BOM only", "\uFEFF" },
            { "lone surrogate", "title: \uD800\n" },
            { "directives", "%YAML 1.1\n%YAML 1.1\n---\na: b\n" },
            { "tags", "!!binary instrument: !custom demo\n" },
            { "alias bomb", "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n" },
            { "unterminated quote", "title: 'abc\n" },
            { "colons", ":::\n: : :\n" },
            { "complex keys", "? [a, b]\n: c\n? { x: y }\n: d\n" },
            { "duplicate complex keys", "? [a, b]\n: c\n? [a, b]\n: d\n" },
            { "duplicate keys with different tags", "!!str x: 1\n!custom x: 2\n" },
            { "null values everywhere", "instrument:\nversion:\ntitle:\nlicense:\nresponse_scales:\nitems:\nscores:\nflags:\n" },
            { "empty collections", "instrument: x\nversion: 1.0.0\ntitle: t\nlicense: {}\nresponse_scales: {}\nitems: []\nscores: []\n" },
            { "huge numbers", Doc().Replace("value: 2", "value: 2147483647", StringComparison.Ordinal).Replace("value: 0", "value: -2147483648", StringComparison.Ordinal) },
            { "huge band numbers", Doc(scores: TotalWithBands("      - { min: -1e308, max: 1e308, label: All }")) },
            { "huge missing max", Doc(scores: TotalWithBands("      - { min: 0, max: 6, label: All }").Replace("    bands:", "    missing: { max: 2147483647, prorate: true }\n    bands:", StringComparison.Ordinal)) },
            { "deep expression", Doc(scores: Scores + "\n  - id: deep\n    expression: " + new string('(', 5000) + "total" + new string(')', 5000)) },
            { "long expression", Doc(scores: Scores + "\n  - id: long\n    expression: " + string.Join(" + ", Enumerable.Repeat("total", 20_000))) },
            { "key without value at the end", "instrument: demo\nversion" },
            { "CR line endings", Doc().Replace("\n", "\r", StringComparison.Ordinal) },
            { "CRLF line endings", Doc().Replace("\n", "\r\n", StringComparison.Ordinal) },
        };
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void HostileInput_NeverThrows(string name, string text)
    {
        var compilation = InstrumentCompiler.Compile(text, name);
        Assert.All(compilation.Diagnostics, d => Assert.False(string.IsNullOrEmpty(d.Message)));
        if (compilation.HasErrors)
        {
            Assert.Empty(compilation.Definitions);
        }
    }

    [Fact]
    public void RandomMutationsOfAValidFile_NeverThrow()
    {
        var random = new Random(1234);
        var source = Doc(scores: TotalWithBands("""
                  - { min: 0, max: 3, label: Low }
                  - { min: 4, max: 6, label: High }
            """) + "\n  - { id: scaled, expression: \"total * 2 + mood\" }",
            flags: "flags:\n  - { id: high, when: \"total >= 5 and mood > 0\", severity: critical, sources: [Test manual] }",
            extra: "missing_codes: [-99]");
        Assert.Empty(Compile(source).Diagnostics);
        const string alphabet = "[]{}:-,#&*!|>'\"\t\n ?<%@`0123456789.eabcxyz";
        for (var i = 0; i < 2000; i++)
        {
            var chars = source.ToCharArray().ToList();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }

            var text = new string([.. chars]);
            var compilation = Record.Exception(() => Compile(text));
            Assert.True(compilation is null, $"mutation {i} threw {compilation}\n--- input ---\n{text}");
        }
    }
}
