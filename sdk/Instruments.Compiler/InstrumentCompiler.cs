using System.Collections.Immutable;
using System.Text;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Compiler;

/// <summary>One instrument source: its text and the path it is reported under.</summary>
/// <param name="Path">The path printed in diagnostics (as the user gave it).</param>
/// <param name="Text">The YAML text.</param>
public sealed record InstrumentSource(string Path, string Text)
{
    /// <summary>
    /// Reads a source from a file (strict UTF-8, BOM allowed). Only a regular file is opened (a FIFO, device or socket
    /// never is), and never more than <see cref="InstrumentCompiler.MaxFileBytes"/> bytes of it are read, whatever size
    /// it reports. A file that cannot be read as text (INS1009 not a regular file, INS1003 too large, INS1000 invalid
    /// UTF-8) gives an empty source whose compilation reports why. A missing or unreadable file throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public static InstrumentSource FromFile(string path)
    {
        var diagnostics = new List<Diagnostic>();
        var text = SourceFileReader.Read(path, InstrumentCompiler.MaxFileBytes, diagnostics);
        return new InstrumentSource(path, text ?? string.Empty) { ReadDiagnostics = [.. diagnostics] };
    }

    /// <summary>Why the file could not be read as text (empty when it could); compiling the source reports them.</summary>
    internal ImmutableArray<Diagnostic> ReadDiagnostics { get; init; } = [];

    /// <summary>
    /// A source from text the application holds (a database, a request), reported under <paramref name="path"/>;
    /// the arguments in the order of <see cref="InstrumentCompiler.Compile(string, string, DiagnosticOptions?, ScoringFunctions?)"/>.
    /// </summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="path">The path printed in diagnostics, e.g. <c>mood.yaml</c>.</param>
    public static InstrumentSource FromText(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(path, text);
    }
}

/// <summary>
/// Compiles instrument definitions written in YAML (format version 1, see <c>docs/yaml-format.md</c>)
/// into immutable <see cref="InstrumentDefinition"/>s with Roslyn-style diagnostics. User mistakes are
/// diagnostics, never exceptions.
/// </summary>
/// <example>
/// <code>
/// var compilation = InstrumentCompiler.Compile(File.ReadAllText("swls.yaml"), "swls.yaml");
/// foreach (var d in compilation.Diagnostics) Console.Error.WriteLine(d); // swls.yaml(12,5): error INS1010: ...
/// var result = compilation.CreatePlan("swls");               // reuses the binding; never throws for the file's mistakes
/// if (result.Success) { var score = result.Plan.Score(response); }
/// </code>
/// </example>
public static class InstrumentCompiler
{
    /// <summary>Largest accepted file, in UTF-8 bytes (1 MiB).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Deepest accepted nesting of YAML collections.</summary>
    public const int MaxDepth = 32;

    /// <summary>Compiles one YAML text reported under <paramref name="path"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="path">The path printed in diagnostics.</param>
    /// <param name="options">Severity overrides; defaults when null.</param>
    /// <param name="functions">Plugin functions that expressions may call; none when null.</param>
    public static InstrumentCompilation Compile(string text, string path, DiagnosticOptions? options = null, ScoringFunctions? functions = null) =>
        Compile([new InstrumentSource(path, text)], options, functions);

    /// <summary>
    /// Compiles several sources into one compilation; an instrument id defined twice is an error.
    /// </summary>
    /// <param name="sources">The sources, compiled in order.</param>
    /// <param name="options">Severity overrides; defaults when null.</param>
    /// <param name="functions">Plugin functions that expressions may call; none when null.</param>
    public static InstrumentCompilation Compile(IEnumerable<InstrumentSource> sources, DiagnosticOptions? options = null, ScoringFunctions? functions = null) =>
        Compile(sources, options, functions, parsed: null);

