using System.Text;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="TrackingOptions.OnClient"/>: each client handed over once, in output order, with one administration per
/// occasion in occasion order (a duplicated occasion once, set aside and naming every line), rows whose occasion is
/// not usable left out, and the client's diagnostics with the lines they name; the same whether the input is
/// streamed (grouped, seekable) or held (interleaved, or not seekable).
/// </summary>
public sealed class TrackedClientTests
{
    private const string Header = "client_id,session,a,b,c\r\n";

    // Lines: 2 c1@3, 3 c2@1, 4 c1@1, 5 c1@2 invalid (a 12 on a 0-9 item), 6 c1@4, 7 c1@4 again, 8 c1@x, 9 c2@2.
    private const string Interleaved = Header
        + "c1,3,2,2,2\r\nc2,1,4,4,4\r\nc1,1,5,5,5\r\nc1,2,12,1,1\r\nc1,4,1,1,1\r\nc1,4,2,1,1\r\nc1,x,1,1,1\r\nc2,2,3,3,3\r\n";

    private static List<TrackedClient> Run(string input, bool seekable)
    {
        var clients = new List<TrackedClient>();
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(input));
        if (!seekable)
        {
            stream = new TrackingTestPlans.ForwardOnly(stream);
        }

        var pipeline = new TrackingPipeline(TrackingTestPlans.Course, stream, DataFormat.Csv, new TrackingOptions { OnClient = clients.Add });
        pipeline.Run(DataFormat.Csv, Stream.Null);
        return clients;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OnClient_GivesTheAdministrationsInOccasionOrder_DuplicatesSetAside(bool seekable)
    {
        var clients = Run(Interleaved, seekable);

        Assert.Equal(["c1", "c2"], clients.Select(c => c.Client));
        var c1 = clients[0];
        Assert.Equal(6, c1.Rows);
        Assert.Equal(["1", "2", "3", "4"], c1.Administrations.Select(a => a.Occasion.ToString()));
        Assert.Equal([4, 5, 2, 6], c1.Administrations.Select(a => a.Line));
        Assert.Equal([15.0, 3.0, 6.0, 3.0], c1.Administrations.Select(a => a.Scores[0])); // as scored: line 5 (12 is not an option) prorates b and c, but is invalid

        var invalid = c1.Administrations[1];
        Assert.Equal(ResponseStatus.Invalid, invalid.Status);
        Assert.NotNull(invalid.Problem);
        Assert.False(invalid.IsUsable(0));

        var duplicate = c1.Administrations[3];
        Assert.Equal([6, 7], duplicate.Lines.ToArray());
        Assert.Contains("lines 6, 7", duplicate.NotUsed, StringComparison.Ordinal);
        Assert.False(duplicate.IsUsable(0));
        Assert.True(c1.Administrations[0].IsUsable(0));

        // RSP2030 (line 5), RSP2031 (line 6, naming 7 too), RSP2033 (line 8), in line order.
        Assert.Equal(["RSP2030", "RSP2031", "RSP2033"], c1.Diagnostics.Select(d => d.Id));
        Assert.Equal([5, 6, 8], c1.Diagnostics.Select(d => d.Location.Line));
        Assert.Contains("lines 6, 7", c1.Diagnostics[1].Message, StringComparison.Ordinal);

        Assert.Equal([1, 2], clients[1].Administrations.Select(a => (int)a.Occasion.Value));
    }

    [Fact]
    public void OnClient_SeesTheSameClientsAsTheOutput()
    {
        var clients = Run(Header + "c1,1,5,5,5\r\nc1,2,1,1,1\r\nc2,1,4,4,4\r\n", seekable: true);
        Assert.Equal(2, clients.Count);
        Assert.Equal(["RSP2032", "RSP2032"], clients[1].Diagnostics.Select(d => d.Id)); // one per score
        Assert.Equal([4, 4], clients[1].Diagnostics.Select(d => d.Location.Line));
    }
}
