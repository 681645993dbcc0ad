using System.Text;
using Instruments.Tests.Shared;
using static Instruments.Data.Tests.Agreement.AgreementTestForms;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// The streaming run of <see cref="AgreementPipeline"/> (both inputs grouped by dyad, the dyads they share in the same
/// order) against the buffered run on the same inputs: the same bytes in every table shape, over grouped, shuffled and
/// partly grouped inputs with unpaired rows on either side, dyads in one input only, unusable rows and duplicates; and
/// what the streaming run holds (nothing per row on the merging thread).
/// </summary>
public sealed class AgreementStreamingTests
{
    private const string Header = "client_id,session,a,b,c\r\n";
    private const string TherapistHeader = "client_id,therapist_id,session,a,b,c\r\n";

    public enum Order
    {
        /// <summary>Each dyad's rows together, the shared dyads in the same order in both inputs (occasions in any order within a dyad).</summary>
        Grouped,

        /// <summary>Grouped, and the dyads sorted by key in both inputs (as most exports are): the streaming run's guess always holds.</summary>
        Sorted,

        /// <summary>Grouped, but the dyads in another order in each input.</summary>
        OtherOrder,

        /// <summary>Grouped, except one dyad's rows split in two runs in one input.</summary>
        PartlyGrouped,

        /// <summary>Every row anywhere.</summary>
        Shuffled,
    }

