using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Instruments.Data.IO;

/// <summary>What <see cref="Csv.ScanRecord"/> found at the start of the buffered text.</summary>
internal enum CsvOutcome
{
    /// <summary>The record does not end inside the buffered text: read more and scan again.</summary>
    NeedMore,

    /// <summary>The end of the input.</summary>
    End,

    /// <summary>A blank line (skipped).</summary>
    Blank,

    /// <summary>A well-formed record.</summary>
    Record,

    /// <summary>A record that breaks the quoting rules; reading resumes after the line break following the error.</summary>
    Malformed,
}

/// <summary>
/// RFC 4180 CSV over UTF-8 bytes: comma separated, fields optionally quoted with <c>"</c>, a doubled quote inside a
/// quoted field is one quote, quoted fields may hold commas and line breaks; records end with LF, CRLF or CR; blank
/// lines are skipped. <see cref="ScanRecord"/> finds where a record ends (jumping from one quote or line break to the
/// next with vectorised searches: commas are not looked at) and checks its quoting, so that the sequential part of
/// reading is cheap; <see cref="SplitFields"/> then cuts a well-formed record into fields, on any thread.
/// </summary>
internal static class Csv
{
    private static readonly SearchValues<byte> QuoteOrLineBreak = SearchValues.Create("\"\r\n"u8);
    private static readonly SearchValues<byte> NeedsQuoting = SearchValues.Create(",\"\r\n"u8);

    /// <summary>
    /// Scans the record that starts at <paramref name="text"/>[0]. <paramref name="end"/> is where the next record
    /// starts (after the line break), <paramref name="contentEnd"/> where this record's text ends (before it), and
    /// <paramref name="lines"/> how many lines the record spans (line breaks consumed). For a malformed record,
    /// <paramref name="end"/> is the resume point (after the line break following the error) and
    /// <paramref name="reason"/> says what is wrong. <paramref name="eof"/>: no text follows the buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CsvOutcome ScanRecord(ReadOnlySpan<byte> text, bool eof, out int end, out int contentEnd, out int lines, out string? reason)
    {
        end = contentEnd = lines = 0;
        reason = null;
        if (text.IsEmpty)
        {
            return eof ? CsvOutcome.End : CsvOutcome.NeedMore;
        }

        if (text[0] is (byte)'\n' or (byte)'\r')
        {
            if (!LineBreak(text, 0, eof, out end))
            {
                return CsvOutcome.NeedMore;
            }

            lines = 1;
            return CsvOutcome.Blank;
        }

        var i = 0;
        while (true)
        {
            var k = text[i..].IndexOfAny(QuoteOrLineBreak);
            if (k < 0)
            {
                if (!eof)
                {
                    return CsvOutcome.NeedMore;
                }

                end = contentEnd = text.Length;
                return CsvOutcome.Record;
            }

            i += k;
            var c = text[i];
            if (c != '"')
            {
                if (!LineBreak(text, i, eof, out end))
                {
                    return CsvOutcome.NeedMore;
                }

                contentEnd = i;
                lines++;
                return CsvOutcome.Record;
            }

            if (i > 0 && text[i - 1] != ',')
            {
                return Malformed(text, i, eof, "a '\"' inside an unquoted field (quote the whole field and double the quote)", out end, out lines, out reason);
            }

            // A quoted field: find its closing quote (a doubled quote is one quote inside the field).
            var open = i;
            var j = i + 1;
            while (true)
            {
                var q = text[j..].IndexOf((byte)'"');
                if (q < 0)
                {
                    if (!eof)
                    {
                        return CsvOutcome.NeedMore;
                    }

                    return Malformed(text, open, eof, "a quoted field is not closed (a '\"' is missing)", out end, out lines, out reason);
                }

                j += q;
                if (j + 1 == text.Length && !eof)
                {
                    return CsvOutcome.NeedMore;
                }

                if (j + 1 < text.Length && text[j + 1] == '"')
                {
                    j += 2;
                    continue;
                }

                break;
            }

            lines += CountLines(text[(open + 1)..j]);
            i = j + 1;
            if (i == text.Length)
            {
                if (!eof)
                {
                    return CsvOutcome.NeedMore;
                }

                end = contentEnd = i;
                return CsvOutcome.Record;
            }

            var next = text[i];
            if (next == ',')
            {
                i++;
                continue;
            }

            if (next is (byte)'\n' or (byte)'\r')
            {
                if (!LineBreak(text, i, eof, out end))
                {
                    return CsvOutcome.NeedMore;
                }

                contentEnd = i;
                lines++;
                return CsvOutcome.Record;
            }

            return Malformed(text, i, eof, $"unexpected '{Printable(text[i..])}' after a closing quote (a quote inside a quoted field must be doubled)",
                out end, out lines, out reason);
        }
    }

    private static CsvOutcome Malformed(ReadOnlySpan<byte> text, int errorAt, bool eof, string why, out int end, out int lines, out string? reason)
    {
        end = ResumeAfterLineBreak(text, errorAt, eof);
        lines = 0;
        reason = null;
        if (end < 0)
        {
            // The rest of the broken line is not buffered yet: read it first (the record is scanned again).
            return CsvOutcome.NeedMore;
        }

        lines = CountLines(text[..end]);
        reason = why;
        return CsvOutcome.Malformed;
    }

