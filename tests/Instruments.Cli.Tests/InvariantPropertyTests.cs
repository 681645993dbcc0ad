using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Instruments.Cli.Tests;

/// <summary>
/// Issue 13's invariants as properties over generated hostile inputs, run through the real host: every input record
/// gives exactly one output row, in order (a record the reader cannot read is an invalid row whose RSP2010 names the
/// line it starts on); no run modifies its input; memory is bounded by the largest row, not the input; every
/// diagnostic and every warning about a row names its line. The inputs come from a seeded <see cref="Random"/>, so a
/// failure names its format and seed and is reproduced by running that case again.
/// </summary>
public sealed partial class InvariantPropertyTests
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var format in new[] { "csv", "ndjson", "json" })
        {
            foreach (var seed in new[] { 13, 1, 2, 3 })
            {
                data.Add(format, seed);
            }
        }

        return data;
    }

    // ---- 1 and 4: one output row per record, in order; every RSP2010 and every row warning names its line ----

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Score_GeneratedHostileInput_GivesOneRowPerRecordInOrderAndNamesEveryLine(string format, int seed)
    {
        var file = Generate(format, seed);
        using var dir = new TempDir();
        var input = WriteInput(dir, "input." + format, file.Bytes);
        var before = Snapshot(input);

        foreach (var output in new[] { "ndjson", "json", "csv" })
        {
            var r = await Task.Run(() => InProcess.Run(["score", "swls", "--input", input, "--format", output], null, null));
            var context = $"{format} seed {seed}, --format {output}";
            Assert.True(r.ExitCode is 0 or 1, $"{context}: {r}");
            switch (output)
            {
                case "ndjson":
                    var lines = r.StdoutLines;
                    for (var i = 0; i < Math.Min(lines.Length, file.Rows.Count); i++)
                    {
                        using var row = JsonDocument.Parse(lines[i]);
                        CheckRow(file, i, row.RootElement, context);
                    }

                    Assert.True(lines.Length == file.Rows.Count, $"{context}: {lines.Length} output rows for {file.Rows.Count} records");

                    break;
                case "json":
                    using (var json = JsonDocument.Parse(r.Stdout))
                    {
                        var results = json.RootElement.GetProperty("results");
                        Assert.True(results.GetArrayLength() == file.Rows.Count, $"{context}: {results.GetArrayLength()} output rows for {file.Rows.Count} records");
                        var i = 0;
                        foreach (var row in results.EnumerateArray())
                        {
                            CheckRow(file, i++, row, context);
                        }
                    }

                    break;
                default:
                    // CSV output: the diagnostics column of an unreadable record says "RSP2010:line N"; in input order.
                    var named = CsvMalformedLine().Matches(r.Stdout).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                    Assert.Equal(file.Rows.Where(e => e.Id is null).Select(e => e.Line), named);
                    break;
            }

            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"scored {file.Rows.Count:N0} rows"), r.Stderr, StringComparison.Ordinal);
            CheckWarnings(file, r.StderrLines, context);
            Assert.Equal(before, Snapshot(input));
        }
    }

    // ---- 2: no input is ever modified ----

    [Fact]
    public async Task Score_AnyRun_LeavesTheInputFileUntouched()
    {
        using var dir = new TempDir();
        var input = WriteInput(dir, "input.csv", Generate("csv", 7).Bytes);
        var link = dir["link.csv"];
        File.CreateSymbolicLink(link, input);
        var before = Snapshot(input);
        string[][] runs =
        [
            ["score", "swls", "--input", input, "--output", dir["out.ndjson"]],                  // succeeds (exit 1: invalid rows)
            ["score", "swls", "--input", input],                                                   // to standard output
            ["score", "no-such-instrument", "--input", input, "--output", dir["out2.csv"]],        // fails: unknown instrument
            ["score", "swls", "--input", input, "--input-format", "json", "--format", "ndjson"],   // fails: not a JSON array
            ["score", "swls", "--input", input, "--output", dir["missing/out.csv"]],               // fails: no such folder
            ["score", "swls", "--input", input, "--output", input],                                // refused: the input itself
            ["score", "swls", "--input", input, "--output", link],                                 // refused: a link to it
            ["score", "swls", "--input", link, "--output", input],                                 // refused: read through the link
        ];
        int[] exits = [1, 1, 2, 2, 2, 2, 2, 2];
        for (var i = 0; i < runs.Length; i++)
        {
            var files = Directory.GetFileSystemEntries(dir.Path).Order().ToArray();
            var r = await Task.Run(() => InProcess.Run(runs[i], null, null));
            Assert.True(r.ExitCode == exits[i], $"{string.Join(' ', runs[i])}: {r}");
            Assert.Equal(before, Snapshot(input));
            if (i >= 5)
            {
                Assert.Contains("is the input file", r.Stderr, StringComparison.Ordinal);
                Assert.Equal(files, Directory.GetFileSystemEntries(dir.Path).Order().ToArray());   // no temporary file left
            }
        }

        // And the real host, as a child process, refuses the same.
        var child = await Host.RunAsync(["score", "swls", "--input", input, "--output", input], null, dir.Path);
        Assert.True(child.ExitCode == 2, child.ToString());
        Assert.Equal(before, Snapshot(input));
    }

    [Fact]
    public async Task Score_CsvFileReadAsJsonWithCsvOutput_IsAUserError()
    {
        // Fails today (a bug in the host, not the reader): with CSV output, ScoreCommand.ScoreAll calls
        // pipeline.DiscoverColumns() outside its catch of ResponseFileException, so the reader's "expected a JSON array"
        // escapes Cli.Run; the real host dies with "Unhandled exception" (exit 134) instead of exit 2. With --format
        // ndjson or json (checked above) it is exit 2. The input is left untouched either way.
        using var dir = new TempDir();
        var input = WriteInput(dir, "input.csv", Generate("csv", 7).Bytes);
        var before = Snapshot(input);

        var r = await Host.RunAsync(["score", "swls", "--input", input, "--input-format", "json"], null, dir.Path);

        Assert.Equal(before, Snapshot(input));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("instruments: error: expected a JSON array of objects", r.Stderr, StringComparison.Ordinal);
    }

    // ---- 3: memory bounded by the largest row, not by the input ----
    //
    // The child host runs with DOTNET_GCHeapHardLimit = HeapLimit (48 MiB): the managed heap cannot grow past it, and an
    // allocation that would throws OutOfMemoryException (the host then dies, exit 134 or 139). The host uses workstation,
    // non-concurrent GC (Instruments.Cli.csproj), where the limit is honoured; DOTNET_gcServer=0 keeps it so whatever the
    // machine's settings. The pipeline keeps 3 x workers + 2 blocks of ~256 KiB (plus their output) in flight, so its
    // fixed working set grows with the core count: DOTNET_PROCESSOR_COUNT=2 pins it, so that the limit means the same
    // on every machine. The input (~55 MB) and its output are each larger than the whole heap, so a run that succeeds
    // held neither; what it held is bounded by the blocks and the largest row. Measured on 2 cores: 16 MiB runs a one-row
    // input but not a 2 MB one (8 blocks in flight need more), 32 MiB runs 300,000 rows but not a 4 MB row, 48 MiB runs
    // both; a row of R bytes costs the host about 6-8 R of heap (the input buffer, the block's copy, the output), so an
    // 8 MB row needs more than 48 MiB.
    private const string HeapLimit = "0x3000000";

    private static Dictionary<string, string?> LimitedHeap(string limit = HeapLimit) => new()
    {
        ["DOTNET_GCHeapHardLimit"] = limit,
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_PROCESSOR_COUNT"] = "2",
    };

    [Fact]
    public async Task Score_InputLargerThanTheHeapLimit_StreamsEveryRow()
    {
        using var dir = new TempDir();
        const int rows = 300_000;
        var input = dir["big.csv"];
        var random = new Random(13);
        using (var w = new StreamWriter(input, false, Utf8, 1 << 16))
        {
            w.Write("id,note,swls1,swls2,swls3,swls4,swls5\n");
            var note = new string('n', 200);
            for (var i = 0; i < rows; i++)
            {
                w.Write(string.Create(CultureInfo.InvariantCulture,
                    $"r{i},{note.AsSpan(0, 120 + random.Next(60))},{random.Next(1, 8)},{random.Next(1, 8)},{random.Next(1, 8)},{random.Next(1, 8)},{random.Next(1, 8)}\n"));
            }
        }

        Assert.True(new FileInfo(input).Length > Convert.ToInt64(HeapLimit, 16), "the input must be larger than the heap limit");
        var r = await Host.RunAsync(["score", "swls", "--input", input, "--output", dir["out.csv"]], null, dir.Path, LimitedHeap());

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(new FileInfo(dir["out.csv"]).Length > Convert.ToInt64(HeapLimit, 16), "the output must be larger than the heap limit");
        var n = -1;
        foreach (var line in File.ReadLines(dir["out.csv"]))
        {
            Assert.True(n < 0 || line.StartsWith(string.Create(CultureInfo.InvariantCulture, $"r{n},"), StringComparison.Ordinal), $"row {n}: {line}");
            n++;
        }

        Assert.Equal(rows, n);
    }

    [Fact]
    public async Task Score_FourMegabyteRowUnderTheSameHeapLimit_IsScored()
    {
        using var dir = new TempDir();
        var input = dir["wide.ndjson"];
        using (var w = new StreamWriter(input, false, Utf8, 1 << 16))
        {
            for (var i = 0; i < 2001; i++)
            {
                var note = i == 1000 ? new string('w', 4 * 1024 * 1024) : "short";
                w.Write($"{{\"id\":\"r{i}\",\"note\":\"{note}\",\"swls1\":5,\"swls2\":5,\"swls3\":5,\"swls4\":5,\"swls5\":5}}\n");
            }
        }

        var r = await Host.RunAsync(["score", "swls", "--input", input, "--output", dir["out.ndjson"]], null, dir.Path, LimitedHeap());

        Assert.True(r.ExitCode == 0, r.ToString());
        var i2 = 0;
        foreach (var line in File.ReadLines(dir["out.ndjson"]))
        {
            using var row = JsonDocument.Parse(line);
            var fields = row.RootElement.GetProperty("fields");
            Assert.Equal($"r{i2}", fields.GetProperty("id").GetString());
            Assert.Equal(i2 == 1000 ? 4 * 1024 * 1024 : 5, fields.GetProperty("note").GetString()!.Length);
            i2++;
        }

        Assert.Equal(2001, i2);
    }

    [Fact]
    public async Task HeapLimit_ReachesTheChildRuntime()
    {
        // The control: the same variables with a limit too small for the runtime to start fail the run, so the limit
        // above is in force (an ignored variable would let every run pass and prove nothing).
        var r = await Host.RunAsync(["score", "swls", "--input", "-"], "id,swls1,swls2,swls3,swls4,swls5\nr1,5,5,5,5,5\n", null, LimitedHeap("0x200000"));

        Assert.True(r.ExitCode is not (0 or 1 or 2), r.ToString());
        Assert.Contains("GC heap initialization failed", r.Stderr, StringComparison.Ordinal);
    }

    // ---- checks ----

    private static void CheckRow(GeneratedFile file, int index, JsonElement row, string context)
    {
        var expected = file.Rows[index];
        var where = $"{context}, output row {index + 1} (record at line {expected.Line}: {file.LineText(expected.Line)})";
        if (row.TryGetProperty("row", out var number))
        {
            Assert.True(number.GetInt64() == index + 1, where);
        }

        var diagnostics = row.GetProperty("diagnostics").EnumerateArray().ToArray();
        var malformed = diagnostics.Where(d => d.GetProperty("id").GetString() == "RSP2010").ToArray();
        foreach (var d in malformed)
        {
            Assert.True(d.TryGetProperty("line", out var line) && line.ValueKind == JsonValueKind.Number, $"{where}: RSP2010 without a line: {d}");
        }

        if (expected.Id is null)
        {
            Assert.True(row.GetProperty("status").GetString() == "invalid", $"{where}: expected invalid, got {row}");
            Assert.True(malformed.Length == 1 && malformed[0].GetProperty("line").GetInt32() == expected.Line, $"{where}: expected RSP2010 at line {expected.Line}, got {row}");
            return;
        }

        Assert.True(malformed.Length == 0, $"{where}: a readable record was reported unreadable: {row}");
        var fields = row.GetProperty("fields");
        Assert.True(fields.TryGetProperty("id", out var id) && id.GetString() == expected.Id, $"{where}: expected id {expected.Id}, got {row}");
        if (expected.Note is { } note)
        {
            var got = fields.GetProperty("note").GetString()!;
            Assert.True(note == InvalidNote ? got.Contains('\uFFFD', StringComparison.Ordinal) : got == note,
                $"{where}: the note was not passed through unchanged: expected {Visible(note)}, got {Visible(got)}");
        }
    }

    private static void CheckWarnings(GeneratedFile file, string[] stderr, string context)
    {
        foreach (var line in stderr)
        {
            if (!line.StartsWith("instruments: warning: ", StringComparison.Ordinal))
            {
                continue;
            }

            // About the file as a whole, not a row.
            if (line.Contains("the input has no column for", StringComparison.Ordinal) || line.Contains("the JSON array is not closed", StringComparison.Ordinal))
            {
                continue;
            }

            var m = NamedLine().Match(line);
            Assert.True(m.Success, $"{context}: a warning names no line: {line}");
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var field = FieldName().Match(line) is { Success: true } f ? f.Groups[1].Value : null;
            var expected =
                line.Contains("is not valid UTF-8", StringComparison.Ordinal) ? file.Utf8Lines.GetValueOrDefault(field ?? "") ?? []
                : line.Contains("is given more than once in one object", StringComparison.Ordinal) ? file.DuplicateKeyLines
                : line.Contains("names column", StringComparison.Ordinal) ? [file.HeaderLine]
                : line.Contains("is not in the first row", StringComparison.Ordinal) ? [.. file.Rows.Where(e => e.Id is not null).Select(e => e.Line)]
                : [.. Enumerable.Range(1, file.LineCount)];
            Assert.True(expected.Contains(n), $"{context}: the warning names line {n} ({file.LineText(n)}), where nothing it describes is: {line}");
        }
    }

    [GeneratedRegex(@"RSP2010:line (\d+)")]
    private static partial Regex CsvMalformedLine();

    [GeneratedRegex(@"\bline (\d+)\b")]
    private static partial Regex NamedLine();

    [GeneratedRegex(@"^instruments: warning: (?:field|key) '([^']*)'")]
    private static partial Regex FieldName();

    private static string Visible(string s) =>
        JsonSerializer.Serialize(s.Length > 80 ? s[..80] + $"...({s.Length} chars)" : s);

    // ---- input files ----

    private sealed record FileState(string Sha256, long Length, UnixFileMode Mode, DateTime LastWriteUtc);

    private static string WriteInput(TempDir dir, string name, byte[] bytes)
    {
        var path = dir[name];
        File.WriteAllBytes(path, bytes);
        // An unusual mode and an old time, so that any rewrite or touch of the file shows.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        File.SetLastWriteTimeUtc(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        return path;
    }

    private static FileState Snapshot(string path)
    {
        using var stream = File.OpenRead(path);
        return new FileState(Convert.ToHexString(SHA256.HashData(stream)), stream.Length,
            OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path), File.GetLastWriteTimeUtc(path));
    }

    // ---- generators ----

    /// <summary>
    /// One output row the generator expects: a readable record's id (passed through in the <c>id</c> field) and its
    /// note (null: not checked; <see cref="InvalidNote"/>: it held invalid UTF-8, so a U+FFFD is expected), or an unreadable one (Id
    /// null) that must be an invalid row whose RSP2010 names <see cref="Line"/>, the line the record starts on.
    /// </summary>
    private const string InvalidNote = "\uFFFD";

    private sealed record Expected(string? Id, int Line, string? Note = null);

    private sealed class GeneratedFile(Random random)
    {
        private readonly MemoryStream _bytes = new();
        private int _next;

        public Random Random { get; } = random;

        public List<Expected> Rows { get; } = [];

        /// <summary>Output field name -> lines of the records with invalid UTF-8 in it (a warning may name any of them).</summary>
        public Dictionary<string, HashSet<int>> Utf8Lines { get; } = [];

        public HashSet<int> DuplicateKeyLines { get; } = [];

        public int HeaderLine { get; set; }

        /// <summary>The line the next byte is on (1-based; only LF ends a line: no lone CR is generated).</summary>
        public int Line { get; private set; } = 1;

        public int LineCount => Line;

        public byte[] Bytes => _bytes.ToArray();

        public string NextId() => "r" + (_next++).ToString(CultureInfo.InvariantCulture);

        public void Write(string text) => Write(Utf8.GetBytes(text));

        public void Write(byte[] bytes)
        {
            _bytes.Write(bytes);
            Line += bytes.Count(b => b == '\n');
        }

        public void Readable(string id, int line, string? note = null) => Rows.Add(new Expected(id, line, note));

        public void Unreadable(int line) => Rows.Add(new Expected(null, line));

        public void InvalidUtf8(string field, int line)
        {
            if (!Utf8Lines.TryGetValue(field, out var lines))
            {
                Utf8Lines[field] = lines = [];
            }

            lines.Add(line);
        }

        public string LineText(int line)
        {
            var text = Encoding.UTF8.GetString(_bytes.ToArray()).Split('\n');
            return line >= 1 && line <= text.Length ? Visible(text[line - 1]) : "(none)";
        }
    }

    private static GeneratedFile Generate(string format, int seed)
    {
        var file = new GeneratedFile(new Random(seed));
        var records = 80 + file.Random.Next(80);
        switch (format)
        {
            case "csv":
                GenerateCsv(file, records);
                break;
            case "ndjson":
                GenerateNdjson(file, records);
                break;
            default:
                GenerateJsonArray(file, records);
                break;
        }

        return file;
    }

    private static readonly string[] Items = ["swls1", "swls2", "swls3", "swls4", "swls5"];

    private static string Eol(Random random) => random.Next(3) == 0 ? "\r\n" : "\n";

    // Control characters: C0 (NUL included; no CR or LF, which end records: they become NUL) and, if asked, DEL
    // (which JSON allows raw in a string).
    private static string Controls(Random random, int count, bool delete) =>
        new([.. Enumerable.Range(0, count).Select(_ => delete && random.Next(4) == 0 ? '\u007F' : (char)random.Next(0, 32)).Select(c => c is '\r' or '\n' ? '\0' : c)]);

    private static string LongText(Random random) => new((char)('a' + random.Next(26)), 100_000 + random.Next(200_000));

    /// <summary>
    /// CSV (RFC 4180 as the reader takes it): a record is a line, or several when a quoted field holds line breaks;
    /// a blank line (nothing but its line break) is not a record and is skipped; a line of spaces or NULs is a record
    /// (of one field, so unreadable). Columns: id, note, the five items, and sometimes "note" again (a duplicate
    /// pass-through name, passed through as note_2 with a warning naming the header's line). An unclosed quote makes
    /// the rest of the input one quoted field, so it is generated only in the last record, where that is one record.
    /// </summary>
    private static void GenerateCsv(GeneratedFile file, int records)
    {
        var random = file.Random;
        var duplicate = random.Next(2) == 0;
        if (random.Next(3) == 0)
        {
            file.Write(Eol(random));   // a blank line before the header
        }

        file.HeaderLine = file.Line;
        file.Write("id,note," + string.Join(',', Items) + (duplicate ? ",note" : string.Empty) + Eol(random));
        for (var k = 0; k < records; k++)
        {
            while (random.Next(8) == 0)
            {
                file.Write(Eol(random));   // blank lines: skipped, not records
            }

            var id = file.NextId();
            var line = file.Line;
            var last = k == records - 1;
            var tail = duplicate ? ",second" : string.Empty;
            var items = string.Join(',', Items.Select(_ => CsvItem(random)));
            switch (random.Next(16))
            {
                case 0:
                    file.Write($"{id},ab\"c,{items}{tail}");                       // a quote inside an unquoted field
                    file.Unreadable(line);
                    break;
                case 1:
                    file.Write($"{id},\"ab\"c,{items}{tail}");                      // text after a closing quote
                    file.Unreadable(line);
                    break;
                case 2:
                    file.Write($"{id},n,{items}{tail},extra");                      // one cell too many
                    file.Unreadable(line);
                    break;
                case 3:
                    file.Write($"{id},n,5,5");                                     // cells missing
                    file.Unreadable(line);
                    break;
                case 4:
                    file.Write(random.Next(2) == 0 ? "   " : "\0\0");              // one field only
                    file.Unreadable(line);
                    break;
                case 5 when last:
                    file.Write($"{id},\"open,{items}{tail}");                       // a quote never closed
                    file.Unreadable(line);
                    break;
                case 6:
                    // Invalid UTF-8 in the note: kept (as U+FFFD) with a warning naming a line that has it.
                    file.Write($"{id},caf");
                    file.Write([0xE9, (byte)'!', 0xFF, 0xC3]);
                    file.Write($",{items}{tail}");
                    file.Readable(id, line, InvalidNote);
                    file.InvalidUtf8("note", line);
                    break;
                default:
                    var (raw, note) = CsvNote(random);
                    file.Write($"{id},{raw},{items}{tail}");
                    file.Readable(id, line, note);
                    break;
            }

            if (!last || random.Next(2) == 0)
            {
                file.Write(Eol(random));
            }
        }
    }

    private static string CsvItem(Random random) => random.Next(12) switch
    {
        0 => string.Empty,          // missing
        1 => "7\0",                 // a NUL: not a number
        2 => "\u0001",              // a control character
        3 => " 5 ",
        4 => "x",
        _ => random.Next(1, 8).ToString(CultureInfo.InvariantCulture),
    };

    // A readable note cell: (its text in the file, its value).
    private static (string Raw, string Value) CsvNote(Random random)
    {
        switch (random.Next(7))
        {
            case 0:
                return ("\"a, \"\"b\"\"\"", "a, \"b\"");
            case 1:
                return ("\"two\nlines\r\nthree\"", "two\nlines\r\nthree");   // a record over three lines
            case 2:
                var controls = Controls(random, 1 + random.Next(6), delete: true);
                return (controls, controls);
            case 3 when random.Next(6) == 0:
                var text = LongText(random);
                return (text, text);
            case 4:
                return ("caf\u00E9 \U0001F600", "caf\u00E9 \U0001F600");
            case 5:
                return (string.Empty, string.Empty);
            default:
                var plain = "note " + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                return (plain, plain);
        }
    }

    /// <summary>
    /// NDJSON: a record is a line; lines of only white space (spaces, tabs, a CR before the LF) are not records and
    /// are skipped. A raw line break inside a string therefore cuts the object into two records, both unreadable.
    /// Duplicate keys are passed through as note_2 with a warning naming a line that has them.
    /// </summary>
    private static void GenerateNdjson(GeneratedFile file, int records)
    {
        var random = file.Random;
        for (var k = 0; k < records; k++)
        {
            while (random.Next(8) == 0)
            {
                file.Write((random.Next(3) switch { 0 => string.Empty, 1 => "   ", _ => "\t " }) + Eol(random));
            }

            var id = file.NextId();
            var line = file.Line;
            if (random.Next(3) == 0)
            {
                HostileJson(file, id, line, ndjson: true);
            }
            else
            {
                ReadableJson(file, id, line, pretty: false);
            }

            if (k < records - 1 || random.Next(2) == 0)
            {
                file.Write(Eol(random));
            }
        }
    }

    /// <summary>
    /// A JSON array: a record is an element (it may span lines; its line is where it starts). The reader takes
    /// elements by balancing brackets outside strings, so a stray '}' between elements is a record of its own, and a
    /// stray ']' inside an object closes it early (an unreadable record) and leaves its '}' as a stray one. An
    /// unclosed string would run on to the next quote, across elements, so it is generated only in NDJSON. A missing
    /// comma makes the element after it unreadable. Sometimes the closing ']' is missing (a warning about the file).
    /// </summary>
    private static void GenerateJsonArray(GeneratedFile file, int records)
    {
        var random = file.Random;
        file.Write("[" + Eol(random));
        for (var k = 0; k < records; k++)
        {
            while (random.Next(8) == 0)
            {
                file.Write(Eol(random));
            }

            var id = file.NextId();
            var line = file.Line;
            switch (random.Next(10))
            {
                case 0:
                    // Two objects with no comma between them: the second is flagged.
                    ReadableJson(file, id, line, pretty: false);
                    file.Write(Eol(random));
                    var second = file.Line;
                    ReadableJson(file, file.NextId(), second, pretty: false);
                    file.Rows[^1] = new Expected(null, second);
                    break;
                case 1:
                case 2:
                    HostileJson(file, id, line, ndjson: false);
                    break;
                default:
                    ReadableJson(file, id, line, pretty: random.Next(4) == 0);
                    break;
            }

            file.Write(k < records - 1 ? "," + Eol(random) : Eol(random));
        }

        if (random.Next(4) != 0)
        {
            file.Write("]" + Eol(random));
        }
    }

    private static void ReadableJson(GeneratedFile file, string id, int line, bool pretty)
    {
        var random = file.Random;
        var members = new List<string> { $"\"id\":\"{id}\"" };
        string? note = null;
        byte[]? invalid = null;
        switch (random.Next(8))
        {
            case 0:
                members.Add("\"note\":\"a \\\"q\\\" \\\\ \\n \\t \\u0000 \\u001f \\ud83d\\ude00\"");
                note = "a \"q\" \\ \n \t \0 \u001f \U0001F600";
                break;
            case 1 when random.Next(4) == 0:
                note = LongText(random);
                members.Add($"\"note\":\"{note}\"");
                break;
            case 2:
                invalid = [.. "\"note\":\"caf"u8, 0xE9, 0xFF, (byte)'"'];   // raw invalid UTF-8: kept as U+FFFD, warned
                note = InvalidNote;
                file.InvalidUtf8("note", line);
                break;
            case 3:
                members.Add("\"note\":\"first\"");
                members.Add("\"note\":\"second\"");   // a duplicate key: passed through as note_2, warned
                note = "first";
                file.DuplicateKeyLines.Add(line);
                break;
            case 4:
                members.Add("\"note\":null");
                break;
            default:
                note = "caf\u00E9 " + random.Next(1000).ToString(CultureInfo.InvariantCulture);
                members.Add($"\"note\":\"{note}\"");
                break;
        }

        foreach (var item in Items)
        {
            switch (random.Next(10))
            {
                case 0:
                    break;   // missing
                case 1:
                    members.Add($"\"{item}\":null");
                    break;
                case 2:
                    members.Add($"\"{item}\":\"7\\u0000\"");
                    break;
                case 3:
                    members.Add($"\"{item}\":\"5\"");
                    break;
                case 4:
                    members.Add($"\"{item}\":true");
                    break;
                default:
                    members.Add($"\"{item}\":{random.Next(1, 8)}");
                    break;
            }
        }

        // Shuffle (keeping the order of the two "note" keys: the first is "note", the second "note_2").
        var order = members.Select((m, i) => (m, key: m.StartsWith("\"note\"", StringComparison.Ordinal) ? 1000 + i : random.Next(1000))).OrderBy(p => p.key).Select(p => p.m).ToList();
        var separator = pretty ? "," + Eol(random) + "  " : ",";
        var open = pretty ? "{" + Eol(random) + "  " : "{";
        var close = pretty ? Eol(random) + "}" : "}";
        file.Write(open + string.Join(separator, order));
        if (invalid is not null)
        {
            file.Write(separator);
            file.Write(invalid);
        }

        file.Write(close);
        file.Readable(id, line, note);
    }

    private static void HostileJson(GeneratedFile file, string id, int line, bool ndjson)
    {
        var random = file.Random;
        var items = string.Join(',', Items.Select(i => $"\"{i}\":5"));
        switch (random.Next(ndjson ? 10 : 8))
        {
            case 0:
                // A stray '}': in NDJSON text after the object (the line is unreadable); in an array, a record of its own.
                file.Write($"{{\"id\":\"{id}\",{items}}}}}");
                if (ndjson)
                {
                    file.Unreadable(line);
                }
                else
                {
                    file.Readable(id, line);
                    file.Unreadable(line);
                }

                break;
            case 1:
                // A stray ']': in NDJSON the line is unreadable; in an array it closes the object early, and its '}' is stray.
                file.Write($"{{\"id\":\"{id}\",{items},\"note\":[1]]}}");
                file.Unreadable(line);
                if (!ndjson)
                {
                    file.Unreadable(line);
                }

                break;
            case 2:
                file.Write($"{{\"id\":\"{id}\",\"note\":\"\\ud800\",{items}}}");   // a lone surrogate escape
                file.Unreadable(line);
                break;
            case 3:
                file.Write($"{{\"id\":\"{id}\",\"note\":\"a{Controls(random, 1 + random.Next(3), delete: false)}b\",{items}}}");   // raw control characters in a string
                file.Unreadable(line);
                break;
            case 4:
                file.Write($"{{\"id\":\"{id}\",\"note\":{{\"a\":1}},{items}}}");   // an object where a value belongs
                file.Unreadable(line);
                break;
            case 5:
                file.Write(random.Next(2) == 0 ? "42" : "\"text\"");               // not an object
                file.Unreadable(line);
                break;
            case 6:
                file.Write($"{{\"id\":\"{id}\",\"swls1\":5,\"swls1\":6}}");        // an item given twice
                file.Unreadable(line);
                break;
            case 7:
                // A raw line break in a string: NDJSON cuts it into two unreadable records; in an array it is one.
                file.Write($"{{\"id\":\"{id}\",\"note\":\"a");
                file.Write(Eol(random));
                file.Unreadable(line);
                if (ndjson)
                {
                    file.Unreadable(file.Line);
                }

                file.Write($"b\",{items}}}");
                break;
            case 8:
                file.Write($"{{\"id\":\"{id}\",\"note\":\"never closed");           // NDJSON only: the line ends it
                file.Unreadable(line);
                break;
            default:
                file.Write($"{{\"id\":\"{id}\",{items}");                         // NDJSON only: an object not closed
                file.Unreadable(line);
                break;
        }
    }
}
