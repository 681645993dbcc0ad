using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Tests.Shared;

namespace Instruments.Sdk.Tests.Course;

/// <summary>
/// <see cref="ProtocolPlan"/>: outcome evaluation against a three-valued reference written here (every combination of
/// true, false and unknown), row scoring against each instrument's own plan, and no allocation on either path.
/// </summary>
public sealed class ProtocolPlanTests
{
    private static readonly ScoringPlan Dep = Plan("dep", ["d1", "d2", "d3"], caseMin: 3, rule: 2);
    private static readonly ScoringPlan Anx = Plan("anx", ["a1", "a2"], caseMin: 2, rule: 1);

    private static ScoringPlan Plan(string id, string[] items, double caseMin, double rule)
    {
        var definition = new InstrumentDefinition
        {
            Id = id,
            Version = "1.0.0",
            Title = id,
            License = new LicenseInfo { Name = "test", Texts = TextLicense.Shipped },
            MissingCodes = [-9],
            ResponseScales = [new ResponseScale { Id = "s", Options = [new() { Value = 0, Label = "no" }, new() { Value = 1, Label = "some" }, new() { Value = 2, Label = "yes" }] }],
            Items = [.. items.Select(i => new ItemDefinition { Id = i, Scale = "s" })],
            Scores = [new ScoreDefinition
            {
                Id = "total", Method = ScoreMethod.Sum, Items = [.. items], Missing = new MissingRule { MaxMissing = 1, Prorate = true, Sources = ["t"] },
                Change = new ChangeRules
                {
                    Direction = ChangeDirection.LowerIsBetter,
                    Caseness = new CasenessRule { Min = caseMin, Sources = ["t"] },
                    ReliableChange = [new ReliableChangeRule { Id = "rc", Method = ReliableChangeMethod.Fixed, Threshold = rule, Sources = ["t"] }],
                },
            }],
        };
        return ScoringPlan.Create(definition).Plan!;
    }

    private static ProtocolPlan Protocol(params ProtocolOutcome[] outcomes)
    {
        var result = ProtocolPlan.Create(new ProtocolDefinition
        {
            Id = "pair",
            Version = "1.0.0",
            Title = "Pair",
            Measures =
            [
                new ProtocolMeasure { Id = "a", Instrument = "dep", Score = "total", ReliableChange = "rc" },
                new ProtocolMeasure { Id = "b", Instrument = "anx", Score = "total", ReliableChange = "rc" },
            ],
            Outcomes = [.. outcomes],
        }, [Dep, Anx]);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Plan;
    }

    private static ProtocolOutcome Outcome(string id, string when) => new() { Id = id, When = when, Sources = ["test"] };

    // ---- the reference: Kleene's strong three-valued logic, written out ----

    private static bool? Or(bool? x, bool? y) => x == true || y == true ? true : x == false && y == false ? false : null;

    private static bool? And(bool? x, bool? y) => x == false || y == false ? false : x == true && y == true ? true : null;

    private static bool? Not(bool? x) => x is { } b ? !b : null;

    private static readonly bool?[] Three = [true, false, null];

    private static readonly ChangeOutcome?[] Outcomes4 = [ChangeOutcome.Improved, ChangeOutcome.Unchanged, ChangeOutcome.Deteriorated, null];

    [Fact]
    public void Evaluate_CasenessAndRecovery_MatchTheReferenceForEveryCombination()
    {
        var plan = Protocol(
            Outcome("caseness", "a_case_first or b_case_first"),
            Outcome("recovered", "caseness and not a_case_last and not b_case_last"));
        var outcomes = new bool?[2];
        var checkedCount = 0;
        foreach (var af in Three)
        foreach (var al in Three)
        foreach (var bf in Three)
        foreach (var bl in Three)
        {
            plan.Evaluate([new MeasureFacts(af, al, null), new MeasureFacts(bf, bl, null)], outcomes);
            var caseness = Or(af, bf);
            var recovered = And(And(caseness, Not(al)), Not(bl));
            Assert.True(caseness == outcomes[0], $"caseness({af},{bf})");
            Assert.True(recovered == outcomes[1], $"recovered({af},{al},{bf},{bl}) = {outcomes[1]}, expected {recovered}");
            checkedCount++;
        }

        Assert.Equal(81, checkedCount);
    }

