using Instruments.Diagnostics;
using Instruments.Hosting;
using Microsoft.Extensions.Options;

namespace Instruments.Server;

/// <summary>
/// The one instrument library of the service, loaded once in the background at start-up (readiness waits for it) and
/// shared by every request: compiled plans are immutable, so nothing per request is kept. The library is resolved as
/// the console host resolves it: the built-in plugins folder, then <see cref="ServerOptions.Plugins"/> (the console
/// host's <c>--plugins</c>), then the folders of <c>INSTRUMENTS_PLUGINS</c>.
/// </summary>
public sealed class LibraryProvider
{
    private readonly Lazy<Task<InstrumentLibrary>> _load;

    /// <summary>Creates the provider; nothing is loaded until <see cref="Start"/> or the first request.</summary>
    /// <param name="options">The service's settings.</param>
    /// <param name="logger">Where load problems are logged.</param>
    public LibraryProvider(IOptions<ServerOptions> options, ILogger<LibraryProvider> logger)
    {
        var o = options.Value;
        var libraryOptions = new InstrumentLibraryOptions
        {
            BuiltInFolder = o.BuiltInFolder ?? Path.Combine(AppContext.BaseDirectory, "plugins"),
            PluginFolders = [.. o.Plugins],
            SearchPath = Environment.GetEnvironmentVariable(PluginSearchPath.EnvironmentVariable),
        };
        _load = new(() => Task.Run(() => Load(libraryOptions, logger)));
    }

    /// <summary>The library, once loaded.</summary>
    public Task<InstrumentLibrary> Library => _load.Value;

    /// <summary>True once the library has loaded.</summary>
    public bool IsReady => _load.IsValueCreated && _load.Value.IsCompletedSuccessfully;

    /// <summary>Starts loading (idempotent).</summary>
    public void Start() => _ = _load.Value;

    private static InstrumentLibrary Load(InstrumentLibraryOptions options, ILogger logger)
    {
        var library = InstrumentLibrary.Load(options);
        if (library.SearchPathDiagnostics.FirstOrDefault(d => d.Id == PluginDiagnostics.PathNotFound.Id) is { } missing)
        {
            // As the console host: a plugins folder that does not exist is a configuration error, not a warning.
            throw new InvalidOperationException($"{missing.Arguments[0]} '{missing.Arguments[1]}' does not exist");
        }

        foreach (var problem in library.Problems)
        {
            logger.LogWarning("{Kind} {Path}: {Id}: {Message}", problem.Kind, problem.Path, problem.First.Id, problem.First.Message);
        }

        logger.LogInformation("Loaded {Instruments} instruments and {Protocols} protocols", library.Host.Instruments.Length, library.Host.Protocols.Length);
        return library;
    }
}

/// <summary>Starts loading the library when the service starts, and stops the service if it cannot load.</summary>
internal sealed class LibraryLoader(LibraryProvider provider, IHostApplicationLifetime lifetime, ILogger<LibraryLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            provider.Start();
            await provider.Library.ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            logger.LogCritical("The instrument library did not load: {Message}", e.Message);
            Environment.ExitCode = 2;
            lifetime.StopApplication();
        }
    }
}
