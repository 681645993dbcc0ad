using System.Text;
using Instruments.Scoring;

namespace Instruments.Data.Tests;

/// <summary>
/// Generated hostile input (seeded, so a failure repeats): the readers end, every record or element generated gives
/// exactly one row, in order and on the line it starts, and every RSP2010 names that line. The row size limit is made
/// small (through the internal <c>Open</c> overload) so that rows over it are cheap to generate.
/// </summary>
public sealed class HostileInputPropertyTests
{
    private const int Limit = 64;
    private const int Runs = 300;

    [Fact]
    public void Csv_GeneratedRecords_GiveOneRowEach()
    {
        var random = new Random(13);
        for (var run = 0; run < Runs; run++)
        {
            var text = new StringBuilder("id,a,b,c,note\n");
            var lines = new List<int>();
            var line = 2;
            for (var r = random.Next(0, 12); r > 0; r--)
            {
                var (record, spans) = CsvRecord(random);
                lines.Add(line);
                line += spans;
                text.Append(record).Append(random.Next(3) switch { 0 => "\r\n", 1 => "\r", _ => "\n" });
            }

            AssertRows(text.ToString(), DataFormat.Csv, lines, run);
        }
    }

    [Fact]
    public void Ndjson_GeneratedLines_GiveOneRowEach()
    {
        var random = new Random(14);
        for (var run = 0; run < Runs; run++)
        {
            var text = new StringBuilder();
            var lines = new List<int>();
            var n = random.Next(0, 12);
            for (var r = 0; r < n; r++)
            {
                lines.Add(r + 1);
                text.Append(JsonElement(random, ndjson: true)).Append(random.Next(2) == 0 ? "\n" : "\r\n");
            }

            AssertRows(text.ToString(), DataFormat.Ndjson, lines, run);
        }
    }

    [Fact]
    public void Json_GeneratedElements_GiveOneRowEach()
    {
        var random = new Random(15);
        for (var run = 0; run < Runs; run++)
        {
            var elements = Enumerable.Range(0, random.Next(0, 12)).Select(_ => JsonElement(random, ndjson: false)).ToList();
            var text = "[\n" + string.Join(",\n", elements) + "\n]";
            AssertRows(text, DataFormat.Json, [.. Enumerable.Range(2, elements.Count)], run);
        }
    }

    [Theory]
    [InlineData(DataFormat.Csv)]
    [InlineData(DataFormat.Ndjson)]
    [InlineData(DataFormat.Json)]
    public void AnyBytes_ReadingEnds_WithRowsInLineOrder(DataFormat format)
    {
        var random = new Random(16 + (int)format);
        var alphabet = "[]{}\",:\\\n\r\0 a1.u\t"u8.ToArray();
        for (var run = 0; run < 2000; run++)
        {
            var bytes = new byte[random.Next(0, 400)];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            if (format == DataFormat.Json && random.Next(2) == 0 && bytes.Length > 0)
            {
                bytes[0] = (byte)'[';
            }

            try
            {
                var rows = Read(new MemoryStream(bytes), format, cap: bytes.Length + 2);
                Assert.True(rows.Count <= bytes.Length + 1, $"run {run}: {rows.Count} rows from {bytes.Length} bytes");
                for (var i = 1; i < rows.Count; i++)
                {
                    Assert.True(rows[i].Line >= rows[i - 1].Line, $"run {run}: lines out of order");
                }
            }
            catch (ResponseFileException)
            {
                // The input cannot be read at all (no CSV header, no '['): a clean refusal.
            }
        }
    }

