using System.Text;
using System.Text.Json;
using Instruments.Alliance;
using static Instruments.Data.Tests.Agreement.AgreementTestForms;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// <see cref="AgreementOptions.OnDyad"/>: every dyad with a usable administration is handed over once, in the order its
/// first row was read, with each form's usable administrations only (not the invalid ones, not those at an occasion
/// held by several), unpaired ones included, and the dyad's own summaries as the JSON output gives them.
/// </summary>
public sealed class AgreementHandOverTests
{
    private const string Header = "client_id,session,a,b,c\r\n";

    [Fact]
    public void EachDyad_IsHandedOver_WithItsUsableAdministrationsOnly()
    {
        var client = Header
            + "c1,1,5,5,5\r\n"      // 2: paired
            + "c1,2,4,4,4\r\n"      // 3: unpaired
            + "c1,3,9,4,4\r\n"      // 4: invalid
            + "c1,4,3,3,3\r\n"      // 5: duplicate at 4
            + "c1,4,2,2,2\r\n"      // 6: duplicate at 4
            + "c2,1,3,3,3\r\n";     // 7: unpaired
        var therapist = Header
            + "c1,1,4,4,4\r\n"      // 2: paired
            + "c1,4,3,3,3\r\n"      // 3: unpaired (the client's at 4 are several)
            + "c3,1,3,2,3\r\n";     // 4: unpaired (no client c3)
        var dyads = new List<AgreementDyad>();
        var (output, counts, _) = Agree(client, therapist, DataFormat.Json, new AgreementOptions { OnDyad = dyads.Add });
        Assert.Equal(["c1", "c2", "c3"], dyads.Select(d => d.Client));
        Assert.All(dyads, d => Assert.Null(d.Therapist));
        var c1 = dyads[0];
        Assert.Equal([("1", 2), ("2", 3)], c1.ClientAdministrations.Select(a => (a.Occasion.ToString(), a.Line)));
        Assert.Equal([("1", 2), ("4", 3)], c1.TherapistAdministrations.Select(a => (a.Occasion.ToString(), a.Line)));
        Assert.Equal([15.0, 10.0], c1.ClientAdministrations[0].Values.ToArray());   // total, ab
        Assert.Equal(1, c1.Pairs);
        Assert.Equal((0, 1, 0), (dyads[1].Pairs, dyads[1].ClientAdministrations.Length, dyads[1].TherapistAdministrations.Length));
        Assert.Equal((0, 0, 1), (dyads[2].Pairs, dyads[2].ClientAdministrations.Length, dyads[2].TherapistAdministrations.Length));
        Assert.Equal([8.0, 5.0], dyads[2].TherapistAdministrations[0].Values.ToArray());

        // Every usable administration handed over is a pair's or an unpaired one: 2 x pairs + unpaired.
        Assert.Equal(2 * counts.Pairs + counts.Unpaired, dyads.Sum(d => d.ClientAdministrations.Length + d.TherapistAdministrations.Length));
        Assert.Equal(counts.Dyads, dyads.Count(d => d.Pairs > 0));

        // A dyad without pairs carries n = 0 summaries; one with pairs the summaries of the JSON output.
        Assert.Equal(0, dyads[1].Scores[0].N);
        using var doc = JsonDocument.Parse(output);
        var json = doc.RootElement.GetProperty("dyads")[0].GetProperty("scores").GetProperty("total").GetProperty("mean_difference").GetProperty("value").GetDouble();
        Assert.Equal(json, c1.Scores[0].MeanDifference.Value);
    }

    [Fact]
    public void WithATherapistColumn_ADyadIsAClientWithOneTherapist()
    {
        const string h = "client_id,therapist_id,session,a,b,c\r\n";
        var dyads = new List<AgreementDyad>();
        var warnings = new List<string>();
        var pipeline = new AgreementPipeline(Pairing,
            new MemoryStream(Encoding.UTF8.GetBytes(h + "c1,t1,1,5,5,5\r\nc1,t2,1,4,4,4\r\n")), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(h + "c1,t2,1,3,3,3\r\n")), DataFormat.Csv,
            new AgreementOptions { TherapistColumn = "therapist_id", OnDyad = dyads.Add, Warnings = warnings.Add, Workers = 1 });
        pipeline.Run(DataFormat.Csv, Stream.Null);
        Assert.Equal([("c1", "t1", 0), ("c1", "t2", 1)], dyads.Select(d => (d.Client, d.Therapist!, d.Pairs)));
    }

    [Fact]
    public void WithoutACallback_NothingIsHandedOver_AndTheOutputIsTheSame()
    {
        var client = Header + "c1,1,5,5,5\r\nc1,2,4,4,4\r\n";
        var therapist = Header + "c1,1,4,4,4\r\n";
        var calls = 0;
        var with = Agree(client, therapist, DataFormat.Json, new AgreementOptions { OnDyad = _ => calls++ }).Output;
        var without = Agree(client, therapist, DataFormat.Json).Output;
        Assert.Equal(without, with);
        Assert.Equal(1, calls);
    }
}
