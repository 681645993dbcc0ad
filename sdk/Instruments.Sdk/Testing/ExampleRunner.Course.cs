using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Instruments.Course;
using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Testing;

public static partial class ExampleRunner
{
    private static ImmutableArray<CourseExample> CourseExamplesOf(InstrumentDefinition definition) =>
        definition.CourseExamples.IsDefault ? [] : definition.CourseExamples;

    /// <summary>
    /// Scores each administration of a series example with <paramref name="plan"/>, analyses each expected score's course
    /// with a <see cref="CourseAnalyzer"/> and compares it with the expectation. A score value is usable when it is
    /// computed and the administration's status is not invalid (a partial response within the missing rule is usable).
    /// </summary>
    public static ExampleOutcome Run(ScoringPlan plan, CourseExample example)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(example);
        var def = plan.Definition;
        var series = example.Series.IsDefault ? [] : example.Series;
        var results = series.Select(a => plan.Score(a.Responses)).ToList();
        var failures = new List<string>();
        var actual = new List<string>();
        foreach (var (id, expect) in example.Expect.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var index = plan.IndexOfScore(id);
            if (index < 0)
            {
                failures.Add($"score '{id}': not a score of '{def.Id}'");
                continue;
            }

            var values = results.Select(r => r.Status != ResponseStatus.Invalid && r.GetScore(index) is { } v ? v : double.NaN).ToArray();
            var analyzer = CourseAnalyzer.Create(def.Scores[index]);
            var course = analyzer.CreateResult();
            analyzer.Analyze(values, course);
            actual.Add(Describe(id, course, series, values));
            Compare(id, expect, course, analyzer, series, failures);
        }

        return new ExampleOutcome(def.Id, example, [.. failures], string.Join("; ", actual));
    }

    private static void Compare(string id, CourseExpectation expect, ScoreCourse course, CourseAnalyzer analyzer,
        ImmutableArray<CourseAdministration> series, List<string> failures)
    {
        void Number(string field, Expected<double> expected, double got)
        {
            if (!expected.IsStated)
            {
                return;
            }

            var same = expected.Value is { } e ? double.IsFinite(got) && Math.Abs(e - got) <= Tolerance : !double.IsFinite(got);
            if (!same)
            {
                failures.Add($"score '{id}': {field}: expected {Num(expected.Value)}, got {Num(double.IsFinite(got) ? got : null)}");
            }
        }

        void Value<T>(string field, Expected<T> expected, T? got) where T : struct
        {
            if (expected.IsStated && !Nullable.Equals(expected.Value, got))
            {
                failures.Add($"score '{id}': {field}: expected {Word(expected.Value)}, got {Word(got)}");
            }
        }

        Number("first", expect.First, course.First);
        Number("last", expect.Last, course.Last);
        Number("change", expect.Change, course.Change);
        Value("case_first", expect.CaseFirst, course.CaseFirst);
        Value("case_last", expect.CaseLast, course.CaseLast);
        Value("recovered", expect.Recovered, course.Recovered);
        foreach (var (rule, expected) in expect.ReliableChange.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var k = analyzer.IndexOfRule(rule);
            if (k < 0)
            {
                failures.Add($"score '{id}': reliable_change '{rule}': not a reliable-change rule of the score");
                continue;
            }

            Value("reliable_change " + rule, new Expected<ChangeOutcome>(expected), course.Outcome(k));
        }

        Value("category", expect.Category, course.Category);
        Occasions("sudden_gains", expect.SuddenGains, course.SuddenGains);
        Occasions("sudden_losses", expect.SuddenLosses, course.SuddenLosses);
        Number("early_slope", expect.EarlySlope, course.EarlySlope);
        RuptureOccasions("ruptures", expect.Ruptures, static r => r.Position);
        RuptureOccasions("repairs", expect.Repairs, static r => r.RepairPosition);

        void RuptureOccasions(string field, ImmutableDictionary<string, ImmutableArray<string>> expected, Func<Rupture, int> position)
        {
            foreach (var (rule, list) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var found = course.Ruptures.FirstOrDefault(r => string.Equals(r.Rule.Id, rule, StringComparison.Ordinal));
                if (found is null)
                {
                    failures.Add($"score '{id}': {field} '{rule}': not a rupture rule of the score");
                    continue;
                }

                var actual = found.Ruptures.Select(position).Where(p => p >= 0).Select(p => series[p].Occasion).ToList();
                if (!list.SequenceEqual(actual, StringComparer.Ordinal))
                {
                    failures.Add($"score '{id}': {field} '{rule}': expected [{List(list)}], got [{List(actual)}]");
                }
            }
        }

        void Occasions(string field, ImmutableArray<string>? expected, IReadOnlyList<SuddenShift> got)
        {
            if (expected is not { IsDefault: false } list)
            {
                return;
            }

            var actual = got.Select(s => series[s.PregainPosition].Occasion).ToList();
            if (!list.SequenceEqual(actual, StringComparer.Ordinal))
            {
                failures.Add($"score '{id}': {field}: expected [{List(list)}], got [{List(actual)}]");
            }
        }
    }

    private static string Word<T>(T? value) where T : struct =>
        value is { } v ? v.ToString()!.ToLowerInvariant() : "null";

    /// <summary>One score's course on one line: values by occasion, then what the rules made of them.</summary>
    private static string Describe(string id, ScoreCourse c, ImmutableArray<CourseAdministration> series, double[] values)
    {
        var sb = new StringBuilder();
        sb.Append(id).Append(" [");
        for (var i = 0; i < values.Length; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(series[i].Occasion).Append(": ")
                .Append(double.IsFinite(values[i]) ? values[i].ToString("R", CultureInfo.InvariantCulture) : "unusable");
        }

        sb.Append(']');
        if (c.NoChange != NoChangeReason.None)
        {
            sb.Append(", no change (").Append(c.NoChange == NoChangeReason.OneUsableAdministration ? "one usable administration" : "no usable administration").Append(')');
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $", change {c.Change.ToString("R", CultureInfo.InvariantCulture)}");
        }

        if (c.CaseFirst is not null)
        {
            sb.Append(", case_first ").Append(Word(c.CaseFirst)).Append(", case_last ").Append(Word(c.CaseLast)).Append(", recovered ").Append(Word(c.Recovered));
        }

        for (var k = 0; k < c.RuleCount; k++)
        {
            sb.Append(", ").Append(c.Analyzer.Rules!.ReliableChange[k].Id).Append(' ').Append(Word(c.Outcome(k)));
        }

        if (c.Category is not null)
        {
            sb.Append(", category ").Append(Word(c.Category));
        }

        if (c.Analyzer.Rules?.SuddenGains is not null)
        {
            sb.Append(", sudden_gains [").Append(List(c.SuddenGains.Select(s => series[s.PregainPosition].Occasion)))
                .Append("], sudden_losses [").Append(List(c.SuddenLosses.Select(s => series[s.PregainPosition].Occasion))).Append(']');
        }

        if (c.Ruptures.Count > 0)
        {
            sb.Append(", early_slope ").Append(double.IsFinite(c.EarlySlope) ? c.EarlySlope.ToString("R", CultureInfo.InvariantCulture) : "null");
            foreach (var rule in c.Ruptures)
            {
                sb.Append(", ").Append(rule.Rule.Id).Append(" ruptures [").Append(List(rule.Ruptures.Select(r => series[r.Position].Occasion)))
                    .Append("] repairs [").Append(List(rule.Ruptures.Where(r => r.Repaired).Select(r => series[r.RepairPosition].Occasion))).Append(']');
            }
        }

        return sb.ToString();
    }
}
