using System.Collections.Immutable;
using System.Text;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;

namespace Instruments.Compiler;

/// <summary>One instrument source: its text and the path it is reported under.</summary>
/// <param name="Path">The path printed in diagnostics (as the user gave it).</param>
/// <param name="Text">The YAML text.</param>
public sealed record InstrumentSource(string Path, string Text)
{
    /// <summary>Reads a source from a file (UTF-8, BOM allowed).</summary>
    public static InstrumentSource FromFile(string path) => new(path, File.ReadAllText(path, Encoding.UTF8));
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
/// if (!compilation.HasErrors) { var plan = ScoringPlan.Create(compilation.Definitions[0]); }
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
    public static InstrumentCompilation Compile(IEnumerable<InstrumentSource> sources, DiagnosticOptions? options = null, ScoringFunctions? functions = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        options ??= DiagnosticOptions.Default;
        var definitions = ImmutableArray.CreateBuilder<InstrumentDefinition>();
        var locators = new Dictionary<InstrumentDefinition, SourceLocator>(ReferenceEqualityComparer.Instance);
        var diagnostics = new List<Diagnostic>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            ArgumentNullException.ThrowIfNull(source);
            var (definition, fileDiagnostics, idLocation, locator) = CompileOne(source, functions);
            var effective = options.Apply(fileDiagnostics);
            diagnostics.AddRange(effective);
            if (definition is null || effective.Any(d => d.IsError))
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
        }

        return new InstrumentCompilation(definitions.ToImmutable(), [.. diagnostics], locators);
    }

    private static (InstrumentDefinition? Definition, IReadOnlyList<Diagnostic> Diagnostics, Location IdLocation, SourceLocator Locator) CompileOne(
        InstrumentSource source, ScoringFunctions? functions)
    {
        var diagnostics = new List<Diagnostic>();
        var bytes = Encoding.UTF8.GetByteCount(source.Text);
        if (bytes > MaxFileBytes)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(source.Path), bytes, MaxFileBytes));
            return (null, diagnostics, Location.None, SourceLocator.None);
        }

        var document = YamlDocumentReader.Read(source.Text, source.Path, MaxDepth, diagnostics);
        if (document is null)
        {
            return (null, diagnostics, Location.None, SourceLocator.None);
        }

        var locator = new YamlSourceLocator(source.Path);
        var binder = new YamlDefinitionReader(source.Path, locator, diagnostics);
        var definition = binder.Read(document);
        if (definition is null)
        {
            return (null, diagnostics, Location.None, SourceLocator.None);
        }

        var bound = DefinitionBinder.Bind(definition, locator, functions);
        diagnostics.AddRange(bound.Diagnostics);
        return (bound.Bound is null ? null : definition, diagnostics, locator.Locate("instrument"), locator);
    }
}

/// <summary>
/// The immutable result of compiling one or more instrument sources: the definitions that compiled
/// without errors, and every diagnostic (after severity overrides), in source order.
/// </summary>
public sealed class InstrumentCompilation
{
    private readonly IReadOnlyDictionary<InstrumentDefinition, SourceLocator> _locators;

    internal InstrumentCompilation(ImmutableArray<InstrumentDefinition> definitions, ImmutableArray<Diagnostic> diagnostics,
        IReadOnlyDictionary<InstrumentDefinition, SourceLocator> locators)
    {
        _locators = locators;
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
}
