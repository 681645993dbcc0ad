using Instruments.Reports;

namespace Instruments.Cli;

/// <summary>
/// Finds the report template for an instrument. The one place that decides where plugin templates live; the plugin
/// system will re-wire it to the manifest's <c>templates:</c> globs. Today a plugin's templates are the files of the
/// <c>templates/</c> folder next to the <c>instruments/</c> folder that holds the instrument's YAML file
/// (<c>plugins/&lt;plugin&gt;/templates/*.scriban</c>); for a YAML file outside an <c>instruments/</c> folder, the
/// <c>templates/</c> folder beside the file.
/// <list type="bullet">
/// <item>No <c>--template</c>: <c>templates/&lt;instrument-id&gt;.&lt;md|html&gt;.scriban</c> when it exists, else the built-in default.</item>
/// <item><c>--template default</c>: the built-in default.</item>
/// <item><c>--template NAME</c>: <c>templates/NAME.&lt;md|html&gt;.scriban</c> or <c>templates/NAME.scriban</c> of the instrument's plugin.</item>
/// <item><c>--template PATH</c> (contains a path separator or ends with <c>.scriban</c>): that file; its includes resolve in its folder.</item>
/// </list>
/// </summary>
internal static class TemplateCatalog
{
    public const string BuiltInName = "default";

    /// <summary>The plugin's template folder for an instrument loaded from <paramref name="instrumentPath"/>, or null when there is none.</summary>
    public static string? TemplateFolder(string? instrumentPath)
    {
        if (string.IsNullOrEmpty(instrumentPath))
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(instrumentPath));
        if (dir is null)
        {
            return null;
        }

        var pluginDir = string.Equals(Path.GetFileName(dir), "instruments", StringComparison.Ordinal) ? Path.GetDirectoryName(dir) ?? dir : dir;
        var folder = Path.Combine(pluginDir, "templates");
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>True when a <c>--template</c> value names a file rather than a template of the plugin.</summary>
    public static bool LooksLikePath(string value) =>
        value.Contains('/', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal)
        || value.EndsWith(".scriban", StringComparison.OrdinalIgnoreCase);

    /// <summary>Resolves and parses (cached by the renderer) the template to use; user mistakes throw <see cref="CliException"/>.</summary>
    public static ReportTemplate Resolve(ReportRenderer renderer, string instrumentId, string? instrumentPath, string? template, ReportFormat format,
        IReadOnlyList<Hosting.TemplateRegistration>? registered = null)
    {
        var folder = TemplateFolder(instrumentPath);
        var ext = format.Extension();

        // Templates the instrument's plugin registered (manifest patterns or RegisterTemplate), by name.
        var wanted = template is null ? instrumentId + "." + ext : template == BuiltInName || LooksLikePath(template) ? null : template;
        if (wanted is not null && registered is not null)
        {
            var match = registered.FirstOrDefault(t => t.Name == wanted || t.Name == wanted + "." + ext);
            if (match is not null)
            {
                return renderer.Load(match.Path, format);
            }
        }

        if (template is null)
        {
            var own = folder is null ? null : Path.Combine(folder, instrumentId + "." + ext + ".scriban");
            return own is not null && File.Exists(own) ? renderer.Load(own, format) : renderer.GetBuiltIn(format);
        }

        if (template == BuiltInName)
        {
            return renderer.GetBuiltIn(format);
        }

        if (LooksLikePath(template))
        {
            if (Directory.Exists(template))
            {
                throw new CliException($"template '{template}' is a folder; give a .scriban file");
            }

            if (!File.Exists(template))
            {
                throw new CliException($"template file '{template}' does not exist");
            }

            return renderer.Load(template, format);
        }

        if (folder is not null)
        {
            foreach (var candidate in new[] { template + "." + ext + ".scriban", template + ".scriban" })
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path))
                {
                    return renderer.Load(path, format);
                }
            }
        }

        var available = folder is null
            ? "the instrument's plugin has no templates folder"
            : "available: " + string.Join(", ", Directory.EnumerateFiles(folder, "*." + ext + ".scriban")
                .Select(f => Path.GetFileName(f)[..^(ext.Length + ".scriban".Length + 1)])
                .Order(StringComparer.Ordinal)
                .Prepend(BuiltInName));
        throw new CliException($"unknown {ext} template '{template}' for '{instrumentId}' ({available}; or give the path of a .scriban file)");
    }
}
