using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json;
using Instruments.Plugins;
using McMaster.NETCore.Plugins;
using McMaster.NETCore.Plugins.Loader;

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
/// The default loader: one McMaster load context per plugin assembly, with the SDK contract as the only shared
/// type, so two plugins can depend on different versions of the same package.
/// </summary>
/// <remarks>
/// The context is the one McMaster's <c>PluginLoader.CreateFromAssemblyFile(path, sharedTypes: [InstrumentPlugin],
/// PreferSharedTypes = true)</c> builds: the same <see cref="AssemblyLoadContextBuilder"/> calls, the same probing paths
/// from the plugin's and the host's <c>runtimeconfig.json</c> and <c>runtimeconfig.dev.json</c>. Only the reading of
/// those files differs: McMaster deserialises them with <see cref="JsonSerializer"/> (reflection, since the host
/// generates no code at run time) and finds the process's path through <c>Process.MainModule</c>, together about 20 ms
/// of every start-up; here they are read with <see cref="JsonDocument"/> and <see cref="Environment.ProcessPath"/>.
/// </remarks>
public sealed class IsolatedPluginAssemblyLoader : IPluginAssemblyLoader
{
    /// <inheritdoc />
    public Assembly Load(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assemblyPath);
        var path = Path.GetFullPath(assemblyPath);
        return CreateBuilder(path).Build().LoadFromAssemblyPath(path);
    }

    /// <summary>The builder of the load context for the plugin at <paramref name="path"/> (a full path).</summary>
    internal static AssemblyLoadContextBuilder CreateBuilder(string path)
    {
        var builder = new AssemblyLoadContextBuilder();
        builder.SetMainAssemblyPath(path);
        builder.SetDefaultContext(AssemblyLoadContext.GetLoadContext(typeof(PluginLoader).Assembly) ?? AssemblyLoadContext.Default);
        builder.PreferDefaultLoadContext(true);
        builder.IsLazyLoaded(false);
        builder.PreferDefaultLoadContextAssembly(typeof(InstrumentPlugin).Assembly.GetName());
        var directory = Path.GetDirectoryName(path)
            ?? throw new InvalidOperationException($"'{path}' has no directory: a plugin assembly needs a full path");
        AddProbingPaths(builder, Path.Combine(directory, Path.GetFileNameWithoutExtension(path) + ".runtimeconfig.json"), Environment.ProcessPath);
        foreach (var hostConfig in Directory.GetFiles(AppContext.BaseDirectory, "*.runtimeconfig.json"))
        {
            AddProbingPaths(builder, hostConfig, Environment.ProcessPath);
        }

        return builder;
    }

    /// <summary>
    /// Adds the <c>additionalProbingPaths</c> of a runtime configuration file and of its <c>.dev.json</c> companion
    /// (<c>|arch|</c> and <c>|tfm|</c> replaced), and, when the process is <c>dotnet</c> and a target framework is
    /// named, the runtime store for it. A file that is missing or is not such a configuration adds nothing; a path
    /// the builder refuses (a relative one) ends the file's paths, as with McMaster.
    /// </summary>
    internal static void AddProbingPaths(AssemblyLoadContextBuilder builder, string configPath, string? processPath)
    {
        try
        {
            if (!TryReadConfig(configPath, out var options))
            {
                return;
            }

            var devPath = configPath[..^".json".Length] + ".dev.json";
            var hasDev = TryReadConfig(devPath, out var devOptions);
            var tfm = options?.Tfm ?? (hasDev ? devOptions?.Tfm : null);
            Add(builder, options, tfm);
            Add(builder, hasDev ? devOptions : null, tfm);
            if (tfm is not null && processPath is not null
                && string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase)
                && Path.GetDirectoryName(processPath) is { } dotnetHome)
            {
                builder.AddProbingPath(Path.Combine(dotnetHome, "store", Architecture, tfm));
            }
        }
        catch (ArgumentException)
        {
            // A relative or empty probing path (the builder refuses it) or a null one: the file's later paths are not added.
        }

        static void Add(AssemblyLoadContextBuilder builder, ProbingOptions? options, string? tfm)
        {
            foreach (var item in options?.Paths ?? [])
            {
                if (item is null)
                {
                    // As with McMaster: a null entry ends the file's paths.
                    throw new ArgumentException("a null probing path");
                }

                var probe = item.Replace("|arch|", Architecture, StringComparison.Ordinal);
                if (probe.Contains("|tfm|", StringComparison.Ordinal))
                {
                    if (tfm is null)
                    {
                        continue;
                    }

                    probe = probe.Replace("|tfm|", tfm, StringComparison.Ordinal);
                }

                builder.AddProbingPath(probe);
            }
        }
    }

    private static string Architecture => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The part of a runtime configuration file that matters here: <c>runtimeOptions.tfm</c> and <c>.additionalProbingPaths</c>.</summary>
    internal sealed record ProbingOptions(string? Tfm, IReadOnlyList<string?>? Paths);

    /// <summary>
    /// Reads <paramref name="path"/> as a runtime configuration: false when it cannot be read or is not one (not JSON,
    /// or a member of the wrong type); <paramref name="options"/> is null when it has no <c>runtimeOptions</c>.
    /// Property names match exactly (camel case), a later duplicate replaces an earlier one, and JSON comments or
    /// trailing commas make the file unreadable, as <see cref="JsonSerializer"/> with its defaults decides.
    /// </summary>
    internal static bool TryReadConfig(string path, out ProbingOptions? options)
    {
        options = null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                // null (no configuration) or not an object (not one).
                return false;
            }

            foreach (var member in root.EnumerateObject())
            {
                if (member.NameEquals("runtimeOptions"))
                {
                    // Each occurrence must be well typed; the last one counts.
                    if (!TryReadOptions(member.Value, out options))
                    {
                        options = null;
                        return false;
                    }
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    private static bool TryReadOptions(JsonElement value, out ProbingOptions? options)
    {
        options = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? tfm = null;
        List<string?>? paths = null;
        foreach (var member in value.EnumerateObject())
        {
            if (member.NameEquals("tfm"))
            {
                switch (member.Value.ValueKind)
                {
                    case JsonValueKind.String: tfm = member.Value.GetString(); break;
                    case JsonValueKind.Null: tfm = null; break;
                    default: return false;
                }
            }
            else if (member.NameEquals("additionalProbingPaths"))
            {
                switch (member.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        paths = null;
                        break;
                    case JsonValueKind.Array:
                        paths = [];
                        foreach (var element in member.Value.EnumerateArray())
                        {
                            switch (element.ValueKind)
                            {
                                case JsonValueKind.String: paths.Add(element.GetString()); break;
                                case JsonValueKind.Null: paths.Add(null); break;
                                default: return false;
                            }
                        }

                        break;
                    default:
                        return false;
                }
            }
        }

        options = new ProbingOptions(tfm, paths);
        return true;
    }
}
