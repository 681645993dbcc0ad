using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Text;
using YamlDotNet.RepresentationModel;

namespace Instruments.Compiler;

/// <summary>
/// Applies a separately licensed <em>texts file</em> to a definition whose item texts are not shipped
/// (<c>license.texts: restricted</c>). A licensed user keeps the wording in a small YAML file of their own:
/// </summary>
/// <remarks>
/// <code>
/// instrument: wai-sr          # required: the instrument the texts belong to
/// version: 1.0.0              # optional: the definition version the texts were written for (INS1064 if different)
/// language: en                # optional
/// instructions: ...           # optional: instructions shown to the respondent
/// texts:                      # required: item id -> text
///   wai1: "..."
/// </code>
/// The file is read with the same safety rules as instrument files (size and depth limits, no anchors, aliases or
/// merge keys, no unknown keys). A text for an item the instrument does not have is an error (INS1062); an item
/// without a text is a warning (INS1063). The texts are never written back into the definition file.
/// </remarks>
public static class InstrumentTexts
{
    internal static readonly string[] Keys = ["instrument", "version", "language", "instructions", "texts"];

    /// <summary>
    /// Reads <paramref name="textsFileContent"/> (reported under <paramref name="path"/>) and returns
    /// <paramref name="definition"/> with its item texts (and instructions, language) filled in, plus the diagnostics.
    /// When there are errors, <see cref="TextsApplication.Definition"/> is null.
    /// </summary>
    public static TextsApplication Apply(InstrumentDefinition definition, string textsFileContent, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(textsFileContent);
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new List<Diagnostic>();
        var result = Read(definition, textsFileContent, path, diagnostics);
        var all = diagnostics.ToImmutableArray();
        return new TextsApplication(all.Any(d => d.IsError) ? null : result, all);
    }

    /// <summary>
    /// Reads the texts file at <paramref name="path"/> with the safety rules of instrument files (a regular file only,
    /// at most <see cref="InstrumentCompiler.MaxFileBytes"/> bytes read, strict UTF-8: INS1009, INS1003, INS1000) and
    /// applies it as <see cref="Apply"/> does. A missing or unreadable file throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public static TextsApplication ApplyFile(InstrumentDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new List<Diagnostic>();
        var text = SourceFileReader.Read(path, InstrumentCompiler.MaxFileBytes, diagnostics);
        return text is null ? new TextsApplication(null, [.. diagnostics]) : Apply(definition, text, path);
    }

    private static InstrumentDefinition? Read(InstrumentDefinition definition, string text, string path, List<Diagnostic> diagnostics)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > InstrumentCompiler.MaxFileBytes)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(path), bytes, InstrumentCompiler.MaxFileBytes));
            return null;
        }

        var root = YamlDocumentReader.Read(text, path, InstrumentCompiler.MaxDepth, diagnostics);
        if (root is null)
        {
            return null;
        }

        if (root is not YamlMappingNode top)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.WrongValueType, Span(path, root), "the texts file", "a mapping (key: value pairs)", "something else"));
            return null;
        }

        YamlNode? Get(string key) => top.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: { } k } && k == key).Value;

        foreach (var (keyNode, _) in top.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(Keys, key) < 0)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.UnknownKey, Span(path, keyNode), key, "the texts file",
                    NameSuggester.DidYouMean(key, Keys) is { Length: > 0 } hint ? hint : "; allowed keys: " + string.Join(", ", Keys)));
            }
        }

        string? Scalar(string key, bool required)
        {
            var node = Get(key);
            if (node is null)
            {
                if (required)
                {
                    diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.MissingRequiredKey, YamlDocumentReader.At(path, top.Start), key, "the texts file"));
                }

                return null;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value;
            }

            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.WrongValueType, Span(path, node), key, "text", Describe(node)));
            return null;
        }

        var instrument = Scalar("instrument", required: true);
        var version = Scalar("version", required: false);
        var language = Scalar("language", required: false);
        var instructions = Scalar("instructions", required: false);
        if (instrument is not null && !string.Equals(instrument, definition.Id, StringComparison.Ordinal))
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.TextsForOtherInstrument, Span(path, Get("instrument")!), instrument, definition.Id));
            return null;
        }

        if (version is not null && !string.Equals(version, definition.Version, StringComparison.Ordinal))
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.TextsVersionDiffers, Span(path, Get("version")!), version, definition.Id, definition.Version));
        }

        var textsNode = Get("texts");
        if (textsNode is null)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.MissingRequiredKey, YamlDocumentReader.At(path, top.Start), "texts", "the texts file"));
            return null;
        }

        if (textsNode is not YamlMappingNode textsMap)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.WrongValueType, Span(path, textsNode), "texts", "a mapping from item id to text", Describe(textsNode)));
            return null;
        }

        var itemIds = definition.Items.Select(i => i.Id).ToList();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in textsMap.Children)
        {
            var id = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!itemIds.Contains(id, StringComparer.Ordinal))
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.TextForUnknownItem, Span(path, keyNode), id, definition.Id,
                    NameSuggester.DidYouMean(id, itemIds)));
                continue;
            }

            if (valueNode is YamlScalarNode { Value: { Length: > 0 } value })
            {
                texts[id] = value;
            }
            else
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.WrongValueType, Span(path, valueNode), "texts." + id, "text", Describe(valueNode)));
            }
        }

        foreach (var id in itemIds.Where(id => !texts.ContainsKey(id)))
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.ItemTextMissing, Span(path, textsNode), id));
        }

        return new InstrumentDefinition
        {
            Id = definition.Id,
            Version = definition.Version,
            Title = definition.Title,
            Citation = definition.Citation,
            License = new LicenseInfo
            {
                Name = definition.License.Name,
                Texts = definition.License.Texts,
                Url = definition.License.Url,
                Notice = definition.License.Notice,
                TextsSource = path,
            },
            Respondent = definition.Respondent,
            Counterpart = definition.Counterpart,
            Language = language ?? definition.Language,
            Instructions = instructions ?? definition.Instructions,
            Notes = definition.Notes,
            Code = definition.Code,
            MissingCodes = definition.MissingCodes,
            ResponseScales = definition.ResponseScales,
            Items = [.. definition.Items.Select(i => texts.TryGetValue(i.Id, out var t)
                ? new ItemDefinition { Id = i.Id, Scale = i.Scale, Reverse = i.Reverse, Optional = i.Optional, Keep = i.Keep, Text = t, Code = i.Code }
                : i)],
            Scores = definition.Scores,
            Flags = definition.Flags,
            Examples = definition.Examples,
            CourseExamples = definition.CourseExamples,
        };
    }

    private static Location Span(string path, YamlNode node) => YamlDocumentReader.Span(path, node.Start, node.End);

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode { Value: null or "" } => "empty",
        YamlScalarNode s => "'" + (s.Value!.Length > 40 ? s.Value[..40] + "..." : s.Value) + "'",
        _ => "something else",
    };
}

/// <summary>The result of <see cref="InstrumentTexts.Apply"/>.</summary>
public sealed class TextsApplication
{
    internal TextsApplication(InstrumentDefinition? definition, ImmutableArray<Diagnostic> diagnostics)
    {
        Definition = definition;
        Diagnostics = diagnostics;
    }

    /// <summary>The definition with the texts applied, or null when the texts file has errors.</summary>
    public InstrumentDefinition? Definition { get; }

    /// <summary>Every diagnostic about the texts file, in file order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
