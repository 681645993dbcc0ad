using System.Collections.Immutable;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Testing;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Series examples: <c>examples:</c> entries with <c>series:</c> read into <see cref="InstrumentDefinition.CourseExamples"/>,
/// checked (INS1071, INS1073-INS1079, each at its exact line and column, marked with ‸) and run by
/// <see cref="ExampleRunner"/>. The YAML <c>change:</c> rules are read elsewhere; tests that need rules attach them in C#.
/// </summary>
public sealed class CourseExampleTests
{
    private static string WithExamples(string examples) => Doc(flags: examples);

    private const string Recovery = """
        examples:
          - name: single
            source: test
            responses: { mood: 1, sleep: 1, energy: 1 }
            expect: { scores: { total: 3 } }
          - name: recovery
            source: computed from the rules in the test
            series:
              - { occasion: "1", responses: { mood: 2, sleep: 2, energy: 2 } }
              - occasion: "2"
                responses: { mood: 2, sleep: 2, energy: 2 }
              - { occasion: "3", responses: { mood: 0, sleep: 0, energy: 0 } }
              - { occasion: "4", responses: { mood: 9, sleep: 2, energy: 2 } }
              - { occasion: "5", responses: { mood: 0, sleep: 0, energy: 0 } }
              - { occasion: "6", responses: { mood: 2, sleep: 2 } }
            expect:
              total:
                first: 6
                last: 0
                change: -6
                case_first: true
                case_last: false
                recovered: true
                reliable_change: { fixed: improved, jt: improved }
                category: recovered
                sudden_gains: ["2"]
                sudden_losses: null
        """;

    /// <summary>Rules for the 0-6 total: caseness 4+, fixed 3, JT, cut-off c = (1*5 + 1*1)/2 = 3, sudden gains of 3+.</summary>
    private static readonly ChangeRules Rules = new()
    {
        Direction = ChangeDirection.LowerIsBetter,
        Caseness = new CasenessRule { Min = 4, Sources = ["test"] },
        ReliableChange =
        [
            new ReliableChangeRule { Id = "fixed", Method = ReliableChangeMethod.Fixed, Threshold = 3, Sources = ["test"] },
            new ReliableChangeRule { Id = "jt", Method = ReliableChangeMethod.JacobsonTruax, Sd = 1.5, Reliability = 0.8, Sources = ["test"] },
        ],
        ClinicalSignificance = new ClinicalSignificanceRule
        {
            FunctionalMean = 1, FunctionalSd = 1, DysfunctionalMean = 5, DysfunctionalSd = 1, ReliableChange = "fixed", Sources = ["test"],
        },
        SuddenGains = new SuddenGainRule { Cutoff = 3, Sources = ["test"] },
    };

    private static InstrumentDefinition WithRules(InstrumentDefinition def, ChangeRules? rules) => new()
    {
        Id = def.Id, Version = def.Version, Title = def.Title, License = def.License, ResponseScales = def.ResponseScales,
        Items = def.Items, Flags = def.Flags, Examples = def.Examples, CourseExamples = def.CourseExamples,
        Scores = [.. def.Scores.Select(s => new ScoreDefinition
        {
            Id = s.Id, Items = s.Items, Method = s.Method, Expression = s.Expression, Missing = s.Missing, Bands = s.Bands, Change = rules,
        })],
    };

    /// <summary>
    /// Reads YAML without binding it: the change rules the expectations need are attached in C# afterwards
    /// (<see cref="WithRules"/>), so the binder's checks run on the result, not on the rule-less file.
    /// </summary>
    private static InstrumentDefinition ReadUnbound(string yaml)
    {
        var diagnostics = new List<Instruments.Diagnostics.Diagnostic>();
        var document = YamlDocumentReader.Read(yaml, CompilerTestYaml.Path, InstrumentCompiler.MaxDepth, diagnostics);
        Assert.NotNull(document);
        var definition = new YamlDefinitionReader(CompilerTestYaml.Path, new YamlSourceLocator(CompilerTestYaml.Path), diagnostics).Read(document);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        return definition!;
    }

    private static InstrumentDefinition Read(string yaml)
    {
        var compilation = Compile(yaml);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return Assert.Single(compilation.Definitions);
    }

    [Fact]
    public void SeriesExample_IsReadIntoCourseExamples_BesideTheSingleResponseExamples()
    {
        var def = ReadUnbound(WithExamples(Recovery));
        Assert.Equal("single", Assert.Single(def.Examples).Name);
        var example = Assert.Single(def.CourseExamples);
        Assert.Equal(("recovery", "computed from the rules in the test"), (example.Name, example.Source));
        Assert.Equal<string>(["1", "2", "3", "4", "5", "6"], example.Series.Select(a => a.Occasion));
        Assert.Equal("9", example.Series[3].Responses["mood"]);
        Assert.False(example.Series[5].Responses.ContainsKey("energy"));
        var total = example.Expect["total"];
        Assert.Equal(new Expected<double>(6), total.First);
        Assert.Equal(new Expected<double>(-6), total.Change);
        Assert.Equal(new Expected<bool>(true), total.CaseFirst);
        Assert.Equal(new Expected<bool>(false), total.CaseLast);
        Assert.Equal(ChangeOutcome.Improved, total.ReliableChange["jt"]);
        Assert.Equal(new Expected<ClinicalCategory>(ClinicalCategory.Recovered), total.Category);
        Assert.Equal<string>(["2"], total.SuddenGains!.Value);
        Assert.Empty(total.SuddenLosses!.Value);   // null: stated as none
    }

