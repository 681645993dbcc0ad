namespace Instruments.Reports;

/// <summary>The kind of document a template produces; it decides how values from the model are escaped.</summary>
public enum ReportFormat
{
    /// <summary>Markdown (<c>.md</c>): values are escaped so that they cannot become Markdown links, code, table cells or HTML.</summary>
    Markdown,

    /// <summary>HTML (<c>.html</c>): every value is HTML-escaped, so that it is text in element content and in quoted attributes.</summary>
    Html,
}

/// <summary>File-name conventions of <see cref="ReportFormat"/>.</summary>
public static class ReportFormats
{
    /// <summary>The file extension without a dot: <c>md</c> or <c>html</c>.</summary>
    public static string Extension(this ReportFormat format) => format == ReportFormat.Html ? "html" : "md";

    /// <summary>Parses <c>md</c>, <c>markdown</c>, <c>html</c> or <c>htm</c> (case-insensitive); null otherwise.</summary>
    public static ReportFormat? Parse(string? text) => text?.ToLowerInvariant() switch
    {
        "md" or "markdown" => ReportFormat.Markdown,
        "html" or "htm" => ReportFormat.Html,
        _ => null,
    };

    /// <summary>
    /// The format a template file produces, from its name: <c>x.html.scriban</c> is HTML, <c>x.md.scriban</c> is
    /// Markdown; null when the name does not say.
    /// </summary>
    public static ReportFormat? FromTemplateFileName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        if (name.EndsWith(".scriban", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^".scriban".Length];
        }

        return Parse(Path.GetExtension(name).TrimStart('.'));
    }
}
