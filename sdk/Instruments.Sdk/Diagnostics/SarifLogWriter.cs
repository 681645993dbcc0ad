using System.Text.Json;

namespace Instruments.Diagnostics;

/// <summary>What a SARIF log says about the tool that produced it, and where relative help links point.</summary>
public sealed class SarifOptions
{
    /// <summary>The default options: tool <c>instruments</c>, no version, no help base.</summary>
    public static SarifOptions Default { get; } = new();

    /// <summary>The tool's name (<c>runs[0].tool.driver.name</c>).</summary>
    /// <value>Defaults to <c>instruments</c>.</value>
    public string ToolName { get; init; } = "instruments";

    /// <summary>The tool's version (<c>runs[0].tool.driver.version</c>); left out when null.</summary>
    /// <value>Defaults to null.</value>
    public string? ToolVersion { get; init; }

    /// <summary>
    /// An absolute URI that the engine's relative help links (<c>docs/diagnostics.md#ins1010</c>) are resolved
    /// against, for example the repository's address at a release tag. Without it, a rule whose help link is relative
    /// has no <c>helpUri</c> (SARIF requires an absolute one). A plugin's relative help link is never resolved against
    /// it: the engine's documentation does not describe a plugin's diagnostics.
    /// </summary>
    /// <value>Defaults to null.</value>
    public Uri? HelpBaseUri
    {
        get;
        init
        {
            if (value is not null && !value.IsAbsoluteUri)
            {
                throw new ArgumentException("The help base must be an absolute URI.", nameof(value));
            }

            field = value;
        }
    }
}

/// <summary>
/// Writes diagnostics as a SARIF 2.1.0 log (one run; one rule per descriptor, ordered by ID; one result per
/// diagnostic), for CI systems and code-scanning tools.
/// </summary>
/// <remarks>
/// A rule's <c>helpUri</c> is the descriptor's help link when that is an absolute URI (a plugin's own documentation
/// page is kept as given); an engine descriptor's relative link is resolved against
/// <see cref="SarifOptions.HelpBaseUri"/>, or else left out and named in the rule's <c>help</c> text. A relative
/// <c>helpUri</c> would make the log invalid. Artifact locations are relative URIs for relative paths and
/// <c>file:</c> URIs for absolute ones.
/// </remarks>
public static class SarifLogWriter
{
    /// <summary>The JSON schema of SARIF 2.1.0 (errata 01), written as the log's <c>$schema</c>.</summary>
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    /// <summary>Writes the SARIF log of <paramref name="diagnostics"/>.</summary>
    public static void Write(Utf8JsonWriter writer, IEnumerable<Diagnostic> diagnostics, SarifOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(diagnostics);
        options ??= SarifOptions.Default;
        var list = diagnostics.ToList();
        var rules = list.Select(d => d.Descriptor).DistinctBy(d => d.Id).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        writer.WriteStartObject();
        writer.WriteString("$schema", SchemaUri);
        writer.WriteString("version", "2.1.0");
        writer.WriteStartArray("runs");
        writer.WriteStartObject();
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", options.ToolName);
        if (options.ToolVersion is not null)
        {
            writer.WriteString("version", options.ToolVersion);
        }

        writer.WriteStartArray("rules");
        foreach (var r in rules)
        {
            WriteRule(writer, r, options);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("results");
        foreach (var d in list)
        {
            WriteResult(writer, d, ruleIndex[d.Id]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The SARIF log as a string, written with <see cref="DiagnosticWriters.JsonOptions"/>.</summary>
    public static string ToJson(IEnumerable<Diagnostic> diagnostics, SarifOptions? options = null) =>
        DiagnosticWriters.Write(w => Write(w, diagnostics, options));

    /// <summary>
    /// The absolute help URI of a rule, or null when there is none: the help link itself when it is absolute, an
    /// engine link resolved against <paramref name="helpBase"/>, otherwise null.
    /// </summary>
    public static Uri? HelpUri(DiagnosticDescriptor descriptor, Uri? helpBase = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var link = descriptor.HelpLink;
        if (IsAbsolute(link, out var absolute))
        {
            return absolute;
        }

        return helpBase is { IsAbsoluteUri: true } && DiagnosticIdRanges.IsReserved(descriptor.Id) && Uri.TryCreate(helpBase, link, out var resolved)
            ? resolved
            : null;
    }

    /// <summary>A relative path as a relative URI (forward slashes, escaped segments); an absolute path as a <c>file:</c> URI.</summary>
    public static string ToArtifactUri(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.IsPathRooted(path))
        {
            return new Uri(Path.GetFullPath(path)).AbsoluteUri;
        }

        return string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
    }

    private static void WriteRule(Utf8JsonWriter w, DiagnosticDescriptor r, SarifOptions options)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("name", ToPascal(r.Title));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", r.Title);
        w.WriteEndObject();
        if (HelpUri(r, options.HelpBaseUri) is { } help)
        {
            w.WriteString("helpUri", help.AbsoluteUri);
        }
        else if (DiagnosticIdRanges.IsReserved(r.Id))
        {
            // No address to point at, but the engine's documentation still explains it.
            w.WriteStartObject("help");
            w.WriteString("text", $"See {r.HelpLink} in the Instruments documentation.");
            w.WriteEndObject();
        }

        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(r.DefaultSeverity));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, Diagnostic d, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", d.Id);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", Level(d.Severity));
        w.WriteStartObject("message");
        w.WriteString("text", d.Message);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        var l = d.Location;
        if (l.HasPath)
        {
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", ToArtifactUri(l.Path));
            w.WriteEndObject();
            if (l.HasPosition)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", l.Line);
                w.WriteNumber("startColumn", l.Column);
                if ((l.EndLine >= l.Line && l.EndColumn > l.Column) || l.EndLine > l.Line)
                {
                    w.WriteNumber("endLine", l.EndLine);
                    w.WriteNumber("endColumn", l.EndColumn);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>True for a link that is an absolute URI as written (a rooted path such as <c>/docs/x</c> is not one).</summary>
    private static bool IsAbsolute(string link, out Uri? uri)
    {
        uri = null;
        if (!Uri.TryCreate(link, UriKind.Absolute, out var parsed) || !link.StartsWith(parsed.Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    private static string Level(DiagnosticSeverity s) => s switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    private static string ToPascal(string title) =>
        string.Concat(title.Split([' ', '-', '\''], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
