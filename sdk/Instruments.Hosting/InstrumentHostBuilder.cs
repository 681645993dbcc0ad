using System.Collections.Immutable;
using System.Reflection;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Plugins;
using Instruments.Scoring;
using Instruments.Threading;

namespace Instruments.Hosting;

/// <summary>
/// Builds an <see cref="InstrumentHost"/>: add plugin folders, plugin objects, instrument files and instrument texts,
/// then <see cref="Build"/>. Every problem (a broken manifest, a plugin that fails to load or throws, an incompatible SDK version, a duplicate
/// instrument id) becomes a diagnostic naming the plugin and the cause, and the host goes on with the others.
/// </summary>
/// <example>
/// <code>
/// var host = new InstrumentHostBuilder().AddPluginsFrom("plugins").AddPluginFolder("/opt/my-plugin").Build();
/// foreach (var d in host.Diagnostics) Console.Error.WriteLine(d);
/// var plan = host.Find("phq-9")!.Plan;
///
/// // An application's own plugin and an instrument kept as text (in a database, a request):
/// var embedded = new InstrumentHostBuilder().AddPlugin(new MyPlugin(), "my-plugin").AddInstrument(InstrumentSource.FromText(yaml, "mood.yaml")).Build();
/// </code>
/// </example>
public sealed class InstrumentHostBuilder
{
    // Plugin folders, plugin objects, loose instrument files and texts, in the order they were added: when two register
    // the same instrument id, the first added wins (PLG3013), whatever kind each is.
    private readonly List<Source> _sources = [];
    private DiagnosticOptions _options = DiagnosticOptions.Default;
    private string? _selection;
    private IPluginAssemblyLoader _loader = new IsolatedPluginAssemblyLoader();
    private TimeSpan _initializeTimeout = TimeoutFromEnvironment(Environment.GetEnvironmentVariable(PluginInitializeTimeoutVariable));

    /// <summary>
    /// The environment variable that sets the default of <see cref="WithPluginInitializeTimeout"/> for every host built
    /// in the process: a number of seconds (decimals allowed, greater than 0). Unset or invalid: <see cref="DefaultPluginInitializeTimeout"/>.
    /// </summary>
    public const string PluginInitializeTimeoutVariable = "INSTRUMENTS_PLUGIN_TIMEOUT";

