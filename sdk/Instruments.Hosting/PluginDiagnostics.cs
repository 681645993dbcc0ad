using System.Collections.Immutable;
using Instruments.Diagnostics;

namespace Instruments.Hosting;

/// <summary>
/// The catalogue of plugin diagnostics (<c>PLG3xxx</c>): discovery, manifests, loading and version compatibility.
/// Every ID is documented in <c>docs/diagnostics.md</c>. A plugin problem is a diagnostic naming the plugin and the
/// cause; the host goes on with the other plugins.
/// </summary>
public static class PluginDiagnostics
{
    private const string Manifest = "PluginManifest";
    private const string Loading = "PluginLoading";
    private const string Discovery = "PluginDiscovery";

    /// <summary>PLG3001: the manifest is not valid YAML (or is empty, too large, uses anchors ...).</summary>
    public static readonly DiagnosticDescriptor ManifestSyntax = new("PLG3001", "Plugin manifest does not parse", "Plugin manifest: {0}", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3002: a key the manifest format does not define.</summary>
    public static readonly DiagnosticDescriptor ManifestUnknownKey = new("PLG3002", "Unknown key in plugin manifest", "Unknown key '{0}' in plugin.yaml{1}", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3003: a required manifest key is missing.</summary>
    public static readonly DiagnosticDescriptor ManifestMissingKey = new("PLG3003", "Missing key in plugin manifest", "Missing required key '{0}' in plugin.yaml", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3004: a manifest value has the wrong type or form.</summary>
    public static readonly DiagnosticDescriptor ManifestInvalidValue = new("PLG3004", "Invalid value in plugin manifest", "'{0}' in plugin.yaml must be {1}, not {2}", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3005: a file named by the manifest does not exist.</summary>
    public static readonly DiagnosticDescriptor ManifestFileMissing = new("PLG3005", "File named by the manifest is missing", "Plugin '{0}': {1} '{2}' does not exist", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3006: a glob of the manifest matches no file.</summary>
    public static readonly DiagnosticDescriptor ManifestGlobEmpty = new("PLG3006", "Pattern matches no file", "Plugin '{0}': '{1}' matches no file", Manifest, DiagnosticSeverity.Warning);

    /// <summary>PLG3007: the SDK version range does not parse.</summary>
    public static readonly DiagnosticDescriptor InvalidVersionRange = new("PLG3007", "Invalid SDK version range", "'{0}' is not a version range; write comparators such as '>=1.0.0 <2.0.0'", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3008: the plugin was built for another SDK version.</summary>
    public static readonly DiagnosticDescriptor IncompatibleSdk = new("PLG3008", "Plugin needs another SDK version", "Plugin '{0}' requires SDK {1}; this host has SDK {2}; the plugin was not loaded", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3009: the plugin assembly could not be loaded.</summary>
    public static readonly DiagnosticDescriptor AssemblyLoadFailed = new("PLG3009", "Plugin assembly failed to load", "Plugin '{0}': assembly '{1}' could not be loaded: {2}", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3010: no plugin class (or not the named one) in the assembly.</summary>
    public static readonly DiagnosticDescriptor NoPluginType = new("PLG3010", "No plugin class found", "Plugin '{0}': {1}", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3011: the plugin threw in its constructor or <c>Initialize</c>.</summary>
    public static readonly DiagnosticDescriptor InitializeFailed = new("PLG3011", "Plugin initialization failed", "Plugin '{0}' failed in {1}: {2}; nothing it registered was kept", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3012: the plugin reported a diagnostic it did not declare.</summary>
    public static readonly DiagnosticDescriptor UndeclaredDiagnostic = new("PLG3012", "Plugin reported an undeclared diagnostic", "Plugin '{0}' reported '{1}', which is not among its SupportedDiagnostics; the report was dropped", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3013: an instrument id already registered by another plugin.</summary>
    public static readonly DiagnosticDescriptor DuplicateInstrument = new("PLG3013", "Instrument id registered twice", "Plugin '{0}' registers instrument '{1}', already registered by {2}; the later one was ignored", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3014: two plugins with the same id.</summary>
    public static readonly DiagnosticDescriptor DuplicatePlugin = new("PLG3014", "Plugin id loaded twice", "Plugin id '{0}' is already loaded from '{1}'; this copy was ignored", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3015: a function name already taken (built in or by another plugin).</summary>
    public static readonly DiagnosticDescriptor DuplicateFunction = new("PLG3015", "Function name already taken", "Plugin '{0}' registers function '{1}', which {2}; this registration was ignored, the plugin's others were kept", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3016: a plugin's definition analyzer threw.</summary>
    public static readonly DiagnosticDescriptor AnalyzerFailed = new("PLG3016", "Plugin analyzer failed", "An analyzer of plugin '{0}' failed on instrument '{1}': {2}", Loading, DiagnosticSeverity.Warning);

    /// <summary>PLG3017: the plugin assembly references an SDK of another major version.</summary>
    public static readonly DiagnosticDescriptor SdkMajorMismatch = new("PLG3017", "Plugin built against another SDK major version", "Plugin '{0}' was built against Instruments.Sdk {1}, but this host has {2}; rebuild it against this SDK", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3018: a folder given as a plugin has no manifest.</summary>
    public static readonly DiagnosticDescriptor NoManifest = new("PLG3018", "No plugin manifest", "'{0}' has no plugin.yaml; a plugin folder needs a manifest", Manifest, DiagnosticSeverity.Error);

    /// <summary>PLG3019: a registration call with a bad argument (a path outside the plugin, a bad name).</summary>
    public static readonly DiagnosticDescriptor InvalidRegistration = new("PLG3019", "Invalid registration", "Plugin '{0}': {1}", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3020: a plugin declares a diagnostic ID in a range reserved for the engine (INS, RSP, PLG, TPL).</summary>
    public static readonly DiagnosticDescriptor ReservedDiagnosticId = new("PLG3020", "Plugin declares a reserved diagnostic ID", "Plugin '{0}' declares diagnostic '{1}', an ID in the ranges reserved for the engine (INS, RSP, PLG, TPL); the declaration was ignored, so the plugin cannot report it", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3021: a plugins folder or instrument file named by the user does not exist.</summary>
    public static readonly DiagnosticDescriptor PathNotFound = new("PLG3021", "Path does not exist", "The {0} '{1}' does not exist", Discovery, DiagnosticSeverity.Error);

    /// <summary>PLG3022: no loaded instrument has the id a user asked for.</summary>
    public static readonly DiagnosticDescriptor UnknownInstrument = new("PLG3022", "Unknown instrument", "Unknown instrument '{0}'{1}; {2}", Discovery, DiagnosticSeverity.Error);

    /// <summary>PLG3023: a compiled plugin's start-up (constructor, SupportedDiagnostics, Initialize) did not finish in time.</summary>
    public static readonly DiagnosticDescriptor InitializeTimedOut = new("PLG3023", "Plugin initialization timed out", "Plugin '{0}' did not finish {1} within {2} seconds; it was skipped (its code may still be running in the background)", Loading, DiagnosticSeverity.Error);

    /// <summary>PLG3024: a link to a folder was not followed while expanding a manifest's pattern.</summary>
    public static readonly DiagnosticDescriptor FolderLinkNotFollowed = new("PLG3024", "Folder link not followed", "Plugin '{0}': '{1}' is a link to a folder; links are not followed when expanding '{2}', so files below it were skipped", Manifest, DiagnosticSeverity.Warning);

    /// <summary>Every descriptor in this catalogue, ordered by ID.</summary>
    // Built on first use, not with the class: reflecting over the fields costs milliseconds at start-up, and only
    // documentation tools and tests ask for the whole list.
    public static ImmutableArray<DiagnosticDescriptor> All => s_all.IsDefault ? s_all = DiagnosticDescriptor.DeclaredIn(typeof(PluginDiagnostics)) : s_all;

    private static ImmutableArray<DiagnosticDescriptor> s_all;
}
