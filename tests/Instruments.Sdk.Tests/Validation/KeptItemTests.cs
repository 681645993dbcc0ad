using System.Text.Json;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Sdk.Tests.Scoring;

namespace Instruments.Sdk.Tests.Validation;

/// <summary>
/// Items declared <see cref="ItemDefinition.Keep"/>: a definition built in C# that scores one is INS1160 (as the
/// compiler reports for YAML), a kept item is validated like any item, and the definition JSON says which are kept.
/// </summary>
public sealed class KeptItemTests
{
    private static InstrumentDefinition Definition(ScoreDefinition score, FlagDefinition? flag = null) => new()
    {
        Id = "kept",
        Version = "1.0.0",
        Title = "Kept",
        License = new LicenseInfo { Name = "test", Texts = TextLicense.Restricted },
        ResponseScales = [new ResponseScale { Id = "s", Options = [new ResponseOption { Value = 1, Label = "a" }, new ResponseOption { Value = 2, Label = "b" }] }],
        Items =
        [
            new ItemDefinition { Id = "choice", Scale = "s", Keep = true },
            new ItemDefinition { Id = "q1", Scale = "s" },
            new ItemDefinition { Id = "q2", Scale = "s" },
        ],
        Scores = [score],
        Flags = flag is null ? [] : [flag],
    };

    private static readonly ScoreDefinition Total = new() { Id = "total", Items = ["q1", "q2"], Method = ScoreMethod.Sum };

    [Fact]
    public void Create_KeptItemNotScored_HasNoDiagnostics()
    {
        var result = ScoringPlan.Create(Definition(Total));
        Assert.True(result.Plan is not null, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("mean")]
    [InlineData("expression")]
    [InlineData("flag")]
    public void Create_KeptItemUsedInScoring_IsINS1160(string where)
    {
        var def = where switch
        {
            "sum" => Definition(new ScoreDefinition { Id = "total", Items = ["q1", "choice"], Method = ScoreMethod.Sum }),
            "mean" => Definition(new ScoreDefinition { Id = "total", Items = ["choice", "q2"], Method = ScoreMethod.Mean }),
            "expression" => Definition(new ScoreDefinition { Id = "total", Method = ScoreMethod.Expression, Expression = "q1 + choice" }),
            _ => Definition(Total, new FlagDefinition { Id = "f", When = "choice == 2", Sources = ["test"] }),
        };
        var result = ScoringPlan.Create(def);
        Assert.Null(result.Plan);
        var d = Assert.Single(result.Diagnostics, x => x.IsError);
        Assert.Equal("INS1160", d.Id);
        Assert.Contains("item 'choice'", d.Message, StringComparison.Ordinal);
        Assert.StartsWith(where == "flag" ? "Flag 'f'" : "Score 'total'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_KeptItem_IsValidatedLikeAnyItem()
    {
        var plan = ScoringPlan.Create(Definition(Total)).Plan!;

        var bad = ScoringTestSupport.Score(plan, "7", "1", "2");
        Assert.Equal(ResponseStatus.Invalid, bad.Status);
        Assert.Equal(3, bad.GetScoreValue(0));
        var d = Assert.Single(bad.Diagnostics.ToArray());
        Assert.Equal("RSP2001", d.Id);
        Assert.Equal(0, d.Item);

        var empty = ScoringTestSupport.Score(plan, "", "1", "2");
        Assert.Equal(ResponseStatus.Partial, empty.Status);
        Assert.Equal("RSP2004", Assert.Single(empty.Diagnostics.ToArray()).Id);

        Assert.Equal(ResponseStatus.Complete, ScoringTestSupport.Score(plan, "2", "1", "2").Status);
    }

    [Fact]
    public void DefinitionJson_SaysWhichItemsAreKept()
    {
        using var doc = JsonDocument.Parse(DefinitionJsonWriter.ToJson(Definition(Total)));
        var items = doc.RootElement.GetProperty("items");
        Assert.True(items[0].GetProperty("keep").GetBoolean());
        Assert.False(items[1].GetProperty("keep").GetBoolean());
    }
}
