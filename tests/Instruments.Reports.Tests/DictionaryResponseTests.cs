using System.Text.Json;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Reports.Tests;

/// <summary><see cref="ReportResponse.Create(ScoreResult, int, IReadOnlyDictionary{string, string?}, int)"/>: a response scored from a dictionary.</summary>
public sealed class DictionaryResponseTests
{
    private static string Json(ReportResponse response) => JsonSerializer.Serialize(response.Data);

    [Fact]
    public void Create_FromADictionary_GivesTheSameDataAsTheSpanOverload_WithOtherKeysAsFieldsInDictionaryOrder()
    {
        var plan = TestData.Plan(TestData.Phq9);
        string[] cells = ["3", "", "7", "2", "often", "2", "2", "2", "1", "1"];
        var response = new Dictionary<string, string?> { ["visit"] = "week8" };
        for (var i = 0; i < cells.Length; i++)
        {
            response[plan.Definition.Items[i].Id] = cells[i];
            if (i == 4)
            {
                response["respondent_id"] = "c07"; // fields keep the dictionary's order, wherever the items are
            }
        }

        var result = plan.CreateResult();
        plan.Score(response, ["visit", "respondent_id"], result);
        var fromDictionary = ReportResponse.Create(result, 3, response, line: 4);

        var values = cells.Select(c => ResponseValue.Parse(c.AsSpan())).ToArray();
        var spanResult = plan.CreateResult();
        plan.Score(values, cells, spanResult);
        var fromSpan = ReportResponse.Create(spanResult, 3, values, [new("visit", "week8"), new("respondent_id", "c07")], line: 4);

        Assert.Equal(Json(fromSpan), Json(fromDictionary));
        Assert.Equal("c07", fromDictionary.RespondentId);
        Assert.Equal(ResponseStatus.Invalid, fromDictionary.Status);
        var items = (IReadOnlyList<object?>)fromDictionary.Data["items"]!;
        Assert.Equal("often", ((IReadOnlyDictionary<string, object?>)items[4]!)["given"]);
    }

    [Fact]
    public void Create_FromADictionary_KeepsANonNumericAnswersText_EvenWhenRsp2002IsSuppressed()
    {
        var options = DiagnosticOptions.Default.WithSeverity("RSP2002", ReportSeverity.Suppress);
        var created = ScoringPlan.Create(TestData.Swls, options: options);
        Assert.True(created.Success);
        var plan = created.Plan;
        var response = new Dictionary<string, string?> { ["swls1"] = "5", ["swls2"] = "lots", ["swls3"] = "5", ["swls4"] = "5", ["swls5"] = null, ["note"] = "x" };

        var report = ReportResponse.Create(plan.Score(response), 1, response);

        var items = ((IReadOnlyList<object?>)report.Data["items"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Equal("lots", items[1]["given"]);
        Assert.Null(items[4]["given"]);
        Assert.Equal("missing", items[4]["status"]);
        var field = Assert.Single((IReadOnlyList<object?>)report.Data["fields"]!);
        Assert.Equal("note", ((IReadOnlyDictionary<string, object?>)field!)["name"]);
    }
}