    [Theory]
    [InlineData(true, false, null, false, true)]      // a case at first on one measure, a case on neither at last
    [InlineData(null, false, true, false, true)]      // one first unknown: the other decides caseness
    [InlineData(false, false, false, false, false)]   // never a case: not recovered (not unknown)
    [InlineData(true, null, true, false, null)]       // a last unknown: recovery unknown
    [InlineData(true, true, null, null, false)]       // still a case at last on one: not recovered, whatever else
    public void Evaluate_KnownCases(bool? af, bool? al, bool? bf, bool? bl, bool? expected)
    {
        var plan = Protocol(
            Outcome("caseness", "a_case_first or b_case_first"),
            Outcome("recovered", "caseness and not a_case_last and not b_case_last"));
        var outcomes = new bool?[2];
        plan.Evaluate([new MeasureFacts(af, al, null), new MeasureFacts(bf, bl, null)], outcomes);
        Assert.Equal(expected, outcomes[1]);
    }

    [Fact]
    public void Evaluate_ReliableFacts_MatchTheReferenceForEveryCombination()
    {
        var plan = Protocol(
            Outcome("improved", "(a_improved or b_improved) and not a_deteriorated and not b_deteriorated"),
            Outcome("same", "a_unchanged and b_unchanged"),
            Outcome("either_worse", "a_deteriorated or b_deteriorated"));
        var outcomes = new bool?[3];
        foreach (var ra in Outcomes4)
        foreach (var rb in Outcomes4)
        {
            plan.Evaluate([new MeasureFacts(null, null, ra), new MeasureFacts(null, null, rb)], outcomes);
            bool? Is(ChangeOutcome? r, ChangeOutcome value) => r is { } x ? x == value : null;
            var improved = And(And(Or(Is(ra, ChangeOutcome.Improved), Is(rb, ChangeOutcome.Improved)), Not(Is(ra, ChangeOutcome.Deteriorated))), Not(Is(rb, ChangeOutcome.Deteriorated)));
            Assert.True(improved == outcomes[0], $"improved({ra},{rb}) = {outcomes[0]}, expected {improved}");
            Assert.True(And(Is(ra, ChangeOutcome.Unchanged), Is(rb, ChangeOutcome.Unchanged)) == outcomes[1], $"same({ra},{rb})");
            Assert.True(Or(Is(ra, ChangeOutcome.Deteriorated), Is(rb, ChangeOutcome.Deteriorated)) == outcomes[2], $"either_worse({ra},{rb})");
        }
    }

    [Fact]
    public void Evaluate_WrongLengths_Throw()
    {
        var plan = Protocol(Outcome("o", "a_case_first"));
        Assert.Throws<ArgumentException>(() => plan.Evaluate([new MeasureFacts(true, true, null)], new bool?[1]));
        Assert.Throws<ArgumentException>(() => plan.Evaluate([default, default], Span<bool?>.Empty));
    }

    [Fact]
    public void Members_AndTheReaderPlan_AreResolved()
    {
        var plan = Protocol(Outcome("o", "a_case_first"));
        Assert.Equal(["dep", "anx"], plan.Instruments.Select(p => p.Definition.Id));
        Assert.Equal(["d1", "d2", "d3", "a1", "a2"], plan.ReaderPlan.Definition.Items.Select(i => i.Id));
        Assert.Equal(0, plan.ReaderPlan.ScoreCount);
        Assert.Equal(1, plan.Members[1].InstrumentIndex);
        Assert.Equal("rc", plan.Members[1].ReliableChange!.Id);
        Assert.Equal(1, plan.IndexOfMember("b"));
        Assert.Equal(0, plan.IndexOfOutcome("o"));
        Assert.Equal(-1, plan.IndexOfOutcome("x"));
    }

    [Fact]
    public void Score_GathersEachInstrumentsValues_AndScoresAsItsOwnPlanDoes()
    {
        var plan = Protocol(Outcome("o", "a_case_first"));
        var result = plan.CreateResult();
        var rows = new[]
        {
            new[] { "1", "2", "0", "2", "2" },
            new[] { "1", "", "2", "x", "1" },     // dep partial (prorated), anx invalid (non-numeric)
            new[] { "-9", "-9", "0", "7", "" },   // dep beyond its missing rule, anx: 7 is not an option
        };
        foreach (var row in rows)
        {
            var values = row.Select(t => t.Length == 0 ? ResponseValue.Missing : ResponseValue.Parse(t.AsSpan())).ToArray();
            plan.Score(values, row, result);
            var dep = Dep.Score(new Dictionary<string, string?> { ["d1"] = Null(row[0]), ["d2"] = Null(row[1]), ["d3"] = Null(row[2]) });
            var anx = Anx.Score(new Dictionary<string, string?> { ["a1"] = Null(row[3]), ["a2"] = Null(row[4]) });
            AssertSame(dep, result.GetResult(0));
            AssertSame(anx, result.GetResult(1));
            var worst = new[] { dep.Status, anx.Status }.Max();
            Assert.Equal(worst, result.Status);
        }

        static string? Null(string s) => s.Length == 0 ? null : s;
    }

