using System.Reflection;
using Instruments.Plugins;
using McMaster.NETCore.Plugins;

namespace Instruments.Hosting;

/// <summary>
/// Loads a compiled plugin's main assembly in isolation. The one seam between the host and the loading library
/// (McMaster.NETCore.Plugins, in maintenance mode), so that it could be swapped.
/// </summary>
public interface IPluginAssemblyLoader
{
    /// <summary>
    /// Loads <paramref name="assemblyPath"/> in its own load context, sharing only the SDK contract
    /// (<c>Instruments.Sdk</c>) with the host. Throws when the assembly cannot be loaded.
    /// </summary>
    Assembly Load(string assemblyPath);
}

/// <summary>
/// The default loader: one McMaster <c>PluginLoader</c> per plugin assembly, with the SDK contract as the only shared
/// type, so two plugins can depend on different versions of the same package.
/// </summary>
public sealed class IsolatedPluginAssemblyLoader : IPluginAssemblyLoader
{
    /// <inheritdoc />
    public Assembly Load(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assemblyPath);
        var loader = PluginLoader.CreateFromAssemblyFile(
            Path.GetFullPath(assemblyPath),
            sharedTypes: [typeof(InstrumentPlugin)],
            configure: config => config.PreferSharedTypes = true);
        return loader.LoadDefaultAssembly();
    }
}
