using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Compiler.Tests;

/// <summary>
/// <see cref="RedcapDictionaryImporter"/>: a REDCap data dictionary becomes an instrument YAML skeleton that compiles,
/// with one scale per distinct choice set, and a diagnostic (INS1180-INS1189) at the dictionary's line and column for
/// every field that cannot be mapped. Positions are checked against a caret (‸) in the dictionary text, as the
/// compiler's position tests do.
/// </summary>
public sealed class RedcapImportTests
{
    internal const string Header = "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\",Field Note,Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation\n";

    internal const string Freq = "\"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day\"";

    /// <summary>A dictionary row: name, form, type, label, choices, branching logic (the other columns empty).</summary>
    internal static string Row(string name, string type, string label = "", string choices = "", string branching = "", string form = "mood", string min = "", string max = "") =>
        $"{name},{form},,{type},{label},{choices},,,{min},{max},,{branching},,,,,,\n";

    /// <summary>Imports <paramref name="dictionary"/> with the caret removed.</summary>
    internal static RedcapImportResult Import(string dictionary, RedcapImportOptions? options = null) =>
        RedcapDictionaryImporter.Import(dictionary.Replace("‸", string.Empty, StringComparison.Ordinal), "dict.csv", options);

    /// <summary>The 1-based line and column of the caret.</summary>
    internal static (int Line, int Column) Caret(string dictionary)
    {
        var at = dictionary.IndexOf('‸', StringComparison.Ordinal);
        Assert.True(at >= 0, "no ‸ in the dictionary");
        var before = dictionary[..at];
        var line = before.Count(c => c == '\n') + 1;
        return (line, at - (before.LastIndexOf('\n') + 1) + 1);
    }

    /// <summary>Imports and expects exactly one diagnostic with <paramref name="id"/>, at the caret.</summary>
    internal static Diagnostic ExpectOneAt(string dictionary, string id, RedcapImportOptions? options = null)
    {
        var result = Import(dictionary, options);
        var d = Assert.Single(result.Diagnostics, x => x.Id == id);
        var (line, column) = Caret(dictionary);
        Assert.Equal("dict.csv", d.Location.Path);
        Assert.Equal((line, column), (d.Location.Line, d.Location.Column));
        return d;
    }

    private static System.Collections.Immutable.ImmutableArray<Definitions.ResponseOption> Options(Definitions.InstrumentDefinition definition, int item) =>
        definition.ResponseScales.Single(s => s.Id == definition.Items[item].Scale).Options;

    internal static InstrumentCompilation CompileSkeleton(RedcapImportResult result)
    {
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var compilation = InstrumentCompiler.Compile(result.Yaml!, "skeleton.yaml");
        Assert.True(compilation.Diagnostics.IsEmpty, string.Join("\n", compilation.Diagnostics) + "\n" + result.Yaml);
        return compilation;
    }

