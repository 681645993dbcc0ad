using System.Collections.Immutable;
using Instruments.Diagnostics;
using Instruments.Text;

namespace Instruments.Definitions;

internal static partial class DefinitionBinder
{
    private sealed partial class Binder
    {
        /// <summary>
        /// INS1071, INS1073-INS1078: series examples name only items, scores and reliable-change rules that exist, expect
        /// only what the score's change rules can give, have administrations, each at its own occasion, and a name no
        /// other example has.
        /// </summary>
        private void CheckCourseExamples()
        {
            if (def.CourseExamples.IsDefaultOrEmpty)
            {
                return;
            }

            var itemIds = def.Items.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
            var scores = new Dictionary<string, ScoreDefinition>(StringComparer.Ordinal);
            foreach (var score in def.Scores)
            {
                scores.TryAdd(score.Id, score);
            }

            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var examples = def.Examples.IsDefault ? [] : def.Examples;
            for (var i = 0; i < examples.Length; i++)
            {
                names.TryAdd(examples[i].Name, i);
            }

            for (var i = 0; i < def.CourseExamples.Length; i++)
            {
                var example = def.CourseExamples[i];
                var path = $"course_examples[{i}]";
                if (!names.TryAdd(example.Name, examples.Length + i))
                {
                    Report(InstrumentDiagnostics.DuplicateExampleName, path + ".name", example.Name, names[example.Name] + 1);
                }

                var series = example.Series.IsDefault ? [] : example.Series;
                if (series.IsEmpty)
                {
                    Report(InstrumentDiagnostics.CourseExampleEmptySeries, path + ".series", example.Name);
                }

                var occasions = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var j = 0; j < series.Length; j++)
                {
                    var administration = series[j];
                    if (!occasions.TryAdd(administration.Occasion, j))
                    {
                        Report(InstrumentDiagnostics.CourseExampleDuplicateOccasion, $"{path}.series[{j}].occasion", example.Name,
                            administration.Occasion, occasions[administration.Occasion] + 1);
                    }

                    foreach (var item in administration.Responses.Keys.Order(StringComparer.Ordinal))
                    {
                        if (!itemIds.Contains(item))
                        {
                            Report(InstrumentDiagnostics.ExampleUnknownItem, $"{path}.series[{j}].responses.{item}", example.Name, item,
                                NameSuggester.DidYouMean(item, itemIds));
                        }
                    }
                }

                foreach (var (id, expect) in example.Expect.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    var scorePath = $"{path}.expect.{id}";
                    if (!scores.TryGetValue(id, out var score))
                    {
                        Report(InstrumentDiagnostics.CourseExampleUnknownScore, scorePath, example.Name, id, NameSuggester.DidYouMean(id, scores.Keys));
                        continue;
                    }

                    CheckCourseExpectation(example, series, score, expect, scorePath);
                }
            }
        }