    /// <summary>
    /// As <see cref="Compile(IEnumerable{InstrumentSource}, DiagnosticOptions?, ScoringFunctions?)"/>, taking the
    /// sources already in <paramref name="parsed"/> (by reference; <see cref="Parse"/> of the same object) from there:
    /// parsing does not depend on the functions, so a host can parse while it loads the plugins that bring them.
    /// </summary>
    internal static InstrumentCompilation Compile(IEnumerable<InstrumentSource> sources, DiagnosticOptions? options, ScoringFunctions? functions,
        IReadOnlyDictionary<InstrumentSource, ParsedSource>? parsed)
    {
        ArgumentNullException.ThrowIfNull(sources);
        options ??= DiagnosticOptions.Default;
        var definitions = ImmutableArray.CreateBuilder<InstrumentDefinition>();
        var locators = new Dictionary<InstrumentDefinition, SourceLocator>(ReferenceEqualityComparer.Instance);
        var bound = new Dictionary<InstrumentDefinition, BoundInstrument>(ReferenceEqualityComparer.Instance);
        var byId = new Dictionary<string, ImmutableArray<Diagnostic>>(StringComparer.Ordinal);
        var diagnostics = new List<Diagnostic>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            ArgumentNullException.ThrowIfNull(source);
            var (definition, boundInstrument, fileDiagnostics, idLocation, locator) =
                Bind(parsed is not null && parsed.TryGetValue(source, out var p) ? p : Parse(source), functions);
            var effective = options.Apply(fileDiagnostics);
            diagnostics.AddRange(effective);
            if (definition is not null && !byId.ContainsKey(definition.Id))
            {
                byId[definition.Id] = [.. effective];
            }

            if (definition is null || boundInstrument is null || effective.Any(d => d.IsError))
            {
                continue;
            }

            if (seen.TryGetValue(definition.Id, out var firstPath))
            {
                // Two definitions can never share an id, whatever the severity the user chose for the report.
                if (options.Apply(Diagnostic.Create(InstrumentDiagnostics.DuplicateInstrumentId, idLocation, definition.Id, firstPath)) is { } dup)
                {
                    diagnostics.Add(dup);
                }

                continue;
            }

            seen[definition.Id] = source.Path;
            definitions.Add(definition);
            locators[definition] = locator;
            bound[definition] = boundInstrument;
        }

        return new InstrumentCompilation(definitions.ToImmutable(), [.. diagnostics], locators, bound, byId, options);
    }

    /// <summary>
    /// Reads a source up to binding: the YAML and the definition with the reader's diagnostics. Nothing here depends on
    /// plugin functions or options, so it may run on another thread, ahead of <see cref="Compile(IEnumerable{InstrumentSource}, DiagnosticOptions?, ScoringFunctions?, IReadOnlyDictionary{InstrumentSource, ParsedSource}?)"/>.
    /// </summary>
    internal static ParsedSource Parse(InstrumentSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var diagnostics = new List<Diagnostic>(source.ReadDiagnostics);
        if (diagnostics.Count > 0)
        {
            return new ParsedSource(null, diagnostics, null, CanBind: false, Failed: true);
        }

        var bytes = Encoding.UTF8.GetByteCount(source.Text);
        if (bytes > MaxFileBytes)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(source.Path), bytes, MaxFileBytes));
            return new ParsedSource(null, diagnostics, null, CanBind: false, Failed: true);
        }

        var document = YamlDocumentReader.Read(source.Text, source.Path, MaxDepth, diagnostics);
        if (document is null)
        {
            return new ParsedSource(null, diagnostics, null, CanBind: false, Failed: true);
        }

        var locator = new YamlSourceLocator(source.Path);
        var reader = new YamlDefinitionReader(source.Path, locator, diagnostics);
        var definition = reader.Read(document);
        return definition is null
            ? new ParsedSource(null, diagnostics, null, CanBind: false, Failed: true)
            : new ParsedSource(definition, diagnostics, locator, reader.CanBind, reader.Failed);
    }

    private static (InstrumentDefinition? Definition, BoundInstrument? Bound, IReadOnlyList<Diagnostic> Diagnostics, Location IdLocation, SourceLocator Locator) Bind(
        ParsedSource parsed, ScoringFunctions? functions)
    {
        // A copy: the parsed source stays as it was, whoever binds it.
        var diagnostics = new List<Diagnostic>(parsed.Diagnostics);
        if (parsed.Definition is not { } definition || parsed.Locator is not { } locator)
        {
            return (null, null, diagnostics, Location.None, SourceLocator.None);
        }

        if (!parsed.CanBind)
        {
            // Something was dropped (an item without an id, a score without items ...): binding it would report
            // follow-on errors about what is missing, so stop at the reader's diagnostics.
            return (definition, null, diagnostics, locator.Locate("instrument"), locator);
        }

        // The reader's errors, if any, were contained (an unknown key, an optional value left at its default): the
        // checks of references, scores, bands and examples still run, so that one pass reports every independent
        // error. A definition the reader failed is never scored, whatever severity the user gives those errors.
        var bound = DefinitionBinder.Bind(definition, locator, functions);
        diagnostics.AddRange(bound.Diagnostics);
        return (definition, parsed.Failed ? null : bound.Bound, diagnostics, locator.Locate("instrument"), locator);
    }
}

