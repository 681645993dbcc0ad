using System.Globalization;
using System.Text;
using System.Text.Json;
using Instruments.Compiler;
using Instruments.Course;

namespace Instruments.Data.Tests;

/// <summary>
/// <see cref="TrackingPipeline"/> over a protocol of two instruments read from the same rows: the output shapes, the
/// protocol's outcomes per client against a three-valued reference written here (including unknown when a measure has
/// fewer than two usable administrations), one instrument unusable at an occasion while the other is used, grouped and
/// interleaved input giving the same analysis, and the exact grouping check when client-id hashes collide.
/// </summary>
public sealed class ProtocolTrackingTests
{
    // The second instrument: three 0-9 items, 'sum' of all three (none may be missing), a case at 8 or more, a
    // reliable change of 4 points.
    private const string Anx = """
        instrument: anx
        version: 3.0.0
        title: Anx
        license: { name: test, texts: restricted }
        response_scales:
          ten: { options: [ { value: 0, label: "0" }, { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" }, { value: 6, label: "6" }, { value: 7, label: "7" }, { value: 8, label: "8" }, { value: 9, label: "9" } ] }
        items:
          - { id: x, scale: ten }
          - { id: y, scale: ten }
          - { id: z, scale: ten }
        scores:
          - id: sum
            items: [x, y, z]
            method: sum
            change:
              direction: lower-is-better
              caseness: { min: 8, sources: [test] }
              reliable_change:
                - { id: four, method: fixed, threshold: 4, sources: [test] }
        """;

    private const string ProtocolYaml = """
        protocol: duo-course
        version: 0.9.0
        title: Course and anx
        measures:
          - { id: dep, instrument: course, score: total, reliable_change: fixed }
          - { id: anx, instrument: anx, score: sum, reliable_change: four }
        outcomes:
          - { id: caseness, title: A case on either at the first, when: dep_case_first or anx_case_first, sources: [test] }
          - { id: recovered, title: A case at first and on neither at last, when: caseness and not dep_case_last and not anx_case_last, sources: [test] }
          - { id: improved, title: Reliably better on one and worse on neither, when: (dep_improved or anx_improved) and not dep_deteriorated and not anx_deteriorated, sources: [test] }
        """;

    private const string Header = "client_id,session,a,b,c,x,y,z\r\n";

    private static readonly ProtocolPlan Protocol = BuildProtocol();

    private static ProtocolPlan BuildProtocol()
    {
        var compilation = ProtocolCompiler.Compile(InstrumentSource.FromText(ProtocolYaml, "duo-course.yaml"), [TrackingTestPlans.Course, TestPlans.Compile(Anx)]);
        Assert.True(compilation.Plan is not null, string.Join("\n", compilation.Diagnostics));
        return compilation.Plan;
    }

    private static (string Output, TrackingCounts Counts) Track(string input, DataFormat output = DataFormat.Json, bool seekable = true,
        bool occasions = false, int workers = 0, ClientRuns.Hasher? hash = null)
    {
        Stream stream = new MemoryStream(Encoding.UTF8.GetBytes(input));
        if (!seekable)
        {
            stream = new TrackingTestPlans.ForwardOnly(stream);
        }

        var pipeline = new TrackingPipeline(Protocol, stream, DataFormat.Csv, new TrackingOptions { Occasions = occasions, Workers = workers })
        {
            ClientHash = hash,
        };
        var bytes = new MemoryStream();
        var counts = pipeline.Run(output, bytes);
        return (Encoding.UTF8.GetString(bytes.ToArray()), counts);
    }

    // t1 recovers on both; t2 never a case; t3: dep has one usable administration (its second part is invalid), so its
    // last caseness is unknown; t4: one usable each, neither a case; t5: anx stays a case; t6: dep never usable; t7:
    // dep never usable and anx never a case.
    private const string TruthTable = Header
        + "t1,1,6,6,6,4,4,4\r\nt1,2,1,1,1,1,1,0\r\n"
        + "t2,1,2,2,1,1,2,2\r\nt2,2,2,1,2,2,1,2\r\n"
        + "t3,1,6,6,6,4,4,4\r\nt3,2,10,1,1,1,1,0\r\n"
        + "t4,1,1,2,2,1,1,1\r\nt4,2,,,1,,1,1\r\n"
        + "t5,1,6,6,6,4,4,4\r\nt5,2,1,1,1,4,4,4\r\n"
        + "t6,1,,,1,4,4,4\r\nt6,2,,,2,1,1,0\r\n"
        + "t7,1,,,1,1,1,1\r\nt7,2,,,2,1,1,1\r\n";

