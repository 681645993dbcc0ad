using System.Collections;
using System.Text.RegularExpressions;

namespace Instruments.Reports.Tests;

/// <summary>
/// The course-of-care model: plain data with snake_case names, every member documented in docs/templates.md, the
/// engine's course copied faithfully, and chart geometry worked out here by hand from the view box.
/// </summary>
public sealed partial class CourseModelTests
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SnakeCase();

    private static IEnumerable<CourseReportModel> All() =>
        [CourseData.RealisticClient(), CourseData.OneUsable(), CourseData.NoRules(), CourseData.HigherIsBetter(), CourseData.Ruptures()];

    private static IReadOnlyDictionary<string, object?> Score(CourseReportModel model, int index = 0) =>
        (IReadOnlyDictionary<string, object?>)((IList)model.Data["scores"]!)[index]!;

    private static IReadOnlyDictionary<string, object?> Dict(object? value) => (IReadOnlyDictionary<string, object?>)value!;

    private static List<IReadOnlyDictionary<string, object?>> List(object? value) => ((IList)value!).Cast<IReadOnlyDictionary<string, object?>>().ToList();

    [Fact]
    public void EveryMemberName_IsSnakeCase_AndEveryMember_IsListedInTemplatesMd()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var model in All())
        {
            ModelTests.Paths(model.Data, into: paths);
        }

        var names = paths.Select(p => p.Split('.')[^1].Replace("[]", string.Empty, StringComparison.Ordinal)).Distinct();
        Assert.All(names, n => Assert.Matches(SnakeCase(), n));

        var doc = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "templates.md"));
        var missing = paths.Where(p => !doc.Contains("`" + p + "`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/templates.md does not list:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void TheModel_HoldsOnlyPlainData_AndNoNaN()
    {
        static void Check(object? value, string path)
        {
            switch (value)
            {
                case double d:
                    Assert.True(double.IsFinite(d), $"{path} is {d}");
                    return;
                case null or string or bool or int or long:
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

        foreach (var model in All())
        {
            Check(model.Data, "model");
        }
    }

    [Fact]
    public void RealisticClient_CourseAsWorkedOutByHand()
    {
        var model = CourseData.RealisticClient();
        var s = Score(model);
        Assert.Equal(8, s["administrations"]);
        Assert.Equal(7, s["used"]);
        Assert.Equal("1", Dict(s["first"])["occasion"]);
        Assert.Equal(17d, Dict(s["first"])["value"]);
        Assert.Equal("9", Dict(s["last"])["occasion"]);
        Assert.Equal(-11d, s["change"]);
        Assert.Equal("-11", s["change_text"]);
        Assert.Equal(true, s["case_first"]);
        Assert.Equal(false, s["case_last"]);
        Assert.Equal(true, s["recovered"]);
        Assert.Null(s["category"]);                                 // no clinical-significance rule
        Assert.Equal(["7"], ((IList)model.Data["missing_occasions"]!).Cast<string>());

        // S_diff = 6.17 * sqrt(2) * sqrt(1 - .851) = 3.3682; threshold 1.96 * S_diff = 6.6017; index -11 / 3.3682.
        var rules = List(s["reliable_change"]);
        Assert.Equal(["nhs", "jt"], rules.Select(r => (string)r["id"]!));
        Assert.Equal(6d, rules[0]["threshold"]);
        Assert.Null(rules[0]["index"]);
        Assert.Equal(6.6d, rules[1]["threshold"]);
        Assert.Equal(-3.27d, rules[1]["index"]);
        Assert.All(rules, r => Assert.Equal("improved", r["outcome"]));
        Assert.All(rules, r => Assert.Equal("4", Dict(r["first_reliable"])["occasion"]));   // 17 -> 8 is the first change of 6.6 or more

        var gain = Assert.Single(List(s["sudden_gains"]));
        Assert.Equal("3", gain["pregain_occasion"]);
        Assert.Equal("4", gain["postgain_occasion"]);
        Assert.Equal(7d, gain["magnitude"]);
        Assert.Equal(false, gain["reversal"]);
        Assert.Empty(List(s["sudden_losses"]));

        var rows = List(s["rows"]);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "8", "9"], rows.Select(r => (string)r["occasion"]!));
        var invalid = rows[4];
        Assert.Equal("invalid", invalid["status"]);
        Assert.Equal(false, invalid["usable"]);
        Assert.Null(invalid["value"]);                               // a prorated value of an invalid response is not shown as a score
        Assert.Equal("not_used", Assert.Single(List(invalid["events"]))["kind"]);
        Assert.Equal(0d, rows[5]["change_previous"]);                // from occasion 4 (8), skipping the invalid one
        Assert.Equal(-9d, rows[5]["change_first"]);
        Assert.Equal(["sudden_gain", "reliable_improvement"], List(rows[3]["events"]).Select(e => (string)e["kind"]!));
        Assert.Equal("recovered", Assert.Single(List(rows[7]["events"]))["kind"]);
        Assert.Equal(14, Assert.Single(List(s["not_used"]))["line"]);
    }

    [Fact]
    public void RealisticClient_ChartGeometry_FollowsTheViewBox()
    {
        // Plot area x 44..624, y 12..236 (224 high) over the PHQ-9 range 0..27; 8 positions, each 72.5 wide.
        static double Y(double v) => Math.Round(236 - v / 27 * 224, 2);
        static double X(int i) => Math.Round(44 + (i + 0.5) * 72.5, 2);
        var chart = Dict(Score(CourseData.RealisticClient())["chart"]);
        Assert.Equal("0 0 640 280", chart["view_box"]);
        Assert.Equal(Y(10), Dict(chart["caseness"])["y"]);

        var bands = List(chart["reliable_bands"]);
        Assert.Equal(Y(17 + 6), bands[0]["y"]);
        Assert.Equal(Math.Round(Y(17 - 6) - Y(17 + 6), 2), bands[0]["height"]);
        Assert.Equal("nhs", bands[0]["rule"]);
        Assert.Equal("jt", bands[1]["rule"]);

        var points = List(chart["points"]);
        Assert.Equal(7, points.Count);
        Assert.Equal(X(0), points[0]["x"]);
        Assert.Equal(Y(17), points[0]["y"]);
        var gap = Assert.Single(List(chart["gaps"]));
        Assert.Equal(X(4), gap["x"]);
        Assert.Equal(2, List(chart["segments"]).Count);              // the line breaks at the unusable administration
        var gain = Assert.Single(List(chart["sudden_gains"]));
        Assert.Equal((X(2), Y(15), X(3), Y(8)), ((double)gain["x1"]!, (double)gain["y1"]!, (double)gain["x2"]!, (double)gain["y2"]!));
        var reliable = Assert.Single(List(chart["reliable"]));      // both rules first reliable at occasion 4: one marker
        Assert.Equal("nhs, jt", reliable["rules"]);
        Assert.Equal(X(7), Dict(chart["recovery"])["x"]);
        Assert.Equal(Y(27), List(chart["bands"])[^1]["y"]);          // the top band reaches the top of the range
    }

    [Fact]
    public void HigherIsBetter_GainUp_LossDown_Reversal_Category()
    {
        var s = Score(CourseData.HigherIsBetter());
        Assert.Equal("higher_is_better", s["direction"]);
        Assert.Equal(2d, s["change"]);
        Assert.Equal("unchanged", List(s["reliable_change"])[0]["outcome"]);
        Assert.Equal("2024-01-29", Dict(List(s["reliable_change"])[0]["first_reliable"])["occasion"]);
        Assert.Equal("unchanged", s["category"]);
        Assert.Equal(true, s["case_first"]);
        Assert.Equal(true, s["case_last"]);
        Assert.Equal(false, s["recovered"]);
        var gain = Assert.Single(List(s["sudden_gains"]));
        Assert.Equal((8d, true), ((double)gain["magnitude"]!, (bool)gain["reversal"]!));
        var loss = Assert.Single(List(s["sudden_losses"]));
        Assert.Equal(("2024-02-12", 7d), ((string)loss["pregain_occasion"]!, (double)loss["magnitude"]!));
    }

    [Fact]
    public void OneUsable_NoChange_SaysWhy()
    {
        var s = Score(CourseData.OneUsable());
        Assert.Equal("one_usable_administration", s["no_change"]);
        Assert.Null(s["last"]);
        Assert.Null(s["change"]);
        Assert.Null(s["recovered"]);
        Assert.All(List(s["reliable_change"]), r => Assert.Null(r["outcome"]));
        Assert.Contains(((IList)s["not_computed"]!).Cast<string>(), t => t.StartsWith("One usable administration", StringComparison.Ordinal));
    }

    [Fact]
    public void NoRules_FirstLastChangeOnly()
    {
        var s = Score(CourseData.NoRules());
        Assert.Null(s["direction"]);
        Assert.Equal(-7d, s["change"]);
        Assert.Null(s["case_first"]);
        Assert.Empty((IList)s["rules"]!);
        Assert.Empty((IList)s["reliable_change"]!);
        Assert.Null(Dict(s["chart"])["caseness"]);
        Assert.Contains(((IList)s["not_computed"]!).Cast<string>(), t => t.Contains("no change rules", StringComparison.Ordinal));
    }

    [Fact]
    public void UntrustedClientAndOccasion_AreEscaped_InBothFormats()
    {
        var renderer = new ReportRenderer(null, TestData.Clock);
        var model = CourseReportModel.Create(TestData.Plan(CourseData.Phq9WithRules), "<img src=x onerror=alert(1)>|x",
        [
            CourseData.Phq9(CourseData.Phq9WithRules, "\"><script>1</script>", 12, 2),
            CourseData.Phq9(CourseData.Phq9WithRules, "[a](javascript:x)", 5, 3),
        ]);
        var html = renderer.Render(renderer.GetBuiltInCourse(ReportFormat.Html), model).Text!;
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        var md = renderer.Render(renderer.GetBuiltInCourse(ReportFormat.Markdown), model).Text!;
        Assert.Contains("&lt;img src=x onerror=alert(1)>\\|x", md, StringComparison.Ordinal);
        Assert.Contains("\\[a\\](javascript:x)", md, StringComparison.Ordinal);
    }

    [Fact]
    public void ACourseTemplate_ThatReadsResponses_IsTPL4002_NotAnException()
    {
        var renderer = new ReportRenderer(null, TestData.Clock);
        var template = renderer.Parse("{{ client }} {{ responses.size }}", "x.md.scriban", ReportFormat.Markdown);
        var rendering = renderer.Render(template, CourseData.NoRules());
        Assert.False(rendering.Succeeded);
        Assert.Equal("TPL4002", Assert.Single(rendering.Diagnostics).Id);
    }

    [Theory]
    [InlineData("c001", "c001.html")]
    [InlineData("../../etc/passwd", ".._.._etc_passwd.html")]
    [InlineData("..", "client__.html")]
    [InlineData("", "client.html")]
    public void FileName_StaysInTheFolder(string client, string expected)
    {
        var model = CourseReportModel.Create(TestData.Plan(TestData.Phq9), client, []);
        Assert.Equal(expected, model.FileName(ReportFormat.Html));
    }

    [Fact]
    public void BuiltInCourseTemplates_Parse_AndTheirTextIsOffered()
    {
        var renderer = new ReportRenderer();
        foreach (var format in new[] { ReportFormat.Markdown, ReportFormat.Html })
        {
            var template = renderer.GetBuiltInCourse(format);
            Assert.False(template.HasErrors);
            Assert.True(template.IsBuiltIn);
            Assert.Equal("builtin:course." + format.Extension() + ".scriban", template.Path);
            Assert.Contains("scores", ReportRenderer.GetBuiltInCourseText(format), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ruptures_TablePerRule_MarkersPerRuleAndKind_Events_AndTheEarlySlope()
    {
        var score = Score(CourseData.Ruptures());

        // 28, 30, 18, 31, 32, 25: SD 5.2; two-sd finds the drop at 3 (repaired at 4), one-sd also the drop at 6.
        var table = List(score["ruptures"]);
        Assert.Equal(["two-sd", "one-sd"], table.Select(r => (string)r["id"]!));
        Assert.Equal([1, 2], table.Select(r => (int)r["count"]!));
        Assert.Equal([1, 1], table.Select(r => (int)r["repaired"]!));
        var drops = List(table[1]["list"]);
        Assert.Equal(["3", "6"], drops.Select(x => (string)x["occasion"]!));
        Assert.Equal([30.0, 32.0], drops.Select(x => (double)x["pre_level"]!));
        Assert.Equal(["4", null], drops.Select(x => (string?)x["repair_occasion"]));

        var markers = List(Dict(score["chart"])["rupture_markers"]);
        Assert.Equal(["rupture:two-sd:3", "repair:two-sd:4", "rupture:one-sd:3", "repair:one-sd:4", "rupture:one-sd:6"],
            markers.Select(m => $"{m["kind"]}:{m["rule"]}:{m["occasion"]}"));

        // Below the point for a rupture, above it for a repair; the second rule further away than the first.
        var points = List(Dict(score["chart"])["points"]).ToDictionary(p => (string)p["occasion"]!, p => (double)p["y"]!);
        Assert.True((double)markers[0]["y"]! > points["3"] && (double)markers[2]["y"]! > (double)markers[0]["y"]!);
        Assert.True((double)markers[1]["y"]! < points["4"] && (double)markers[3]["y"]! < (double)markers[1]["y"]!);

        var events = List(score["rows"]).Select(r => string.Join(" ", List(r["events"]).Select(e => (string)e["kind"]!))).ToList();
        Assert.Equal(["", "", "rupture rupture", "repair repair", "", "rupture"], events);
        Assert.Equal(0.9, (double)score["early_slope"]!, 9);
        Assert.Contains(List(score["rules"]), r => (string)r["kind"]! == "ruptures" && (string?)r["id"] == "one-sd");

        // A score without rupture rules gets none of it.
        var plain = Score(CourseData.RealisticClient());
        Assert.Empty(List(plain["ruptures"]));
        Assert.Null(plain["early_slope"]);
        Assert.Empty(List(Dict(plain["chart"])["rupture_markers"]));
    }
}