    [Fact]
    public void ScoreMalformed_MarksEveryInstrumentInvalid_WithTheLine()
    {
        var plan = Protocol(Outcome("o", "a_case_first"));
        var result = plan.CreateResult();
        plan.ScoreMalformed(result, 12, "unclosed quote");
        for (var k = 0; k < result.Count; k++)
        {
            var r = result.GetResult(k);
            Assert.Equal(ResponseStatus.Invalid, r.Status);
            var d = Assert.Single(r.Diagnostics.ToArray());
            Assert.Equal("RSP2010", d.Id);
            Assert.Equal(12, d.Count);
        }

        Assert.Equal(ResponseStatus.Invalid, result.Status);
    }

    [Fact]
    public void Score_AndEvaluate_WithReusedBuffers_AllocateNothing()
    {
        var plan = Protocol(Outcome("caseness", "a_case_first or b_case_first"), Outcome("recovered", "caseness and not a_case_last"));
        var result = plan.CreateResult();
        var values = new[] { "1", "2", "0", "2", "2" }.Select(t => ResponseValue.Parse(t.AsSpan())).ToArray();
        var texts = new string?[values.Length];
        MeasureFacts[] facts = [new(true, false, ChangeOutcome.Improved), new(null, false, null)];
        var outcomes = new bool?[2];
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                plan.Score(values, texts, result);
                plan.Evaluate(facts, outcomes);
            }
        }));
        Assert.Equal([true, true], outcomes);
    }

    [Fact]
    public void Create_ReportsMistakes_AsDiagnostics_WithoutAPlan()
    {
        var result = ProtocolPlan.Create(new ProtocolDefinition
        {
            Id = "pair",
            Version = "1.0.0",
            Title = "Pair",
            Measures = [new ProtocolMeasure { Id = "a", Instrument = "depp", Score = "total" }],
            Outcomes = [Outcome("o", "a_case_first")],
        }, [Dep, Anx]);
        Assert.False(result.Success);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("INS1100", d.Id);
        Assert.False(d.Location.HasPath);

        var lowered = ProtocolPlan.Create(new ProtocolDefinition
        {
            Id = "pair", Version = "1.0.0", Title = "Pair",
            Measures = [new ProtocolMeasure { Id = "a", Instrument = "dep", Score = "total" }],
            Outcomes = [new ProtocolOutcome { Id = "o", When = "a_case_first" }],
        }, [Dep], DiagnosticOptions.Default.WithSeverity("INS1111", ReportSeverity.Error));
        Assert.False(lowered.Success);
        Assert.Equal("INS1111", Assert.Single(lowered.Diagnostics).Id);
    }

    private static void AssertSame(ScoreResult expected, ScoreResult actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.GetScoreValue(0), actual.GetScoreValue(0));
        Assert.Equal(expected.Diagnostics.ToArray().Select(d => (d.Id, d.Item, d.Text)), actual.Diagnostics.ToArray().Select(d => (d.Id, d.Item, d.Text)));
        Assert.Equal(expected.Diagnostics.ToArray().Select(d => expected.FormatMessage(d)), actual.Diagnostics.ToArray().Select(d => actual.FormatMessage(d)));
    }

    [Fact]
    public void WithSuddenGains_ReplacesEveryInstrumentWithTheRule_AndKeepsTheProtocol()
    {
        var protocol = Protocol(Outcome("caseness", "a_case_first or b_case_first"));
        var rule = new SuddenGainRule { ReliableChange = "rc", Sources = ["stated"] };

        var result = protocol.WithSuddenGains(rule);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.All(result.Plan.Instruments, p => Assert.Same(rule, p.Definition.Scores[0].Change!.SuddenGains));
        Assert.All(protocol.Instruments, p => Assert.Null(p.Definition.Scores[0].Change!.SuddenGains)); // the original is unchanged
        Assert.Equal(protocol.Members.Select(m => m.Id), result.Plan.Members.Select(m => m.Id));
        Assert.Equal(["caseness"], result.Plan.Outcomes.Select(o => o.Id));
    }

    [Fact]
    public void WithSuddenGains_NoInstrumentTakesIt_IsAnArgumentException_ABadNumberIsItsDiagnostic()
    {
        var protocol = Protocol();

        Assert.False(protocol.Instruments[0].Definition.CanTakeSuddenGains(new SuddenGainRule { ReliableChange = "jt", Sources = ["s"] }));
        Assert.Throws<ArgumentException>(() => protocol.WithSuddenGains(new SuddenGainRule { ReliableChange = "jt", Sources = ["s"] }));
        var bad = protocol.WithSuddenGains(new SuddenGainRule { Cutoff = -1, Sources = ["s"] });
        Assert.False(bad.Success);
        Assert.Contains(bad.Diagnostics, d => d.Id == "INS1091");
    }
}
