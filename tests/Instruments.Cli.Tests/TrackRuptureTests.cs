using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Instruments.Cli.Tests;

/// <summary>
/// <c>instruments track wai-sr</c> end to end on a small CSV: the shipped rupture presets (stiles-2004: 2 SD,
/// strauss-2006: 1 SD of the client's own series) per client, per rupture and per administration.
/// </summary>
public sealed class TrackRuptureTests
{
    // Each row answers every item with one value v, so each subscale is 4v and the total 12v.
    // a: totals 60 60 36 60 60 48 (mean 54, sample SD sqrt(504 / 5) = 10.0399...): 60 -> 36 is a drop of 24 = 2.39 SD,
    //    repaired at session 4; 60 -> 48 (12 = 1.20 SD) is a rupture for strauss-2006 only, never repaired.
    // b: one administration (not evaluable). c: a constant series (SD 0, no rupture).
    private static readonly string Input = BuildInput(("a", [5, 5, 3, 5, 5, 4]), ("b", [4]), ("c", [3, 3, 3]));

    private static string BuildInput(params (string Client, int[] Values)[] clients)
    {
        var sb = new StringBuilder("client_id,session," + string.Join(',', Enumerable.Range(1, 12).Select(i => "wai" + i)) + "\n");
        foreach (var (client, values) in clients)
        {
            for (var s = 0; s < values.Length; s++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{client},{s + 1},").AppendJoin(',', Enumerable.Repeat(values[s], 12)).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static Task<RunResult> Track(params string[] more) => InProcess.RunAsync(["track", "wai-sr", "--input", "-", "--quiet", .. more], Input);

    [Fact]
    public async Task Csv_PerClient_CountsRupturesRepairsAndTheEarlySlope()
    {
        var r = await Track();
        var rows = r.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        var header = rows[0];
        string Cell(int row, string column) => rows[row][Array.IndexOf(header, column)];

        var sd = Math.Sqrt(504.0 / 5).ToString("R", CultureInfo.InvariantCulture);
        Assert.Equal(["0", sd, "1", "1", "0", "true", "3:24:4"],
            new[] { "early_slope", "rupture.stiles-2004.sd", "rupture.stiles-2004.count", "rupture.stiles-2004.repaired", "rupture.stiles-2004.unrepaired", "rupture.stiles-2004.v_shape", "rupture.stiles-2004.list" }
                .Select(c => Cell(1, "total." + c)));
        Assert.Equal(["2", "1", "1", "3:24:4;6:12:unrepaired"],
            new[] { "count", "repaired", "unrepaired", "list" }.Select(c => Cell(1, "total.rupture.strauss-2006." + c)));
        Assert.Equal("3:8:4;6:4:unrepaired", Cell(1, "task.rupture.strauss-2006.list"));   // each subscale carries the presets too
        Assert.Equal(["", "", ""], new[] { "sd", "count", "v_shape" }.Select(c => Cell(2, "total.rupture.stiles-2004." + c)));
        Assert.Equal(["0", "0", "false"], new[] { "sd", "count", "v_shape" }.Select(c => Cell(3, "total.rupture.stiles-2004." + c)));
    }

    [Fact]
    public async Task Json_ListsEachRuptureWithItsRepair()
    {
        var r = await Track("--format", "json");
        using var doc = JsonDocument.Parse(r.Stdout);
        var clients = doc.RootElement.GetProperty("clients");
        var total = clients[0].GetProperty("scores").GetProperty("total");
        Assert.Equal(0, total.GetProperty("early_alliance").GetProperty("slope").GetDouble());
        var strauss = total.GetProperty("ruptures").GetProperty("strauss-2006");
        Assert.Equal(JsonValueKind.Null, strauss.GetProperty("not_evaluable").ValueKind);
        Assert.Equal(2, strauss.GetProperty("count").GetInt32());
        var list = strauss.GetProperty("list");
        Assert.Equal(("3", 60.0, 24.0, true, "4"), (list[0].GetProperty("occasion").GetString(), list[0].GetProperty("pre_level").GetDouble(),
            list[0].GetProperty("drop").GetDouble(), list[0].GetProperty("repaired").GetBoolean(), list[0].GetProperty("repair_occasion").GetString()));
        Assert.Equal(24 / Math.Sqrt(504.0 / 5), list[0].GetProperty("drop_sds").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, list[1].GetProperty("repair_occasion").ValueKind);

        var single = clients[1].GetProperty("scores").GetProperty("total").GetProperty("ruptures").GetProperty("stiles-2004");
        Assert.Equal("one usable administration", single.GetProperty("not_evaluable").GetString());
        Assert.Equal(JsonValueKind.Null, single.GetProperty("count").ValueKind);
    }

    [Fact]
    public async Task Occasions_MarkRuptureAndRepairEvents()
    {
        var r = await Track("--occasions", "--format", "ndjson");
        var events = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("client").GetString() == "a")
            .Select(e => string.Join(';', e.GetProperty("scores").GetProperty("total").GetProperty("events").EnumerateArray().Select(x => x.GetString())))
            .ToList();
        Assert.Equal(["", "", "rupture:stiles-2004;rupture:strauss-2006", "repair:stiles-2004;repair:strauss-2006", "", "rupture:strauss-2006"], events);
    }
}
