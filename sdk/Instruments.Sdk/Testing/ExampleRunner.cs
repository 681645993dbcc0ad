using System.Collections.Immutable;
using System.Globalization;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Testing;

/// <summary>
/// Runs the worked examples of a definition (<see cref="InstrumentDefinition.Examples"/>) through the real
/// <see cref="ScoringPlan"/> and compares what it gives with what each example expects. Used by
/// <c>instruments test</c> and by the tests of the shipped instruments.
/// </summary>
/// <example>
/// <code>
/// foreach (var outcome in ExampleRunner.Run(definition))
///     Console.WriteLine((outcome.Passed ? "PASS " : "FAIL ") + outcome.Example.Name);
/// </code>
/// </example>
public static partial class ExampleRunner
{
    /// <summary>Largest difference between an expected and an actual score value that still counts as equal.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>
    /// Runs every example of <paramref name="definition"/>, in order: the single-response examples
    /// (<see cref="InstrumentDefinition.Examples"/>), then the series examples (<see cref="InstrumentDefinition.CourseExamples"/>).
    /// When the definition has errors no plan can be built: every example then fails, with the errors as its failures
    /// (no exception).
    /// </summary>
    public static ImmutableArray<ExampleOutcome> Run(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var result = ScoringPlan.Create(definition);
        if (!result.Success)
        {
            ImmutableArray<string> errors = [.. result.Diagnostics.Where(d => d.IsError).Select(d => "definition: " + d.Id + " " + d.Message)];
            const string NotScored = "not scored (the definition has errors)";
            return
            [
                .. definition.Examples.Select(e => new ExampleOutcome(definition.Id, e, errors, NotScored)),
                .. CourseExamplesOf(definition).Select(e => new ExampleOutcome(definition.Id, e, errors, NotScored)),
            ];
        }

        return Run(result.Plan);
    }

    /// <summary>
    /// Runs every example of the plan's definition with <paramref name="plan"/> (its functions and response checks):
    /// the single-response examples, then the series examples.
    /// </summary>
    public static ImmutableArray<ExampleOutcome> Run(ScoringPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var def = plan.Definition;
        return [.. def.Examples.Select(e => Run(plan, e)), .. CourseExamplesOf(def).Select(e => Run(plan, e))];
    }

    /// <summary>Scores one example's response with <paramref name="plan"/> and compares the result with its expectation.</summary>
    public static ExampleOutcome Run(ScoringPlan plan, InstrumentExample example)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(example);
        var result = plan.Score(example.Responses);
        var failures = new List<string>();
        var expect = example.Expect;
        var def = plan.Definition;

        if (expect.Status is { } status && result.Status != status)
        {
            failures.Add($"status: expected {Name(status)}, got {Name(result.Status)}");
        }

        CompareNumbers("score", expect.Scores, result.GetScore);
        CompareNumbers("unrounded score", expect.Unrounded,
            index => result.GetUnroundedScore(index) is var u && double.IsNaN(u) ? null : u);

        void CompareNumbers(string what, IEnumerable<KeyValuePair<string, double?>> expected, Func<int, double?> actualOf)
        {
            foreach (var (id, e) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var index = plan.IndexOfScore(id);
                if (index < 0)
                {
                    failures.Add($"score '{id}': not a score of '{def.Id}'");
                    continue;
                }

                var actual = actualOf(index);
                var same = (e, actual) switch
                {
                    (null, null) => true,
                    ({ } x, { } a) => Math.Abs(x - a) <= Tolerance,
                    _ => false,
                };
                if (!same)
                {
                    failures.Add($"{what} '{id}': expected {Num(e)}, got {Num(actual)}");
                }
            }
        }