    /// <summary>
    /// The position just after the first line break at or after <paramref name="from"/>; the end of the text at the
    /// end of the input; -1 when no complete line break is buffered yet.
    /// </summary>
    public static int ResumeAfterLineBreak(ReadOnlySpan<byte> text, int from, bool eof)
    {
        var k = text[from..].IndexOfAny((byte)'\n', (byte)'\r');
        if (k < 0)
        {
            return eof ? text.Length : -1;
        }

        var i = from + k;
        return LineBreak(text, i, eof, out var end) ? end : -1;
    }

    /// <summary>Lines ended in <paramref name="text"/>: each LF, CRLF or lone CR counts once.</summary>
    public static int CountLines(ReadOnlySpan<byte> text)
    {
        var lf = text.Count((byte)'\n');
        if (text.IndexOf((byte)'\r') < 0)
        {
            return lf;
        }

        var lone = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n'))
            {
                lone++;
            }
        }

        return lf + lone;
    }

    // At a CR or LF: the position after the line break (CRLF counts as one). False when a CR ends the buffer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool LineBreak(ReadOnlySpan<byte> text, int i, bool eof, out int end)
    {
        if (text[i] == '\r')
        {
            if (i + 1 == text.Length && !eof)
            {
                end = i;
                return false;
            }

            end = i + 1 < text.Length && text[i + 1] == '\n' ? i + 2 : i + 1;
            return true;
        }

        end = i + 1;
        return true;
    }

    /// <summary>
    /// Cuts a well-formed record (checked by <see cref="ScanRecord"/>, without its line break) into fields:
    /// each entry is the raw field with its quotes, if any. Returns the number of fields, which may exceed
    /// <paramref name="fields"/>' length (only the first ones are stored then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SplitFields(ReadOnlySpan<byte> record, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            if (i < record.Length && record[i] == '"')
            {
                var j = i + 1;
                while (true)
                {
                    var q = record[j..].IndexOf((byte)'"');
                    if (q < 0)
                    {
                        j = record.Length;
                        break;
                    }

                    j += q + 1;
                    if (j < record.Length && record[j] == '"')
                    {
                        j++;
                        continue;
                    }

                    break;
                }

                i = j;
            }
            else
            {
                var k = record[i..].IndexOf((byte)',');
                i = k < 0 ? record.Length : i + k;
            }

            if (count < fields.Length)
            {
                fields[count] = new Range(start, i);
            }

            count++;
            if (i >= record.Length)
            {
                return count;
            }

            i++; // the comma
        }
    }

    /// <summary>
    /// The text of a raw field: unquoted as it is, or a quoted field without its quotes and with doubled quotes
    /// undone (into <paramref name="scratch"/> when there are any).
    /// </summary>
    public static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> raw, ByteBuffer scratch)
    {
        if (raw.Length < 2 || raw[0] != '"')
        {
            return raw;
        }

        var inner = raw[1..^1];
        var q = inner.IndexOf((byte)'"');
        if (q < 0)
        {
            return inner;
        }

        scratch.Clear();
        while (q >= 0)
        {
            scratch.Write(inner[..(q + 1)]);
            inner = inner[(q + 2)..];
            q = inner.IndexOf((byte)'"');
        }

        scratch.Write(inner);
        return scratch.WrittenSpan;
    }

    /// <summary>
    /// Writes a text cell: quoted when it holds a comma, quote or line break, and prefixed with <c>'</c> when a
    /// spreadsheet would run it as a formula (a leading =, +, -, @, tab or CR, unless the cell is a plain number).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteCell(ByteBuffer output, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var formula = value[0] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r'
                      && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        var quote = value.Length <= 16 ? NeedsQuotingShort(value) : value.IndexOfAny(NeedsQuoting) >= 0;
        if (!formula && !quote)
        {
            output.Write(value);
            return;
        }

        if (quote)
        {
            output.Write((byte)'"');
        }

        if (formula)
        {
            output.Write((byte)'\'');
        }

        if (!quote)
        {
            output.Write(value);
            return;
        }

        var q = value.IndexOf((byte)'"');
        while (q >= 0)
        {
            output.Write(value[..(q + 1)]);
            output.Write((byte)'"');
            value = value[(q + 1)..];
            q = value.IndexOf((byte)'"');
        }

        output.Write(value);
        output.Write((byte)'"');
    }

    // Most cells (ids, codes) are short: a plain loop beats setting up a vectorised search.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsQuotingShort(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is (byte)',' or (byte)'"' or (byte)'\r' or (byte)'\n')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A text cell as UTF-8 bytes, escaped as <see cref="WriteCell"/> does.</summary>
    public static byte[] EscapeCell(string value)
    {
        var buffer = new ByteBuffer(value.Length + 8);
        WriteCell(buffer, Encoding.UTF8.GetBytes(value));
        return buffer.WrittenSpan.ToArray();
    }

    private static string Printable(ReadOnlySpan<byte> at)
    {
        Rune.DecodeFromUtf8(at, out var rune, out _);
        return Rune.IsControl(rune) ? $"\\u{rune.Value:x4}" : rune.ToString();
    }
}
