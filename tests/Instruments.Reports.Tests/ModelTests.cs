using System.Collections;
using System.Text.RegularExpressions;
using Instruments.Definitions;

namespace Instruments.Reports.Tests;

/// <summary>The report model: plain data only, snake_case names, every member documented in docs/templates.md.</summary>
public sealed partial class ModelTests
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SnakeCase();

    /// <summary>A model that has every member filled in at least once: all statuses, a flag, a malformed row.</summary>
    private static ReportModel FullModel() => TestData.Model(TestData.Phq9,
        TestData.Response(TestData.Phq9, 1, "3,3,3,3,2,3,3,2,2,3", ("respondent_id", "p1")),
        TestData.Response(TestData.Phq9, 2, "1,1,2,,1,1,0,1,0,1", ("respondent_id", "p2")),
        TestData.Response(TestData.Phq9, 3, "1,7,1,1,0,1,0,0,0,-99", ("respondent_id", "p3")),
        TestData.Malformed(TestData.Phq9, 4, 5, "broken"));

    /// <summary>Every member path of the model, lists written as <c>[]</c> (<c>responses[].scores[].band.label</c>).</summary>
    internal static SortedSet<string> Paths(object? value, string prefix = "", SortedSet<string>? into = null)
    {
        into ??= new SortedSet<string>(StringComparer.Ordinal);
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dict:
                foreach (var (key, child) in dict)
                {
                    var path = prefix.Length == 0 ? key : prefix + "." + key;
                    into.Add(path);
                    Paths(child, path, into);
                }

                break;
            case string:
                break;
            case IEnumerable list:
                foreach (var item in list)
                {
                    Paths(item, prefix + "[]", into);
                }

                break;
        }

        return into;
    }

    [Fact]
    public void EveryMemberName_IsSnakeCase()
    {
        var names = Paths(FullModel().Data).Select(p => p.Split('.')[^1].Replace("[]", string.Empty, StringComparison.Ordinal)).Distinct().ToList();
        Assert.All(names, n => Assert.Matches(SnakeCase(), n));
    }

    [Fact]
    public void TheModel_HoldsOnlyPlainData()
    {
        static void Check(object? value, string path)
        {
            switch (value)
            {
                case null or string or bool or int or long or double:
                    return;
                case IReadOnlyDictionary<string, object?> dict:
                    foreach (var (k, v) in dict)
                    {
                        Check(v, path + "." + k);
                    }

                    return;
                case IList list:
                    foreach (var item in list)
                    {
                        Check(item, path + "[]");
                    }

                    return;
                default:
                    Assert.Fail($"{path} holds a {value.GetType()}, not plain data");
                    return;
            }
        }

        Check(FullModel().Data, "model");
    }

    [Fact]
    public void EveryMember_IsListedInTemplatesMd()
    {
        var doc = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "templates.md"));
        var paths = Paths(FullModel().Data);
        paths.Add("format");
        paths.Add("generated_at");
        var missing = paths.Where(p => !doc.Contains("`" + p + "`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/templates.md does not list:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void ScoreRanges_ComeFromTheItemsScales()
    {
        Assert.Equal((0d, 27d), Range(TestData.Phq9, "total"));
        Assert.Equal((5d, 35d), Range(TestData.Swls, "total"));

        var mean = new InstrumentDefinition
        {
            Id = "m", Version = "1.0.0", Title = "M", License = new LicenseInfo { Name = "x" },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new() { Value = 1, Label = "a" }, new() { Value = 5, Label = "b" }] }],
            Items = [new ItemDefinition { Id = "a", Scale = "s" }, new ItemDefinition { Id = "b", Scale = "s", Reverse = true }],
            Scores =
            [
                new ScoreDefinition { Id = "avg", Method = ScoreMethod.Mean, Items = ["a", "b"] },
                new ScoreDefinition { Id = "pct", Method = ScoreMethod.Expression, Expression = "avg * 20", Bands = [new Band { Min = 20, Max = 59, Label = "low" }, new Band { Min = 60, Max = 100, Label = "high" }] },
                new ScoreDefinition { Id = "raw", Method = ScoreMethod.Expression, Expression = "a + b" },
            ],
        };
        Assert.Equal((1d, 5d), Range(mean, "avg"));
        Assert.Equal((20d, 100d), Range(mean, "pct"));      // avg * 20 over 1..5, worked out from the expression
        Assert.Equal((2d, 10d), Range(mean, "raw"));        // no bands: still known, from the items
    }

    [Fact]
    public void ScoreRange_Who5Percentage_IsZeroToHundred_InTheModelAsInTheCompiler()
    {
        // who-5.yaml: raw = sum of five 0..5 items, percentage = raw * 4. The report used to draw the percentage on
        // the span of its bands (or nothing); the compiler's range analysis says 0 to 100, and so must the report.
        var who5 = TestData.Load("plugins/wellbeing/instruments/who-5.yaml");
        Assert.Equal((0d, 25d), Range(who5, "raw"));
        Assert.Equal((0d, 100d), Range(who5, "percentage"));

        var model = TestData.Model(who5, TestData.Response(who5, 1, "3,3,3,3,3"));
        var instrument = (IReadOnlyDictionary<string, object?>)model.Data["instrument"]!;
        var declared = ((IList)instrument["scores"]!).Cast<IReadOnlyDictionary<string, object?>>().Single(s => (string)s["id"]! == "percentage");
        Assert.Equal(0d, declared["min"]);
        Assert.Equal(100d, declared["max"]);
        var response = (IReadOnlyDictionary<string, object?>)((IList)model.Data["responses"]!)[0]!;
        var scored = ((IList)response["scores"]!).Cast<IReadOnlyDictionary<string, object?>>().Single(s => (string)s["id"]! == "percentage");
        Assert.Equal(60d, scored["value"]);
        Assert.Equal(0d, scored["min"]);
        Assert.Equal(100d, scored["max"]);
        Assert.Equal(60d, scored["position_percent"]);      // 60 on 0..100
    }

    [Fact]
    public void ScoreData_PlacesValueAndBandsOnTheBar()
    {
        var model = TestData.Model(TestData.Phq9, TestData.Response(TestData.Phq9, 1, "3,3,3,3,2,3,3,2,2,3"));
        var score = (IReadOnlyDictionary<string, object?>)((IList)((IReadOnlyDictionary<string, object?>)((IList)model.Data["responses"]!)[0]!)["scores"]!)[0]!;
        Assert.Equal(24d, score["value"]);
        Assert.Equal(88.89, score["position_percent"]);             // 24 of 0..27
        var bands = ((IList)score["bands"]!).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Equal([0d, 18.52, 37.04, 55.56, 74.07], bands.Select(b => (double)b["start_percent"]!));
        Assert.Equal(100d, bands.Sum(b => (double)b["width_percent"]!), 1);
        Assert.Equal("Severe", bands.Single(b => b["current"] is true)["label"]);
    }

    [Fact]
    public void BandDescriptions_ReachBothDefaultTemplates()
    {
        var def = new InstrumentDefinition
        {
            Id = "d", Version = "1.0.0", Title = "D", License = new LicenseInfo { Name = "x" },
            ResponseScales = [new ResponseScale { Id = "s", Options = [new() { Value = 0, Label = "no" }, new() { Value = 1, Label = "yes" }] }],
            Items = [new ItemDefinition { Id = "q", Scale = "s" }],
            Scores = [new ScoreDefinition { Id = "t", Method = ScoreMethod.Sum, Items = ["q"], Bands = [new Band { Min = 0, Max = 0, Label = "Low", Description = "Nothing to report." }, new Band { Min = 1, Max = 1, Label = "High", Description = "Talk about it <now>." }] }],
        };
        var model = TestData.Model(def, TestData.Response(def, 1, "1"));
        var renderer = new ReportRenderer(null, TestData.Clock);
        Assert.Contains("**t, High:** Talk about it &lt;now>.", renderer.Render(renderer.GetBuiltIn(ReportFormat.Markdown), model).Text, StringComparison.Ordinal);
        Assert.Contains("<strong>High:</strong> Talk about it &lt;now&gt;.", renderer.Render(renderer.GetBuiltIn(ReportFormat.Html), model).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RespondentId_IsTheFirstKnownIdField()
    {
        var r = TestData.Response(TestData.Swls, 1, "5,5,5,5,5", ("id", "row-id"), ("Respondent_ID", "r42"), ("visit", "1"));
        Assert.Equal("r42", r.RespondentId);
        Assert.Null(TestData.Response(TestData.Swls, 1, "5,5,5,5,5", ("visit", "1")).RespondentId);
        Assert.Null(TestData.Response(TestData.Swls, 1, "5,5,5,5,5", ("respondent_id", "  ")).RespondentId);
    }

    private static (double?, double?) Range(InstrumentDefinition def, string score)
    {
        var plan = TestData.Plan(def);
        return ReportModel.ScoreRange(plan, plan.IndexOfScore(score));
    }
}