    [Fact]
    public void SeriesExample_NullStatesAbsence_AndAnOmittedFieldIsNotStated()
    {
        var def = ReadUnbound(WithExamples("""
            examples:
              - name: one usable
                source: test
                series:
                  - { occasion: "2024-01-08", responses: { mood: 2, sleep: 2, energy: 2 } }
                  - { occasion: "2024-01-15", responses: { mood: x, sleep: 2, energy: 2 } }
                expect:
                  total: { first: 6, last: null, change: ~, case_last: null, reliable_change: { fixed: null }, category: null, sudden_gains: [] }
            """));
        var total = Assert.Single(def.CourseExamples).Expect["total"];
        Assert.Equal((true, 6.0), (total.First.IsStated, total.First.Value!.Value));
        Assert.True(total.Last.IsStated);
        Assert.Null(total.Last.Value);
        Assert.True(total.Change.IsStated && total.CaseLast.IsStated && total.Category.IsStated);
        Assert.False(total.CaseFirst.IsStated);
        Assert.False(total.Recovered.IsStated);
        Assert.Null(total.ReliableChange["fixed"]);
        Assert.Empty(total.SuddenGains!.Value);
        Assert.Null(total.SuddenLosses);

        var outcomes = ExampleRunner.Run(WithRules(def, Rules));
        Assert.All(outcomes, o => Assert.True(o.Passed, o + ": " + string.Join("; ", o.Failures) + " / " + o.Actual));
    }

    [Fact]
    public void ExampleRunner_RunsSeriesExamples_ScoringEachAdministrationWithThePlan()
    {
        // Values: 6, 6, 0, (invalid: 9 is not an option), 0, (not computed: an item missing, no missing allowance).
        var def = WithRules(ReadUnbound(WithExamples(Recovery)), Rules);
        var outcomes = ExampleRunner.Run(def);
        Assert.Equal(2, outcomes.Length);
        Assert.All(outcomes, o => Assert.True(o.Passed, o + ": " + string.Join("; ", o.Failures) + " / " + o.Actual));
        var course = outcomes[1];
        Assert.Equal("PASS demo \u203a recovery", course.ToString());
        Assert.Null(course.Example);
        Assert.Same(def.CourseExamples[0], course.CourseExample);
        Assert.Equal(("recovery", "computed from the rules in the test"), (course.Name, course.Source));
        Assert.Equal(
            "total [1: 6, 2: 6, 3: 0, 4: unusable, 5: 0, 6: unusable], change -6, case_first true, case_last false, recovered true, "
            + "fixed improved, jt improved, category recovered, sudden_gains [2], sudden_losses []",
            course.Actual);
    }

    [Fact]
    public void ExampleRunner_ReportsEveryMismatchOfASeriesExample()
    {
        var def = WithRules(ReadUnbound(WithExamples("""
            examples:
              - name: wrong on purpose
                source: test
                series:
                  - { occasion: "1", responses: { mood: 2, sleep: 2, energy: 2 } }
                  - { occasion: "2", responses: { mood: 2, sleep: 2, energy: 1 } }
                  - { occasion: "3", responses: { mood: 1, sleep: 1, energy: 1 } }
                expect:
                  total:
                    first: 5
                    last: null
                    change: -2
                    case_first: false
                    case_last: true
                    recovered: false
                    reliable_change: { fixed: improved, jt: null }
                    category: recovered
                    sudden_gains: ["1"]
                    sudden_losses: ["2"]
            """)), Rules);
        var outcome = Assert.Single(ExampleRunner.Run(def));
        Assert.False(outcome.Passed);
        Assert.Equal<string>(
            [
                "score 'total': first: expected 5, got 6",
                "score 'total': last: expected null (not computed), got 3",
                "score 'total': change: expected -2, got -3",
                "score 'total': case_first: expected false, got true",
                "score 'total': case_last: expected true, got false",
                "score 'total': recovered: expected false, got true",
                "score 'total': reliable_change jt: expected null, got improved",
                "score 'total': category: expected recovered, got improved",   // 3 is the cut-off c: not functional
                "score 'total': sudden_gains: expected [1], got []",
                "score 'total': sudden_losses: expected [2], got []",
            ],
            outcome.Failures);
    }