    [Fact]
    public void SampleDictionary_CompilesWithTheExpectedItemsAndScales()
    {
        var result = RedcapDictionaryImporter.ImportFile(Path.Combine(TestPaths.RepoRoot, "samples", "redcap", "phq9-dictionary.csv"));
        var definition = Assert.Single(CompileSkeleton(result).Definitions);
        Assert.Equal("phq9", definition.Id);
        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => "phq" + i)], definition.Items.Select(i => i.Id));
        Assert.Equal(2, definition.ResponseScales.Length);
        Assert.All(definition.Items.Take(9), i => Assert.Equal("scale1", i.Scale));
        Assert.Equal([0, 1, 2, 3], Options(definition, 0).Select(o => o.Value));
        Assert.Equal(["Not at all", "Several days", "More than half the days", "Nearly every day"], Options(definition, 0).Select(o => o.Label));
        Assert.Equal(["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"], Options(definition, 9).Select(o => o.Label));
        Assert.Empty(definition.Scores);
        Assert.Equal(TextLicense.Restricted, definition.License.Texts);
        Assert.All(definition.Items, i => Assert.Null(i.Text));

        // record_id and the date (text), the total (calc), phq10's branching logic and the comments (notes).
        Assert.Equal(["INS1180", "INS1180", "INS1181", "INS1184", "INS1180"], result.Diagnostics.Select(d => d.Id));
        Assert.All(result.Diagnostics, d => Assert.EndsWith("phq9-dictionary.csv", d.Location.Path, StringComparison.Ordinal));
        Assert.Contains("TODO", result.Yaml, StringComparison.Ordinal);
        Assert.Contains("sum([phq1],[phq2]", result.Yaml, StringComparison.Ordinal);   // the calculation, for reference
    }

    [Fact]
    public void IdenticalChoices_ShareOneScale_AndDifferentLabelsDoNot()
    {
        var result = Import(Header
            + Row("a1", "radio", "A", Freq)
            + Row("a2", "dropdown", "B", Freq)
            + Row("a3", "radio", "C", "\"0, Not at all | 1, Several days | 2, More than half the days | 3, Every day\""));
        var definition = Assert.Single(CompileSkeleton(result).Definitions);
        Assert.Equal(["scale1", "scale2"], result.Scales.ToArray());
        Assert.Equal(definition.Items[0].Scale, definition.Items[1].Scale);
        Assert.NotEqual(definition.Items[0].Scale, definition.Items[2].Scale);
    }

    [Fact]
    public void YesNoAndTrueFalse_MapToTheCodesREDCapStores()
    {
        var result = Import(Header + Row("smoker", "yesno", "Do you smoke?") + Row("done", "truefalse", "Done?") + Row("again", "radio", "Again?", "\"1, Yes | 0, No\""));
        var definition = Assert.Single(CompileSkeleton(result).Definitions);
        Assert.Equal([(1, "Yes"), (0, "No")], Options(definition, 0).Select(o => (o.Value, o.Label)));
        Assert.Equal([(1, "True"), (0, "False")], Options(definition, 1).Select(o => (o.Value, o.Label)));
        Assert.Equal(definition.Items[0].Scale, definition.Items[2].Scale);
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("\"0, Never, or hardly ever | 1, Often\"", new[] { 0, 1 }, new[] { "Never, or hardly ever", "Often" })]    // a comma inside a label
    [InlineData("\"0, Never | 1, Often |\"", new[] { 0, 1 }, new[] { "Never", "Often" })]                                // a trailing '|'
    [InlineData("\"  -1 ,  Refused|0,No  |  1,Yes \"", new[] { -1, 0, 1 }, new[] { "Refused", "No", "Yes" })]           // spaces, a negative code
    [InlineData("\"5, Five | 1, One\"", new[] { 5, 1 }, new[] { "Five", "One" })]                                         // the dictionary's order is kept
    public void Choices_Parse(string choices, int[] codes, string[] labels)
    {
        var result = Import(Header + Row("q", "radio", "Q", choices));
        var options = Options(Assert.Single(CompileSkeleton(result).Definitions), 0);
        Assert.Equal(codes, options.Select(o => o.Value));
        Assert.Equal(labels, options.Select(o => o.Label));
    }

    [Fact]
    public void Labels_ThatLookLikeYaml_StayValues()
    {
        var result = Import(Header + Row("q", "radio", "\"Label with \"\"quotes\"\" # and a hash\nand: a second line\"", "\"0, \"\"No\"\" # not a comment | 1, yes: really | 2, [x] {y} \\ z\""));
        var definition = Assert.Single(CompileSkeleton(result).Definitions);
        Assert.Equal(["\"No\" # not a comment", "yes: really", "[x] {y} \\ z"], Options(definition, 0).Select(o => o.Label));
    }

    [Fact]
    public void ShipTexts_WritesTheLabelsAsItemTexts()
    {
        var result = Import(Header + Row("q", "radio", "\"How often, lately?\"", Freq), new RedcapImportOptions { ShipTexts = true });
        var definition = Assert.Single(CompileSkeleton(result).Definitions);
        Assert.Equal(TextLicense.Shipped, definition.License.Texts);
        Assert.Equal("How often, lately?", definition.Items[0].Text);
    }

    [Theory]
    [InlineData("phq_9", "phq-9")]
    [InlineData("Patient Health Questionnaire (9)", "patient-health-questionnaire-9")]
    [InlineData("__", "imported")]
    public void InstrumentId_ComesFromTheFormName(string form, string id)
    {
        var result = Import(Header + Row("q", "radio", "Q", Freq, form: $"\"{form}\""));
        Assert.Equal(id, Assert.Single(CompileSkeleton(result).Definitions).Id);
    }

    [Fact]
    public void InstrumentId_Given_IsUsed_AndAnInvalidOneThrows()
    {
        Assert.Equal("mine", Import(Header + Row("q", "radio", "Q", Freq), new RedcapImportOptions { InstrumentId = "mine" }).InstrumentId);
        Assert.Throws<ArgumentException>(() => Import(Header + Row("q", "radio", "Q", Freq), new RedcapImportOptions { InstrumentId = "Not An Id" }));
    }

    [Fact]
    public void Form_ChoosesAmongSeveral()
    {
        var dictionary = Header + Row("record_id", "text", "ID", form: "intake") + Row("q", "radio", "Q", Freq, form: "mood") + Row("r", "yesno", "R", form: "other");
        var result = Import(dictionary, new RedcapImportOptions { Form = "mood" });
        Assert.Equal(["q"], result.Items.ToArray());
        Assert.Empty(result.Diagnostics);   // fields of other forms are not looked at
    }

    [Fact]
    public void ApiMetadataHeaders_AreReadToo()
    {
        var result = RedcapDictionaryImporter.Import("field_name,form_name,field_type,field_label,select_choices_or_calculations,branching_logic\nq,mood,radio,Q,\"0, No | 1, Yes\",\n", "meta.csv");
        Assert.Equal(["q"], result.Items.ToArray());
    }

    [Fact]
    public void CrLfLineEnds_AndAByteOrderMark_GiveTheSamePositions()
    {
        var text = "\uFEFF" + (Header + Row("notes1", "notes", "N")).Replace("\n", "\r\n", StringComparison.Ordinal) + Row("q", "radio", "Q", Freq);
        var d = Assert.Single(RedcapDictionaryImporter.Import(text, "dict.csv").Diagnostics);
        Assert.Equal((2, 14), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void MutatedDictionaries_NeverThrow_AndEverySkeletonCompilesWithoutErrors()
    {
        // Seeded mutations of the sample: inserted, deleted and replaced characters, biased to the ones that matter to
        // CSV and YAML. The importer must never throw, and whatever it writes must compile.
        var sample = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "samples", "redcap", "phq9-dictionary.csv"));
        const string Alphabet = "\",|\n\r#:{}[]&*!%@`'\\-?> \t0123456789abcXYZ\u00e9\u2028\u0085\uFEFF";
        var random = new Random(1180);
        var skeletons = 0;
        for (var n = 0; n < 400; n++)
        {
            var text = new System.Text.StringBuilder(sample);
            for (var k = random.Next(1, 12); k > 0; k--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                    case 1: text.Remove(at, 1); break;
                    default: text[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                }
            }

            var result = RedcapDictionaryImporter.Import(text.ToString(), "fuzz.csv", new RedcapImportOptions { Form = "phq9", ShipTexts = n % 2 == 0 });
            if (result.Success)
            {
                skeletons++;
                var compilation = InstrumentCompiler.Compile(result.Yaml!, "fuzz.yaml");
                Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics) + "\n" + text + "\n" + result.Yaml);
            }
        }

        Assert.True(skeletons > 100, $"only {skeletons} of 400 mutants gave a skeleton: the test no longer exercises the writer");
    }

    // ---- INS1180-INS1189, one test each, at the caret ----

    [Theory]
    [InlineData("text")]
    [InlineData("notes")]
    [InlineData("file")]
    [InlineData("descriptive")]
    [InlineData("sql")]
    [InlineData("matrix")]
    public void INS1180_FieldWithoutResponseOptions_IsNotImported_AtItsType(string type)
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + "other,mood,,‸" + type + ",Label,,,,,,,,,,,,,\n", "INS1180");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("'other'", d.Message, StringComparison.Ordinal);
        Assert.Equal(["q"], Import(Header + Row("q", "radio", "Q", Freq) + Row("other", type, "L")).Items.ToArray());
    }

    [Fact]
    public void INS1181_CalculatedField_PointsAtItsCalculation_AndIsATodo()
    {
        var dictionary = Header + Row("q", "radio", "Q", Freq) + "total,mood,,calc,Total,\"‸sum([q])\",,,,,,,,,,,,\n";
        var d = ExpectOneAt(dictionary, "INS1181");
        Assert.Contains("sum([q])", d.Message, StringComparison.Ordinal);
        Assert.Contains("#   total (line 3): sum([q])", Import(dictionary).Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1182_CheckboxField_IsNotImported()
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + "symptoms,mood,,‸checkbox,Which?,\"1, Headache | 2, Nausea\",,,,,,,,,,,,\n", "INS1182");
        Assert.Contains("symptoms___code", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1183_Slider_IsNotImported_AndNamesItsRange()
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + "vas,mood,,‸slider,Pain,\"None | | Worst\",,,1,10,,,,,,,,\n", "INS1183");
        Assert.Contains("from 1 to 10", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1184_BranchingLogic_ImportsTheItemWithATodo()
    {
        var dictionary = Header + Row("q", "radio", "Q", Freq) + "r,mood,,radio,R," + Freq + ",,,,,,‸[q] > 0,,,,,,\n";
        var d = ExpectOneAt(dictionary, "INS1184");
        Assert.Contains("[q] > 0", d.Message, StringComparison.Ordinal);
        var result = Import(dictionary);
        Assert.Equal(["q", "r"], result.Items.ToArray());
        Assert.Contains("TODO (INS1184): REDCap shows r only if [q] > 0", result.Yaml, StringComparison.Ordinal);
        CompileSkeleton(result);
    }

    [Theory]
    [InlineData("\"0, No | ‸Sometimes | 2, Often\"", "no comma")]
    [InlineData("\"0, No | ‸a, Sometimes\"", "'a', which is not a whole number")]
    [InlineData("\"0, No | ‸1.5, Half\"", "not a whole number")]
    [InlineData("\"0, No | ‸1,\"", "no label")]
    [InlineData("\"0, No | 1, Yes\nand more | ‸x\"", "no comma")]   // a line break inside the cell: the caret's line and column still match
    public void INS1185_ChoiceThatDoesNotParse_LeavesTheFieldOut_AtTheChoice(string choices, string reason)
    {
        var dictionary = Header + Row("q", "radio", "Q", Freq) + "r,mood,,radio,R," + choices + ",,,,,,,,,,,,\n";
        var d = ExpectOneAt(dictionary, "INS1185");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(reason, d.Message, StringComparison.Ordinal);
        Assert.Equal(["q"], Import(dictionary).Items.ToArray());
    }

    [Fact]
    public void INS1185_RadioWithoutChoices()
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + "r,mood,,‸radio,R,,,,,,,,,,,,,\n", "INS1185");
        Assert.Equal("Field 'r': choice '' is empty: a radio field needs at least one 'code, label' choice ('0, Not at all | 1, Several days | ...'); the field is not imported", d.Message);
    }

    [Fact]
    public void INS1186_RepeatedCode_NamesBothLabels_AtTheRepeat()
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", "\"0, No | 1, Yes | ‸1, Maybe\""), "INS1186");
        Assert.Contains("code 1 is given twice ('Yes' and '1, Maybe')", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1187_NotADataDictionary()
    {
        var d = ExpectOneAt("‸id,phq1,phq2\n1,2,3\n", "INS1187");
        Assert.Contains("'Variable / Field Name'", d.Message, StringComparison.Ordinal);
        Assert.False(Import("id,phq1\n").Success);
        Assert.Contains("empty", Assert.Single(Import(string.Empty).Diagnostics).Message, StringComparison.Ordinal);
        Assert.Contains("never closed", Assert.Single(Import(Header + "q,mood,,radio,\"Q,,\n").Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task INS1187_AFifo_IsNotReadAndNeverBlocks_AndNotUtf8IsNamed()
    {
        var dir = Path.Combine(Path.GetTempPath(), "redcap-import-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var latin1 = Path.Combine(dir, "latin1.csv");
            File.WriteAllBytes(latin1, [.. System.Text.Encoding.UTF8.GetBytes(Header + "q,mood,,radio,Caf"), 0xE9, .. System.Text.Encoding.UTF8.GetBytes("," + Freq + "\n")]);
            Assert.Contains("not valid UTF-8", Assert.Single(RedcapDictionaryImporter.ImportFile(latin1).Diagnostics).Message, StringComparison.Ordinal);
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            var fifo = Path.Combine(dir, "pipe.csv");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            {
                mkfifo.WaitForExit();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            var read = Task.Run(() => RedcapDictionaryImporter.ImportFile(fifo));
            var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))) == read;
            if (!finished)
            {
                using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            }

            Assert.True(finished, "reading a FIFO blocked");
            var d = Assert.Single((await read).Diagnostics);
            Assert.Equal("INS1187", d.Id);
            Assert.Contains("FIFO", d.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void INS1187_NoFieldImportable_GivesNoSkeleton()
    {
        var result = Import(Header + Row("record_id", "text", "ID") + Row("total", "calc", "T", "1+1"));
        Assert.False(result.Success);
        Assert.Null(result.Yaml);
        Assert.Equal(["INS1180", "INS1181", "INS1187"], result.Diagnostics.Select(d => d.Id));   // the file-wide one last
    }

    [Fact]
    public void INS1188_SeveralFormsWithoutAChoice_OrAnUnknownForm()
    {
        var dictionary = Header + Row("q", "radio", "Q", Freq, form: "mood") + Row("r", "yesno", "R", form: "sleep");
        var d = Assert.Single(Import(dictionary).Diagnostics);
        Assert.Equal("INS1188", d.Id);
        Assert.Contains("'mood', 'sleep'", d.Message, StringComparison.Ordinal);
        var unknown = Assert.Single(Import(dictionary, new RedcapImportOptions { Form = "Mood" }).Diagnostics);
        Assert.Equal("INS1188", unknown.Id);
        Assert.Contains("did you mean 'mood'", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("‸2nd_item")]
    [InlineData("‸phq-1")]
    public void INS1189_FieldNameThatIsNotAnItemId(string name)
    {
        ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + name + ",mood,,radio,R," + Freq + ",,,,,,,,,,,,\n", "INS1189");
    }

    [Fact]
    public void INS1189_FieldNamedTwice()
    {
        var d = ExpectOneAt(Header + Row("q", "radio", "Q", Freq) + "‸q,mood,,yesno,Again,,,,,,,,,,,,,\n", "INS1189");
        Assert.Contains("first on line 2", d.Message, StringComparison.Ordinal);
    }
}
