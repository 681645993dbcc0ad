using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Instruments.Compiler;

/// <summary>
/// Binds a protocol file's node tree to a <see cref="ProtocolDefinition"/> by hand, as <see cref="YamlDefinitionReader"/>
/// does for instruments: unknown keys (INS1010, with did-you-mean), missing keys (INS1011) and wrong value types
/// (INS1012), recording every node's location for the binder's diagnostics.
/// </summary>
internal sealed class YamlProtocolReader(string path, YamlSourceLocator locator, List<Diagnostic> diagnostics)
{
    internal static readonly string[] TopKeys = ["protocol", "version", "title", "citation", "notes", "measures", "outcomes", "alliance_outcome"];
    internal static readonly string[] AllianceOutcomeKeys = ["alliance", "outcome", "early_sessions"];
    internal static readonly string[] MeasureKeys = ["id", "instrument", "score", "reliable_change"];
    internal static readonly string[] OutcomeKeys = ["id", "title", "when", "sources"];

    /// <summary>True when something required was missing or had the wrong type (the definition is then not bound).</summary>
    public bool Failed { get; private set; }

    public ProtocolDefinition? Read(YamlNode root)
    {
        if (Map(root, "the protocol file", string.Empty, TopKeys) is not { } top)
        {
            return null;
        }

        var id = RequiredString(top, "protocol", "protocol", "the protocol file");
        var version = RequiredString(top, "version", "version", "the protocol file");
        var title = RequiredString(top, "title", "title", "the protocol file");
        var measures = ReadList(top, "measures", required: true, (node, p) =>
        {
            if (Map(node, "a measure", p, MeasureKeys) is not { } m)
            {
                return null;
            }

            var mid = RequiredString(m, "id", p + ".id", "a measure");
            var instrument = RequiredString(m, "instrument", p + ".instrument", "a measure");
            var score = RequiredString(m, "score", p + ".score", "a measure");
            var rule = OptionalString(m, "reliable_change", p + ".reliable_change");
            return mid is null || instrument is null || score is null ? null
                : new ProtocolMeasure { Id = mid, Instrument = instrument, Score = score, ReliableChange = rule };
        });
        var outcomes = ReadList(top, "outcomes", required: false, (node, p) =>
        {
            if (Map(node, "an outcome", p, OutcomeKeys) is not { } o)
            {
                return null;
            }

            var oid = RequiredString(o, "id", p + ".id", "an outcome");
            var when = RequiredString(o, "when", p + ".when", "an outcome");
            var sources = ImmutableArray<string>.Empty;
            if (Get(o, "sources") is { } sourcesNode)
            {
                sources = ReadStrings(sourcesNode, "sources", p + ".sources");
            }

            return oid is null || when is null ? null
                : new ProtocolOutcome { Id = oid, Title = OptionalString(o, "title", p + ".title"), When = when, Sources = sources };
        });

        var pairing = Get(top, "alliance_outcome") is { } pairingNode ? ReadAllianceOutcome(pairingNode) : null;
        return id is null || version is null || title is null ? null : new ProtocolDefinition
        {
            Id = id,
            Version = version,
            Title = title,
            Citation = OptionalString(top, "citation", "citation"),
            Notes = OptionalString(top, "notes", "notes"),
            Measures = measures,
            Outcomes = outcomes,
            AllianceOutcome = pairing,
        };
    }

    /// <summary>
    /// The <c>alliance_outcome</c> block. An <c>early_sessions</c> that is not a whole number is INS1142 here, where
    /// the file shows it; the binder checks the rest (INS1140-INS1143).
    /// </summary>
    private ProtocolAllianceOutcome? ReadAllianceOutcome(YamlNode node)
    {
        const string P = "alliance_outcome";
        if (Map(node, "the alliance_outcome block", P, AllianceOutcomeKeys) is not { } map)
        {
            Failed = true;
            return null;
        }

        var alliance = RequiredString(map, "alliance", P + ".alliance", "the alliance_outcome block");
        var outcome = RequiredString(map, "outcome", P + ".outcome", "the alliance_outcome block");
        var early = ProtocolAllianceOutcome.DefaultEarlySessions;
        if (Get(map, "early_sessions") is { } earlyNode)
        {
            locator.Record(P + ".early_sessions", Span(earlyNode));
            if (earlyNode is YamlScalarNode { Value: { } text, Style: ScalarStyle.Plain }
                && int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                early = n;
            }
            else
            {
                Report(InstrumentDiagnostics.InvalidEarlySessions, Span(earlyNode), YamlDefinitionReader.Describe(earlyNode));
            }
        }

        return alliance is null || outcome is null ? null : new ProtocolAllianceOutcome { Alliance = alliance, Outcome = outcome, EarlySessions = early };
    }

