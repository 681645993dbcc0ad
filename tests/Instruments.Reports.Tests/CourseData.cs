using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Reports.Tests;

/// <summary>
/// Clients for the course-of-care report. The change rules are attached here (the YAML format gains them on another
/// branch): the PHQ-9 ones are the catalogue's cited numbers; the SWLS ones are a test fixture, not published rules.
/// </summary>
internal static class CourseData
{
    public const string NhsSource = "NHS Digital (2016), as quoted in https://pmc.ncbi.nlm.nih.gov/articles/PMC8411661/table/tbl0001";
    public const string JtSource = "SD 6.17, alpha .851: https://pmc.ncbi.nlm.nih.gov/articles/PMC6734346/table/Tab2; Jacobson, N. S., & Truax, P. (1991). Journal of Consulting and Clinical Psychology, 59(1), 12-19";
    public const string SuddenGainSource = "Tang, T. Z., & DeRubeis, R. J. (1999). Journal of Consulting and Clinical Psychology, 67(6), 894-904";

    /// <summary>PHQ-9 with caseness 10 or more, a fixed rule of 6 points, Jacobson-Truax (sd 6.17, r .851) and sudden gains on the fixed rule.</summary>
    public static InstrumentDefinition Phq9WithRules { get; } = WithChange(TestData.Phq9, "total", new ChangeRules
    {
        Direction = ChangeDirection.LowerIsBetter,
        Caseness = new CasenessRule { Min = 10, Sources = [NhsSource] },
        ReliableChange =
        [
            new ReliableChangeRule { Id = "nhs", Method = ReliableChangeMethod.Fixed, Threshold = 6, Sources = [NhsSource] },
            new ReliableChangeRule { Id = "jt", Method = ReliableChangeMethod.JacobsonTruax, Sd = 6.17, Reliability = 0.851, Sources = [JtSource] },
        ],
        SuddenGains = new SuddenGainRule { ReliableChange = "nhs", Sources = [SuddenGainSource] },
    });

    /// <summary>SWLS, higher is better, with fixture rules: "a case" at 14 or less, a fixed rule of 5, clinical significance, sudden gains of 5.</summary>
    public static InstrumentDefinition SwlsWithRules { get; } = WithChange(TestData.Swls, "total", new ChangeRules
    {
        Direction = ChangeDirection.HigherIsBetter,
        Caseness = new CasenessRule { Max = 14, Sources = ["test fixture (not a published cut-off)"] },
        ReliableChange = [new ReliableChangeRule { Id = "fixture", Method = ReliableChangeMethod.Fixed, Threshold = 5, Sources = ["test fixture (not a published threshold)"] }],
        ClinicalSignificance = new ClinicalSignificanceRule
        {
            FunctionalMean = 25, FunctionalSd = 6, DysfunctionalMean = 13, DysfunctionalSd = 5, ReliableChange = "fixture",
            Sources = ["test fixture (not published norms)"],
        },
        SuddenGains = new SuddenGainRule { Cutoff = 5, Sources = [SuddenGainSource] },
    });

    /// <summary>One administration: PHQ-9 items 1-8 filled to <paramref name="total"/> (item 9 always 0), or the given item text.</summary>
    public static CourseAdministration Phq9(InstrumentDefinition def, string occasion, int total, int line, string? items = null, string? notUsed = null) =>
        Administration(def, occasion, items ?? Fill(total, 8, 0, 3) + ",0,0", line, notUsed);

    public static CourseAdministration Swls(InstrumentDefinition def, string occasion, int total, int line) =>
        Administration(def, occasion, Fill(total, 5, 1, 7), line, null);

    public static CourseAdministration Administration(InstrumentDefinition def, string occasion, string items, int line, string? notUsed)
    {
        var plan = TestData.Plan(def);
        var cells = items.Split(',');
        var values = cells.Select(c => ResponseValue.Parse(c.AsSpan())).ToArray();
        var result = plan.CreateResult();
        plan.Score(values, cells, result);
        return CourseAdministration.Create(occasion, result, line, notUsed);
    }

    /// <summary>
    /// The realistic client c001: 17, 16, 15 at sessions 1-3, a sudden gain to 8 at session 4, session 5 invalid (a 7
    /// on a 0-3 item), 8 at session 6, no session 7, 7 at session 8 and 6 at session 9: reliable improvement under both
    /// rules from session 4, recovered at session 9.
    /// </summary>
    public static CourseReportModel RealisticClient(string client = "c001") => CourseReportModel.Create(TestData.Plan(Phq9WithRules), client,
    [
        Phq9(Phq9WithRules, "1", 17, 2),
        Phq9(Phq9WithRules, "2", 16, 5),
        Phq9(Phq9WithRules, "3", 15, 9),
        Phq9(Phq9WithRules, "4", 8, 12),
        Phq9(Phq9WithRules, "5", 0, 14, items: "1,7,1,1,0,1,0,0,0,0"),
        Phq9(Phq9WithRules, "6", 8, 17),
        Phq9(Phq9WithRules, "8", 7, 21),
        Phq9(Phq9WithRules, "9", 6, 24),
    ]);