        private void CheckCourseExpectation(CourseExample example, ImmutableArray<CourseAdministration> series, ScoreDefinition score,
            CourseExpectation expect, string path)
        {
            var rules = score.Change;
            void CannotGive(string field, string what, string why) =>
                Report(InstrumentDiagnostics.CourseExampleCannotProduce, path + "." + field, example.Name, score.Id, what, why);

            var noCaseness = rules?.Caseness is null;
            if (noCaseness)
            {
                foreach (var (field, stated) in new[] { ("case_first", expect.CaseFirst), ("case_last", expect.CaseLast), ("recovered", expect.Recovered) })
                {
                    if (stated.Value is not null)
                    {
                        CannotGive(field, "'" + field + "'", "it has no caseness rule (expect null, or leave the field out)");
                    }
                }
            }

            if (expect.Category.Value is not null && rules?.ClinicalSignificance is null)
            {
                CannotGive("category", "a category", "it has no clinical_significance rule");
            }

            foreach (var rule in expect.ReliableChange.Keys.Order(StringComparer.Ordinal))
            {
                if (rules?.FindReliableChange(rule) is null)
                {
                    var known = rules is null || rules.ReliableChange.IsDefault ? [] : rules.ReliableChange.Select(r => r.Id).ToList();
                    Report(InstrumentDiagnostics.CourseExampleUnknownRule, $"{path}.reliable_change.{rule}", example.Name, rule, score.Id,
                        NameSuggester.DidYouMean(rule, known));
                }
            }

            if (series.Length < 2)
            {
                var oneValue = "the series has fewer than two administrations, so there is no change";
                if (expect.Last.Value is not null)
                {
                    CannotGive("last", "a last value", oneValue);
                }

                if (expect.Change.Value is not null)
                {
                    CannotGive("change", "a change", oneValue);
                }

                if (expect.ReliableChange.Values.Any(v => v is not null))
                {
                    CannotGive("reliable_change", "a reliable-change outcome", oneValue);
                }

                if (expect.Category.Value is not null && rules?.ClinicalSignificance is not null)
                {
                    CannotGive("category", "a category", oneValue);
                }
            }

            CheckShiftOccasions(expect.SuddenGains, "sudden_gains", "a sudden gain");
            CheckShiftOccasions(expect.SuddenLosses, "sudden_losses", "a sudden loss");
            var ruptureRules = rules is null || rules.Ruptures.IsDefault ? [] : rules.Ruptures.Select(r => r.Id).ToList();
            CheckRuptureOccasions(expect.Ruptures, "ruptures", "a rupture");
            CheckRuptureOccasions(expect.Repairs, "repairs", "a repair");
            if (expect.EarlySlope.Value is not null && ruptureRules.Count == 0)
            {
                CannotGive("early_slope", "an early slope", "it has no rupture rule (the early slope is computed for scores with rupture rules)");
            }

            void CheckRuptureOccasions(ImmutableDictionary<string, ImmutableArray<string>> byRule, string field, string what)
            {
                foreach (var (rule, occasions) in byRule.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!ruptureRules.Contains(rule, StringComparer.Ordinal))
                    {
                        CannotGive($"{field}.{rule}", $"{what} under rule '{rule}'",
                            ruptureRules.Count == 0 ? "it has no rupture rule" : "it has no rupture rule of that id" + NameSuggester.DidYouMean(rule, ruptureRules));
                        continue;
                    }

                    for (var k = 0; k < occasions.Length; k++)
                    {
                        if (!series.Any(a => string.Equals(a.Occasion, occasions[k], StringComparison.Ordinal)))
                        {
                            CannotGive($"{field}.{rule}[{k}]", $"{what} at occasion '{occasions[k]}'",
                                "it is not an occasion of the series" + NameSuggester.DidYouMean(occasions[k], series.Select(a => a.Occasion)));
                        }
                    }
                }
            }

            void CheckShiftOccasions(ImmutableArray<string>? occasions, string field, string what)
            {
                if (occasions is not { IsDefaultOrEmpty: false } list)
                {
                    return;
                }

                if (rules?.SuddenGains is null)
                {
                    CannotGive(field, what, "it has no sudden_gains rule");
                    return;
                }

                for (var k = 0; k < list.Length; k++)
                {
                    var position = -1;
                    for (var p = 0; p < series.Length && position < 0; p++)
                    {
                        position = string.Equals(series[p].Occasion, list[k], StringComparison.Ordinal) ? p : -1;
                    }

                    if (position < 0)
                    {
                        CannotGive($"{field}[{k}]", what + " at occasion '" + list[k] + "'",
                            "it is not an occasion of the series" + NameSuggester.DidYouMean(list[k], series.Select(a => a.Occasion)));
                    }
                    else if (position == series.Length - 1)
                    {
                        CannotGive($"{field}[{k}]", what + " at occasion '" + list[k] + "'",
                            "it is the last administration; the occasion named is the pregain one, before the shift");
                    }
                }
            }
        }
    }
}
