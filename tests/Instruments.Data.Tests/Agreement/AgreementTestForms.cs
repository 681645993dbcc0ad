using System.Text;
using Instruments.Alliance;
using Instruments.Compiler;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// A test-only pair of forms (no real therapist form ships): <c>al-c</c> (client) declares <c>al-t</c> (therapist) as
/// its counterpart; both have items a, b, c on 1-5 and the scores <c>total</c> (a + b + c, 3-15) and <c>ab</c> (a + b,
/// 2-10), no missing items allowed.
/// </summary>
internal static class AgreementTestForms
{
    public static string Form(string id, string respondent, string counterpart) => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test alliance form {{id}}
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
          - { id: total, items: [a, b, c], method: sum }
          - { id: ab, items: [a, b], method: sum }
        """;

    public static readonly string Client = Form("al-c", "client", "counterpart: { instrument: al-t, scores: { total: total, ab: ab } }");

    public static readonly string Therapist = Form("al-t", "therapist", string.Empty);

    public static InstrumentPairing Pairing { get; } = CreatePairing();

    private static InstrumentPairing CreatePairing()
    {
        var compilation = InstrumentCompiler.Compile([InstrumentSource.FromText(Client, "al-c.yaml"), InstrumentSource.FromText(Therapist, "al-t.yaml")]);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var plans = compilation.Definitions.Select(compilation.CreatePlan).ToList();
        return InstrumentPairing.Resolve(plans[0], plans).Pairing!;
    }

    public static (string Output, AgreementCounts Counts, List<string> Warnings) Agree(string client, string therapist, DataFormat format = DataFormat.Json,
        AgreementOptions? options = null)
    {
        var warnings = new List<string>();
        options = (options ?? new AgreementOptions()) with { ClientInputName = "c.csv", TherapistInputName = "t.csv", Warnings = warnings.Add, Workers = 2 };
        var pipeline = new AgreementPipeline(Pairing, new MemoryStream(Encoding.UTF8.GetBytes(client)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(therapist)), DataFormat.Csv, options);
        var output = new MemoryStream();
        var counts = pipeline.Run(format, output);
        return (Encoding.UTF8.GetString(output.ToArray()), counts, warnings);
    }
}