    public static TheoryData<Order, bool> Orders() => new()
    {
        { Order.Grouped, false }, { Order.Grouped, true }, { Order.Sorted, false }, { Order.Sorted, true }, { Order.OtherOrder, false }, { Order.PartlyGrouped, false }, { Order.PartlyGrouped, true }, { Order.Shuffled, false },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void StreamedAndBuffered_WriteTheSameBytes_InEveryTableShape(Order order, bool therapistColumn)
    {
        var random = new Random(1500 + (int)order + (therapistColumn ? 10 : 0));
        var buffered = 0;
        var (guessed, notGuessed) = (0, 0);
        for (var round = 0; round < 12; round++)
        {
            var (client, therapist) = Inputs(random, order, therapistColumn);
            foreach (var format in new[] { DataFormat.Csv, DataFormat.Ndjson })
            {
                foreach (var summary in new[] { false, true })
                {
                    var options = new AgreementOptions
                    {
                        Summary = summary,
                        TherapistColumn = therapistColumn ? "therapist_id" : null,
                        Discrepancy = round % 2 == 0 ? 3 : null,
                    };
                    var (streamed, streamedCounts, streamedWarnings, guess) = Run(client, therapist, format, options, streaming: true);
                    var (planned, plannedCounts, plannedWarnings, _) = Run(client, therapist, format, options, streaming: true, guessing: false);
                    var (reference, bufferedCounts, bufferedWarnings, _) = Run(client, therapist, format, options, streaming: false);
                    var what = $"{order}, round {round}, {format}, summary {summary}\nclient:\n{client}\ntherapist:\n{therapist}";
                    Assert.True(reference == streamed, what + "\nbuffered:\n" + reference + "\nstreamed:\n" + streamed);
                    Assert.True(reference == planned, what + "\nbuffered:\n" + reference + "\nplanned:\n" + planned);
                    Assert.True(order is not (Order.Grouped or Order.Sorted) || (streamedCounts.Streamed && plannedCounts.Streamed), what);
                    Assert.True(order != Order.Sorted || guess, what);
                    Assert.True(!guess || streamedCounts.Streamed, what);
                    (guessed, notGuessed) = guess ? (guessed + 1, notGuessed) : (guessed, notGuessed + 1);
                    buffered += streamedCounts.Streamed ? 0 : 1;
                    Assert.Equal(streamedCounts.Streamed, plannedCounts.Streamed || guess);
                    Assert.False(bufferedCounts.Streamed);
                    Assert.Equal(bufferedCounts, streamedCounts with { Streamed = false });
                    Assert.Equal(bufferedCounts, plannedCounts with { Streamed = false });

                    // The same warnings (one per unusable row and unpaired administration), each once (a guess that
                    // failed does not repeat those it gave), in another order when streamed.
                    Assert.Equal(bufferedWarnings.Order(StringComparer.Ordinal), streamedWarnings.Order(StringComparer.Ordinal));
                    Assert.Equal(bufferedWarnings.Order(StringComparer.Ordinal), plannedWarnings.Order(StringComparer.Ordinal));
                }
            }
        }

        // Each order other than grouped made the run fall back to buffering in some rounds (when it changed anything).
        Assert.True(order is Order.Grouped or Order.Sorted ? buffered == 0 : buffered > 0, $"{buffered} buffered runs");

        // Grouped in another order than sorted: a dyad in one input only sometimes ended the guess, and sometimes not.
        Assert.True(order != Order.Grouped || (guessed > 0 && notGuessed > 0), $"{guessed} guessed, {notGuessed} not");
    }

    [Fact]
    public void Streamed_EveryRowIsMentionedOnce_AsInTheBufferedRun()
    {
        // One dyad only in each input, unpaired rows on both sides, every kind of unusable row, a duplicate occasion.
        var client = Header
            + "c1,2,5,5,5\r\n"      // 2: paired (occasions out of order within the dyad)
            + "c1,1,4,4,4\r\n"      // 3: paired
            + "c1,3,9,4,4\r\n"      // 4: invalid: RSP2040
            + ",5,3,3,3\r\n"        // 5: no client: RSP2034 (between two dyads' rows)
            + "c2,1,3,3,3\r\n"      // 6: duplicate at 1 (with 7): RSP2041
            + "c2,1,2,2,2\r\n"      // 7
            + "c2,x,3,3,3\r\n"      // 8: bad occasion: RSP2033
            + "c0,1,3,3,3\r\n"      // 9: unpaired (no therapist c0)
            + "c3,1,1,2,3\r\n"      // 10: paired
            + "c3,4,1,2,3\r\n";     // 11: unpaired (no therapist at 4)
        var therapist = Header
            + "c1,1,4,4,4\r\n"      // 2: paired
            + "c1,2,3,3,3\r\n"      // 3: paired
            + "t9,1,3,3,3\r\n"      // 4: unpaired (no client t9)
            + "c2,1,3,3,3\r\n"      // 5: unpaired (client's at 1 are several)
            + "c3,1,3,3,3\r\n"      // 6: paired
            + "c3,2,3,3,3\r\n";     // 7: unpaired
        var (streamed, counts, _, _) = Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: true);
        Assert.True(counts.Streamed);
        Assert.Equal(
            "status,client_id,occasion,client_line,therapist_line,total.client,total.therapist,total.difference,ab.client,ab.therapist,ab.difference,reason\r\n"
            + "paired,c1,1,3,2,12,12,0,8,8,0,\r\n"
            + "paired,c1,2,2,3,15,9,6,10,6,4,\r\n"
            + "paired,c3,1,10,6,6,9,-3,3,6,-3,\r\n"
            + "unusable,c1,3,4,,,,,,,,RSP2040: c.csv line 4: administration not paired: invalid (RSP2001 on item 'a')\r\n"
            + "unusable,,,5,,,,,,,,RSP2034: c.csv: Line 5: the client column 'client_id' is empty or absent; the row is not used\r\n"
            + "unusable,c2,1,6,,,,,,,,\"RSP2041: c.csv: client 'c2': lines 6, 7 are all at occasion 1; none of them is paired (they are never merged)\"\r\n"
            + "unusable,c2,1,7,,,,,,,,\"RSP2041: c.csv: client 'c2': lines 6, 7 are all at occasion 1; none of them is paired (they are never merged)\"\r\n"
            + "unusable,c2,x,8,,,,,,,,RSP2033: c.csv: Line 8: occasion 'x' is not a number or an ISO date (yyyy-MM-dd); the row is not used\r\n"
            + "unpaired,c0,1,9,,9,,,6,,,no usable therapist administration at this occasion in t.csv\r\n"
            + "unpaired,c3,4,11,,6,,,3,,,no usable therapist administration at this occasion in t.csv\r\n"
            + "unpaired,t9,1,,4,,9,,,6,,no usable client administration at this occasion in c.csv\r\n"
            + "unpaired,c2,1,,5,,9,,,6,,\"the client administrations at this occasion (lines 6, 7) are several, so none is paired\"\r\n"
            + "unpaired,c3,2,,7,,9,,,6,,no usable client administration at this occasion in c.csv\r\n",
            streamed);
        Assert.Equal(new AgreementCounts(16, 3, 5, 5, 2) { Streamed = true }, counts);
        Assert.Equal(counts.Rows, (2 * counts.Pairs) + counts.Unpaired + counts.Unusable);

        // Every input row once in the table: each pair names two lines, every other row one (after the pairs, each
        // input's rows in line order), and the table holds them all, so nothing is warned row by row.
        var mentioned = streamed.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .SelectMany(line => line.Split(',') is var cells && cells[0] == "paired" ? new[] { ("c", cells[3]), ("t", cells[4]) } : [(cells[3].Length > 0 ? "c" : "t", cells[3].Length > 0 ? cells[3] : cells[4])])
            .ToList();
        Assert.Equal(Enumerable.Range(2, 10).Select(l => ("c", $"{l}")).Concat(Enumerable.Range(2, 6).Select(l => ("t", $"{l}"))).Order(), mentioned.Order());
        var (_, _, warnings, _) = Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: true);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Streamed_InputsWithoutAnyDyad_StillListEveryRow()
    {
        // No row names a dyad: the merge takes no dyad at all, and the rows are listed when the inputs end.
        var client = Header + ",1,5,5,5\r\nc1,x,4,4,4\r\n";
        var therapist = Header + "c1,y,4,4,4\r\n";
        foreach (var guessing in new[] { true, false })
        {
            var (streamed, counts, warnings, _) = Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: true, guessing: guessing);
            var (buffered, _, _, _) = Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: false);
            Assert.True(counts.Streamed);
            Assert.Equal(buffered, streamed);
            Assert.Equal(
                [
                    "unusable,,,2,,,,,,,,RSP2034: c.csv: Line 2: the client column 'client_id' is empty or absent; the row is not used",
                    "unusable,c1,x,3,,,,,,,,RSP2033: c.csv: Line 3: occasion 'x' is not a number or an ISO date (yyyy-MM-dd); the row is not used",
                    "unusable,c1,y,,2,,,,,,,RSP2033: t.csv: Line 2: occasion 'y' is not a number or an ISO date (yyyy-MM-dd); the row is not used",
                ],
                streamed.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
            Assert.Equal(new AgreementCounts(3, 0, 0, 3, 0) { Streamed = true }, counts);
            Assert.Empty(warnings);
        }
    }

    [Fact]
    public void Streamed_UnpairedRowsAndWarningsBeyondTheMemoryLimit_GoThroughATemporaryFile_WithTheSameBytes()
    {
        // The warnings a guessing run holds until its end go the same way (with --summary: the table mentions no row,
        // so each unpaired and unusable row is a warning).
        foreach (var order in new[] { Order.Sorted, Order.Grouped })
        {
            foreach (var summary in new[] { false, true })
            {
                var (client, therapist) = Inputs(new Random(7), order, therapistColumn: false, dyads: 60);
                var options = new AgreementOptions { Summary = summary };
                var (buffered, _, bufferedWarnings, _) = Run(client, therapist, DataFormat.Csv, options, streaming: false);
                var (streamed, counts, streamedWarnings, guessed) = Run(client, therapist, DataFormat.Csv, options, streaming: true, spillBytes: 64);
                Assert.True(counts.Streamed);
                Assert.Equal(order == Order.Sorted, guessed);
                Assert.True(counts.Unpaired > 10 && counts.Unusable > 10);
                Assert.Equal(buffered, streamed);
                Assert.True(summary ? bufferedWarnings.Sum(w => w.Length) > 64 : bufferedWarnings.Count == 0);
                Assert.Equal(bufferedWarnings.Order(StringComparer.Ordinal), streamedWarnings.Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Guess_OnFilesGroupedInOppositeOrders_GivesUpEarly_WithTheSameBytes()
    {
        // 3,000 dyads, each file grouped, the therapist's in the opposite order: a guess that took every client dyad
        // alone would fail only at the end. It gives up once more than 1,000 dyads, and more than half, went alone.
        var dyads = Enumerable.Range(0, 3000).Select(d => $"c{d:D4}").ToList();
        string File(IEnumerable<string> order, int shift) => Header + string.Concat(order.Select((c, i) => $"{c},1,{1 + ((i + shift) % 5)},2,3\r\n{c},2,3,{1 + (i % 5)},1\r\n"));
        var (client, therapist) = (File(dyads, 0), File(Enumerable.Reverse(dyads), 1));
        var pipeline = new AgreementPipeline(Pairing, new MemoryStream(Encoding.UTF8.GetBytes(client)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(therapist)), DataFormat.Csv, new AgreementOptions { Workers = 2 });
        var output = new MemoryStream();
        var counts = pipeline.Run(DataFormat.Csv, output);
        Assert.False(pipeline.Guessed);
        Assert.InRange(pipeline.GuessTook, AgreementStreaming.GiveUpAlone + 1, AgreementStreaming.GiveUpAlone + 2);
        Assert.Equal(6000, counts.Pairs);
        Assert.Equal(Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: false).Output, Encoding.UTF8.GetString(output.ToArray()));

        // Sorted alike, every dyad is taken from both files and the guess holds to the end.
        var sorted = new AgreementPipeline(Pairing, new MemoryStream(Encoding.UTF8.GetBytes(client)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(File(dyads, 1))), DataFormat.Csv, new AgreementOptions { Workers = 2 });
        sorted.Run(DataFormat.Csv, Stream.Null);
        Assert.True(sorted.Guessed);
        Assert.Equal(3000, sorted.GuessTook);
    }

    [Fact]
    public void HeldWarnings_AreGivenBackWhole_InOrder_AcrossTheTemporaryFilesChunks()
    {
        // 3,000 warnings: every length from 0 to 1,099 bytes (so every size around the buffers' first 512), then up to
        // 3,000 bytes with non-ASCII text; about 3 MB: the temporary file is read back in 64 KiB chunks, which cut
        // warnings in two.
        var messages = Enumerable.Range(0, 3000)
            .Select(i => i < 1100 ? new string('x', i) : $"RSP2042: warning: c.csv line {i}: client 'é{new string('x', (i * 37) % 3000)}'").ToList();
        using var held = new AgreementPipeline.HeldWarnings(100);
        foreach (var message in messages)
        {
            held.Warn(message);
        }

        var given = new List<string>();
        held.GiveTo(given.Add);
        Assert.Equal(messages, given);
    }

    [Fact]
    public void Streamed_OnAnInputThatCannotSeek_IsBuffered_WithTheSameBytes()
    {
        var (client, therapist) = Inputs(new Random(8), Order.Grouped, therapistColumn: false);
        var pipeline = new AgreementPipeline(Pairing, new NoSeek(Encoding.UTF8.GetBytes(client)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(therapist)), DataFormat.Csv, new AgreementOptions { ClientInputName = "c.csv", TherapistInputName = "t.csv", Workers = 2 });
        var output = new MemoryStream();
        var counts = pipeline.Run(DataFormat.Csv, output);
        Assert.False(counts.Streamed);
        Assert.Equal(Run(client, therapist, DataFormat.Csv, new AgreementOptions(), streaming: true).Output, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Streamed_HoldsOneDyad_TheMergingThreadAllocatesNothingPerRow(bool therapistColumn)
    {
        // The same 100 dyads with 4 and with 40 sessions each, every administration paired, the table to Stream.Null:
        // what the merging thread allocates grows with dyads (their keys, their summaries), not with rows. Holding every
        // administration (growing lists: about 60 bytes a row) or an object per row (24 bytes at least) would cost well
        // over the 8 bytes a row allowed here for the blocks handed between threads. The inputs hide their length: a
        // reader sizes its buffer to a small seekable input (ByteInput.BufferSizeFor), which would grow with the input.
        string Rows(int dyads, int sessions, int shift) => (therapistColumn ? TherapistHeader : Header) + string.Concat(
            Enumerable.Range(0, dyads).SelectMany(d => Enumerable.Range(1, sessions).Select(s =>
                $"client{d},{(therapistColumn ? "t" + (d % 3) + "," : string.Empty)}{s},{1 + ((d + s + shift) % 5)},{1 + ((d * s) % 5)},3\r\n")));
        long Allocated(int sessions)
        {
            var (client, therapist) = (Encoding.UTF8.GetBytes(Rows(100, sessions, 0)), Encoding.UTF8.GetBytes(Rows(100, sessions, 2)));
            return Allocations.SteadyState(() =>
            {
                var counts = new AgreementPipeline(Pairing, new NoLength(client), DataFormat.Csv, new NoLength(therapist), DataFormat.Csv,
                    new AgreementOptions { Workers = 2, TherapistColumn = therapistColumn ? "therapist_id" : null }).Run(DataFormat.Csv, Stream.Null);
                Assert.True(counts.Streamed);
                Assert.Equal(100 * sessions, counts.Pairs);
            });
        }

        var (few, many) = (Allocated(4), Allocated(40));
        var extraRows = 2 * 100 * (40 - 4);
        Assert.True(many - few < 8 * extraRows, $"{many - few} bytes more for {extraRows} more rows ({few} -> {many})");
    }

    // Client and therapist files: dyads with sessions on either side, some dyads in one file only, a few unusable rows
    // (an invalid answer, an empty client id, a bad occasion, a duplicate occasion), in the given order.
    private static (string Client, string Therapist) Inputs(Random random, Order order, bool therapistColumn, int dyads = 0)
    {
        dyads = dyads > 0 ? dyads : random.Next(1, 9);
        var sides = new[] { new List<List<string>>(), new List<List<string>>() };
        var clients = new List<string>();
        for (var d = 0; d < dyads; d++)
        {
            var client = "c" + d + (random.Next(4) == 0 ? ",x" : string.Empty);   // a comma: a quoted cell
            clients.Add(client);
            var cell = client.Contains(',', StringComparison.Ordinal) ? $"\"{client}\"" : client;
            var key = therapistColumn ? $"{cell},t{random.Next(2)}" : cell;
            var only = random.Next(6);   // 0: client file only, 1: therapist file only
            for (var side = 0; side < 2; side++)
            {
                var rows = new List<string>();
                if ((only == 0 && side == 1) || (only == 1 && side == 0))
                {
                    sides[side].Add(rows);
                    continue;
                }

                var sessions = random.Next(0, 7);
                for (var s = 1; s <= sessions; s++)
                {
                    if (random.Next(5) == 0)
                    {
                        continue;   // this side missed the session: the other's is unpaired
                    }

                    var items = $"{random.Next(1, 6)},{random.Next(1, 6)},{random.Next(1, 6)}";
                    var kind = random.Next(30);
                    rows.Add(kind switch
                    {
                        0 => $"{key},{s},9,3,3",                   // invalid
                        1 => $"{key},{s},1,,3",                    // a paired score not computed
                        2 => $"{key},soon,{items}",                // bad occasion
                        3 => therapistColumn ? $",t0,{s},{items}" : $",{s},{items}",   // no client id
                        _ => $"{key},{s},{items}",
                    });
                    if (random.Next(25) == 0)
                    {
                        rows.Add($"{key},{s},{items}");             // a duplicate occasion
                    }
                }

                Shuffle(random, rows);                              // occasions in any order within a dyad
                sides[side].Add(rows);
            }
        }

        var files = new string[2];
        var dyadOrder = Enumerable.Range(0, dyads).ToList();
        if (order == Order.Sorted)
        {
            dyadOrder.Sort((a, b) => string.CompareOrdinal(clients[a], clients[b]));
        }
        else
        {
            Shuffle(random, dyadOrder);
        }

        for (var side = 0; side < 2; side++)
        {
            var order1 = dyadOrder.ToList();
            if (order == Order.OtherOrder && side == 1 && dyads > 1)
            {
                order1.Reverse();
            }

            var rows = order1.SelectMany(d => sides[side][d]).ToList();
            if (order == Order.PartlyGrouped && side == random.Next(2))
            {
                // One dyad's first row moved to the end.
                var split = order1.Select(d => sides[side][d]).FirstOrDefault(r => r.Count > 1 && order1.Count > 1);
                if (split is not null)
                {
                    rows.Remove(split[0]);
                    rows.Add(split[0]);
                }
            }
            else if (order == Order.Shuffled)
            {
                Shuffle(random, rows);
            }

            files[side] = (therapistColumn ? TherapistHeader : Header) + string.Concat(rows.Select(r => r + "\r\n"));
        }

        return (files[0], files[1]);
    }

    private static void Shuffle<T>(Random random, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static (string Output, AgreementCounts Counts, List<string> Warnings, bool Guessed) Run(string client, string therapist, DataFormat format,
        AgreementOptions options, bool streaming, int spillBytes = 1 << 20, bool guessing = true)
    {
        var warnings = new List<string>();
        options = options with { ClientInputName = "c.csv", TherapistInputName = "t.csv", Warnings = warnings.Add, Workers = 2 };
        var pipeline = new AgreementPipeline(Pairing, new MemoryStream(Encoding.UTF8.GetBytes(client)), DataFormat.Csv,
            new MemoryStream(Encoding.UTF8.GetBytes(therapist)), DataFormat.Csv, options)
        {
            Streaming = streaming,
            Guessing = guessing,
            SpillMemoryBytes = spillBytes,
        };
        var output = new MemoryStream();
        var counts = pipeline.Run(format, output);
        return (Encoding.UTF8.GetString(output.ToArray()), counts, warnings, pipeline.Guessed);
    }

    private sealed class NoSeek(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    /// <summary>A seekable input that does not tell its length, so that readers take their full-size buffer.</summary>
    private sealed class NoLength(byte[] bytes) : MemoryStream(bytes)
    {
        public override long Length => throw new NotSupportedException();
    }
}