    [Fact]
    public void ExampleRunner_SeriesExampleOfABrokenDefinition_FailsWithTheErrors()
    {
        var def = ReadUnbound(WithExamples(Recovery));
        var broken = new InstrumentDefinition
        {
            Id = def.Id, Version = def.Version, Title = def.Title, License = def.License, ResponseScales = def.ResponseScales,
            Items = def.Items, Scores = [new ScoreDefinition { Id = "total", Items = ["nope"] }], CourseExamples = def.CourseExamples,
        };
        var outcome = Assert.Single(ExampleRunner.Run(broken));
        Assert.False(outcome.Passed);
        Assert.Contains(outcome.Failures, f => f.StartsWith("definition: INS1031", StringComparison.Ordinal));
    }

    // ---- diagnostics ----

    [Fact]
    public void INS1074_UnknownScore()
    {
        var d = ExpectOneAt(WithExamples("""
            examples:
              - name: typo
                source: test
                series: [{ occasion: "1", responses: { mood: 1 } }]
                expect:
                  ‸totl: { first: 1 }
            """), "INS1074");
        Assert.Contains("did you mean 'total'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1075_UnknownReliableChangeRule()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: rule
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { reliable_change: { ‸jt: improved } }
            """), "INS1075");
    }

    [Fact]
    public void INS1076_ExpectationsTheScoreCannotGive()
    {
        ExpectAt(WithExamples("""
            examples:
              - name: no rules
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { case_first: ‸true, recovered: ‸false, category: ‸recovered, sudden_gains: ‸["1"], case_last: null }
              - name: one administration
                source: test
                series: [{ occasion: "1" }]
                expect:
                  total: { first: 3, last: ‸3, change: ‸0 }
            """), "INS1076");
    }

    [Fact]
    public void INS1076_SuddenGainAtAnOccasionNotInTheSeriesOrAtTheLast()
    {
        // With a sudden-gain rule (attached in C#, so validated without positions), only the occasions are wrong.
        var def = WithRules(Read(Doc()), Rules);
        var example = new CourseExample
        {
            Name = "occasions",
            Source = "test",
            Series = [.. new[] { "1", "2", "3" }.Select(o => new CourseAdministration { Occasion = o })],
            Expect = ImmutableDictionary<string, CourseExpectation>.Empty.Add("total", new CourseExpectation { SuddenGains = ["1", "7", "3"] }),
        };
        var diagnostics = With(def, example).Validate().Where(d => d.Id == "INS1076").Select(d => d.Message).ToList();
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains("'7'", diagnostics[0], StringComparison.Ordinal);
        Assert.Contains("not an occasion of the series", diagnostics[0], StringComparison.Ordinal);
        Assert.Contains("last administration", diagnostics[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ValidRulesAndExpectations_GiveNoDiagnostics()
    {
        var def = WithRules(ReadUnbound(WithExamples(Recovery)), Rules);
        Assert.DoesNotContain(def.Validate(), d => d.Id is "INS1074" or "INS1075" or "INS1076" or "INS1077" or "INS1078");
    }

    [Fact]
    public void INS1077_EmptySeries()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: empty
                source: test
                series: ‸[]
                expect: { total: { first: null } }
            """), "INS1077");
    }

    [Fact]
    public void INS1078_DuplicateOccasion()
    {
        var d = ExpectOneAt(WithExamples("""
            examples:
              - name: twice
                source: test
                series:
                  - { occasion: "1" }
                  - { occasion: "2" }
                  - { occasion: ‸"1" }
                expect: { total: { first: null } }
            """), "INS1078");
        Assert.Contains("administration 1", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1079_ResponsesAndSeries()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: both
                source: test
                responses: ‸{ mood: 1 }
                series: [{ occasion: "1" }]
                expect: { total: { first: null } }
            """), "INS1079");
    }

    [Fact]
    public void INS1071_UnknownItemInAnAdministration()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: typo
                source: test
                series: [{ occasion: "1", responses: { ‸mod: 1 } }]
                expect: { total: { first: null } }
            """), "INS1071");
    }

    [Fact]
    public void INS1073_ASeriesExampleNamedLikeASingleResponseExample()
    {
        ExpectOneAt(WithExamples("""
            examples:
              - name: same
                source: test
                responses: { mood: 1 }
                expect: { status: partial }
              - name: ‸same
                source: test
                series: [{ occasion: "1" }]
                expect: { total: { first: null } }
            """), "INS1073");
    }

    [Fact]
    public void WrongValueTypes_InASeriesExpectation_AreINS1012()
    {
        ExpectAt(WithExamples("""
            examples:
              - name: types
                source: test
                series: [{ occasion: "1" }, { occasion: "2" }]
                expect:
                  total: { first: ‸high, case_first: ‸yes, reliable_change: { fixed: ‸better }, category: ‸cured }
            """), "INS1012", "INS1075");
    }

    private static InstrumentDefinition With(InstrumentDefinition def, CourseExample example) => new()
    {
        Id = def.Id, Version = def.Version, Title = def.Title, License = def.License, ResponseScales = def.ResponseScales,
        Items = def.Items, Scores = def.Scores, CourseExamples = [example],
    };
}
