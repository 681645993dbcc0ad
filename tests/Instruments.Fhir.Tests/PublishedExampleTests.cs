using Hl7.Fhir.Model;
using static Instruments.Fhir.Tests.FhirTestSupport;

namespace Instruments.Fhir.Tests;

/// <summary>
/// Example responses published in implementation guides score to the values those guides state (Examples/README.md
/// says where each file comes from).
/// </summary>
public sealed class PublishedExampleTests
{
    [Fact]
    public void MiiPhq9Response_ThroughItsQuestionnaire_ScoresTheTotalTheGuideStates()
    {
        var def = Shipped("phq-9");
        var plan = Plan(def);
        var questionnaire = (Questionnaire)ParseStrict(Example("mii-phq-9-questionnaire-linkids.json"));
        var map = FhirItemMap.Create(def, questionnaire);
        Assert.Equal(9, map.QuestionnaireLinkIds);

        var warnings = new List<string>();
        var response = Assert.Single(Read(Example("mii-phq-9-response.json"), map, warnings: warnings));
        var result = Score(plan, response);

        // The guide's response carries its own total (item phq-phq9-score-total, valueDecimal 27), and its Observation
        // example states 27 {score}.
        var observation = (Observation)ParseStrict(Example("mii-phq-9-observation.json"));
        var stated = Assert.IsType<Quantity>(observation.Value).Value;
        Assert.Equal(27m, stated);
        Assert.Equal((double)stated!.Value, result.GetScore("total"));
        Assert.Equal("Severe", result.GetBand(0));
        Assert.Equal(Instruments.Scoring.ResponseStatus.Complete, result.Status);
        Assert.Equal("Patient/mii-exa-pro-patient", response.Subject);
        Assert.Equal("2023-10-01T12:00:00Z", response.Authored);
        Assert.Equal("QuestionnaireResponse/mii-exa-pro-phq-9-response", response.Reference);

        // The calculated total and the difficulty item are not items the Questionnaire maps (the reduced copy has no
        // difficulty item, and the total's code 44261-6 is a score's): passed over, each named once.
        Assert.Equal(["phq-phq9-score-total", "phq-phq9-difficulty"], response.UnmatchedLinkIds);
        Assert.Equal(2, warnings.Count);

        // The Observation written for it has the guide's value, unit and code system for {score}.
        var written = new ObservationWriter(plan, Stream.Null).Create(result, response.Reference, response.Subject, response.Authored).Single();
        var quantity = Assert.IsType<Quantity>(written.Value);
        var guide = Assert.IsType<Quantity>(observation.Value);
        Assert.Equal(guide.Value, quantity.Value);
        Assert.Equal(guide.Unit, quantity.Unit);
        Assert.Equal(guide.System, quantity.System);
        Assert.Equal(guide.Code, quantity.Code);
        Assert.Equal(observation.Effective?.ToString(), written.Effective?.ToString());
    }

    [Fact]
    public void MiiPhq9Response_WithoutItsQuestionnaire_MatchesNoItem()
    {
        // Its linkIds (phq-phq2a ...) are neither item ids nor question codes: every item is missing, nothing is guessed.
        var def = Shipped("phq-9");
        var response = Assert.Single(Read(Example("mii-phq-9-response.json"), FhirItemMap.Create(def)));
        var result = Score(Plan(def), response);
        Assert.Null(result.GetScore("total"));
        Assert.Equal(11, response.UnmatchedLinkIds.Count);
    }

    [Fact]
    public void PhrGad7Response_WithBareLoincLinkIds_Scores()
    {
        // Answers 0, 0, 1, 1, 0, 1, 0 (LA6568-5 = 0, LA6569-3 = 1, as the MII guide's ordinal values give them).
        var def = Shipped("gad-7");
        var response = Assert.Single(Read(Example("phr-gad-7-response.json"), FhirItemMap.Create(def)));
        var result = Score(Plan(def), response);
        Assert.Equal(3, result.GetScore("total"));
        Assert.Equal("Minimal", result.GetBand(0));
        Assert.Empty(response.UnmatchedLinkIds);
        Assert.Equal([0, 0, 1, 1, 0, 1, 0], response.Values[..7].ToArray().Select(v => v.Number));
    }
}
