using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Instruments.Reports.Rendering;

/// <summary>
/// Resolves <c>include 'name'</c> inside one template folder only. Refuses empty names, absolute or rooted
/// paths, drive letters, <c>..</c> segments and anything that resolves outside the folder; symbolic links inside
/// the folder are not followed. <c>include 'header'</c> finds <c>header</c> or <c>header.scriban</c>. Without a folder every include
/// is refused.
/// </summary>
internal sealed class FolderTemplateLoader(string? folder, string shownFolder) : ITemplateLoader
{
    private readonly string? _root = folder is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
    {
        var name = templateName ?? string.Empty;
        if (_root is null)
        {
            throw Refused(callerSpan, name, "this template has no template folder (only plugin templates can include others)");
        }

        if (name.Length == 0)
        {
            throw Refused(callerSpan, name, "the name is empty");
        }

        if (Path.IsPathRooted(name) || name.StartsWith('/') || name.StartsWith('\\') || name.Contains(':', StringComparison.Ordinal))
        {
            throw Refused(callerSpan, name, "absolute paths are not allowed; name a file inside the template folder");
        }

        var segments = name.Split('/', '\\');
        if (segments.Any(s => s is ".." or "." || s.Length == 0))
        {
            throw Refused(callerSpan, name, "'..', '.' and empty path segments are not allowed; name a file inside the template folder");
        }

        if (name.Any(c => char.IsControl(c)))
        {
            throw Refused(callerSpan, name, "the name contains control characters");
        }

        foreach (var candidate in new[] { name, name + ".scriban" })
        {
            var full = Path.GetFullPath(Path.Combine(_root, candidate));
            if (!IsInside(full))
            {
                throw Refused(callerSpan, name, "it resolves outside the template folder");
            }

            if (File.Exists(full))
            {
                if (HasLink(full))
                {
                    throw Refused(callerSpan, name, "symbolic links are not followed inside a template folder");
                }

                return full;
            }
        }

        throw new ReportTemplateException(callerSpan, ReportDiagnostics.IncludeNotFound, name, shownFolder);
    }

    public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        // Not used: SafeTemplateContext.CreateTemplate reads, size-checks and caches include files itself.
        File.ReadAllText(templatePath);

    public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        ValueTask.FromResult<string?>(Load(context, callerSpan, templatePath));

    private bool IsInside(string full) =>
        _root is not null && full.StartsWith(_root + Path.DirectorySeparatorChar, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>True when the file, or a folder between the template folder and it, is a symbolic link.</summary>
    private bool HasLink(string full)
    {
        for (var path = full; path.Length > _root!.Length; path = Path.GetDirectoryName(path)!)
        {
            FileSystemInfo info = path == full ? new FileInfo(path) : new DirectoryInfo(path);
            if (info.LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static ReportTemplateException Refused(SourceSpan span, string name, string why) =>
        new(span, ReportDiagnostics.IncludeRefused, name, why);
}