    // One CSV record (without its line break) and the number of lines its text spans including the break.
    private static (string Record, int Lines) CsvRecord(Random random)
    {
        string Cell() => random.Next(6) switch
        {
            0 => string.Empty,
            1 => random.Next(1, 6).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => "7\0",
            3 => "\ud800x",
            4 => "é",
            _ => "n/a",
        };

        switch (random.Next(8))
        {
            case 0:
                return ($"r,{Cell()},{Cell()},{Cell()},{Cell()}", 1);
            case 1:
                return ($"r,1,x\"y,3,{Cell()}", 1);                               // a quote inside an unquoted field
            case 2:
                return ($"r,1,2,3{new string(',', random.Next(0, 3))}", 1);       // too few or too many fields
            case 3:
                return ("r,1,2,3," + new string('y', random.Next(Limit, 5 * Limit)), 1);   // over the limit
            case 4:
                var k = random.Next(0, 3);
                return ($"r,1,2,3,\"a{string.Concat(Enumerable.Repeat("\n\"\",", k))}b\"", k + 1);   // quoted line breaks
            case 5:
                var big = random.Next(1, 3);
                return ("r,1,2,3,\"" + new string('q', 2 * Limit) + string.Concat(Enumerable.Repeat(",\"\"", big)) + "\"", 1);
            case 6:
                var junk = new StringBuilder("r");
                for (var i = random.Next(1, 40); i > 0; i--)
                {
                    var c = (char)random.Next(0, 128);
                    junk.Append(c is '"' or '\r' or '\n' ? ',' : c);
                }

                return (junk.ToString(), 1);
            default:
                return ($"\"r\",\"{Cell()}\",2,3,\"{Cell()}\"", 1);
        }
    }

    // One JSON element or NDJSON line (no line break, not blank, balanced so that it is one element).
    private static string JsonElement(Random random, bool ndjson)
    {
        switch (random.Next(10))
        {
            case 0:
                return "{\"id\":\"r\",\"a\":1,\"b\":2,\"c\":3}";
            case 1:
                return "}";
            case 2:
                return "{\"id\":\"\\ud800\",\"a\":1}";
            case 3:
                return "{\"\\udc00\":1}";
            case 4:
                return "{\"a\":\"1\\u0000\",\"id\":\"x\\\"}{][\"}";
            case 5:
                return "{\"note\":\"" + new string('y', random.Next(Limit, 4 * Limit)) + "\",\"a\":1}";
            case 6:
                return random.Next(3) switch { 0 => "1", 1 => "[1,{\"a\":2}]", _ => "\"x\"" };
            case 7:
                return "{\"id\":1,\"id\":2,\"a\":1,\"a\":2}";
            case 8:
                return ndjson ? "{\"a\":1" : "{\"a\":{\"b\":[}]}";
            default:
                return ndjson ? "x\0\"y" : "{\"n\":\"caf\u00e9\\n\"}";
        }
    }

    private static void AssertRows(string text, DataFormat format, List<int> expectedLines, int run)
    {
        var rows = Read(TestPlans.Utf8(text), format, cap: expectedLines.Count + 5);
        Assert.True(expectedLines.SequenceEqual(rows.Select(r => r.Line)),
            $"run {run}: lines [{string.Join(",", rows.Select(r => r.Line))}], expected [{string.Join(",", expectedLines)}]\n{text}");
        Assert.All(rows, r => Assert.True(r.Rsp2010NamesItsLine, $"run {run}, line {r.Line}: an RSP2010 does not name the line\n{text}"));
    }

    private static List<(int Line, bool Rsp2010NamesItsLine)> Read(Stream input, DataFormat format, int cap)
    {
        var plan = TestPlans.Tiny;
        using var reader = ResponseReader.Open(input, format, plan, warnings: null, maxRowBytes: Limit);
        var row = new ResponseRow(plan);
        var result = plan.CreateResult();
        var rows = new List<(int, bool)>();
        while (rows.Count < cap && reader.Read(row))
        {
            row.Score(plan, result);
            var named = result.Diagnostics.ToArray()
                .Where(d => d.Descriptor.Id == "RSP2010")
                .All(d => row.Line > 0 && plan.FormatMessage(d).Contains($"Line {row.Line}", StringComparison.Ordinal));
            rows.Add((row.Line, named));
        }

        Assert.True(rows.Count < cap, "the reader did not end");
        return rows;
    }
}