    [Fact]
    public void Outcomes_FollowTheTruthTable_WithUnknownForTooFewUsableAdministrations()
    {
        var (output, _) = Track(TruthTable);
        using var doc = JsonDocument.Parse(output);
        var outcomes = doc.RootElement.GetProperty("clients").EnumerateArray().ToDictionary(
            c => c.GetProperty("client").GetString()!,
            c => (Caseness: Truth(c, "caseness"), Recovered: Truth(c, "recovered"), Improved: Truth(c, "improved")));
        Assert.Equal((true, true, true), outcomes["t1"]);
        Assert.Equal((false, false, false), outcomes["t2"]);
        Assert.Equal((true, null, null), outcomes["t3"]);      // dep: one usable (line 8), so its last and change are unknown
        Assert.Equal((false, false, null), outcomes["t4"]);    // no change on either: improved unknown
        Assert.Equal((true, false, true), outcomes["t5"]);
        Assert.Equal((true, null, null), outcomes["t6"]);      // dep unknown throughout; anx a case that recovered
        Assert.Equal((null, null, null), outcomes["t7"]);      // dep unknown; anx never a case
    }

    [Fact]
    public void Json_HasTheProtocolShape_WithEachInstrumentsScoresAndTheOutcomes()
    {
        var (output, counts) = Track(Header + "t1,1,6,6,6,4,4,4\r\nt1,2,1,1,1,1,1,0\r\n");
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(["protocol", "version", "instruments", "clients", "diagnostics"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("duo-course", root.GetProperty("protocol").GetString());
        Assert.Equal("0.9.0", root.GetProperty("version").GetString());
        Assert.Equal("""[{"instrument":"course","version":"1.2.0"},{"instrument":"anx","version":"3.0.0"}]""",
            JsonSerializer.Serialize(root.GetProperty("instruments")));
        var client = root.GetProperty("clients")[0];
        Assert.Equal(["client", "administrations", "instruments", "protocol", "diagnostics"], client.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["course", "anx"], client.GetProperty("instruments").EnumerateObject().Select(p => p.Name));
        var anx = client.GetProperty("instruments").GetProperty("anx");
        Assert.Equal(2, anx.GetProperty("used").GetInt32());
        var sum = anx.GetProperty("scores").GetProperty("sum");
        Assert.Equal(12, sum.GetProperty("first").GetProperty("value").GetDouble());
        Assert.Equal(-10, sum.GetProperty("change").GetDouble());
        Assert.Equal("improved", sum.GetProperty("reliable_change").GetProperty("four").GetProperty("outcome").GetString());
        Assert.Equal(["total", "first"], client.GetProperty("instruments").GetProperty("course").GetProperty("scores").EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"caseness":true,"recovered":true,"improved":true}""", JsonSerializer.Serialize(client.GetProperty("protocol")));
        Assert.Equal(new TrackingCounts(2, 1, 2, 0, Streamed: true), counts);
    }

    [Fact]
    public void Csv_PrefixesEachInstrumentsColumns_ThenTheOutcomes()
    {
        var (output, _) = Track(Header + "t3,1,6,6,6,4,4,4\r\nt3,2,10,1,1,1,1,0\r\n", DataFormat.Csv);
        Assert.Equal(
            "client,administrations,course.used,course.total.first_occasion,course.total.first,course.total.last_occasion,course.total.last,course.total.change,"
            + "course.total.case_first,course.total.case_last,course.total.recovered,course.total.rc.fixed.threshold,course.total.rc.fixed.index,course.total.rc.fixed.outcome,"
            + "course.total.rc.jt.threshold,course.total.rc.jt.index,course.total.rc.jt.outcome,course.total.category,course.total.sudden_gains,course.total.sudden_losses,"
            + "course.first.first_occasion,course.first.first,course.first.last_occasion,course.first.last,course.first.change,"
            + "anx.used,anx.sum.first_occasion,anx.sum.first,anx.sum.last_occasion,anx.sum.last,anx.sum.change,anx.sum.case_first,anx.sum.case_last,anx.sum.recovered,"
            + "anx.sum.rc.four.threshold,anx.sum.rc.four.index,anx.sum.rc.four.outcome,protocol.caseness,protocol.recovered,protocol.improved,diagnostics\r\n"
            + "t3,2,1,1,18,,,,true,,,5,,,6.198064213930023,,,,,,1,6,,,,2,1,12,2,2,-10,true,false,true,4,,improved,true,,,"
            + "RSP2032:course.total;RSP2032:course.first;RSP2030:line 3:course\r\n",
            output);
    }

    [Fact]
    public void OneInstrumentUnusableAtAnOccasion_TheOtherStillUsesIt()
    {
        // Line 3: the course part is invalid (10 is not an option); the anx part of the same row is its last.
        var input = Header + "u1,1,6,6,6,4,4,4\r\nu1,2,10,1,1,1,1,0\r\nu1,3,,,,,,\r\n";
        var (output, counts) = Track(input);
        using var doc = JsonDocument.Parse(output);
        var client = doc.RootElement.GetProperty("clients")[0];
        var instruments = client.GetProperty("instruments");
        Assert.Equal(1, instruments.GetProperty("course").GetProperty("used").GetInt32());
        Assert.Equal(2, instruments.GetProperty("anx").GetProperty("used").GetInt32());
        Assert.Equal("2", instruments.GetProperty("anx").GetProperty("scores").GetProperty("sum").GetProperty("last").GetProperty("occasion").GetString());
        Assert.Equal(JsonValueKind.Null, instruments.GetProperty("course").GetProperty("scores").GetProperty("total").GetProperty("last").ValueKind);
        var messages = client.GetProperty("diagnostics").EnumerateArray()
            .Where(d => d.GetProperty("id").GetString() == "RSP2030").Select(d => d.GetProperty("message").GetString()).ToList();
        Assert.Equal(
            [
                "Line 3: administration not used for any score of course: it is invalid (RSP2001 on item 'a')",
                "Line 4: administration not used for course.total, course.first: the scores are not computed (more items missing than their missing rules allow)",
                "Line 4: administration not used for anx.sum: the score is not computed (more items missing than its missing rule allows)",
            ],
            messages);
        Assert.Equal(3, counts.Problems);

        var (table, _) = Track(input, DataFormat.Csv, occasions: true);
        var lines = table.Split("\r\n");
        Assert.Equal("client,occasion,line,status,course.status,course.total,course.total.change_previous,course.total.change_first,course.total.events,"
            + "course.first,course.first.change_previous,course.first.change_first,course.first.events,"
            + "anx.status,anx.sum,anx.sum.change_previous,anx.sum.change_first,anx.sum.events,diagnostics", lines[0]);
        Assert.Equal("u1,2,3,invalid,invalid,,,,,,,,,complete,2,-10,-10,reliable_improvement:four;recovered,RSP2030:line 3:course", lines[2]);
    }

    [Fact]
    public void Occasions_Json_NestsEachInstrumentsStatusAndScores()
    {
        var (output, _) = Track(Header + "u1,1,6,6,6,4,4,4\r\nu1,2,10,1,1,1,1,0\r\n", occasions: true);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("duo-course", doc.RootElement.GetProperty("protocol").GetString());
        var second = doc.RootElement.GetProperty("administrations")[1];
        Assert.Equal(["client", "occasion", "line", "status", "instruments", "diagnostics"], second.EnumerateObject().Select(p => p.Name));
        Assert.Equal("invalid", second.GetProperty("instruments").GetProperty("course").GetProperty("status").GetString());
        var anx = second.GetProperty("instruments").GetProperty("anx");
        Assert.Equal("complete", anx.GetProperty("status").GetString());
        Assert.Equal(2, anx.GetProperty("scores").GetProperty("sum").GetProperty("value").GetDouble());
    }

    [Fact]
    public void Ndjson_IsOneClientPerLine_TheSameAsTheJsonClients()
    {
        var json = Track(TruthTable).Output;
        var lines = Track(TruthTable, DataFormat.Ndjson).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var doc = JsonDocument.Parse(json);
        var clients = doc.RootElement.GetProperty("clients").EnumerateArray().ToList();
        Assert.Equal(clients.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.True(JsonElement.DeepEquals(clients[i], line.RootElement), lines[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ManyClients_Outcomes_EqualAReferenceComputedHere_GroupedOrInterleaved(int workers)
    {
        var random = new Random(2024 + workers);
        var rows = new List<(string Client, int Session, int?[] Items)>();
        for (var c = 0; c < 800; c++)
        {
            var sessions = Enumerable.Range(1, 15).OrderBy(_ => random.Next()).Take(random.Next(1, 7)).ToList();
            foreach (var s in sessions)
            {
                var items = new int?[6];
                for (var i = 0; i < 6; i++)
                {
                    var roll = random.Next(40);
                    items[i] = roll == 0 ? null : roll == 1 ? 10 : random.Next(c % 3 == 0 ? 4 : 10);   // missing, invalid, or a value
                }

                rows.Add(("p" + c.ToString(CultureInfo.InvariantCulture), s, items));
            }
        }

        static string Csv(IEnumerable<(string Client, int Session, int?[] Items)> rows) =>
            Header + string.Concat(rows.Select(r => $"{r.Client},{r.Session}," + string.Join(',', r.Items.Select(i => i?.ToString(CultureInfo.InvariantCulture))) + "\r\n"));

        var expected = rows.GroupBy(r => r.Client).ToDictionary(g => g.Key, g =>
        {
            var ordered = g.OrderBy(r => r.Session).ToList();
            var dep = Facts(ordered.Select(r => DepTotal(r.Items[..3])).ToList(), 10, 5);
            var anx = Facts(ordered.Select(r => AnxSum(r.Items[3..])).ToList(), 8, 4);
            var caseness = Or(dep.CaseFirst, anx.CaseFirst);
            var recovered = And(caseness, And(Not(dep.CaseLast), Not(anx.CaseLast)));
            var improved = And(Or(Is(dep.Reliable, -1), Is(anx.Reliable, -1)), And(Not(Is(dep.Reliable, 1)), Not(Is(anx.Reliable, 1))));
            return (caseness, recovered, improved);
        });

        var grouped = rows.GroupBy(r => r.Client).SelectMany(g => g).ToList();
        var shuffled = rows.OrderBy(_ => random.Next()).ToList();
        string? groupedAnalysis = null;
        foreach (var (input, streamed) in new[] { (Csv(grouped), true), (Csv(shuffled), false) })
        {
            var (output, counts) = Track(input, workers: workers);
            Assert.Equal(streamed, counts.Streamed);
            using var doc = JsonDocument.Parse(output);
            var clients = doc.RootElement.GetProperty("clients").EnumerateArray().ToList();
            Assert.Equal(expected.Count, clients.Count);
            foreach (var client in clients)
            {
                var e = expected[client.GetProperty("client").GetString()!];
                Assert.True(e == (Truth(client, "caseness"), Truth(client, "recovered"), Truth(client, "improved")), client.GetRawText());
            }

            // Grouped and interleaved: the same analysis per client (only the lines the diagnostics name differ).
            var analysis = string.Join("\n", clients.OrderBy(c => c.GetProperty("client").GetString(), StringComparer.Ordinal)
                .Select(c => c.GetProperty("client").GetString() + c.GetProperty("instruments").GetRawText() + c.GetProperty("protocol").GetRawText()));
            groupedAnalysis ??= analysis;
            Assert.Equal(groupedAnalysis, analysis);
        }
    }

    [Fact]
    public void ClientIdHashesThatCollide_AreDecidedExactly()
    {
        // Every id hashes alike: a grouped input is still streamed (the colliding ids are compared as text) and an
        // interleaved one is still buffered; both give the output without a collision.
        var interleaved = Header + "a1,1,6,6,6,4,4,4\r\nb2,1,1,1,1,1,1,1\r\na1,2,1,1,1,1,1,0\r\nb2,2,2,2,2,2,2,2\r\n";
        var grouped = Header + "a1,1,6,6,6,4,4,4\r\na1,2,1,1,1,1,1,0\r\nb2,1,1,1,1,1,1,1\r\nb2,2,2,2,2,2,2,2\r\n";
        static long Same(ReadOnlySpan<byte> id) => 42;
        var expected = Track(grouped, DataFormat.Csv);
        var collided = Track(grouped, DataFormat.Csv, hash: Same);
        Assert.True(collided.Counts.Streamed);
        Assert.Equal(expected.Output, collided.Output);

        // Grouped but not sorted (b2 before a1): the hashes are looked up, collide, and the ids are compared as text.
        var unsorted = Header + "b2,1,1,1,1,1,1,1\r\nb2,2,2,2,2,2,2,2\r\na1,1,6,6,6,4,4,4\r\na1,2,1,1,1,1,1,0\r\n";
        var collidedUnsorted = Track(unsorted, DataFormat.Csv, hash: Same);
        Assert.True(collidedUnsorted.Counts.Streamed);
        Assert.Equal(Track(unsorted, DataFormat.Csv).Output, collidedUnsorted.Output);
        var buffered = Track(interleaved, DataFormat.Csv, hash: Same);
        Assert.False(buffered.Counts.Streamed);
        Assert.Equal(Track(interleaved, DataFormat.Csv).Output, buffered.Output);
    }

    [Fact]
    public void ClientRuns_AFirstPassFlagsCollisions_ASecondPassTellsARepeatFromACollision()
    {
        static long Same(ReadOnlySpan<byte> id) => 7;
        byte[] a = "a"u8.ToArray(), b = "b"u8.ToArray(), c = "c"u8.ToArray();
        // Ids in increasing order cannot repeat: b after a is new whatever its hash. Out of order, the hash decides.
        var first = new ClientRuns(Same, suspects: null);
        Assert.Equal([ClientRuns.Step.New, ClientRuns.Step.Same, ClientRuns.Step.New, ClientRuns.Step.Collision, ClientRuns.Step.Collision],
            new[] { a, a, b, a, c }.Select(id => first.Next(id)));
        Assert.Equal([7L], first.Collisions);

        var second = new ClientRuns(Same, first.Collisions);
        Assert.Equal([ClientRuns.Step.New, ClientRuns.Step.New, ClientRuns.Step.New, ClientRuns.Step.Repeat],
            new[] { c, b, a, c }.Select(id => second.Next(id)));

        // A hash that the first pass never saw twice, seen twice in the second, is a repeat (the input changed).
        var strict = new ClientRuns(Same, suspects: []);
        Assert.Equal([ClientRuns.Step.New, ClientRuns.Step.Repeat], new[] { b, a }.Select(id => strict.Next(id)));
    }

    [Fact]
    public void Administration_Is48Bytes_AsTheMemoryNotesSay()
    {
        // docs/change.md and TrackingPipeline's remarks give 48 bytes per administration held (plus 8 per score).
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<Administration>());
    }

    [Fact]
    public void HashSet64_AddsExactlyAsAHashSetDoes()
    {
        // The reference is the framework's set; the values include 0 (the empty-slot mark), repeats, values that share a
        // slot (multiples of 2^54 differ only above the slot bits at the first size) and enough to grow the table often.
        var random = new Random(20261130);
        var values = new List<long> { 0, 0, 1, -1, long.MinValue, long.MaxValue };
        for (var k = 0; k < 64; k++)
        {
            values.Add((long)k << 54);
            values.Add(k);
        }

        for (var i = 0; i < 200_000; i++)
        {
            values.Add(random.Next(4) == 0 && values.Count > 0 ? values[random.Next(values.Count)] : random.NextInt64(long.MinValue, long.MaxValue));
        }

        var set = new HashSet64();
        var reference = new HashSet<long>();
        foreach (var v in values)
        {
            Assert.Equal(reference.Add(v), set.Add(v));
        }

        Assert.Equal(reference.Count, set.Count);
        foreach (var v in reference)
        {
            Assert.False(set.Add(v));
        }
    }

    [Fact]
    public void KeySet_TellsKeysMetAgain_ExactlyAsAHashSetOfTheKeysDoes_SortedOrNot()
    {
        // The reference: the framework's set of the keys themselves. The hash is the key's length and first byte
        // only, so distinct keys collide often: in increasing order (byte or shortlex) a collision must not count as a
        // key met again; out of order the KeySet answers by hash, as HashSet64 does, and a collision does count.
        static long Weak(byte[] key) => key.Length * 256L + (key.Length > 0 ? key[0] : 0);
        var random = new Random(20261130);
        var orders = new List<(string Name, List<byte[]> Keys)>();
        var words = Enumerable.Range(0, 5_000).Select(_ => Encoding.ASCII.GetBytes(new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => (char)random.Next('a', 'e')).ToArray())))
            .DistinctBy(Convert.ToHexString).ToList();
        orders.Add(("bytes", words.OrderBy(w => w, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList()));
        orders.Add(("numbers", Enumerable.Range(1, 3_000).Select(i => Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList()));
        var late = orders[0].Keys.ToList();
        late.Add(late[^1]); // a key again, straight after itself in a sorted run
        late.Add(late[17]); // and one from long before
        late.AddRange(words.Take(300));
        late.AddRange(Enumerable.Range(0, 300).Select(i => Encoding.ASCII.GetBytes($"new{i}"))); // new keys after the switch
        orders.Add(("sorted, then repeats and shuffled", late));

        // More keys than one chunk of the log (16,384), then keys from early and late chunks again, and new ones.
        var many = Enumerable.Range(0, 40_000).Select(i => Encoding.ASCII.GetBytes($"k{i:D6}")).ToList();
        many.AddRange([many[20_000], many[3], many[39_999], Encoding.ASCII.GetBytes("k000000x"), many[16_384]]);
        orders.Add(("many, then repeats", many));

        // Shortlex order (numbers sorted as numbers), then the last key straight again.
        var numbers = orders[1].Keys.ToList();
        numbers.Add(numbers[^1]);
        orders.Add(("numbers, then the last again", numbers));

        foreach (var (name, keys) in orders)
        {
            // The model: while every key so far came after the one before in byte order, or every key in shortlex
            // order, a key is new (sorted keys are distinct); after that, a key is new when its hash is.
            var set = new KeySet();
            var keysSeen = new HashSet<string>();
            var hashesSeen = new HashSet<long>();
            bool byteOrder = true, shortlexOrder = true;
            for (var i = 0; i < keys.Count; i++)
            {
                var key = keys[i];
                var repeat = !keysSeen.Add(Convert.ToHexString(key));
                if (i > 0 && (byteOrder || shortlexOrder))
                {
                    var previous = keys[i - 1];
                    var bytes = previous.AsSpan().SequenceCompareTo(key);
                    byteOrder &= bytes < 0;
                    shortlexOrder &= previous.Length < key.Length || (previous.Length == key.Length && bytes < 0);
                }

                var expected = hashesSeen.Add(Weak(key)) || byteOrder || shortlexOrder;
                var countBefore = set.Count;
                var added = set.Add(key, Weak(key));
                Assert.Equal(countBefore + (added ? 1 : 0), set.Count);
                Assert.True(expected == added, $"{name}: key {i} '{Encoding.ASCII.GetString(key)}'");
                Assert.False(repeat && added, $"{name}: key {i} met again but taken as new");
                Assert.Equal(byteOrder || shortlexOrder, set.Ordered);
            }

            Assert.Equal(name is "bytes" or "numbers", set.Ordered);
        }
    }

    private static bool? Truth(JsonElement client, string outcome)
    {
        var v = client.GetProperty("protocol").GetProperty(outcome);
        return v.ValueKind == JsonValueKind.Null ? null : v.GetBoolean();
    }

    // The course instrument's total: a, b, c in 0-9, at most one missing (prorated: mean x 3); any value out of range
    // makes the course part invalid.
    private static double? DepTotal(int?[] items)
    {
        if (items.Any(i => i > 9) || items.Count(i => i is null) > 1)
        {
            return null;
        }

        return items.Where(i => i is not null).Sum(i => (double)i!.Value) * 3 / items.Count(i => i is not null);
    }

    // anx: x, y, z in 0-9, none missing.
    private static double? AnxSum(int?[] items) => items.Any(i => i is null or > 9) ? null : items.Sum(i => (double)i!.Value);

    // First and last usable values: caseness at each (inclusive cut-off), and a fixed reliable change (-1 improved,
    // 0 unchanged, 1 deteriorated; lower is better); unknown with fewer than two usable values.
    private static (bool? CaseFirst, bool? CaseLast, int? Reliable) Facts(List<double?> series, double cut, double threshold)
    {
        var usable = series.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (usable.Count == 0)
        {
            return (null, null, null);
        }

        if (usable.Count == 1)
        {
            return (usable[0] >= cut, null, null);
        }

        var change = usable[^1] - usable[0];
        return (usable[0] >= cut, usable[^1] >= cut, Math.Abs(change) >= threshold ? Math.Sign(change) : 0);
    }

    private static bool? Is(int? reliable, int value) => reliable is { } r ? r == value : null;

    private static bool? Not(bool? x) => x is { } b ? !b : null;

    private static bool? And(bool? x, bool? y) => x == false || y == false ? false : x is null || y is null ? null : true;

    private static bool? Or(bool? x, bool? y) => x == true || y == true ? true : x is null || y is null ? null : false;
}
