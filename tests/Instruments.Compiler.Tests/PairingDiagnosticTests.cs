using Instruments.Alliance;
using Instruments.Diagnostics;
using Instruments.Scoring;
using static Instruments.Compiler.Tests.CompilerTestYaml;

namespace Instruments.Compiler.Tests;

/// <summary>
/// Paired forms (<c>counterpart:</c>): what is read, the checks of the declaring instrument at compile time
/// (INS1130-INS1132, INS1138) and of the pair when both forms are loaded (<see cref="InstrumentPairing.Resolve"/>,
/// INS1133-INS1137, INS1139), each with its exact line and column (marked with ‸). The template scores range 0 to 6.
/// </summary>
public sealed class PairingDiagnosticTests
{
    private const string TwoScores = """
        scores:
          - id: total
            items: [mood, sleep, energy]
            method: sum
          - id: mood_only
            items: [mood]
            method: sum
        """;

    private static string Form(string id, string respondent, string counterpart = "", string scores = TwoScores) =>
        Doc(header: Header.Replace("instrument: demo", "instrument: " + id, StringComparison.Ordinal) + "\nrespondent: " + respondent
            + (counterpart.Length > 0 ? "\n" + counterpart : string.Empty), scores: scores);

    private const string ClientSide = """
        counterpart:
          instrument: demo-t
          scores: { total: total, mood_only: mood_only }
        """;

    [Fact]
    public void Counterpart_IsRead_WithItsScorePairsInOrder_AndTheirLocations()
    {
        var compilation = Compile(Form("demo", "client", ClientSide));
        Assert.Empty(compilation.Diagnostics);
        var c = compilation.Definitions[0].Counterpart!;
        Assert.Equal("demo-t", c.Instrument);
        Assert.Equal([("total", "total"), ("mood_only", "mood_only")], c.Scores.Select(p => (p.Score, p.CounterpartScore)));
        Assert.Equal((9, 15), (c.Location.Line, c.Location.Column));
        Assert.Equal((10, 13), (c.Scores[0].Location.Line, c.Scores[0].Location.Column));
    }

    [Fact]
    public void INS1130_APairNamesAScoreThisInstrumentLacks()
    {
        var d = ExpectOneAt(Form("demo", "client", """
            counterpart:
              instrument: demo-t
              scores: { ‸totl: total }
            """), "INS1130");
        Assert.Equal("Counterpart 'demo-t': this instrument has no score 'totl'; did you mean 'total'?", d.Message);
    }

    [Theory]
    [InlineData("observer", "'observer'")]
    public void INS1131_APairedFormWhoseRaterIsNeitherClientNorTherapist(string respondent, string said)
    {
        var marked = Form("demo", respondent, ClientSide).Replace("respondent: ", "respondent: ‸", StringComparison.Ordinal);
        var d = ExpectOneAt(marked, "INS1131");
        Assert.Equal($"Instrument 'demo' declares counterpart 'demo-t' but its respondent is {said}; a paired form needs 'respondent: client' or 'respondent: therapist'", d.Message);
    }

