using System.Collections.Immutable;

namespace Instruments.Hosting;

/// <summary>What a folder on the plugin search path holds, and so how it is loaded.</summary>
public enum PluginFolderKind
{
    /// <summary>The folder does not exist (PLG3021).</summary>
    Missing = 0,

    /// <summary>One plugin: the folder has a <c>plugin.yaml</c>.</summary>
    Plugin,

    /// <summary>A folder of plugins: at least one subfolder has a <c>plugin.yaml</c>.</summary>
    PluginCollection,

    /// <summary>Loose instrument files: its own <c>*.yaml</c> files and those of its <c>instruments/</c> folder.</summary>
    InstrumentFiles,
}

/// <summary>
/// The plugin search path: the <c>INSTRUMENTS_PLUGINS</c> environment variable's syntax and the kinds of folder on it.
/// </summary>
public static class PluginSearchPath
{
    /// <summary>The environment variable that lists extra plugin folders, separated by <see cref="Path.PathSeparator"/>.</summary>
    public const string EnvironmentVariable = "INSTRUMENTS_PLUGINS";

    /// <summary>
    /// The folders of a search-path value (the environment variable's syntax): split at <see cref="Path.PathSeparator"/>
    /// (<c>:</c> on Unix, <c>;</c> on Windows), each entry trimmed, empty entries dropped. Null or blank: none.
    /// </summary>
    public static ImmutableArray<string> Parse(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : [.. value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>What <paramref name="folder"/> holds (a plugin manifest wins over loose files).</summary>
    public static PluginFolderKind Classify(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            return PluginFolderKind.Missing;
        }

        if (File.Exists(Path.Combine(folder, PluginManifest.FileName)))
        {
            return PluginFolderKind.Plugin;
        }

        return Directory.EnumerateDirectories(folder).Any(d => File.Exists(Path.Combine(d, PluginManifest.FileName)))
            ? PluginFolderKind.PluginCollection
            : PluginFolderKind.InstrumentFiles;
    }

    /// <summary>The loose instrument files of an <see cref="PluginFolderKind.InstrumentFiles"/> folder, in ordinal order of their paths.</summary>
    public static ImmutableArray<string> InstrumentFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var loose = Directory.EnumerateFiles(folder, "*.yaml", SearchOption.TopDirectoryOnly);
        var own = Path.Combine(folder, "instruments");
        if (Directory.Exists(own))
        {
            loose = loose.Concat(Directory.EnumerateFiles(own, "*.yaml", SearchOption.TopDirectoryOnly));
        }

        return [.. loose.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The files of <paramref name="folder"/> whose names match <paramref name="searchPattern"/> (<c>*</c> and <c>?</c>),
    /// and with <paramref name="recursive"/> those of its subfolders, in ordinal order. A link to a folder below
    /// <paramref name="folder"/> is never followed (it could lead back up, into a loop): it is added to
    /// <paramref name="skippedLinks"/> instead. Links to files are listed like files.
    /// </summary>
    /// <param name="folder">The folder to search (followed even when it is itself a link).</param>
    /// <param name="searchPattern">A file name pattern such as <c>*.yaml</c>.</param>
    /// <param name="recursive">Whether to search subfolders.</param>
    /// <param name="skippedLinks">Receives the links to folders that were not followed; may be null.</param>
    public static ImmutableArray<string> EnumerateFiles(string folder, string searchPattern, bool recursive, ICollection<string>? skippedLinks = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(searchPattern);
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            files.AddRange(Directory.EnumerateFiles(directory, searchPattern, SearchOption.TopDirectoryOnly));
            if (!recursive)
            {
                continue;
            }

            foreach (var sub in Directory.EnumerateDirectories(directory))
            {
                if (new DirectoryInfo(sub).LinkTarget is not null)
                {
                    skippedLinks?.Add(sub);
                }
                else
                {
                    pending.Push(sub);
                }
            }
        }

        return [.. files.Order(StringComparer.Ordinal)];
    }
}