/// <summary>
/// A source read up to binding (<see cref="InstrumentCompiler.Parse"/>): its definition (null when it could not be
/// read), the diagnostics so far, where things are in the YAML, whether binding may run and whether the reader failed.
/// </summary>
internal sealed record ParsedSource(InstrumentDefinition? Definition, IReadOnlyList<Diagnostic> Diagnostics, YamlSourceLocator? Locator, bool CanBind, bool Failed);

/// <summary>
/// The immutable result of compiling one or more instrument sources: the definitions that compiled
/// without errors, and every diagnostic (after severity overrides), in source order.
/// </summary>
public sealed class InstrumentCompilation
{
    private readonly IReadOnlyDictionary<InstrumentDefinition, SourceLocator> _locators;
    private readonly IReadOnlyDictionary<InstrumentDefinition, BoundInstrument> _bound;
    private readonly IReadOnlyDictionary<string, ImmutableArray<Diagnostic>> _diagnosticsById;

    internal InstrumentCompilation(ImmutableArray<InstrumentDefinition> definitions, ImmutableArray<Diagnostic> diagnostics,
        IReadOnlyDictionary<InstrumentDefinition, SourceLocator> locators, IReadOnlyDictionary<InstrumentDefinition, BoundInstrument> bound,
        IReadOnlyDictionary<string, ImmutableArray<Diagnostic>> diagnosticsById, DiagnosticOptions options)
    {
        Options = options;
        _locators = locators;
        _bound = bound;
        _diagnosticsById = diagnosticsById;
        Definitions = definitions;
        Diagnostics = diagnostics;
    }

    /// <summary>Definitions that compiled without errors, in source order.</summary>
    public ImmutableArray<InstrumentDefinition> Definitions { get; }

    /// <summary>All diagnostics, in source order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// The source location of a part of a definition of this compilation, by definition path
    /// (<c>items[2]</c>, <c>scores[0].bands[1]</c>, <c>flags[0].when</c> ...; see <c>docs/plugin-authoring.md</c>).
    /// </summary>
    public Location GetLocation(InstrumentDefinition definition, string path) =>
        _locators.TryGetValue(definition, out var locator) ? locator.Locate(path) : Location.None;

    /// <summary>The definition with the given id, or null.</summary>
    public InstrumentDefinition? GetDefinition(string id) =>
        Definitions.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.Ordinal));

    /// <summary>
    /// The severity choices the sources were compiled with; plans created from this compilation apply them to
    /// response diagnostics (RSP IDs) too.
    /// </summary>
    public DiagnosticOptions Options { get; }

    /// <summary>
    /// Builds the scoring plan of the instrument with the given id from the binding this compilation already did (the
    /// emit step: no second check). Never throws for mistakes in the source: when the instrument has errors, or no
    /// source defines it, <see cref="PlanResult.Plan"/> is null and <see cref="PlanResult.Diagnostics"/> holds the
    /// diagnostics of its source (empty for an id no source defines).
    /// </summary>
    /// <param name="id">The instrument id (ordinal).</param>
    public PlanResult CreatePlan(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var diagnostics = _diagnosticsById.GetValueOrDefault(id, []);
        return GetDefinition(id) is { } definition
            ? new PlanResult(ScoringPlan.FromBound(_bound[definition], default, Options), diagnostics)
            : new PlanResult(null, diagnostics);
    }

    /// <summary>
    /// Builds the scoring plan of one of this compilation's <see cref="Definitions"/> (see <see cref="CreatePlan(string)"/>).
    /// A definition from elsewhere is a programming error (<see cref="ArgumentException"/>).
    /// </summary>
    /// <param name="definition">One of <see cref="Definitions"/>.</param>
    public ScoringPlan CreatePlan(InstrumentDefinition definition) => ScoringPlan.FromBound(GetBound(definition), default, Options);

    /// <summary>The bound form of one of <see cref="Definitions"/> (the plugin host adds response checks to its plan).</summary>
    internal BoundInstrument GetBound(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _bound.TryGetValue(definition, out var bound)
            ? bound
            : throw new ArgumentException($"Instrument '{definition.Id}' is not one of this compilation's definitions.", nameof(definition));
    }
}