    /// <summary>How long a compiled plugin's constructor, <c>SupportedDiagnostics</c> and <c>Initialize</c> may take together: 5 seconds.</summary>
    public static TimeSpan DefaultPluginInitializeTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Adds one plugin folder (a folder with a <c>plugin.yaml</c>).</summary>
    public InstrumentHostBuilder AddPluginFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _sources.Add(new FolderSource(path));
        return this;
    }

    /// <summary>
    /// Adds every plugin below <paramref name="directory"/>: the folder itself when it has a <c>plugin.yaml</c>,
    /// otherwise each subfolder that has one (in name order). A missing folder is a PLG3018 diagnostic at build.
    /// </summary>
    public InstrumentHostBuilder AddPluginsFrom(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (File.Exists(Path.Combine(directory, PluginManifest.FileName)) || !Directory.Exists(directory))
        {
            _sources.Add(new FolderSource(directory));
            return this;
        }

        foreach (var sub in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(sub, PluginManifest.FileName)))
            {
                _sources.Add(new FolderSource(sub));
            }
        }

        return this;
    }

    /// <summary>Adds a loose YAML instrument file (not part of a plugin); it loads in the order added, among the plugins.</summary>
    public InstrumentHostBuilder AddInstrumentFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _sources.Add(new FileSource(path));
        return this;
    }

    /// <summary>
    /// Adds an instrument from text (kept in a database, received in a request ...), compiled with the plugins'
    /// functions and checked by their analyzers like a loose file; it loads in the order added. Diagnostics name
    /// <see cref="InstrumentSource.Path"/>.
    /// </summary>
    /// <param name="source">The text and the path to report it under, e.g. <c>InstrumentSource.FromText(yaml, "mood.yaml")</c>.</param>
    public InstrumentHostBuilder AddInstrument(InstrumentSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(source.Path, nameof(source));
        ArgumentNullException.ThrowIfNull(source.Text, nameof(source));
        _sources.Add(new TextSource(source));
        return this;
    }

    /// <summary>
    /// Adds a plugin object of the application itself: no folder, manifest or assembly loading. Its
    /// <see cref="InstrumentPlugin.SupportedDiagnostics"/> and <see cref="InstrumentPlugin.Initialize"/> are used as a
    /// loaded plugin's are (functions, analyzers, response checks, instruments, templates; an undeclared or reserved
    /// diagnostic and an exception in <c>Initialize</c> are PLG diagnostics at build), in the order added.
    /// </summary>
    /// <param name="plugin">The plugin; initialized at every <see cref="Build"/>.</param>
    /// <param name="id">The plugin id, as a manifest would give it (lowercase letters, digits, '-' and '.').</param>
    /// <param name="version">The plugin version (a semantic version); the plugin assembly's version when null.</param>
    /// <param name="directory">
    /// The folder that files it registers (<see cref="PluginContext.RegisterInstrumentFile"/>,
    /// <see cref="PluginContext.RegisterTemplate"/>) are relative to; <see cref="AppContext.BaseDirectory"/> when null.
    /// </param>
    /// <exception cref="ArgumentException">The id or the version is not valid.</exception>
    public InstrumentHostBuilder AddPlugin(InstrumentPlugin plugin, string id, string? version = null, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (!DefinitionBinder.IsValidInstrumentId(id))
        {
            throw new ArgumentException($"'{id}' is not a plugin id: use lowercase letters, digits, '-' and '.'.", nameof(id));
        }

        version ??= plugin.GetType().Assembly.GetName().Version is { } v ? new Version(v.Major, v.Minor, Math.Max(v.Build, 0)).ToString(3) : "0.0.0";
        if (!DefinitionBinder.IsValidVersion(version))
        {
            throw new ArgumentException($"'{version}' is not a semantic version such as 1.0.0.", nameof(version));
        }

        _sources.Add(new PluginSource(plugin, id, version, Path.GetFullPath(directory ?? AppContext.BaseDirectory)));
        return this;
    }

    /// <summary>Sets severity overrides applied to every diagnostic.</summary>
    public InstrumentHostBuilder WithDiagnosticOptions(DiagnosticOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>
    /// Compiles only the definition files that <paramref name="name"/> may need: an instrument file whose id is the
    /// name (ignoring case) and the other form of its pair (its <c>counterpart</c>, or the instrument naming it as
    /// one), a protocol file whose id is the name together with the instruments it names, and every file whose id
    /// cannot be read without compiling it. Plugins, their functions, checks, analyzers, templates and
    /// C# definitions load as always. What is found is what a full build finds; a name that is not found needs a full
    /// build to list what there is (<see cref="InstrumentLibrary.Resolve"/> does that). Compiling every built-in
    /// file costs more start-up than scoring 100,000 rows.
    /// </summary>
    internal InstrumentHostBuilder SelectFor(string name)
    {
        _selection = name;
        return this;
    }

    /// <summary>Replaces the assembly loader (the default isolates each plugin in its own load context).</summary>
    public InstrumentHostBuilder WithAssemblyLoader(IPluginAssemblyLoader loader)
    {
        _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        return this;
    }

    /// <summary>
    /// Sets how long a compiled plugin's start-up (its constructor, <c>SupportedDiagnostics</c> and <c>Initialize</c>)
    /// may take. When it takes longer, the plugin is skipped with PLG3023 naming it, and the host goes on with the
    /// others. A thread cannot be stopped in .NET: the plugin's start-up keeps running on a background thread (which
    /// does not keep the process alive), and whatever it registers later is refused.
    /// </summary>
    /// <param name="timeout">Greater than zero, or <see cref="Timeout.InfiniteTimeSpan"/> to wait forever.</param>
    /// <value>By default <see cref="DefaultPluginInitializeTimeout"/>, or the <see cref="PluginInitializeTimeoutVariable"/> environment variable's value.</value>
    public InstrumentHostBuilder WithPluginInitializeTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be greater than zero (or infinite).");
        }

        _initializeTimeout = timeout;
        return this;
    }

    private static TimeSpan TimeoutFromEnvironment(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds > 0 && seconds <= int.MaxValue / 1000
            ? TimeSpan.FromSeconds(seconds)
            : DefaultPluginInitializeTimeout;

    /// <summary>Loads everything that was added. Never throws for a plugin's or a file's mistakes.</summary>
    public InstrumentHost Build()
    {
        var diagnostics = new List<Diagnostic>();
        var plugins = new List<LoadedPlugin>();
        var registrations = new List<Registration>();
        var seenPlugins = new Dictionary<string, string>(StringComparer.Ordinal);
        var checkOnly = new List<string>(); // instrument files of plugins whose manifest is unusable: checked, never loaded
        var manifests = ReadManifests();
        var parsing = StartParsing(manifests);
        for (var position = 0; position < _sources.Count; position++)
        {
            var source = _sources[position];
            if (source is FileSource file)
            {
                var loose = new Registration(string.Empty, "(file)", [], _ => false);
                loose.Files.Add(file.Path);
                registrations.Add(loose);
                continue;
            }

            if (source is TextSource text)
            {
                var loose = new Registration(string.Empty, "(text)", [], _ => false);
                loose.Texts.Add(text.Source);
                registrations.Add(loose);
                continue;
            }

            if (source is PluginSource inProcess)
            {
                if (seenPlugins.TryGetValue(inProcess.Id, out var firstOfId))
                {
                    diagnostics.Add(Diagnostic.Create(PluginDiagnostics.DuplicatePlugin, Location.None, inProcess.Id, firstOfId));
                    continue;
                }

                var type = inProcess.Plugin.GetType();
                seenPlugins[inProcess.Id] = type.FullName + " (in process)";
                if (LoadInProcess(inProcess, diagnostics) is { } added)
                {
                    registrations.Add(added);
                    var assemblyPath = type.Assembly.Location;
                    plugins.Add(new LoadedPlugin(inProcess.Id, inProcess.Version, null, inProcess.Directory, assemblyPath.Length > 0 ? assemblyPath : null));
                }

                continue;
            }

            var folder = ((FolderSource)source).Path;
            var (manifest, manifestDiagnostics, unloaded) = manifests[position]!.Value;
            diagnostics.AddRange(manifestDiagnostics);
            checkOnly.AddRange(unloaded);
            if (manifest is null)
            {
                continue;
            }

            if (seenPlugins.TryGetValue(manifest.Id, out var first))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.DuplicatePlugin, manifest.LocationOf("id"), manifest.Id, first));
                continue;
            }

            seenPlugins[manifest.Id] = folder;
            if (LoadPlugin(manifest, diagnostics) is { } registration)
            {
                registrations.Add(registration);
                plugins.Add(new LoadedPlugin(manifest.Id, manifest.Version, manifest.Description, manifest.Directory,
                    manifest.Assembly is null ? null : Path.Combine(manifest.Directory, manifest.Assembly)));
            }
        }

        var functions = BuildFunctions(registrations, diagnostics);
        var protocolSources = new List<(InstrumentSource Source, Registration Owner)>();
        var (definitions, compilations, bound) = CompileInstruments(registrations, functions, diagnostics, protocolSources, parsing?.Finish() ?? Parsed.None);
        foreach (var file in _selection is null ? checkOnly : [])
        {
            try
            {
                var source = InstrumentSource.FromFile(file);
                if (!ProtocolCompiler.IsProtocol(source.Text))
                {
                    // A protocol is checked against loaded instruments, and this plugin's are not loaded: nothing to check it with.
                    diagnostics.AddRange(InstrumentCompiler.Compile([source], _options, functions).Diagnostics);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The file is unreadable; the manifest's own errors already say the plugin was not loaded.
            }
        }

        RunAnalyzers(registrations, definitions, compilations, diagnostics);

        var instruments = ImmutableArray.CreateBuilder<LoadedInstrument>();
        foreach (var (definition, owner, sourcePath) in definitions.OrderBy(d => d.Definition.Id, StringComparer.Ordinal))
        {
            var checks = registrations
                .SelectMany(r => r.ResponseChecks.Where(c => c.InstrumentId == definition.Id)
                    .Select(c => new RegisteredResponseCheck(c.Check, r.PluginId, r.IsDeclared)))
                .ToImmutableArray();
            instruments.Add(new LoadedInstrument(definition, sourcePath, owner.PluginId, ScoringPlan.FromBound(bound[definition], checks, _options)));
        }

        var protocols = CompileProtocols(protocolSources, instruments, diagnostics);
        var templates = registrations.SelectMany(r => r.Templates).ToImmutableArray();
        return new InstrumentHost([.. plugins], instruments.ToImmutable(), functions, templates, _options.Apply(diagnostics)) { Protocols = protocols };
    }

    private Registration? LoadPlugin(PluginManifest manifest, List<Diagnostic> diagnostics)
    {
        if (!manifest.Sdk.Contains(InstrumentHost.SdkVersion))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.IncompatibleSdk, manifest.LocationOf("sdk"), manifest.Id, manifest.Sdk.Text,
                InstrumentHost.SdkVersion.ToString(3)));
            return null;
        }

        var registration = new Registration(manifest.Id, manifest.Directory, [], _ => false);

        // What the manifest lists is registered for YAML-only and compiled plugins alike.
        foreach (var pattern in manifest.Instruments)
        {
            var links = new List<string>();
            var files = PluginManifest.Expand(manifest.Directory, pattern, links);
            foreach (var link in links)
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.FolderLinkNotFollowed, manifest.LocationOf("instruments"), manifest.Id,
                    Path.GetRelativePath(manifest.Directory, link), pattern));
            }

            if (files.Count == 0 && manifest.Locations.ContainsKey("instruments"))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestGlobEmpty, manifest.LocationOf("instruments"), manifest.Id, pattern));
            }

            registration.Files.AddRange(files);
        }

        foreach (var pattern in manifest.Templates)
        {
            var links = new List<string>();
            var files = PluginManifest.Expand(manifest.Directory, pattern, links);
            foreach (var link in links)
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.FolderLinkNotFollowed, manifest.LocationOf("templates"), manifest.Id,
                    Path.GetRelativePath(manifest.Directory, link), pattern));
            }

            if (files.Count == 0 && manifest.Locations.ContainsKey("templates"))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestGlobEmpty, manifest.LocationOf("templates"), manifest.Id, pattern));
            }

            foreach (var file in files)
            {
                registration.Templates.Add(new TemplateRegistration(manifest.Id, TemplateName(file), file, Path.GetDirectoryName(file)!));
            }
        }

        if (manifest.Assembly is null)
        {
            return registration;
        }

        var assemblyPath = Path.Combine(manifest.Directory, manifest.Assembly);
        if (!File.Exists(assemblyPath))
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestFileMissing, manifest.LocationOf("assembly"), manifest.Id, "assembly", manifest.Assembly));
            return null;
        }

        if (LinkTargetOutside(manifest.Directory, assemblyPath) is { } target)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestInvalidValue, manifest.LocationOf("assembly"), "assembly",
                "a file inside the plugin folder", $"'{manifest.Assembly}' (a link to '{target}', outside the folder)"));
            return null;
        }

        Assembly assembly;
        try
        {
            assembly = _loader.Load(assemblyPath);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.AssemblyLoadFailed, manifest.LocationOf("assembly"), manifest.Id, manifest.Assembly,
                ex.GetType().Name + ": " + ex.Message));
            return null;
        }

        var sdkReference = assembly.GetReferencedAssemblies().FirstOrDefault(n => n.Name == typeof(InstrumentPlugin).Assembly.GetName().Name);
        if (sdkReference?.Version is { } built && built.Major != InstrumentHost.SdkVersion.Major)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.SdkMajorMismatch, manifest.LocationOf("assembly"), manifest.Id,
                built.ToString(3), InstrumentHost.SdkVersion.ToString(3)));
            return null;
        }

        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.AssemblyLoadFailed, manifest.LocationOf("assembly"), manifest.Id, manifest.Assembly,
                string.Join("; ", ex.LoaderExceptions.Where(e => e is not null).Select(e => e!.Message).Distinct())));
            return null;
        }

        var pluginTypes = types
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(InstrumentPlugin).IsAssignableFrom(t)
                        && (manifest.Type is null || t.FullName == manifest.Type))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        if (pluginTypes.Count == 0)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.NoPluginType, manifest.LocationOf(manifest.Type is null ? "assembly" : "type"), manifest.Id,
                manifest.Type is null
                    ? $"assembly '{manifest.Assembly}' has no public non-abstract class deriving from InstrumentPlugin"
                    : $"class '{manifest.Type}' deriving from InstrumentPlugin was not found in '{manifest.Assembly}'"));
            return null;
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in pluginTypes)
        {
            var context = new Context(registration, manifest.Id, manifest.Directory, Location.InFile(manifest.Path));
            if (!Initialize(type, () => (InstrumentPlugin)Activator.CreateInstance(type)!, context, manifest.LocationOf("assembly"), declared, diagnostics))
            {
                return null;
            }
        }

        diagnostics.AddRange(registration.Problems);
        return registration with { IsDeclared = d => declared.Contains(d.Id) };
    }

    /// <summary>Registers what a plugin object of the application brings, as <see cref="LoadPlugin"/> does for a loaded one.</summary>
    private Registration? LoadInProcess(PluginSource source, List<Diagnostic> diagnostics)
    {
        var registration = new Registration(source.Id, source.Directory, [], _ => false) { Origin = Location.None };
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var context = new Context(registration, source.Id, source.Directory, Location.None);
        if (!Initialize(source.Plugin.GetType(), () => source.Plugin, context, Location.None, declared, diagnostics))
        {
            return null;
        }

        diagnostics.AddRange(registration.Problems);
        return registration with { IsDeclared = d => declared.Contains(d.Id) };
    }

    /// <summary>
    /// Creates one plugin, collects its declared diagnostics and runs its <c>Initialize</c>, on a thread of its own with
    /// the time limit of <see cref="WithPluginInitializeTimeout"/>, so that one whose code never returns is named and
    /// skipped rather than hanging the host (nothing it registers after the limit is kept; the thread cannot be stopped
    /// and is left running in the background). False, with a PLG3xxx diagnostic at <paramref name="at"/>, when a step
    /// throws or the time runs out.
    /// </summary>
    private bool Initialize(Type type, Func<InstrumentPlugin> create, Context context, Location at, HashSet<string> declared, List<Diagnostic> diagnostics)
    {
        var stage = "its constructor";
        Exception? failure = null;
        var reserved = new List<string>();
        var found = new List<string>();
        var thread = new Thread(() =>
        {
            try
            {
                var plugin = create();
                Volatile.Write(ref stage, "SupportedDiagnostics");
                foreach (var descriptor in plugin.SupportedDiagnostics)
                {
                    // The engine's ranges are the engine's: a plugin may not declare (and so never report) INS, RSP, PLG or TPL IDs.
                    (DiagnosticIdRanges.IsReserved(descriptor.Id) ? reserved : found).Add(descriptor.Id);
                }

                Volatile.Write(ref stage, "Initialize");
                plugin.Initialize(context);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                context.Close();
            }
        })
        {
            IsBackground = true,
            Name = "Instruments plugin " + context.PluginId,
        };
        thread.Start();
        if (!thread.Join(_initializeTimeout))
        {
            context.Close();
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.InitializeTimedOut, at, context.PluginId,
                type.Name + "." + Volatile.Read(ref stage), _initializeTimeout.TotalSeconds));
            return false;
        }

        foreach (var id in reserved)
        {
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ReservedDiagnosticId, at, context.PluginId, id));
        }

        declared.UnionWith(found);
        if (failure is OutOfMemoryException)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (failure is not null)
        {
            var inner = failure is TargetInvocationException { InnerException: { } i } ? i : failure;
            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.InitializeFailed, at, context.PluginId,
                type.Name + "." + stage, inner.GetType().Name + ": " + inner.Message));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Where <paramref name="path"/> really is, when symbolic links (of the file or of a folder on the way) take it
    /// outside <paramref name="folder"/> (itself resolved, so a plugin folder that is a link is fine); null when it stays inside.
    /// </summary>
    internal static string? LinkTargetOutside(string folder, string path)
    {
        var root = RealPath(Path.GetFullPath(folder)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var real = RealPath(Path.GetFullPath(path));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return real.StartsWith(root, comparison) ? null : real;
    }

    /// <summary>The path with every symbolic link on it resolved (at most 40 links, as the kernel allows).</summary>
    private static string RealPath(string fullPath)
    {
        var hops = 0;
        string Resolve(string path)
        {
            var parent = Path.GetDirectoryName(path);
            if (parent is null)
            {
                return path; // the root
            }

            var current = Path.Combine(Resolve(parent), Path.GetFileName(path));
            while (hops++ < 40 && new FileInfo(current).LinkTarget is { } target)
            {
                var resolvedParent = Path.GetDirectoryName(current)!;
                current = Path.GetFullPath(target, resolvedParent);
                if (!string.Equals(Path.GetDirectoryName(current), resolvedParent, StringComparison.Ordinal))
                {
                    current = Resolve(current);
                }
            }

            return current;
        }

        return Resolve(fullPath);
    }

    private static string TemplateName(string file)
    {
        var name = Path.GetFileName(file);
        return name.EndsWith(".scriban", StringComparison.OrdinalIgnoreCase) ? name[..^".scriban".Length] : name;
    }

    private static ScoringFunctions BuildFunctions(List<Registration> registrations, List<Diagnostic> diagnostics)
    {
        var functions = ScoringFunctions.Empty;
        foreach (var registration in registrations)
        {
            foreach (var function in registration.Functions)
            {
                if (ScoringFunction.IsBuiltIn(function.Name) || functions.Contains(function.Name))
                {
                    var owner = functions.Find(function.Name)?.Owner;
                    diagnostics.Add(Diagnostic.Create(PluginDiagnostics.DuplicateFunction, registration.Origin, registration.PluginId,
                        function.Name, owner is null ? "is built in" : $"plugin '{owner}' already registered"));
                    continue;
                }

                functions = functions.Add(new ScoringFunction(function.Name, function.MinArguments, function.MaxArguments, function.Body,
                    function.ResultMin, function.ResultMax, function.IntegralResult) { Owner = registration.PluginId });
            }
        }

        return functions;
    }

    private (List<(InstrumentDefinition Definition, Registration Owner, string? SourcePath)> Definitions,
        Dictionary<InstrumentDefinition, InstrumentCompilation> Compilations,
        Dictionary<InstrumentDefinition, BoundInstrument> Bound) CompileInstruments(
        List<Registration> registrations, ScoringFunctions functions, List<Diagnostic> diagnostics,
        List<(InstrumentSource Source, Registration Owner)> protocols, Parsed parsed)
    {
        var definitions = new List<(InstrumentDefinition, Registration, string?)>();
        var compilations = new Dictionary<InstrumentDefinition, InstrumentCompilation>(ReferenceEqualityComparer.Instance);
        // Each definition is bound once (by the compiler, or here for C# ones) and its plan built from that binding.
        var bound = new Dictionary<InstrumentDefinition, BoundInstrument>(ReferenceEqualityComparer.Instance);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var selection = _selection is null ? null : new Selection(_selection);

        void Add(InstrumentDefinition definition, Registration owner, string? sourcePath, Location idLocation)
        {
            var who = owner.PluginId.Length > 0 ? $"plugin '{owner.PluginId}'" : sourcePath ?? "(code)";
            if (owners.TryGetValue(definition.Id, out var first))
            {
                diagnostics.Add(Diagnostic.Create(PluginDiagnostics.DuplicateInstrument, idLocation,
                    owner.PluginId.Length > 0 ? owner.PluginId : owner.Directory, definition.Id, first));
                return;
            }

            owners[definition.Id] = who;
            definitions.Add((definition, owner, sourcePath));
        }

        var sources = new List<(InstrumentSource Source, Registration Owner, string? File)>();
        foreach (var registration in registrations)
        {
            foreach (var file in registration.Files)
            {
                try
                {
                    sources.Add((parsed.Sources.TryGetValue(file, out var read) ? read : InstrumentSource.FromFile(file), registration, file));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(Diagnostic.Create(PluginDiagnostics.ManifestFileMissing, Location.InFile(file),
                        registration.PluginId, "instrument file", file + " (" + ex.Message + ")"));
                }
            }
        }

        selection?.Widen(sources.Select(s => s.Source).Concat(registrations.SelectMany(r => r.Texts)));
        var next = 0;
        foreach (var registration in registrations)
        {
            for (; next < sources.Count && ReferenceEquals(sources[next].Owner, registration); next++)
            {
                var (source, _, file) = sources[next];
                if (selection is not null && !selection.Wants(source))
                {
                    continue;
                }

                if (parsed.IsProtocol(source))
                {
                    // Protocol files sit beside instrument files; they are compiled once every instrument is loaded.
                    protocols.Add((source, registration));
                    continue;
                }

                var compilation = InstrumentCompiler.Compile([source], _options, functions, parsed.Results);
                diagnostics.AddRange(compilation.Diagnostics);
                foreach (var definition in compilation.Definitions)
                {
                    compilations[definition] = compilation;
                    bound[definition] = compilation.GetBound(definition);
                    Add(definition, registration, file, compilation.GetLocation(definition, "instrument"));
                }
            }

            foreach (var text in registration.Texts)
            {
                if (selection is not null && !selection.Wants(text))
                {
                    continue;
                }

                if (ProtocolCompiler.IsProtocol(text.Text))
                {
                    protocols.Add((text, registration));
                    continue;
                }

                var compilation = InstrumentCompiler.Compile([text], _options, functions);
                diagnostics.AddRange(compilation.Diagnostics);
                foreach (var definition in compilation.Definitions)
                {
                    compilations[definition] = compilation;
                    bound[definition] = compilation.GetBound(definition);
                    Add(definition, registration, text.Path, compilation.GetLocation(definition, "instrument"));
                }
            }

            foreach (var definition in registration.Definitions)
            {
                var binding = DefinitionBinder.Bind(definition, SourceLocator.None, functions);
                var problems = _options.Apply(binding.Diagnostics);
                diagnostics.AddRange(problems.Select(p => p.Location.HasPath ? p
                    : Diagnostic.Create(p.Descriptor, registration.Origin, [.. p.Arguments]).WithSeverity(p.Severity)));
                if (!problems.Any(p => p.IsError) && binding.Bound is { } b)
                {
                    bound[definition] = b;
                    Add(definition, registration, null, registration.Origin);
                }
            }
        }

        return (definitions, compilations, bound);
    }

    /// <summary>False: instrument files are read and parsed only when compiled (tests compare the two ways).</summary>
    internal bool ParseAhead { get; set; } = true;

    /// <summary>Each source's manifest (null for other sources), read with its own diagnostics and unloaded files.</summary>
    private (PluginManifest? Manifest, List<Diagnostic> Diagnostics, List<string> Unloaded)?[] ReadManifests()
    {
        var manifests = new (PluginManifest?, List<Diagnostic>, List<string>)?[_sources.Count];
        for (var i = 0; i < _sources.Count; i++)
        {
            if (_sources[i] is FolderSource folder)
            {
                var diagnostics = new List<Diagnostic>();
                var unloaded = new List<string>();
                manifests[i] = (PluginManifest.Read(folder.Path, diagnostics, unloaded), diagnostics, unloaded);
            }
        }

        return manifests;
    }

    /// <summary>
    /// When a compiled plugin is to be loaded, starts reading and parsing (up to binding, which needs the plugins'
    /// functions) the instrument files the manifests list on another thread, so that both happen at once; null
    /// otherwise. Only the files the selection wants are parsed. The results are the same as reading and parsing them
    /// later; a file that cannot be read here is read again later, where its error is reported. The main thread takes
    /// the results with <see cref="ParseWork.Finish"/>, parsing itself the files the other thread has not started.
    /// </summary>
    private ParseWork? StartParsing((PluginManifest? Manifest, List<Diagnostic> Diagnostics, List<string> Unloaded)?[] manifests)
    {
        var listed = manifests.Select(m => m?.Manifest).OfType<PluginManifest>().ToList();
        if (!ParseAhead || !listed.Any(m => m.Assembly is not null))
        {
            return null;
        }

        var work = new ParseWork(listed, _selection is null ? null : new Selection(_selection));
        // Critical: the main thread will wait for it (optional background work, such as compiling hot loops ahead,
        // waits for it in turn).
        StartupWork.EnterCritical();
        Task.Factory.StartNew(() =>
        {
            try
            {
                work.Run();
            }
            finally
            {
                StartupWork.ExitCritical();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return work;
    }

    /// <summary>
    /// The listed instrument files, read and then parsed one by one by whichever thread takes each next: the
    /// background thread (<see cref="Run"/>) and, once it needs the results, the main thread (<see cref="Finish"/>).
    /// Whatever goes wrong here (an exception) only leaves a file to be read or parsed again when it is compiled,
    /// where the problem is reported.
    /// </summary>
    private sealed class ParseWork(List<PluginManifest> listed, Selection? selection)
    {
        private readonly ManualResetEventSlim _listed = new();
        private readonly ManualResetEventSlim _parsed = new();
        private Dictionary<string, InstrumentSource> _sources = new(StringComparer.Ordinal);
        private InstrumentSource[] _work = [];
        private ParsedSource?[] _results = [];
        private bool?[] _protocols = [];
        private int _next = -1;
        private int _finished;

        /// <summary>On the background thread: reads the files, lists those to parse, and parses them.</summary>
        public void Run()
        {
            try
            {
                var sources = new Dictionary<string, InstrumentSource>(StringComparer.Ordinal);
                foreach (var manifest in listed)
                {
                    foreach (var pattern in manifest.Instruments)
                    {
                        foreach (var file in PluginManifest.Expand(manifest.Directory, pattern))
                        {
                            try
                            {
                                sources.TryAdd(file, InstrumentSource.FromFile(file));
                            }
                            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                            {
                                // Read again when compiled, where the error is reported.
                            }
                        }
                    }
                }

                selection?.Widen(sources.Values);
                var work = sources.Values.Where(source => selection is null || selection.Wants(source)).ToArray();
                _results = new ParsedSource?[work.Length];
                _protocols = new bool?[work.Length];
                _sources = sources;
                _work = work;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Only a head start: nothing was read ahead.
                _sources = new Dictionary<string, InstrumentSource>(StringComparer.Ordinal);
                _work = [];
            }
            finally
            {
                _listed.Set();
            }

            Help();
        }

        /// <summary>On the main thread: helps with the files not started yet, waits for the others, and returns every result.</summary>
        public Parsed Finish()
        {
            _listed.Wait();
            Help();
            if (_work.Length > 0)
            {
                _parsed.Wait();
            }

            var results = new Dictionary<InstrumentSource, ParsedSource>(ReferenceEqualityComparer.Instance);
            var protocols = new Dictionary<InstrumentSource, bool>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < _work.Length; i++)
            {
                if (_protocols[i] is { } isProtocol)
                {
                    protocols[_work[i]] = isProtocol;
                }

                if (_results[i] is { } result)
                {
                    results[_work[i]] = result;
                }
            }

            return new Parsed(_sources, results, protocols);
        }

        // Takes the next file not taken yet, until none is left; the last one finished says so.
        private void Help()
        {
            var work = _work;
            while (Interlocked.Increment(ref _next) is var i && i < work.Length)
            {
                try
                {
                    var isProtocol = ProtocolCompiler.IsProtocol(work[i].Text);
                    _protocols[i] = isProtocol;
                    if (!isProtocol)
                    {
                        _results[i] = InstrumentCompiler.Parse(work[i]);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Parsed again when compiled, where the problem is reported.
                }
                finally
                {
                    if (Interlocked.Increment(ref _finished) == work.Length)
                    {
                        _parsed.Set();
                    }
                }
            }
        }
    }

    /// <summary>
    /// Instrument files read (by path) and parsed (by source) ahead of compiling them, and whether each source looked
    /// at is a protocol file (each test of that parses the whole YAML).
    /// </summary>
    private sealed record Parsed(IReadOnlyDictionary<string, InstrumentSource> Sources, IReadOnlyDictionary<InstrumentSource, ParsedSource> Results,
        IReadOnlyDictionary<InstrumentSource, bool> Protocols)
    {
        public static Parsed None { get; } = new(new Dictionary<string, InstrumentSource>(), new Dictionary<InstrumentSource, ParsedSource>(), new Dictionary<InstrumentSource, bool>());

        /// <summary>Whether <paramref name="source"/> is a protocol file: known ahead, or found out now.</summary>
        public bool IsProtocol(InstrumentSource source) =>
            Protocols.TryGetValue(source, out var known) ? known : ProtocolCompiler.IsProtocol(source.Text);
    }

    /// <summary>
    /// Compiles the protocol files against every loaded instrument (a protocol may name instruments of any plugin). A
    /// protocol id that an instrument or an earlier protocol already uses is INS1113; the first one wins.
    /// </summary>
    private ImmutableArray<LoadedProtocol> CompileProtocols(List<(InstrumentSource Source, Registration Owner)> sources,
        ImmutableArray<LoadedInstrument>.Builder instruments, List<Diagnostic> diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<LoadedProtocol>();
        if (sources.Count == 0)
        {
            return result.ToImmutable();
        }

        var plans = instruments.Select(i => i.Plan).ToList();
        var owners = instruments.ToDictionary(i => i.Definition.Id, i => $"instrument '{i.Definition.Id}'", StringComparer.Ordinal);
        foreach (var (source, owner) in sources)
        {
            var compilation = ProtocolCompiler.Compile(source, plans, _options);
            diagnostics.AddRange(compilation.Diagnostics);
            if (compilation.Plan is not { } plan)
            {
                continue;
            }

            var id = plan.Definition.Id;
            if (owners.TryGetValue(id, out var first))
            {
                if (_options.Apply(Diagnostic.Create(InstrumentDiagnostics.DuplicateProtocolId, compilation.GetLocation("protocol"), id, first)) is { } dup)
                {
                    diagnostics.Add(dup);
                }

                continue;
            }

            owners[id] = $"protocol '{id}' in {source.Path}";
            result.Add(new LoadedProtocol(plan, source.Path, owner.PluginId));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Definition.Id, b.Definition.Id));
        return result.ToImmutable();
    }

    private void RunAnalyzers(List<Registration> registrations,
        List<(InstrumentDefinition Definition, Registration Owner, string? SourcePath)> definitions,
        Dictionary<InstrumentDefinition, InstrumentCompilation> compilations, List<Diagnostic> diagnostics)
    {
        foreach (var registration in registrations)
        {
            foreach (var analyzer in registration.Analyzers)
            {
                foreach (var (definition, _, sourcePath) in definitions)
                {
                    Location Locate(string path) => compilations.TryGetValue(definition, out var c)
                        ? c.GetLocation(definition, path)
                        : sourcePath is null ? Location.None : Location.InFile(sourcePath);

                    void Report(Diagnostic d)
                    {
                        if (!registration.IsDeclared(d.Descriptor))
                        {
                            diagnostics.Add(Diagnostic.Create(PluginDiagnostics.UndeclaredDiagnostic, d.Location, registration.PluginId, d.Id));
                            return;
                        }

                        if (_options.Apply(d) is { } kept)
                        {
                            diagnostics.Add(kept);
                        }
                    }

                    try
                    {
                        analyzer(new DefinitionAnalysisContext(definition, Locate, Report));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        diagnostics.Add(Diagnostic.Create(PluginDiagnostics.AnalyzerFailed, Locate("instrument"), registration.PluginId, definition.Id,
                            ex.GetType().Name + ": " + ex.Message));
                    }
                }
            }
        }
    }

    /// <summary>What one plugin registered.</summary>
    /// <summary>Which definition files a selective build compiles (see <see cref="SelectFor"/>).</summary>
    private sealed class Selection(string name)
    {
        private readonly HashSet<string> _ids = new(StringComparer.OrdinalIgnoreCase) { name };

        // Each source's id as its header gives it (null: unknown), read once.
        private readonly Dictionary<InstrumentSource, string?> _headerIds = new(ReferenceEqualityComparer.Instance);

        /// <summary>
        /// Reads every source's header and adds the instruments named by every protocol the selection wants (before any
        /// file is compiled).
        /// </summary>
        public void Widen(IEnumerable<InstrumentSource> sources)
        {
            var paired = new List<(string Id, IReadOnlyList<string> Named)>();
            foreach (var source in sources)
            {
                var header = SourceHeader.Read(source.Text);
                _headerIds[source] = header.Id;
                if (header.Kind != SourceHeaderKind.Instrument && (header.Id is null || _ids.Contains(header.Id)))
                {
                    _ids.UnionWith(SourceHeader.ReferencedInstruments(source.Text));
                }
                else if (header is { Kind: SourceHeaderKind.Instrument, Id: { } id } && source.Text.Contains("counterpart", StringComparison.Ordinal))
                {
                    paired.Add((id, SourceHeader.ReferencedInstruments(source.Text)));
                }
            }

            // Paired forms: a wanted instrument's counterpart, and an instrument that names a wanted one as its
            // counterpart (either form may declare the pairing), so that both forms of a pair are compiled together.
            // Every instrument key of such a file counts (its own id, its counterpart's): more, never fewer.
            foreach (var (id, named) in paired)
            {
                if (_ids.Contains(id))
                {
                    _ids.UnionWith(named);
                }
                else if (named.Any(n => !string.Equals(n, id, StringComparison.OrdinalIgnoreCase) && _ids.Contains(n)))
                {
                    _ids.Add(id);
                }
            }
        }

        /// <summary>False only for a file whose id is known and not wanted.</summary>
        public bool Wants(InstrumentSource source) =>
            (_headerIds.TryGetValue(source, out var known) ? known : SourceHeader.Read(source.Text).Id) is not { } id || _ids.Contains(id);
    }

    private sealed record Registration(string PluginId, string Directory, List<Diagnostic> Problems, Func<DiagnosticDescriptor, bool> IsDeclared)
    {
        /// <summary>Where diagnostics about the plugin itself point: its folder, or nowhere for a plugin object.</summary>
        public Location Origin { get; init; } = Location.InFile(Directory);

        public List<string> Files { get; } = [];

        public List<InstrumentSource> Texts { get; } = [];

        public List<InstrumentDefinition> Definitions { get; } = [];

        public List<ScoringFunction> Functions { get; } = [];

        public List<Action<DefinitionAnalysisContext>> Analyzers { get; } = [];

        public List<(string InstrumentId, ResponseCheck Check)> ResponseChecks { get; } = [];

        public List<TemplateRegistration> Templates { get; } = [];
    }

    /// <summary>Something added to the builder, loaded in the order added.</summary>
    private abstract record Source;

    private sealed record FolderSource(string Path) : Source;

    private sealed record FileSource(string Path) : Source;

    private sealed record TextSource(InstrumentSource Source) : Source;

    private sealed record PluginSource(InstrumentPlugin Plugin, string Id, string Version, string Directory) : Source;

    /// <summary>
    /// The context a plugin registers through; closed after <c>Initialize</c> returns. Problems with what it registers
    /// point at <paramref name="problemsAt"/> (the manifest, or nowhere for a plugin object).
    /// </summary>
    private sealed class Context(Registration registration, string pluginId, string directory, Location problemsAt) : PluginContext
    {
        private volatile bool _closed;

        public override string PluginId => pluginId;

        public override string PluginDirectory => directory;

        public void Close() => _closed = true;

        public override void RegisterInstrumentFile(string relativePath)
        {
            if (Resolve(relativePath, "instrument file") is { } path)
            {
                registration.Files.Add(path);
            }
        }

        public override void RegisterInstrument(InstrumentDefinition definition)
        {
            ArgumentNullException.ThrowIfNull(definition);
            Open();
            registration.Definitions.Add(definition);
        }

        public override void RegisterFunction(ScoringFunction function)
        {
            ArgumentNullException.ThrowIfNull(function);
            Open();
            registration.Functions.Add(function);
        }

        public override void RegisterDefinitionAnalyzer(Action<DefinitionAnalysisContext> analyzer)
        {
            ArgumentNullException.ThrowIfNull(analyzer);
            Open();
            registration.Analyzers.Add(analyzer);
        }

        public override void RegisterResponseCheck(string instrumentId, ResponseCheck check)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(instrumentId);
            ArgumentNullException.ThrowIfNull(check);
            Open();
            registration.ResponseChecks.Add((instrumentId, check));
        }

        public override void RegisterTemplate(string name, string relativePath)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            if (Resolve(relativePath, "template") is { } path)
            {
                registration.Templates.Add(new TemplateRegistration(pluginId, name, path, Path.GetDirectoryName(path)!));
            }
        }

        private void Open()
        {
            if (_closed)
            {
                throw new InvalidOperationException("The plugin context can only be used during Initialize.");
            }
        }

        private string? Resolve(string relativePath, string what)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
            Open();
            if (!PluginManifest.IsInsideFolder(relativePath))
            {
                registration.Problems.Add(Diagnostic.Create(PluginDiagnostics.InvalidRegistration, problemsAt, pluginId,
                    $"{what} '{relativePath}' is outside the plugin folder"));
                return null;
            }

            var path = Path.Combine(directory, relativePath);
            if (!File.Exists(path))
            {
                registration.Problems.Add(Diagnostic.Create(PluginDiagnostics.ManifestFileMissing, problemsAt, pluginId, what, relativePath));
                return null;
            }

            return path;
        }
    }
}