    private ImmutableArray<T> ReadList<T>(YamlMappingNode map, string key, bool required, Func<YamlNode, string, T?> read)
        where T : class
    {
        var node = Get(map, key);
        if (node is null)
        {
            if (required)
            {
                Report(InstrumentDiagnostics.MissingRequiredKey, YamlDocumentReader.At(path, map.Start), key, "the protocol file");
            }

            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            WrongType(key, "a list", node);
            return [];
        }

        locator.Record(key, Span(node));
        var result = ImmutableArray.CreateBuilder<T>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var childPath = $"{key}[{i}]";
            locator.Record(childPath, Span(sequence.Children[i]));
            if (read(sequence.Children[i], childPath) is { } value)
            {
                result.Add(value);
            }
            else
            {
                Failed = true;
            }
        }

        return result.ToImmutable();
    }

    private ImmutableArray<string> ReadStrings(YamlNode node, string key, string listPath)
    {
        if (node is not YamlSequenceNode sequence)
        {
            WrongType(key, "a list of citations or URLs", node);
            return [];
        }

        locator.Record(listPath, Span(node));
        var result = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            locator.Record($"{listPath}[{i}]", Span(child));
            if (child is YamlScalarNode { Value: { Length: > 0 } v })
            {
                result.Add(v);
            }
            else
            {
                WrongType($"{key}[{i}]", "a citation or URL", child);
            }
        }

        return result.ToImmutable();
    }

    private YamlMappingNode? Map(YamlNode node, string what, string mapPath, string[] allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            WrongType(what, "a mapping (key: value pairs)", node);
            return null;
        }

        if (mapPath.Length > 0)
        {
            locator.Record(mapPath, Span(node));
        }

        foreach (var (keyNode, _) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                WrongType("a key in " + what, "text", keyNode);
            }
            else if (Array.IndexOf(allowed, key) < 0)
            {
                Report(InstrumentDiagnostics.UnknownKey, Span(keyNode), key, what,
                    NameSuggester.DidYouMean(key, allowed) is { Length: > 0 } hint ? hint : "; allowed keys: " + string.Join(", ", allowed));
            }
        }

        return mapping;
    }

    private static YamlNode? Get(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    private string? RequiredString(YamlMappingNode map, string key, string valuePath, string what)
    {
        if (Get(map, key) is not { } node)
        {
            Report(InstrumentDiagnostics.MissingRequiredKey, YamlDocumentReader.At(path, map.Start), key, what);
            return null;
        }

        return Scalar(node, key, valuePath);
    }

    private string? OptionalString(YamlMappingNode map, string key, string valuePath) =>
        Get(map, key) is { } node ? Scalar(node, key, valuePath) : null;

    private string? Scalar(YamlNode node, string key, string valuePath)
    {
        locator.Record(valuePath, Span(node), YamlDocumentReader.VerbatimStyle(node));
        if (node is YamlScalarNode scalar && (scalar.Value is { Length: > 0 } || scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted))
        {
            return scalar.Value;
        }

        WrongType(key, "text", node);
        return null;
    }

    private void WrongType(string what, string expected, YamlNode found) =>
        Report(InstrumentDiagnostics.WrongValueType, Span(found), what, expected, YamlDefinitionReader.Describe(found));

    private void Report(DiagnosticDescriptor descriptor, Location location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            Failed = true;
        }

        diagnostics.Add(Diagnostic.Create(descriptor, location, args));
    }

    private Location Span(YamlNode node) => YamlDocumentReader.Span(path, node.Start, node.End);
}
