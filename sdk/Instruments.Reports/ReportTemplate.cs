using System.Collections.Immutable;
using Instruments.Diagnostics;
using Scriban;

namespace Instruments.Reports;

/// <summary>
/// A parsed report template: parsed once (see <see cref="ReportRenderer"/>), rendered many times. When the text
/// does not parse, <see cref="Diagnostics"/> holds TPL4001 errors with file, line and column, and
/// <see cref="HasErrors"/> is true. Immutable and thread-safe.
/// </summary>
public sealed class ReportTemplate
{
    internal ReportTemplate(string path, ReportFormat format, string? includeFolder, Template? parsed, ImmutableArray<Diagnostic> diagnostics)
    {
        Path = path;
        Format = format;
        IncludeFolder = includeFolder;
        Parsed = parsed;
        Diagnostics = diagnostics;
    }

    /// <summary>The template's path as given (used in diagnostics), or <c>builtin:default.md.scriban</c>, <c>builtin:course.html.scriban</c> ... for a built-in one.</summary>
    public string Path { get; }

    /// <summary>The format the template produces, which decides how values are escaped.</summary>
    public ReportFormat Format { get; }

    /// <summary>The folder its includes are resolved in, or null when it may include nothing.</summary>
    public string? IncludeFolder { get; }

    /// <summary>True when this is one of the built-in default templates.</summary>
    public bool IsBuiltIn => Path.StartsWith(ReportRenderer.BuiltInPrefix, StringComparison.Ordinal);

    /// <summary>Parse errors and warnings (TPL4001, TPL4010).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when the template cannot be rendered.</summary>
    public bool HasErrors => Parsed is null || Diagnostics.Any(d => d.IsError);

    internal Template? Parsed { get; }

    /// <summary>The include folder as the user gave it (for diagnostics).</summary>
    internal string? ShownIncludeFolder { get; init; }

    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>The outcome of one render: the report text, or the diagnostics that stopped it.</summary>
public sealed class ReportRendering
{
    internal ReportRendering(string? text, ImmutableArray<Diagnostic> diagnostics)
    {
        Text = text;
        Diagnostics = diagnostics;
    }

    /// <summary>The rendered report, or null when rendering failed.</summary>
    public string? Text { get; }

    /// <summary>Why rendering failed (TPL4xxx), empty on success.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when <see cref="Text"/> holds the whole report.</summary>
    public bool Succeeded => Text is not null;
}
