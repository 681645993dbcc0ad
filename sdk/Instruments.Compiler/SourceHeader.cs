using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Instruments.Compiler;

/// <summary>
/// The head of a definition file, read without compiling it: whether its first top-level key is <c>instrument</c>
/// or <c>protocol</c>, and the id that key gives. Lets a host compile only the files a command needs
/// (<c>InstrumentHostBuilder</c>'s selection); anything it cannot read cheaply is reported as unknown, and such files
/// are compiled as before.
/// </summary>
internal readonly record struct SourceHeader(SourceHeaderKind Kind, string? Id)
{
    /// <summary>Reads the top-level keys of <paramref name="text"/> up to the first <c>instrument</c> or <c>protocol</c> key.</summary>
    public static SourceHeader Read(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            var depth = 0;
            var expectKey = false;
            string? pending = null;
            while (parser.MoveNext())
            {
                if (pending is not null)
                {
                    // The key's value; anything but a plain scalar (an alias, a mapping ...) is left to the compiler.
                    return new SourceHeader(KindOf(pending), parser.Current is Scalar value ? value.Value : null);
                }

                switch (parser.Current)
                {
                    case SequenceStart when depth == 0:
                        return default;
                    case MappingStart or SequenceStart:
                        depth++;
                        expectKey |= depth == 1;
                        break;
                    case Scalar scalar when depth == 1:
                        if (expectKey && scalar.Value is "instrument" or "protocol")
                        {
                            pending = scalar.Value;
                            break;
                        }

                        expectKey = !expectKey;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        if (depth <= 0)
                        {
                            return default;
                        }

                        if (depth == 1)
                        {
                            expectKey = !expectKey;
                        }

                        break;
                    case DocumentEnd:
                        return default;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return default;
        }

        return default;
    }

    /// <summary>
    /// The values of every <c>instrument</c> key at any depth of a protocol's text (its measures' instruments); empty
    /// when the text is not YAML. May name more than the protocol uses, never fewer.
    /// </summary>
    public static IReadOnlyList<string> ReferencedInstruments(string text)
    {
        var names = new List<string>();
        try
        {
            var parser = new Parser(new StringReader(text));
            var previousWasInstrumentKey = false;
            while (parser.MoveNext())
            {
                if (parser.Current is Scalar scalar)
                {
                    if (previousWasInstrumentKey)
                    {
                        names.Add(scalar.Value);
                        previousWasInstrumentKey = false;
                    }
                    else
                    {
                        previousWasInstrumentKey = scalar.Value == "instrument";
                    }
                }
                else
                {
                    previousWasInstrumentKey = false;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // What was read so far is kept; the compiler reports the rest.
        }

        return names;
    }

    private static SourceHeaderKind KindOf(string key) => key == "protocol" ? SourceHeaderKind.Protocol : SourceHeaderKind.Instrument;
}

/// <summary>What a <see cref="SourceHeader"/> found first.</summary>
internal enum SourceHeaderKind
{
    /// <summary>Neither key was found (not YAML, not a mapping, or neither key at the top level).</summary>
    Unknown,

    /// <summary>An <c>instrument</c> key.</summary>
    Instrument,

    /// <summary>A <c>protocol</c> key.</summary>
    Protocol,
}
