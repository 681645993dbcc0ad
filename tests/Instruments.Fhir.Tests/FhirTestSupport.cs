using System.Text;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Instruments.Compiler;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Fhir.Tests;

/// <summary>Shipped instruments, the vendored examples, and the Firely SDK's strict parse and validator.</summary>
internal static class FhirTestSupport
{
    public static string RepoRoot { get; } = FindRoot();

    private static readonly Lazy<Validator> s_validator = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public static InstrumentDefinition Shipped(string id)
    {
        var path = Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), id + ".yaml", SearchOption.AllDirectories).Single();
        var compilation = InstrumentCompiler.Compile(File.ReadAllText(path), path);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        return compilation.Definitions.Single();
    }

    public static IEnumerable<string> ShippedFiles() =>
        Directory.GetFiles(Path.Combine(RepoRoot, "plugins"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(Path.GetDirectoryName(p)) == "instruments").Order(StringComparer.Ordinal);

    public static ScoringPlan Plan(InstrumentDefinition definition)
    {
        var result = ScoringPlan.Create(definition);
        return result.Plan ?? throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
    }

    public static string Example(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", name));

    public static Stream Utf8(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses FHIR JSON with the Firely SDK in strict mode (any unknown or malformed element fails).</summary>
    public static Resource ParseStrict(string json) => Strict.DeserializeResource(json);

    /// <summary>Validates with the Firely validator against the FHIR R4 core profiles; fails on any error or fatal issue.</summary>
    public static void AssertValid(Resource resource)
    {
        var outcome = s_validator.Value.Validate(resource);
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} {i.Code} at {string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}").ToList();
        Assert.True(errors.Count == 0, resource.TypeName + " does not validate:\n" + string.Join("\n", errors));
    }

    /// <summary>Reads every response of <paramref name="json"/> for <paramref name="map"/>'s instrument.</summary>
    public static List<FhirResponse> Read(string json, FhirItemMap map, FhirInputKind kind = FhirInputKind.Auto, List<string>? warnings = null)
    {
        using var reader = new QuestionnaireResponseReader(Utf8(json), map, kind, warnings is null ? null : warnings.Add);
        return [.. reader.ReadAll()];
    }

    public static ScoreResult Score(ScoringPlan plan, FhirResponse response)
    {
        var result = plan.CreateResult();
        response.Score(plan, result);
        return result;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Instruments.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Instruments.sln not found");
    }
}
