using System.Collections.Immutable;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Text;
using YamlDotNet.RepresentationModel;

namespace Instruments.Hosting;

/// <summary>A plugin's <c>plugin.yaml</c>, read and checked (see <c>docs/plugin-authoring.md</c>).</summary>
internal sealed partial class PluginManifest
{
    public const string FileName = "plugin.yaml";

    internal static readonly string[] Keys = ["id", "version", "description", "sdk", "assembly", "type", "instruments", "templates"];

    public required string Id { get; init; }

    public required string Version { get; init; }

    public string? Description { get; init; }

    public required VersionRange Sdk { get; init; }

    public string? Assembly { get; init; }

    public string? Type { get; init; }

    public ImmutableArray<string> Instruments { get; init; } = ["instruments/*.yaml"];

    public ImmutableArray<string> Templates { get; init; } = ["templates/*.scriban"];

    public required string Directory { get; init; }

    public required string Path { get; init; }

    /// <summary>Where each key's value is, for diagnostics about it.</summary>
    public required IReadOnlyDictionary<string, Location> Locations { get; init; }

    public Location LocationOf(string key) => Locations.TryGetValue(key, out var l) ? l : Location.InFile(Path);

    /// <summary>Reads the manifest of <paramref name="directory"/>; null (with diagnostics) when it is unusable.</summary>
    public static PluginManifest? Read(string directory, List<Diagnostic> diagnostics) => Read(directory, diagnostics, null);

