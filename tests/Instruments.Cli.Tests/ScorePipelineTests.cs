using System.Globalization;
using System.Text;

namespace Instruments.Cli.Tests;

/// <summary>
/// The parallel, ordered scoring pipeline against a straightforward reference computation: a generated 50,000-row
/// file (many blocks, so several workers take part) with missing and invalid values, quoted and formula-like text and
/// malformed rows spread through it must give, cell by cell, exactly the rows the reference computes, in input order.
/// </summary>
public sealed class ScorePipelineTests
{
    private const int Rows = 50_000;

    private const string Yaml = """
        instrument: wai-shaped
        version: 1.0.0
        title: WAI-SR-shaped test instrument
        license: { name: test, texts: restricted }
        response_scales:
          five: { options: [ { value: 1, label: "1" }, { value: 2, label: "2" }, { value: 3, label: "3" }, { value: 4, label: "4" }, { value: 5, label: "5" } ] }
        items:
          - { id: w1, scale: five }
          - { id: w2, scale: five }
          - { id: w3, scale: five, reverse: true }
          - { id: w4, scale: five }
          - { id: w5, scale: five }
          - { id: w6, scale: five }
          - { id: w7, scale: five, reverse: true }
          - { id: w8, scale: five }
          - { id: w9, scale: five }
          - { id: w10, scale: five }
          - { id: w11, scale: five }
          - { id: w12, scale: five }
        scores:
          - { id: task, items: [w1, w2, w10, w12], method: mean, missing: { max: 1 } }
          - { id: bond, items: [w3, w5, w7, w9], method: mean, missing: { max: 1 } }
          - { id: goal, items: [w4, w6, w8, w11], method: mean, missing: { max: 1 } }
          - { id: total, items: [w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12], method: mean, missing: { max: 11 } }
        """;

    private static readonly (string Id, int[] Items, int MaxMissing)[] Scores =
    [
        ("task", [0, 1, 9, 11], 1),
        ("bond", [2, 4, 6, 8], 1),
        ("goal", [3, 5, 7, 10], 1),
        ("total", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 11),
    ];

    [Fact]
    public async Task Score_GeneratedFileWithMalformedRows_EqualsReferenceCellByCell()
    {
        using var dir = new TempDir();
        var yaml = dir.File("wai.yaml", Yaml);
        var input = new StringBuilder("respondent_id,note," + string.Join(',', Enumerable.Range(1, 12).Select(i => "w" + i)) + "\r\n");
        var expected = new List<string[]>();
        var random = new Random(20261125);
        var line = 2;
        for (var r = 1; r <= Rows; r++)
        {
            var id = "r" + r.ToString(CultureInfo.InvariantCulture);
            var cells = new string[12];
            for (var i = 0; i < 12; i++)
            {
                var x = random.Next(1000);
                cells[i] = x < 10 ? string.Empty : x < 12 ? "9" : x < 13 ? "x" : ((x % 5) + 1).ToString(CultureInfo.InvariantCulture);
            }

            var kind = random.Next(200);
            if (kind < 4)
            {
                // Malformed in four ways; the reader resumes on the next line.
                input.Append(kind switch
                {
                    0 => $"{id},short,1,2,3\r\n",
                    1 => $"{id},\"closed\"then text,{string.Join(',', cells)}\r\n",
                    2 => $"{id},,{string.Join(',', cells)},one field too many\r\n",
                    _ => $"{id},a \"quote\" inside,{string.Join(',', cells)}\r\n",
                });
                expected.Add(["", "", "invalid", "", "", "", "", "", $"RSP2010:line {line}"]);
                line++;
                continue;
            }

            var (note, written, lines) = kind switch
            {
                < 10 => ("a, \"quoted\"\nnote", "\"a, \"\"quoted\"\"\nnote\"", 2),
                < 15 => ("=1+2", "=1+2", 1),
                < 18 => ("-3.5", "-3.5", 1),
                < 24 => ("a note long enough to span several 16-byte chunks; ü", "a note long enough to span several 16-byte chunks; ü", 1),
                _ => (string.Empty, string.Empty, 1),
            };
            input.Append(id).Append(',').Append(written).Append(',').AppendJoin(',', cells).Append("\r\n");
            expected.Add([id, note.StartsWith('=') ? "'" + note : note, .. Reference(cells)]);
            line += lines;
        }

        var path = dir.File("in.csv", input.ToString());
        var output = dir["out.csv"];
        var run = await Host.RunAsync("score", yaml, "--input", path, "--output", output, "--quiet");

        Assert.True(run.ExitCode == 1, run.ToString());   // some rows are invalid
        var actual = ReadCsv(File.ReadAllText(output));
        Assert.Equal(["respondent_id", "note", "status", "task", "bond", "goal", "total", "flags", "diagnostics"], actual[0]);
        Assert.Equal(expected.Count + 1, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            var want = expected[r];
            var got = actual[r + 1];
            if (!want.SequenceEqual(got))
            {
                Assert.Fail($"output row {r + 1}: expected [{string.Join("|", want)}], got [{string.Join("|", got)}]");
            }
        }
    }

    // status, the four scores, flags and diagnostics, computed directly from the rules.
    private static string[] Reference(string[] cells)
    {
        var value = new double[12];
        var diagnostics = new List<string>();
        var invalid = false;
        var missing = false;
        for (var i = 0; i < 12; i++)
        {
            value[i] = double.NaN;
            if (cells[i].Length == 0)
            {
                missing = true;
                diagnostics.Add($"RSP2004:w{i + 1}");
            }
            else if (cells[i] == "x")
            {
                invalid = true;
                diagnostics.Add($"RSP2002:w{i + 1}");
            }
            else if (cells[i] == "9")
            {
                invalid = true;
                diagnostics.Add($"RSP2001:w{i + 1}");
            }
            else
            {
                var x = int.Parse(cells[i], CultureInfo.InvariantCulture);
                value[i] = i is 2 or 6 ? 6 - x : x;
            }
        }

        var scores = new string[4];
        for (var s = 0; s < Scores.Length; s++)
        {
            var (id, items, maxMissing) = Scores[s];
            var answered = items.Where(i => !double.IsNaN(value[i])).ToList();
            if (items.Length - answered.Count > maxMissing)
            {
                scores[s] = string.Empty;
                diagnostics.Add("RSP2005:" + id);
            }
            else
            {
                scores[s] = (answered.Sum(i => value[i]) / answered.Count).ToString("R", CultureInfo.InvariantCulture);
            }
        }

        var status = invalid ? "invalid" : missing ? "partial" : "complete";
        return [status, .. scores, string.Empty, string.Join(';', diagnostics)];
    }

    // RFC 4180, as the host writes it (CRLF records; quoted cells may hold line breaks).
    private static List<string[]> ReadCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        cell.Append(text[i++]);
                    }
                }
            }

            while (i < text.Length && text[i] is not (',' or '\r'))
            {
                cell.Append(text[i++]);
            }

            row.Add(cell.ToString());
            cell.Clear();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            i += 2; // CRLF
            rows.Add([.. row]);
            row.Clear();
        }

        return rows;
    }
}
