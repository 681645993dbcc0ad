using System.Text;

namespace Instruments.Fuzz;

/// <summary>
/// Deterministic mutations for the smoke mode (no coverage feedback, so the variety comes from the corpus and the
/// tokens): bit flips, byte insertion and deletion, splices of two inputs, dictionary tokens, long runs, and
/// duplicated chunks. The same seed gives the same inputs on every machine.
/// </summary>
internal sealed class Mutator(int seed, IReadOnlyList<byte[]> corpus)
{
    /// <summary>Tokens that break parsers: quoting and structure, escapes, surrogates, control and format characters.</summary>
    private static readonly byte[][] Tokens = new[]
    {
        "\"", ",", "{", "}", "[", "]", ":", "\\", "\\\"", "\\ud800", "\\udc00", "\\u0000", "\0", "\r", "\n", "\r\n", "\t",
        "\"\"", "'", "=", "+", "-", "@", "#", "&", "*", "!", "|", ">", "%", "---", "...", "- ", "? ", "&a ", "*a", "<<: ",
        "!!binary ", "{{", "}}", "{{ ", " }}", "{%", "%}", "for ", "end", "while true", "include ", "func ", "capture ",
        "\"../secret.txt\"", "\"link.scriban\"", "\"part.scriban\"", "1e308", "-1e308", "NaN", "Infinity", "9999999999999999999",
        "-0", "0x10", "1.", ".5", "1_000", "null", "true", "no", "\u00a0", "\ufeff", "\u2028", "\ud83d\ude00",
    }.Select(Encoding.UTF8.GetBytes).Concat(new[]
    {
        new byte[] { 0xFF }, [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF],
    }).ToArray();

    private readonly Random _random = new(seed);

    /// <summary>The next input: a corpus entry with one to four mutations, at most <paramref name="maxLength"/> bytes.</summary>
    public byte[] Next(int maxLength)
    {
        var data = new List<byte>(corpus[_random.Next(corpus.Count)]);
        var count = 1 + _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            Mutate(data, maxLength);
        }

        if (data.Count > maxLength)
        {
            data.RemoveRange(maxLength, data.Count - maxLength);
        }

        return [.. data];
    }

    private void Mutate(List<byte> data, int maxLength)
    {
        var at = _random.Next(data.Count + 1);
        switch (_random.Next(9))
        {
            case 0 when data.Count > 0: // bit flip
                at = Math.Min(at, data.Count - 1);
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0: // random byte
                at = Math.Min(at, data.Count - 1);
                data[at] = (byte)_random.Next(256);
                break;
            case 2: // insert a random byte
                data.Insert(at, (byte)_random.Next(256));
                break;
            case 3 when data.Count > 0: // delete a span
                at = Math.Min(at, data.Count - 1);
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16)));
                break;
            case 4: // splice: this input's head, another's tail
                var other = corpus[_random.Next(corpus.Count)];
                var from = _random.Next(other.Length + 1);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            case 5: // a long run of one byte or token
                var run = _random.Next(2) == 0 ? [(byte)_random.Next(256)] : Tokens[_random.Next(Tokens.Length)];
                var times = Math.Min(1 + _random.Next(4096), Math.Max(1, (maxLength - data.Count) / run.Length));
                data.InsertRange(at, Enumerable.Repeat(run, times).SelectMany(b => b));
                break;
            case 6 when data.Count > 0: // duplicate a chunk (repeated rows, keys, blocks)
                var start = _random.Next(data.Count);
                var length = Math.Min(data.Count - start, 1 + _random.Next(256));
                data.InsertRange(at, data.GetRange(start, length));
                break;
            default: // a dictionary token
                data.InsertRange(at, Tokens[_random.Next(Tokens.Length)]);
                break;
        }
    }
}
