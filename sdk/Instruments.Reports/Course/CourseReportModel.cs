using System.Globalization;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;

namespace Instruments.Reports;

/// <summary>
/// The data a course-of-care template sees for one client: the instrument's public facts, the administrations in
/// occasion order, and per score its course as the change engine (<see cref="CourseAnalyzer"/>) computes it: first,
/// last, change, caseness, reliable change per rule, clinical significance, sudden gains and losses, the table of
/// administrations with their events, every rule used with its sources, what was not computed and why, and the
/// geometry of a line chart. Plain dictionaries, lists, strings, numbers and booleans with snake_case keys (see
/// <c>docs/templates.md</c>); <c>format</c> and <c>generated_at</c> are added by <see cref="ReportRenderer"/> at
/// render time. Immutable.
/// </summary>
public sealed class CourseReportModel
{
    private CourseReportModel(string client, int administrations, IReadOnlyDictionary<string, object?> data)
    {
        Client = client;
        AdministrationCount = administrations;
        Data = data;
    }

    /// <summary>The client id as given (untrusted text).</summary>
    public string Client { get; }

    /// <summary>How many administrations the report covers, used or not.</summary>
    public int AdministrationCount { get; }

    /// <summary>The plain data (snake_case keys), without the render-time members.</summary>
    public IReadOnlyDictionary<string, object?> Data { get; }

    /// <summary>
    /// Builds the course of one client: runs the change engine over every score of <paramref name="plan"/> and copies
    /// the outcome into plain data.
    /// </summary>
    /// <param name="plan">The instrument's plan (the one that scored the administrations): its definition, change rules and score ranges.</param>
    /// <param name="client">The client id as given; untrusted text.</param>
    /// <param name="administrations">
    /// The client's administrations in occasion order (the caller orders them; the tracking pipeline does). A value
    /// is used when <see cref="CourseAdministration.IsUsable(int)"/>; an unusable administration keeps its position, so
    /// that sudden gains are looked for between administrations that are adjacent in occasion order.
    /// </param>
    /// <param name="diagnostics">The client's tracking diagnostics (RSP2030-RSP2034), shown in the report; may be null.</param>
    public static CourseReportModel Create(ScoringPlan plan, string client, IReadOnlyList<CourseAdministration> administrations,
        IEnumerable<Diagnostic>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(administrations);
        for (var i = 0; i < administrations.Count; i++)
        {
            if (administrations[i] is null || administrations[i].Scores.Length != plan.ScoreCount)
            {
                throw new ArgumentException($"Administration {i} is null or was not scored by this plan ({plan.ScoreCount} scores).", nameof(administrations));
            }
        }

        var occasions = new List<object?>();
        for (var i = 0; i < administrations.Count; i++)
        {
            var a = administrations[i];
            occasions.Add(Obj(
                ("position", i + 1),
                ("occasion", a.Occasion),
                ("line", a.Line),
                ("status", ReportResponse.StatusName(a.Status)),
                ("problem", a.Problem),
                ("not_used", a.NotUsed)));
        }

        var scores = new List<object?>();
        for (var s = 0; s < plan.ScoreCount; s++)
        {
            scores.Add(ScoreCourseData.Build(plan, s, administrations));
        }

        var diagnosticList = new List<object?>();
        foreach (var d in diagnostics ?? [])
        {
            diagnosticList.Add(Obj(
                ("id", d.Id),
                ("severity", Diagnostic.SeverityName(d.Severity)),
                ("line", d.Location.Line),
                ("message", d.Message)));
        }

        var data = Obj(
            ("client", client),
            ("instrument", ReportModel.Instrument(plan)),
            ("administrations", administrations.Count),
            ("occasions", occasions),
            ("missing_occasions", MissingOccasions(administrations)),
            ("scores", scores),
            ("diagnostics", diagnosticList));
        return new CourseReportModel(client, administrations.Count, data);
    }

    /// <summary>
    /// A file name for this client's report: <c>&lt;client&gt;.md|html</c> with only letters, digits, <c>.</c>,
    /// <c>-</c> and <c>_</c> of the id kept (others become <c>_</c>, at most 64 characters, never <c>.</c> or
    /// <c>..</c>), so that a client id such as <c>../../etc/passwd</c> cannot leave the output folder.
    /// </summary>
    /// <param name="format">The report's format, which gives the extension.</param>
    public string FileName(ReportFormat format)
    {
        var chars = Client.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        var name = new string(chars);
        if (name.Length == 0 || name.All(c => c == '.'))
        {
            name = "client" + name.Replace('.', '_');
        }

        return name + "." + format.Extension();
    }

    /// <summary>When every occasion is a whole number: the numbers between the first and the last that have no administration (at most 50).</summary>
    private static List<object?> MissingOccasions(IReadOnlyList<CourseAdministration> administrations)
    {
        var numbers = new SortedSet<long>();
        foreach (var a in administrations)
        {
            if (!long.TryParse(a.Occasion, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return [];
            }

            numbers.Add(n);
        }

        var missing = new List<object?>();
        if (numbers.Count < 2 || numbers.Max - numbers.Min > 10_000)
        {
            return missing;
        }

        for (var n = numbers.Min; n <= numbers.Max && missing.Count < 50; n++)
        {
            if (!numbers.Contains(n))
            {
                missing.Add(n.ToString(CultureInfo.InvariantCulture));
            }
        }

        return missing;
    }

    internal static IReadOnlyDictionary<string, object?> Obj(params (string Key, object? Value)[] members) => ReportResponse.Obj(members);
}
