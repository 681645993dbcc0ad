using System.Text;

namespace Instruments.Server;

/// <summary>
/// The reader's and writer's warnings of one score request (the console host prints them to standard error), given
/// to the client as <c>Instruments-Warning</c> fields: every warning known when the answer starts is a response
/// header (one field per warning, in the order found; for a body read whole, that is all of them; for a streamed one,
/// those of the CSV header, such as an item column the input lacks); a warning found after the answer started (while
/// rows stream: invalid UTF-8 in a field, a JSON array not closed) is a trailer of the same name where the protocol
/// carries trailers (HTTP/2, HTTP/3), and only logged otherwise. A value is the message in UTF-8, with every byte
/// outside printable ASCII, and '%', percent-encoded (decode it as a URL's path). At most <see cref="MaxFields"/>
/// fields are sent, each cut at <see cref="MaxChars"/> characters; one more field says how many were left out.
/// </summary>
internal sealed class ResponseWarnings
{
    /// <summary>The header (and trailer) name.</summary>
    public const string Field = "Instruments-Warning";

    /// <summary>The most warnings sent in the headers, and again in the trailers.</summary>
    public const int MaxFields = 20;

    /// <summary>The longest message sent, in characters (before encoding).</summary>
    public const int MaxChars = 1000;

    private readonly List<string> _messages = [];
    private int _inHeaders = -1;

    /// <summary>Adds a warning (thread-safe).</summary>
    public void Add(string message)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }
    }

    /// <summary>Every warning so far.</summary>
    public IReadOnlyList<string> All
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Puts the warnings found so far in <paramref name="headers"/> (once, as the answer starts).</summary>
    public void WriteHeaders(IHeaderDictionary headers)
    {
        lock (_messages)
        {
            if (_inHeaders >= 0)
            {
                return;
            }

            _inHeaders = _messages.Count;
            if (_inHeaders > 0)
            {
                headers[Field] = Values(_messages);
            }
        }
    }

    /// <summary>The warnings found after the headers were sent.</summary>
    public IReadOnlyList<string> Late()
    {
        lock (_messages)
        {
            return [.. _messages.Skip(Math.Max(0, _inHeaders))];
        }
    }

    /// <summary>The field values for <paramref name="messages"/>: at most <see cref="MaxFields"/>, then how many were left out.</summary>
    public static string[] Values(IReadOnlyList<string> messages)
    {
        var values = messages.Take(MaxFields).Select(Encode).ToList();
        if (messages.Count > MaxFields)
        {
            values.Add(Encode($"{messages.Count - MaxFields} more warnings were left out"));
        }

        return [.. values];
    }

    /// <summary>The message as a field value: UTF-8, percent-encoded outside printable ASCII and for '%'; cut at <see cref="MaxChars"/>.</summary>
    public static string Encode(string message)
    {
        if (message.Length > MaxChars)
        {
            message = string.Concat(message.AsSpan(0, char.IsHighSurrogate(message[MaxChars - 2]) ? MaxChars - 2 : MaxChars - 1), "…");
        }

        var sb = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
