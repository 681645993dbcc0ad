namespace Instruments.Scoring;

/// <summary>
/// What went wrong when plugin code threw while a response was scored: the payload of RSP2012 (a scoring function
/// failed) and RSP2013 (a response check failed). Immutable; created only on that rare path.
/// </summary>
public sealed class PluginFailure
{
    internal PluginFailure(string plugin, string? function, string error)
    {
        Plugin = plugin;
        Function = function;
        Error = OneLine(error);
    }

    /// <summary>The id of the plugin that owns the code; empty for a function registered directly in code.</summary>
    public string Plugin { get; }

    /// <summary>The name of the function that threw (RSP2012), or null for a response check (RSP2013).</summary>
    public string? Function { get; }

    /// <summary>The exception, as <c>Type: message</c> on one line (line breaks of the message become spaces).</summary>
    public string Error { get; }

    /// <summary>Who owns the code, as the messages say it: <c>plugin 'id'</c> or <c>registered function</c>.</summary>
    internal string DescribeOwner() => Plugin.Length > 0 ? "plugin '" + Plugin + "'" : "registered function";

    /// <summary>Line breaks (CR, LF, CRLF and the Unicode separators) become single spaces; the ends are trimmed.</summary>
    internal static string OneLine(string text)
    {
        if (text.AsSpan().IndexOfAny("\r\n\u0085\u2028\u2029") < 0)
        {
            return text.Trim();
        }

        var builder = new System.Text.StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace && c != ' ' && builder[^1] != ' ')
            {
                builder.Append(' ');
            }

            pendingSpace = false;
            builder.Append(c);
        }

        return builder.ToString().Trim();
    }
}