    [Fact]
    public void INS1131_APairedFormWithoutARespondent()
    {
        var text = Doc(header: Header + "\n" + ClientSide.Replace("  instrument", "  ‸instrument", StringComparison.Ordinal), scores: TwoScores);
        Assert.Contains("respondent is not stated", ExpectOneAt(text, "INS1131").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1132_TwoScoresPairedWithOneCounterpartScore()
    {
        var d = ExpectOneAt(Form("demo", "client", """
            counterpart:
              instrument: demo-t
              scores: { total: total, mood_only: ‸total }
            """), "INS1132");
        Assert.Equal("Counterpart 'demo-t': score 'mood_only' is paired with 'total', which score 'total' is already paired with", d.Message);
    }

    [Fact]
    public void INS1138_ACounterpartThatIsTheInstrumentItself_OrPairsNothing()
    {
        ExpectOneAt(Form("demo", "client", """
            counterpart:
              instrument: ‸demo
              scores: { total: total }
            """), "INS1138");
        var d = ExpectOneAt(Form("demo", "client", """
            counterpart:
              instrument: demo-t
              scores: ‸{}
            """), "INS1138");
        Assert.Contains("pairs no scores", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1010_UnknownKeyInCounterpart_SuggestsTheKey()
    {
        var d = ExpectOneAt(Form("demo", "client", """
            counterpart:
              instrument: demo-t
              ‸score: { total: total }
            """), "INS1010", "INS1011", "INS1138");
        Assert.Contains("did you mean 'scores'?", d.Message, StringComparison.Ordinal);
    }

    // ---- resolution: both forms loaded ----

    private static (ScoringPlan Form, List<ScoringPlan> Loaded) Load(params string[] texts)
    {
        var compilation = InstrumentCompiler.Compile(texts.Select((t, i) => InstrumentSource.FromText(t, $"form{i}.yaml")));
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var plans = compilation.Definitions.Select(compilation.CreatePlan).ToList();
        return (plans[0], plans);
    }

    private static Diagnostic ResolveOne(string id, string marked, params string[] others)
    {
        var (text, marks) = Strip(marked);
        var (form, loaded) = Load([text, .. others]);
        var resolution = InstrumentPairing.Resolve(form, loaded);
        Assert.Null(resolution.Pairing);
        var d = Assert.Single(resolution.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal("form0.yaml", d.Location.Path);
        Assert.Equal(Assert.Single(marks), (d.Location.Line, d.Location.Column));
        return d;
    }

    [Fact]
    public void Resolve_OneSidedDeclaration_PairsClientAndTherapistWhicheverFormIsNamed()
    {
        var client = Form("demo", "client", ClientSide);
        var therapist = Form("demo-t", "therapist");
        foreach (var (form, loaded) in new[] { Load(client, therapist), Load(therapist, client) })
        {
            var resolution = InstrumentPairing.Resolve(form, loaded);
            Assert.Empty(resolution.Diagnostics);
            var pairing = resolution.Pairing!;
            Assert.Equal(("demo", "demo-t"), (pairing.Client.Definition.Id, pairing.Therapist.Definition.Id));
            Assert.Equal([("total", 0, "total", 0), ("mood_only", 1, "mood_only", 1)],
                pairing.Scores.Select(s => (s.ClientScore, s.ClientIndex, s.TherapistScore, s.TherapistIndex)));
            Assert.Equal((0.0, 6.0), (pairing.Scores[0].Range.Min, pairing.Scores[0].Range.Max));
        }
    }

    [Fact]
    public void Resolve_DeclaredOnTheTherapistForm_KeepsClientMinusTherapistOrientation()
    {
        var therapist = Form("demo-t", "therapist", """
            counterpart:
              instrument: demo
              scores: { mood_only: total, total: mood_only }
            """, """
            scores:
              - id: total
                items: [mood]
                method: sum
              - id: mood_only
                items: [mood, sleep, energy]
                method: sum
            """);
        var (form, loaded) = Load(Form("demo", "client"), therapist);
        var pairing = InstrumentPairing.Resolve(form, loaded).Pairing!;
        Assert.Equal("demo", pairing.Client.Definition.Id);
        Assert.Equal([("total", "mood_only"), ("mood_only", "total")], pairing.Scores.Select(s => (s.ClientScore, s.TherapistScore)));
    }

    [Fact]
    public void Resolve_MutualDeclarationsThatMatch_AreAccepted()
    {
        var (form, loaded) = Load(Form("demo", "client", ClientSide), Form("demo-t", "therapist", ClientSide.Replace("demo-t", "demo", StringComparison.Ordinal)));
        var resolution = InstrumentPairing.Resolve(form, loaded);
        Assert.Empty(resolution.Diagnostics);
        Assert.NotNull(resolution.Pairing);
    }

    [Fact]
    public void INS1133_TheDeclaredCounterpartIsNotLoaded()
    {
        var d = ResolveOne("INS1133", Form("demo", "client", """
            counterpart:
              instrument: ‸demo-tt
              scores: { total: total }
            """), Form("demo-t", "therapist"));
        Assert.Equal("Instrument 'demo': its counterpart 'demo-tt' is not loaded; did you mean 'demo-t'?", d.Message);
    }

    [Fact]
    public void INS1133_NoDeclarationOnEitherSide()
    {
        var (form, loaded) = Load(Form("demo", "client"), Form("demo-t", "therapist"));
        var d = Assert.Single(InstrumentPairing.Resolve(form, loaded).Diagnostics);
        Assert.Equal("INS1133", d.Id);
        Assert.Contains("declares no counterpart", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void INS1134_ThePairNamesAScoreTheCounterpartLacks()
    {
        var d = ResolveOne("INS1134", Form("demo", "client", """
            counterpart:
              instrument: demo-t
              scores: { ‸total: totl }
            """), Form("demo-t", "therapist"));
        Assert.Equal("Instrument 'demo' pairs its score 'total' with 'totl' of 'demo-t', which has no such score; did you mean 'total'?", d.Message);
    }

    [Fact]
    public void INS1135_PairedScoresOnDifferentRanges()
    {
        var d = ResolveOne("INS1135", Form("demo", "client", """
            counterpart:
              instrument: demo-t
              scores: { ‸total: mood_only }
            """), Form("demo-t", "therapist"));
        Assert.Equal("Score 'total' of 'demo' (0 to 6) and score 'mood_only' of 'demo-t' (0 to 2) can take different values; a difference between them would mix two scales", d.Message);
    }

    [Fact]
    public void INS1136_MutualDeclarationsThatDisagree()
    {
        var therapist = Form("demo-t", "therapist", """
            counterpart:
              instrument: ‸demo
              scores: { total: total }
            """);
        var (text, marks) = Strip(therapist);
        var (form, loaded) = Load(Form("demo", "client", ClientSide), text);
        var d = Assert.Single(InstrumentPairing.Resolve(form, loaded).Diagnostics);
        Assert.Equal("INS1136", d.Id);
        Assert.Equal(("form1.yaml", marks[0]), (d.Location.Path, (d.Location.Line, d.Location.Column)));
        Assert.Equal("'demo' and 'demo-t' both declare a counterpart, and they do not match: 'demo' pairs {mood_only: mood_only, total: total}, 'demo-t' (read from its side) {total: total}", d.Message);
    }

    [Fact]
    public void INS1137_BothFormsRatedByTheClient()
    {
        var d = ResolveOne("INS1137", Form("demo", "client", """
            counterpart:
              instrument: ‸demo-t
              scores: { total: total }
            """), Form("demo-t", "client"));
        Assert.Equal("'demo' (respondent client) and its counterpart 'demo-t' (respondent client) must be one client form and one therapist form", d.Message);
    }

    [Fact]
    public void INS1139_TwoFormsNameTheSameCounterpart()
    {
        var declares = ClientSide.Replace("demo-t", "demo", StringComparison.Ordinal);
        var (form, loaded) = Load(Form("demo", "client"), Form("demo-t", "therapist", declares), Form("demo-t2", "therapist", declares));
        var d = Assert.Single(InstrumentPairing.Resolve(form, loaded).Diagnostics);
        Assert.Equal("INS1139", d.Id);
        Assert.Equal("Instrument 'demo' is named as counterpart by several loaded instruments ('demo-t', 'demo-t2'); declare 'counterpart' on 'demo' to choose one", d.Message);
    }
}