    /// <summary>
    /// Reads the manifest; when it is unusable but its instrument list is still readable (and it names no assembly, whose
    /// functions the files might call), adds the files of that list to <paramref name="unloadedInstrumentFiles"/>, so
    /// that their own errors are reported in the same pass rather than after the manifest is fixed.
    /// </summary>
    public static PluginManifest? Read(string directory, List<Diagnostic> diagnostics, List<string>? unloadedInstrumentFiles)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.NoManifest, Location.InFile(directory), directory));
            return null;
        }

        string? text;
        var yamlDiagnostics = new List<Diagnostic>();
        try
        {
            // A regular file only (a FIFO or device is never opened), at most the size limit read, strict UTF-8.
            text = SourceFileReader.Read(path, InstrumentCompiler.MaxFileBytes, yamlDiagnostics);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestSyntax, Location.InFile(path), ex.Message));
            return null;
        }

        var root = text is null ? null : YamlDocumentReader.Read(text, path, 8, yamlDiagnostics);
        if (root is null)
        {
            // The file and YAML layers' own problems (not a regular file, size, UTF-8, syntax, anchors, depth, empty
            // file) under the manifest's ID.
            foreach (var d in yamlDiagnostics.Where(d => d.IsError))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestSyntax, d.Location, d.Message));
            }

            return null;
        }

        if (root is not YamlMappingNode map)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, At(path, root), "the manifest", "a mapping (key: value pairs)", Describe(root)));
            return null;
        }

        var ok = true;
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var locations = new Dictionary<string, Location>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(Keys, key) < 0)
            {
                var hint = NameSuggester.DidYouMean(key, Keys);
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestUnknownKey, At(path, k), key,
                    hint.Length > 0 ? hint : "; allowed keys: " + string.Join(", ", Keys)));
                ok = false;
                continue;
            }

            values[key] = v;
            locations[key] = At(path, v);
        }

        string? Scalar(string key, bool required, string expected = "text")
        {
            if (!values.TryGetValue(key, out var node))
            {
                if (required)
                {
                    diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestMissingKey, At(path, map), key));
                    ok = false;
                }

                return null;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } s })
            {
                return s;
            }

            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, At(path, node), key, expected, Describe(node)));
            ok = false;
            return null;
        }

        ImmutableArray<string>? Globs(string key)
        {
            if (!values.TryGetValue(key, out var node))
            {
                return null;
            }

            if (node is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode { Value.Length: > 0 }))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, At(path, node), key, "a list of file patterns", Describe(node)));
                ok = false;
                return null;
            }

            var result = ImmutableArray.CreateBuilder<string>();
            foreach (var child in seq.Children.Cast<YamlScalarNode>())
            {
                if (!IsInsideFolder(child.Value!))
                {
                    diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, At(path, child), key,
                        "a pattern relative to the plugin folder (no '..', not absolute)", "'" + child.Value + "'"));
                    ok = false;
                    continue;
                }

                result.Add(child.Value!);
            }

            return result.ToImmutable();
        }

        var id = Scalar("id", true);
        if (id is not null && !DefinitionBinder.IsValidInstrumentId(id))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, locations["id"], "id",
                "lowercase letters, digits, '-' and '.'", "'" + id + "'"));
            ok = false;
        }

        var version = Scalar("version", true);
        if (version is not null && !DefinitionBinder.IsValidVersion(version))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, locations["version"], "version",
                "a semantic version such as 1.0.0", "'" + version + "'"));
            ok = false;
        }

        var sdkText = Scalar("sdk", true);
        VersionRange? sdk = null;
        if (sdkText is not null)
        {
            sdk = VersionRange.Parse(sdkText);
            if (sdk is null)
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.InvalidVersionRange, locations["sdk"], sdkText));
                ok = false;
            }
        }

        var assembly = Scalar("assembly", false);
        if (assembly is not null && !IsInsideFolder(assembly))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, locations["assembly"], "assembly",
                "a path relative to the plugin folder (no '..', not absolute)", "'" + assembly + "'"));
            ok = false;
        }

        var type = Scalar("type", false);
        var description = Scalar("description", false);
        var instruments = Globs("instruments");
        var templates = Globs("templates");
        if (!ok || id is null || version is null || sdk is null)
        {
            var instrumentListReadable = !values.ContainsKey("instruments") || instruments is not null;
            if (unloadedInstrumentFiles is not null && instrumentListReadable && !values.ContainsKey("assembly"))
            {
                foreach (var pattern in instruments ?? ["instruments/*.yaml"])
                {
                    unloadedInstrumentFiles.AddRange(Expand(directory, pattern));
                }
            }

            return null;
        }

        return new PluginManifest
        {
            Id = id,
            Version = version,
            Description = description,
            Sdk = sdk,
            Assembly = assembly,
            Type = type,
            Instruments = instruments ?? ["instruments/*.yaml"],
            Templates = templates ?? ["templates/*.scriban"],
            Directory = directory,
            Path = path,
            Locations = locations,
        };
    }

    /// <summary>Files of the plugin folder matching a pattern: a relative directory (may contain <c>**</c>) and a file wildcard.</summary>
    public static IReadOnlyList<string> Expand(string directory, string pattern) => Expand(directory, pattern, null);

    /// <summary>As <see cref="Expand(string, string)"/>; links to folders are not followed but added to <paramref name="skippedLinks"/>.</summary>
    public static IReadOnlyList<string> Expand(string directory, string pattern, ICollection<string>? skippedLinks)
    {
        var normalized = pattern.Replace('\\', '/');
        var slash = normalized.LastIndexOf('/');
        var dirPart = slash < 0 ? string.Empty : normalized[..slash];
        var filePart = slash < 0 ? normalized : normalized[(slash + 1)..];
        var recursive = dirPart.EndsWith("**", StringComparison.Ordinal);
        if (recursive)
        {
            dirPart = dirPart[..^2].TrimEnd('/');
        }

        var root = System.IO.Path.Combine(directory, dirPart);
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return PluginSearchPath.EnumerateFiles(root, filePart, recursive, skippedLinks);
    }

    internal static bool IsInsideFolder(string relative) =>
        !System.IO.Path.IsPathRooted(relative) && !relative.Replace('\\', '/').Split('/').Contains("..");

    private static Location At(string path, YamlNode node) =>
        YamlDocumentReader.Span(path, node.Start, node.End);

    private static string Describe(YamlNode node) => YamlDefinitionReader.Describe(node);
}