        foreach (var (id, expected) in expect.Bands.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var index = plan.IndexOfScore(id);
            if (index < 0)
            {
                failures.Add($"band of '{id}': not a score of '{def.Id}'");
                continue;
            }

            var actual = result.GetBand(index);
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                failures.Add($"band of '{id}': expected {Label(expected)}, got {Label(actual)}");
            }
        }

        CompareSet("flags raised", expect.Flags, FlagsIn(plan, result, FlagState.Raised), failures);
        CompareSet("flags not evaluated", expect.UnevaluatedFlags, FlagsIn(plan, result, FlagState.Unknown), failures);
        var prorated = Enumerable.Range(0, plan.ScoreCount).Where(result.IsProrated).Select(i => def.Scores[i].Id).ToList();
        CompareSet("prorated scores", expect.Prorated, prorated, failures);

        var reported = new List<string>();
        foreach (var d in result.Diagnostics)
        {
            reported.Add(d.Id);
        }

        foreach (var id in expect.Diagnostics.IsDefault ? [] : expect.Diagnostics)
        {
            if (!reported.Contains(id, StringComparer.Ordinal))
            {
                failures.Add($"diagnostic {id}: expected, not reported (reported: {List(reported.Distinct())})");
            }
        }

        return new ExampleOutcome(def.Id, example, [.. failures], result.ToString());
    }

    private static List<string> FlagsIn(ScoringPlan plan, ScoreResult result, FlagState state) =>
        [.. Enumerable.Range(0, plan.FlagCount).Where(f => result.GetFlag(f) == state).Select(f => plan.Definition.Flags[f].Id)];

    private static void CompareSet(string what, ImmutableArray<string>? expected, List<string> actual, List<string> failures)
    {
        if (expected is not { IsDefault: false } list)
        {
            return;
        }

        var e = list.Order(StringComparer.Ordinal).ToList();
        var a = actual.Order(StringComparer.Ordinal).ToList();
        if (!e.SequenceEqual(a, StringComparer.Ordinal))
        {
            failures.Add($"{what}: expected [{List(e)}], got [{List(a)}]");
        }
    }

    private static string List(IEnumerable<string> ids) => string.Join(", ", ids);

    private static string Name(ResponseStatus status) => status.ToString().ToLowerInvariant();

    private static string Num(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "null (not computed)";

    private static string Label(string? label) => label is null ? "no band" : "'" + label + "'";
}

/// <summary>The outcome of one worked example (a single response or a series).</summary>
public sealed class ExampleOutcome
{
    internal ExampleOutcome(string instrumentId, InstrumentExample example, ImmutableArray<string> failures, string actual)
        : this(instrumentId, example.Name, example.Source, failures, actual)
    {
        Example = example;
    }

    internal ExampleOutcome(string instrumentId, CourseExample example, ImmutableArray<string> failures, string actual)
        : this(instrumentId, example.Name, example.Source, failures, actual)
    {
        CourseExample = example;
    }

    private ExampleOutcome(string instrumentId, string name, string source, ImmutableArray<string> failures, string actual)
    {
        InstrumentId = instrumentId;
        Name = name;
        Source = source;
        Failures = failures;
        Actual = actual;
    }

    /// <summary>The instrument the example belongs to.</summary>
    public string InstrumentId { get; }

    /// <summary>The example's name.</summary>
    public string Name { get; }

    /// <summary>Where the example's expectation comes from.</summary>
    public string Source { get; }

    /// <summary>The single-response example; null for a series example (<see cref="CourseExample"/>).</summary>
    public InstrumentExample? Example { get; }

    /// <summary>The series example; null for a single-response example (<see cref="Example"/>).</summary>
    public CourseExample? CourseExample { get; }

    /// <summary>True when scoring gave everything the example expects.</summary>
    public bool Passed => Failures.IsEmpty;

    /// <summary>One line per mismatch (empty when the example passed).</summary>
    public ImmutableArray<string> Failures { get; }

    /// <summary>A one-line summary of what scoring gave (status and scores, or each score's course), for failure reports.</summary>
    public string Actual { get; }

    /// <summary>
    /// <c>PASS id › name</c> or <c>FAIL id › name</c>.
    /// </summary>
    public override string ToString() => (Passed ? "PASS " : "FAIL ") + InstrumentId + " \u203a " + Name;
}
