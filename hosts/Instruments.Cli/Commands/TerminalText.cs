using System.Globalization;
using System.Text;

namespace Instruments.Cli.Commands;

/// <summary>
/// Makes text from definitions, texts files and diagnostics safe to print on a terminal: every human-readable output
/// of the host goes through <see cref="Escape"/>, so that a title holding <c>ESC ] ... BEL</c> prints as
/// <c>\x1b] ... \x07</c> instead of retitling the window or rewriting the screen. JSON and data outputs stay exact.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with C0 controls, DEL and C1 controls written as <c>\xNN</c> and the bidirectional
    /// overrides and isolates (U+202A-U+202E, U+2066-U+2069) as <c>\uNNNN</c>. Tab and line feed are kept when
    /// <paramref name="keepLayout"/> is true (a multi-line description), escaped otherwise (a table cell, a one-line
    /// message). Returns <paramref name="text"/> itself when nothing needs escaping.
    /// </summary>
    public static string Escape(string text, bool keepLayout = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = 0;
        while (first < text.Length && !NeedsEscape(text[first], keepLayout))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(c, keepLayout))
            {
                sb.Append(c);
            }
            else if (c <= '\u00ff')
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c, bool keepLayout) =>
        c < ' ' ? !(keepLayout && c is '\t' or '\n')
        : c is >= '\u007f' and <= '\u009f' or >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
