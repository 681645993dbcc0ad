using System.Text;
using System.Text.Json;
using Instruments.Alliance;
using Instruments.Compiler;
using Instruments.Course;
using Instruments.Definitions;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// The one-file variant of <see cref="AgreementPipeline"/>: a protocol holds both forms (items <c>c1, c2</c> and
/// <c>t1, t2</c>), each row carries both, and each form's part is used or not on its own.
/// </summary>
public sealed class OneFileAgreementTests
{
    private static string Form(string id, string respondent, string prefix, string counterpart) => $$"""
        instrument: {{id}}
        version: 1.0.0
        title: Test form {{id}}
        license: { name: test, texts: shipped }
        respondent: {{respondent}}
        {{counterpart}}
        response_scales:
          five: { options: [ { value: 1, label: '1' }, { value: 2, label: '2' }, { value: 3, label: '3' }, { value: 4, label: '4' }, { value: 5, label: '5' } ] }
        items:
          - { id: {{prefix}}1, scale: five }
          - { id: {{prefix}}2, scale: five }
        scores:
          - { id: total, items: [{{prefix}}1, {{prefix}}2], method: sum }
        """;

    private static (InstrumentPairing Pairing, ProtocolPlan Protocol) Load()
    {
        var compilation = InstrumentCompiler.Compile([
            InstrumentSource.FromText(Form("one-c", "client", "c", "counterpart: { instrument: one-t, scores: { total: total } }"), "c.yaml"),
            InstrumentSource.FromText(Form("one-t", "therapist", "t", string.Empty), "t.yaml")]);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var plans = compilation.Definitions.Select(compilation.CreatePlan).ToList();
        var protocol = ProtocolPlan.Create(new ProtocolDefinition
        {
            Id = "both", Version = "1.0.0", Title = "both forms",
            Measures = [new ProtocolMeasure { Id = "client", Instrument = "one-c", Score = "total" }, new ProtocolMeasure { Id = "therapist", Instrument = "one-t", Score = "total" }],
        }, plans);
        Assert.NotNull(protocol.Plan);
        return (InstrumentPairing.Resolve(plans[1], plans).Pairing!, protocol.Plan!);
    }

    [Fact]
    public void EachRow_PairsItsTwoParts_AndAnInvalidPartLeavesTheOtherUnpaired()
    {
        var (pairing, protocol) = Load();
        const string input = "client_id,session,c1,c2,t1,t2\r\n"
            + "x,1,5,5,3,3\r\n"      // 2: paired, 10 - 6
            + "x,2,4,4,9,3\r\n"      // 3: therapist part invalid (RSP2040), client part unpaired
            + ",3,4,4,4,4\r\n"       // 4: no client: one diagnostic for the row
            + "y,1,2,2,4,4\r\n";     // 5: paired, 4 - 8
        var output = new MemoryStream();
        var counts = new AgreementPipeline(pairing, protocol, new MemoryStream(Encoding.UTF8.GetBytes(input)), DataFormat.Csv,
            new AgreementOptions { ClientInputName = "both.csv", TherapistInputName = "both.csv" }).Run(DataFormat.Json, output);
        using var doc = JsonDocument.Parse(output.ToArray());
        var root = doc.RootElement;
        Assert.Equal([(2, 2, 4.0), (5, 5, -4.0)], root.GetProperty("pairs").EnumerateArray().Select(p =>
            (p.GetProperty("client_line").GetInt32(), p.GetProperty("therapist_line").GetInt32(), p.GetProperty("scores").GetProperty("total").GetProperty("difference").GetDouble())));
        var unpaired = Assert.Single(root.GetProperty("unpaired").EnumerateArray());
        Assert.Equal(("client", 3), (unpaired.GetProperty("form").GetString(), unpaired.GetProperty("line").GetInt32()));
        Assert.Equal([("RSP2034", 4), ("RSP2040", 3)], root.GetProperty("diagnostics").EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("line").GetInt32())));
        Assert.Equal(new AgreementCounts(4, 2, 1, 2, 2), counts);
    }

    [Fact]
    public void AProtocolWithoutBothForms_IsRefused()
    {
        var (pairing, _) = Load();
        var compilation = InstrumentCompiler.Compile(Form("one-c", "client", "c", string.Empty), "c.yaml");
        var only = ProtocolPlan.Create(new ProtocolDefinition
        {
            Id = "one", Version = "1.0.0", Title = "one form", Measures = [new ProtocolMeasure { Id = "client", Instrument = "one-c", Score = "total" }],
        }, [compilation.CreatePlan(compilation.Definitions[0])]).Plan!;
        var e = Assert.Throws<ArgumentException>(() => new AgreementPipeline(pairing, only, Stream.Null, DataFormat.Csv));
        Assert.StartsWith("protocol 'one' does not hold 'one-t', a form of the pairing", e.Message, StringComparison.Ordinal);
    }
}
