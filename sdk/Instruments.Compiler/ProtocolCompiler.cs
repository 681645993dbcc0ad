using System.Collections.Immutable;
using System.Text;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Instruments.Compiler;

/// <summary>
/// Compiles protocol files (paired measures and batteries, see the "Protocols" section of <c>docs/yaml-format.md</c>):
/// YAML whose top-level mapping has a <c>protocol</c> key, checked against the instruments it names. User mistakes
/// are diagnostics with file(line,col) (INS1010-INS1015 for structure, INS1100-INS1113 for references and rules, INS1140-INS1143 for the alliance-and-outcome pairing),
/// never exceptions.
/// </summary>
/// <example>
/// <code>
/// var source = InstrumentSource.FromFile("nhs-talking-therapies.yaml");
/// var compilation = ProtocolCompiler.Compile(source, [phq9Plan, gad7Plan]);
/// foreach (var d in compilation.Diagnostics) Console.Error.WriteLine(d);
/// if (compilation.Plan is { } plan) { /* score rows, evaluate outcomes */ }
/// </code>
/// </example>
public static class ProtocolCompiler
{
    /// <summary>
    /// True when <paramref name="text"/> is a protocol file: YAML whose top-level mapping has a <c>protocol</c> key
    /// (an instrument file has <c>instrument</c>). Reads only as far as the top-level keys; text that is not YAML is
    /// not a protocol (the instrument compiler then reports why).
    /// </summary>
    public static bool IsProtocol(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var parser = new Parser(new StringReader(text));
            var depth = 0;
            var expectKey = false;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case SequenceStart when depth == 0:
                        return false;
                    case MappingStart or SequenceStart:
                        depth++;
                        expectKey |= depth == 1;
                        break;
                    case Scalar scalar when depth == 1:
                        if (expectKey && scalar.Value == "protocol")
                        {
                            return true;
                        }

                        expectKey = !expectKey;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        if (depth <= 0)
                        {
                            return false;
                        }

                        if (depth == 1)
                        {
                            expectKey = !expectKey;
                        }

                        break;
                    case DocumentEnd:
                        return false;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }

        return false;
    }

    /// <summary>
    /// Compiles one protocol source against <paramref name="instruments"/> (the plans of the instruments it may name,
    /// by id; the first of an id wins).
    /// </summary>
    /// <param name="source">The protocol file.</param>
    /// <param name="instruments">The scoring plans of the loaded instruments.</param>
    /// <param name="options">Severity overrides; defaults when null.</param>
    /// <returns>The compilation: the definition, the plan when there is no error, and every diagnostic.</returns>
    public static ProtocolCompilation Compile(InstrumentSource source, IEnumerable<ScoringPlan> instruments, DiagnosticOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(instruments);
        options ??= DiagnosticOptions.Default;
        var diagnostics = new List<Diagnostic>(source.ReadDiagnostics);
        var locator = new YamlSourceLocator(source.Path);
        if (diagnostics.Count > 0)
        {
            return new ProtocolCompilation(null, null, options.Apply(diagnostics), locator);
        }

        var bytes = Encoding.UTF8.GetByteCount(source.Text);
        if (bytes > InstrumentCompiler.MaxFileBytes)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.FileTooLarge, Location.InFile(source.Path), bytes, InstrumentCompiler.MaxFileBytes));
            return new ProtocolCompilation(null, null, options.Apply(diagnostics), locator);
        }

        var root = YamlDocumentReader.Read(source.Text, source.Path, InstrumentCompiler.MaxDepth, diagnostics);
        if (root is null)
        {
            return new ProtocolCompilation(null, null, options.Apply(diagnostics), locator);
        }

        var reader = new YamlProtocolReader(source.Path, locator, diagnostics);
        var definition = reader.Read(root);
        if (definition is null || reader.Failed)
        {
            return new ProtocolCompilation(definition, null, options.Apply(diagnostics), locator);
        }

        var bound = ProtocolBinder.Bind(definition, instruments, locator);
        diagnostics.AddRange(bound.Diagnostics);
        var effective = options.Apply(diagnostics);
        var plan = bound.Bound is { } b && !effective.Any(d => d.IsError) ? ProtocolPlan.FromBound(b) : null;
        return new ProtocolCompilation(definition, plan, effective, locator);
    }
}

/// <summary>The immutable result of compiling one protocol source.</summary>
public sealed class ProtocolCompilation
{
    private readonly SourceLocator _locator;

    internal ProtocolCompilation(ProtocolDefinition? definition, ProtocolPlan? plan, ImmutableArray<Diagnostic> diagnostics, SourceLocator locator)
    {
        Definition = definition;
        Plan = plan;
        Diagnostics = diagnostics;
        _locator = locator;
    }

    /// <summary>The definition as read (null when the file could not be read as a protocol); it may have errors.</summary>
    public ProtocolDefinition? Definition { get; }

    /// <summary>The plan; null when any diagnostic is an error.</summary>
    public ProtocolPlan? Plan { get; }

    /// <summary>Every diagnostic (after severity overrides), in source order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// The source location of a part of the protocol by path: <c>protocol</c>, <c>version</c>, <c>measures[i]</c>,
    /// <c>measures[i].id|instrument|score|reliable_change</c>, <c>outcomes[i]</c>, <c>outcomes[i].id|when|sources</c>,
    /// <c>alliance_outcome</c>, <c>alliance_outcome.alliance|outcome|early_sessions</c>.
    /// </summary>
    public Location GetLocation(string path) => _locator.Locate(path);
}
