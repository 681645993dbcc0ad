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
}
