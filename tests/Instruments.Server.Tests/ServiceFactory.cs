using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Instruments.Server.Tests;

/// <summary>The service in process, with the built-in plugins of its build output and settings a test may change.</summary>
public sealed class ServiceFactory : WebApplicationFactory<Program>
{
    private readonly IDictionary<string, string?>? _settings;

    public ServiceFactory()
    {
    }

    internal ServiceFactory(IDictionary<string, string?> settings) => _settings = settings;

    /// <summary>
    /// A client that streams request bodies: the default one follows redirects, and to resend a body after a redirect it
    /// reads the whole body into memory first (an endless body would never be sent).
    /// </summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>What the service logged.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(Logs))
            .AddFilter<QueueLoggerProvider>("Instruments.Server", LogLevel.Debug));
        builder.UseSetting("Instruments:BuiltInFolder", Paths.ServerPlugins);
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Keeps every log message in a queue the test reads.</summary>
internal sealed class QueueLoggerProvider(ConcurrentQueue<string> queue) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new QueueLogger(queue);

    public void Dispose()
    {
    }

    private sealed class QueueLogger(ConcurrentQueue<string> queue) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            queue.Enqueue(formatter(state, exception));
    }
}

/// <summary>Where things are: the repository, the built console host, the service's plugins folder.</summary>
public static class Paths
{
    private static readonly Assembly Self = typeof(Paths).Assembly;

    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string CliDll { get; } = Metadata("CliDll");

    public static string ServerPlugins { get; } = Metadata("ServerPlugins");

    public static string Sample(string name) => Path.Combine(RepoRoot, "samples", name);

    private static string Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Runs the console host, <c>dotnet instruments.dll ...</c>, and returns its standard output as bytes.</summary>
public static class ConsoleHost
{
    public static async Task<byte[]> RunAsync(params string[] args) => (await RunWithErrorsAsync(args)).Stdout;

    /// <summary>As <see cref="RunAsync"/>, with what the console host wrote to standard error.</summary>
    public static async Task<(byte[] Stdout, string Stderr)> RunWithErrorsAsync(params string[] args)
    {
        Assert.True(File.Exists(Paths.CliDll), $"The console host was not built: {Paths.CliDll}");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Paths.RepoRoot,
        };
        psi.ArgumentList.Add(Paths.CliDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("INSTRUMENTS_PLUGINS");
        using var process = Process.Start(psi)!;
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        await copy;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode is 0 or 1, $"instruments {string.Join(' ', args)}: exit {process.ExitCode}\n{await stderr}");
        return (stdout.ToArray(), await stderr);
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