    /// <summary>Two administrations, one of them invalid: one usable score, so no change.</summary>
    public static CourseReportModel OneUsable() => CourseReportModel.Create(TestData.Plan(Phq9WithRules), "c002",
    [
        Phq9(Phq9WithRules, "2024-05-03", 14, 3),
        Phq9(Phq9WithRules, "2024-05-17", 0, 7, items: "1,1,1,x,1,1,1,1,0,0"),
    ]);

    /// <summary>The shipped PHQ-9 with its change rules taken away.</summary>
    public static InstrumentDefinition Phq9WithoutRules { get; } = WithChange(TestData.Phq9, "total", null);

    /// <summary>A score without change rules: first, last and change only.</summary>
    public static CourseReportModel NoRules() => CourseReportModel.Create(TestData.Plan(Phq9WithoutRules), "c003",
    [
        Phq9(Phq9WithoutRules, "1", 12, 2),
        Phq9(Phq9WithoutRules, "2", 9, 3),
        Phq9(Phq9WithoutRules, "3", 5, 4),
    ]);

    /// <summary>
    /// SWLS (higher is better), dated occasions: 12, 13, 12, a sudden gain to 20, 21, 22, then a sudden loss to 15 and
    /// 14 (the gain is reversed).
    /// </summary>
    public static CourseReportModel HigherIsBetter() => CourseReportModel.Create(TestData.Plan(SwlsWithRules), "r010",
    [
        Swls(SwlsWithRules, "2024-01-08", 12, 2),
        Swls(SwlsWithRules, "2024-01-15", 13, 3),
        Swls(SwlsWithRules, "2024-01-22", 12, 4),
        Swls(SwlsWithRules, "2024-01-29", 20, 5),
        Swls(SwlsWithRules, "2024-02-05", 21, 6),
        Swls(SwlsWithRules, "2024-02-12", 22, 7),
        Swls(SwlsWithRules, "2024-02-19", 15, 8),
        Swls(SwlsWithRules, "2024-02-26", 14, 9),
    ]);

    /// <summary>SWLS (higher is better) with two fixture rupture rules on the client's own SD: 2 SD and 1 SD.</summary>
    public static InstrumentDefinition SwlsWithRuptures { get; } = WithChange(TestData.Swls, "total", new ChangeRules
    {
        Direction = ChangeDirection.HigherIsBetter,
        Ruptures =
        [
            new RuptureRule { Id = "two-sd", K = 2, ClientSd = true, Sources = ["test fixture (not a published rule)"] },
            new RuptureRule { Id = "one-sd", K = 1, ClientSd = true, Sources = ["test fixture (not a published rule)"] },
        ],
    });

    /// <summary>
    /// SWLS with rupture rules: 28, 30, then a drop to 18 at session 3 (2.3 SD: both rules), back at 31 at session 4
    /// (repaired, a V shape), 32, then 25 at session 6 (1.4 SD: only the 1-SD rule; not repaired).
    /// </summary>
    public static CourseReportModel Ruptures() => CourseReportModel.Create(TestData.Plan(SwlsWithRuptures), "a001",
    [
        Swls(SwlsWithRuptures, "1", 28, 2),
        Swls(SwlsWithRuptures, "2", 30, 3),
        Swls(SwlsWithRuptures, "3", 18, 4),
        Swls(SwlsWithRuptures, "4", 31, 5),
        Swls(SwlsWithRuptures, "5", 32, 6),
        Swls(SwlsWithRuptures, "6", 25, 7),
    ]);

    /// <summary>Item values that sum to <paramref name="total"/>: filled from the first item, each between lo and hi.</summary>
    public static string Fill(int total, int count, int lo, int hi)
    {
        var cells = new int[count];
        Array.Fill(cells, lo);
        var rest = total - lo * count;
        for (var i = 0; i < count && rest > 0; i++)
        {
            var add = Math.Min(hi - lo, rest);
            cells[i] += add;
            rest -= add;
        }

        Assert.Equal(0, rest);
        return string.Join(",", cells);
    }

    /// <summary>A copy of <paramref name="def"/> whose score <paramref name="scoreId"/> has <paramref name="rules"/>.</summary>
    public static InstrumentDefinition WithChange(InstrumentDefinition def, string scoreId, ChangeRules? rules)
    {
        var scores = def.Scores.Select(s => s.Id != scoreId ? s : new ScoreDefinition
        {
            Id = s.Id, Title = s.Title, Method = s.Method, Items = s.Items, Expression = s.Expression, Missing = s.Missing,
            Bands = s.Bands, Sources = s.Sources, Change = rules,
        }).ToImmutableArray();
        return new InstrumentDefinition
        {
            Id = def.Id, Version = def.Version, Title = def.Title, Citation = def.Citation, License = def.License,
            Respondent = def.Respondent, Language = def.Language, Instructions = def.Instructions, Notes = def.Notes,
            MissingCodes = def.MissingCodes, ResponseScales = def.ResponseScales, Items = def.Items, Scores = scores,
            Flags = def.Flags, Examples = def.Examples,
        };
    }
}
