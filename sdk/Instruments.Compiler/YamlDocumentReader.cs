using System.Text.RegularExpressions;
using Instruments.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Instruments.Compiler;

/// <summary>
/// Turns YAML text into a representation-model node tree with positions, after a streaming pre-pass that
/// enforces the limits (nesting depth, one document) and rejects anchors, aliases and merge keys.
/// </summary>
internal static partial class YamlDocumentReader
{
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex PositionPrefix();

    public static YamlNode? Read(string text, string path, int maxDepth, List<Diagnostic> diagnostics)
    {
        if (!PrePass(text, path, maxDepth, diagnostics, out var documents))
        {
            return null;
        }

        if (documents == 0)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.EmptyFile, Location.At(path, 1, 1)));
            return null;
        }

        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException ex)
        {
            diagnostics.Add(SyntaxError(ex, scanner, path));
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            diagnostics.Add(ParserFailure(ex, scanner, path));
            return null;
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" } && root.Tag.IsEmpty)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.EmptyFile, Location.At(path, 1, 1)));
            return null;
        }

        WarnAboutControlCharacters(root, path, diagnostics);
        return root;
    }

    /// <summary>
    /// INS1065 for each scalar (key or value) holding a character that could drive a terminal: C0 controls other than
    /// tab and line feed, DEL, C1 controls, and the bidirectional overrides and isolates (which reorder what is shown).
    /// </summary>
    private static void WarnAboutControlCharacters(YamlNode node, string path, List<Diagnostic> diagnostics)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { } value } scalar:
                for (var i = 0; i < value.Length; i++)
                {
                    if (IsUnsafeForTerminals(value[i]))
                    {
                        diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.ControlCharacterInText, Span(path, scalar.Start, scalar.End),
                            "U+" + ((int)value[i]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture), i + 1));
                        break;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    WarnAboutControlCharacters(child, path, diagnostics);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    WarnAboutControlCharacters(key, path, diagnostics);
                    WarnAboutControlCharacters(value, path, diagnostics);
                }

                break;
        }
    }

    /// <summary>True for the characters INS1065 reports (and hosts escape before printing).</summary>
    internal static bool IsUnsafeForTerminals(char c) =>
        (c < ' ' && c is not '\t' and not '\n') || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';

    private static bool PrePass(string text, string path, int maxDepth, List<Diagnostic> diagnostics, out int documents)
    {
        documents = 0;
        var ok = true;
        var depth = 0;
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var frames = new Stack<Frame>();
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                var isKey = false;
                if (current is NodeEvent && frames.TryPeek(out var frame) && frame.Keys is not null)
                {
                    isKey = frame.NextIsKey;
                    if (frame.NextIsKey && current is Scalar key)
                    {
                        if (!frame.Keys.TryAdd(key.Value, current.Start.Line))
                        {
                            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.DuplicateKey, At(path, current.Start), key.Value,
                                $"the same mapping (first at line {frame.Keys[key.Value]})"));
                            ok = false;
                        }
                    }

                    frame.NextIsKey = !frame.NextIsKey;
                }

                switch (current)
                {
                    case DocumentStart:
                        documents++;
                        if (documents == 2)
                        {
                            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.MultipleDocuments, At(path, current.Start)));
                            ok = false;
                        }

                        break;
                    case AnchorAlias alias:
                        diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.AnchorOrAlias, At(path, current.Start), "alias", "*" + alias.Value));
                        ok = false;
                        break;
                    case NodeEvent node when !node.Anchor.IsEmpty:
                        diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.AnchorOrAlias, At(path, current.Start), "anchor", "&" + node.Anchor));
                        ok = false;
                        break;
                }

                if (current is Scalar { Value: "<<", Style: ScalarStyle.Plain } && isKey)
                {
                    diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.MergeKey, At(path, current.Start)));
                    ok = false;
                }

                if (current is MappingStart or SequenceStart)
                {
                    frames.Push(new Frame(current is MappingStart ? new Dictionary<string, long>(StringComparer.Ordinal) : null));
                    depth++;
                    if (depth > maxDepth)
                    {
                        diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.NestingTooDeep, At(path, current.Start), maxDepth));
                        return false;
                    }
                }
                else if (current is MappingEnd or SequenceEnd)
                {
                    frames.Pop();
                    depth--;
                }
            }
        }
        catch (YamlException ex)
        {
            diagnostics.Add(SyntaxError(ex, scanner, path));
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // YamlDotNet occasionally fails on malformed input with a non-YAML exception (for example an
            // InvalidOperationException for a backtick in a plain scalar inside a flow mapping); a user mistake
            // must still be a diagnostic, never an exception.
            diagnostics.Add(ParserFailure(ex, scanner, path));
            return false;
        }

        return ok;
    }

    private sealed class Frame(Dictionary<string, long>? keys)
    {
        /// <summary>Keys seen so far (mappings only) with the line of their first occurrence.</summary>
        public Dictionary<string, long>? Keys { get; } = keys;

        public bool NextIsKey { get; set; } = true;
    }

    private static Diagnostic SyntaxError(YamlException ex, Scanner scanner, string path)
    {
        var message = PositionPrefix().Replace(ex.Message, string.Empty);
        if (ex.InnerException is YamlException inner && message.StartsWith("Exception during", StringComparison.Ordinal))
        {
            message = PositionPrefix().Replace(inner.Message, string.Empty);
        }

        // Some scanner errors (e.g. "found invalid tab as indentation") carry an empty mark (line 1, column 1,
        // index 0) instead of their position; then point at where the scanner stopped.
        var mark = ex.Start.Index == 0 && ex.End.Index == 0 && scanner.CurrentPosition.Index > 0 ? scanner.CurrentPosition : ex.Start;
        return Diagnostic.Create(InstrumentDiagnostics.YamlSyntaxError, At(path, mark), message);
    }

    private static Diagnostic ParserFailure(Exception ex, Scanner scanner, string path) =>
        Diagnostic.Create(InstrumentDiagnostics.YamlSyntaxError, At(path, scanner.CurrentPosition),
            "the YAML cannot be read here (" + ex.Message + ")");

    internal static Location At(string path, Mark mark) =>
        mark.Line > 0 ? Location.At(path, (int)mark.Line, (int)mark.Column) : Location.InFile(path);

    /// <summary>
    /// The scalar's style when each character of its value is one source column (one line, no escapes, no folding),
    /// so that offsets inside the value (expression errors) can be turned into columns; otherwise Any.
    /// </summary>
    internal static ScalarStyle VerbatimStyle(YamlNode node)
    {
        if (node is not YamlScalarNode { Value: { } value } scalar || node.Start.Line != node.End.Line)
        {
            return ScalarStyle.Any;
        }

        var quotes = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 2 : 0;
        return scalar.Style is ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted
               && node.End.Index - node.Start.Index == value.Length + quotes
            ? scalar.Style
            : ScalarStyle.Any;
    }

    internal static Location Span(string path, Mark start, Mark end) =>
        start.Line > 0 ? new Location(path, (int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column) : Location.InFile(path);
}
