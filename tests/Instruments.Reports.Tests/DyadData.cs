using System.Collections.Immutable;
using Instruments.Alliance;
using Instruments.Compiler;
using Instruments.Course;

namespace Instruments.Reports.Tests;

/// <summary>
/// A fixed small agreement run for the dyad and service reports: a test-only pair of forms (no therapist form ships)
/// with items a, b, c on 1-5 and the paired scores <c>total</c> (3-15) and <c>ab</c> (2-10). The client form's total
/// declares two SD rules on the client's own SD (fixture ids, not the shipped presets); the therapist form's total a
/// points rule with a repair window. Three dyads: one with ruptures on both sides and unpaired sessions, one short,
/// one without any pair.
/// </summary>
internal static class DyadData
{
    private static string Form(string id, string respondent, string counterpart, string ruptures) => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test alliance {{id}}
        license: { name: test, texts: shipped }
        respondent: {{respondent}}
        {{counterpart}}
        response_scales:
          five:
            options: [ { value: 1, label: '1' }, { value: 2, label: '2' }, { value: 3, label: '3' }, { value: 4, label: '4' }, { value: 5, label: '5' } ]
        items:
          - { id: a, scale: five }
          - { id: b, scale: five }
          - { id: c, scale: five }
        scores:
          - id: total
            title: Total
            items: [a, b, c]
            method: sum
            change:
              direction: higher-is-better
              ruptures:
        {{ruptures}}
          - { id: ab, title: Tasks and goals, items: [a, b], method: sum }
        """;

    public const string ClientRules = """
                        - { id: two-sd, k: 2, sd: client, sources: [test fixture] }
                        - { id: one-sd, k: 1, sd: client, sources: [test fixture] }
        """;

    public const string TherapistRules = """
                        - { id: two-points, points: 2, repair_within: 2, sources: [test fixture] }
        """;

    public static InstrumentPairing Pairing { get; } = CreatePairing();

    private static InstrumentPairing CreatePairing()
    {
        var compilation = InstrumentCompiler.Compile([
            InstrumentSource.FromText(Form("dy-c", "client", "counterpart: { instrument: dy-t, scores: { total: total, ab: ab } }", ClientRules), "dy-c.yaml"),
            InstrumentSource.FromText(Form("dy-t", "therapist", string.Empty, TherapistRules), "dy-t.yaml")]);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var plans = compilation.Definitions.Select(compilation.CreatePlan).ToList();
        return InstrumentPairing.Resolve(plans[0], plans).Pairing!;
    }

    /// <summary>(session, total, ab) per administration.</summary>
    public static ImmutableArray<RatedAdministration> Series(params (int Session, double Total, double Ab)[] values) =>
        [.. values.Select((v, i) => new RatedAdministration(Occasion.FromNumber(v.Session), i + 2, [v.Total, v.Ab]))];

    /// <summary>A dyad as the pipeline hands it over: its summaries accumulated over its pairs in occasion order.</summary>
    public static AgreementDyad Dyad(string client, string? therapist, ImmutableArray<RatedAdministration> c, ImmutableArray<RatedAdministration> t)
    {
        var summaries = new List<AgreementSummary>();
        for (var s = 0; s < 2; s++)
        {
            var acc = new AgreementAccumulator();
            foreach (var a in c)
            {
                foreach (var b in t.Where(b => b.Occasion == a.Occasion))
                {
                    acc.Add(a.Values[s], b.Values[s]);
                }
            }

            summaries.Add(acc.Summarize());
        }

        return new AgreementDyad(client, therapist, c, t, [.. summaries]);
    }

    /// <summary>
    /// c1 with t1: client ruptures at session 3 (13 to 6; both rules) repaired at 4; therapist 11 to 8 at 4 (2 points),
    /// repaired at 7 (the second administration after, at the window's end); session 5 client only, 7 therapist only.
    /// </summary>
    public static AgreementDyad First { get; } = Dyad("c1", "t1",
        Series((1, 12, 8), (2, 13, 9), (3, 6, 4), (4, 13, 9), (5, 13, 9), (6, 14, 10)),
        Series((1, 10, 7), (2, 11, 7), (3, 11, 7), (4, 8, 5), (6, 9, 6), (7, 11, 8)));

    /// <summary>A short dyad, an id with markup: no rupture, one discrepancy at 4 points (exactly the threshold).</summary>
    public static AgreementDyad Second { get; } = Dyad("c2 <b>", "t1",
        Series((1, 9, 6), (2, 10, 7), (3, 13, 8)),
        Series((1, 9, 6), (2, 8, 5), (3, 9, 6)));

    /// <summary>A client rating without any therapist rating: no pair.</summary>
    public static AgreementDyad Alone { get; } = Dyad("c3", "t2", Series((1, 11, 7)), []);

    public static AgreementDyad[] All { get; } = [First, Second, Alone];

    public const double Discrepancy = 4;

    public static (List<DyadReportModel> Dyads, ServiceSummaryModel Service) Build()
    {
        var builder = new ServiceSummaryBuilder(Pairing, Discrepancy);
        var dyads = All.Select(builder.Add).ToList();
        return (dyads, builder.Build(notUsable: 2));
    }
}
