using Instruments.Scoring;
using static Instruments.Sdk.Tests.Scoring.ScoringTestSupport;

namespace Instruments.Sdk.Tests.Scoring;

public sealed class DictionaryScoringTests
{
    private static readonly ScoringPlan Swls = ShippedPlan("wellbeing/instruments/swls.yaml");
    private static readonly ScoringPlan Phq9 = ShippedPlan("symptoms/instruments/phq-9.yaml");

    private static Dictionary<string, string?> SwlsResponse(string value, params (string Key, string? Text)[] extra)
    {
        var response = new Dictionary<string, string?>();
        foreach (var (key, text) in extra)
        {
            response[key] = text;
        }

        for (var i = 1; i <= 5; i++)
        {
            response["swls" + i] = value;
        }

        return response;
    }

    private static ResponseValue[] Parse(string[] cells) => [.. cells.Select(c => ResponseValue.Parse(c.AsSpan()))];

    private static string[] Unknown(ScoreResult result) =>
        [.. result.Diagnostics.ToArray().Where(d => d.Id == "RSP2003").Select(d => d.Text!)];

    [Fact]
    public void Score_WithDeclaredPassThroughKeys_ReportsOnlyUndeclaredKeysAsRsp2003()
    {
        var response = SwlsResponse("7", ("respondent_id", "c07"), ("visit", "week8"), ("swsl6", "1"));

        var result = Swls.Score(response, ["respondent_id", "visit"]);

        Assert.Equal(35, result.GetScore("total"));
        Assert.Equal(["swsl6"], Unknown(result));
        Assert.Equal(ResponseStatus.Complete, result.Status);
    }

    [Fact]
    public void Score_WithoutPassThrough_ReportsEveryNonItemKey_AsBefore()
    {
        var result = Swls.Score(SwlsResponse("7", ("respondent_id", "c07"), ("visit", "week8")));

        Assert.Equal(["respondent_id", "visit"], Unknown(result));
    }

    [Fact]
    public void Score_PassThroughSet_IsComparedWithTheSetsOwnComparer_AndALazySequenceIsReadAsAWhole()
    {
        var response = SwlsResponse("7", ("Respondent_ID", "c07"), ("visit", "week8"));

        var ignoringCase = Swls.Score(response, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "respondent_id", "VISIT" });
        var ordinal = Swls.Score(response, new[] { "respondent_id", "visit" });
        var lazy = Swls.Score(response, new[] { "Respondent_ID", "visit" }.Select(k => k));

        Assert.Empty(Unknown(ignoringCase));
        Assert.Equal(["Respondent_ID"], Unknown(ordinal));
        Assert.Empty(Unknown(lazy));
    }

    [Fact]
    public void Score_IntoAReusedResult_ForgetsThePreviousResponsesValuesTextsAndDiagnostics()
    {
        var result = Swls.CreateResult();
        Swls.Score(SwlsResponse("often", ("note", "x")), ["visit"], result);
        Assert.Equal(ResponseStatus.Invalid, result.Status);
        Assert.Contains(result.Diagnostics.ToArray(), d => d.Id == "RSP2002" && d.Text == "often");
        Assert.Equal(["note"], Unknown(result));

        // The second response leaves swls5 out: it must be missing, not the previous response's value.
        var second = SwlsResponse("6", ("visit", "week2"));
        second.Remove("swls5");
        Swls.Score(second, ["visit"], result);

        Assert.Null(result.GetScore("total")); // SWLS allows no missing item
        var diagnostics = result.Diagnostics.ToArray();
        Assert.Single(diagnostics, d => d.Id == "RSP2004" && d.Item == 4);
        Assert.DoesNotContain(diagnostics, d => d.Id is "RSP2002" or "RSP2003");

        Swls.Score(SwlsResponse("6"), null, result);
        Assert.Equal(30, result.GetScore("total"));
        Assert.Empty(result.Diagnostics.ToArray());
    }

    [Fact]
    public void Score_IntoAReusedResult_ScoresAsTheSpanOverloadDoes()
    {
        string[] cells = ["2", "", "7", "2", "x", "2", "2", "2", "1", "1"];
        var expected = Phq9.CreateResult();
        Phq9.Score(Parse(cells), cells, expected);
        var response = Phq9.Definition.Items.Select((item, i) => (item.Id, cells[i])).ToDictionary(p => p.Id, p => (string?)p.Item2);

        var actual = Phq9.CreateResult();
        Phq9.Score(response, null, actual);

        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.GetScore(0), actual.GetScore(0));
        Assert.Equal(expected.GetFlag(0), actual.GetFlag(0));
        Assert.Equal(expected.Diagnostics.ToArray().Select(d => (d.Id, d.Item, d.Text)), actual.Diagnostics.ToArray().Select(d => (d.Id, d.Item, d.Text)));
    }

    [Fact]
    public void Score_IntoAResultOfAnotherPlan_Throws()
    {
        Assert.Throws<ArgumentException>(() => Swls.Score(SwlsResponse("7"), null, Phq9.CreateResult()));
        Assert.Throws<ArgumentNullException>(() => Swls.Score(SwlsResponse("7"), null, null!));
        Assert.Throws<ArgumentNullException>(() => Swls.Score((IReadOnlyDictionary<string, string?>)null!, null, Swls.CreateResult()));
    }

    [Fact]
    public void IndexOfFlag_FindsFlagsByOrdinalId_LikeIndexOfScore()
    {
        var id = Phq9.Definition.Flags[0].Id;

        Assert.Equal(0, Phq9.IndexOfFlag(id));
        Assert.Equal(-1, Phq9.IndexOfFlag(id.ToUpperInvariant()));
        Assert.Equal(-1, Phq9.IndexOfFlag("no_such_flag"));
        Assert.Equal(-1, Swls.IndexOfFlag(id));
    }
}
