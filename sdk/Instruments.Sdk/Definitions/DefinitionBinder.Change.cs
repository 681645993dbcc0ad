using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Instruments.Diagnostics;
using Instruments.Text;

namespace Instruments.Definitions;

/// <summary>The checks of a score's change rules (<see cref="ScoreDefinition.Change"/>): INS1080-INS1093, INS1120-INS1124 and INS1070.</summary>
internal static partial class DefinitionBinder
{
    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleIdPattern();

    internal const string RuleIdRule = "use lowercase letters, digits, '-' and '_', starting with a letter (it names output columns)";

    /// <summary>True when <paramref name="id"/> is a valid reliable-change rule id (such as <c>jt</c> or <c>nhs-talking-therapies</c>).</summary>
    internal static bool IsValidRuleId(string? id) => id is not null && RuleIdPattern().IsMatch(id);

    internal static string DirectionName(ChangeDirection direction) => DefinitionJsonWriter.DirectionName(direction);

    internal static string ReliableChangeMethodName(ReliableChangeMethod method) => DefinitionJsonWriter.MethodName(method);

    internal static string CutoffName(ClinicalCutoff cutoff) => DefinitionJsonWriter.CutoffName(cutoff);

    private sealed partial class Binder
    {
        private void CheckChangeRules(ScoreDraft[] scores)
        {
            foreach (var draft in scores)
            {
                if (draft.Definition.Change is { } rules)
                {
                    CheckChange(draft, rules);
                }
            }
        }

        private void CheckChange(ScoreDraft draft, ChangeRules rules)
        {
            var score = draft.Definition.Id;
            var path = $"scores[{draft.DefinitionIndex}].change";
            ChangeDirection? direction = rules.Direction;
            if (!Enum.IsDefined(rules.Direction))
            {
                Report(InstrumentDiagnostics.InvalidEnumValue, path + ".direction", DirectionName(rules.Direction), "direction",
                    "lower-is-better, higher-is-better");
                direction = null;
            }

            if (rules.Caseness is { } caseness)
            {
                CheckCaseness(draft, caseness, direction, path + ".caseness");
            }

            var declared = CheckReliableChange(score, rules.ReliableChange.IsDefault ? [] : rules.ReliableChange, path + ".reliable_change");
            if (rules.ClinicalSignificance is { } clinical)
            {
                CheckClinicalSignificance(draft, clinical, direction, declared, path + ".clinical_significance");
            }

            if (rules.SuddenGains is { } sudden)
            {
                CheckSuddenGains(score, sudden, declared, path + ".sudden_gains");
            }

            CheckRuptures(score, rules.Ruptures.IsDefault ? [] : rules.Ruptures, path + ".ruptures");
        }

        /// <summary>INS1120-INS1124, INS1014 and INS1070 for the score's rupture rules.</summary>
        private void CheckRuptures(string score, ImmutableArray<RuptureRule> rules, string path)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < rules.Length; j++)
            {
                var rule = rules[j];
                var p = $"{path}[{j}]";
                var id = rule.Id ?? string.Empty;
                if (!IsValidRuleId(id))
                {
                    Report(InstrumentDiagnostics.InvalidId, p + ".id", "Rupture rule", id, RuleIdRule);
                }

                if (index.TryGetValue(id, out var first))
                {
                    Report(InstrumentDiagnostics.DuplicateRuptureId, p + ".id", score, id, first + 1);
                }
                else
                {
                    index[id] = j;
                }

                if (rule.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, p + ".id", $"Rupture rule '{id}' of score '{score}'");
                }

                if (rule.K.HasValue == rule.Points.HasValue)
                {
                    Report(InstrumentDiagnostics.RuptureThresholdUnclear, p, score, id, rule.K.HasValue ? "both" : "neither");
                }

                if (rule.K is { } k && (!(k > 0) || !double.IsFinite(k)))
                {
                    Report(InstrumentDiagnostics.InvalidRuptureThreshold, p + ".k", score, id, "k", FormatNumber(k));
                }

                if (rule.Points is { } points && (!(points > 0) || !double.IsFinite(points)))
                {
                    Report(InstrumentDiagnostics.InvalidRuptureThreshold, p + ".points", score, id, "points", FormatNumber(points));
                }

                if (rule.Sd is { } sd && (!(sd > 0) || !double.IsFinite(sd)))
                {
                    Report(InstrumentDiagnostics.InvalidRuptureSd, p + ".sd", score, id,
                        $"'sd' is {FormatNumber(sd)}; it must be 'client' (the client's own series SD) or a positive number (a stated sample SD)");
                }
                else if (rule.K.HasValue && !rule.Points.HasValue && rule.ClientSd == rule.Sd.HasValue)
                {
                    Report(InstrumentDiagnostics.InvalidRuptureSd, rule.Sd.HasValue ? p + ".sd" : p, score, id, rule.Sd.HasValue
                        ? "it takes the client's SD and a stated 'sd' at once; give one"
                        : "'sd' is missing; give 'client' (the client's own series SD) or a positive number (a stated sample SD)");
                }
                else if (rule.Points.HasValue && !rule.K.HasValue && (rule.ClientSd || rule.Sd.HasValue))
                {
                    Report(InstrumentDiagnostics.InvalidRuptureSd, p + ".sd", score, id, "a 'points' rule takes no 'sd'; remove it, or use 'k' with 'sd'");
                }

                if (rule.RepairWithin is { } w && w < 1)
                {
                    Report(InstrumentDiagnostics.InvalidRepairWindow, p + ".repair_within", score, id, w.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        private void CheckCaseness(ScoreDraft draft, CasenessRule caseness, ChangeDirection? direction, string path)
        {
            var score = draft.Definition.Id;
            if (caseness.Sources.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.RuleWithoutSource, path, $"The caseness of score '{score}'");
            }

            if (caseness.Min.HasValue == caseness.Max.HasValue)
            {
                Report(InstrumentDiagnostics.CasenessBoundaryUnclear, path, score, caseness.Min.HasValue ? "both" : "neither");
                return;
            }

            var isMin = caseness.Min.HasValue;
            var key = isMin ? "min" : "max";
            var value = caseness.Min ?? caseness.Max!.Value;
            var range = draft.Range;
            string? which = null;
            if (double.IsNaN(value))
            {
                which = "no";
            }
            else if (range.IsKnown)
            {
                // Inclusive: min -> value >= min is a case; max -> value <= max is a case.
                which = isMin
                    ? value <= range.Min ? "every" : value > range.Max ? "no" : null
                    : value >= range.Max ? "every" : value < range.Min ? "no" : null;
            }

            if (which is not null)
            {
                Report(InstrumentDiagnostics.CasenessOutsideRange, $"{path}.{key}", score, key, FormatNumber(value), which, range.ToString());
            }

            if (direction == ChangeDirection.LowerIsBetter && !isMin)
            {
                Report(InstrumentDiagnostics.CasenessAgainstDirection, $"{path}.{key}", score, "lower-is-better", key, FormatNumber(value),
                    "low (better)", "min");
            }
            else if (direction == ChangeDirection.HigherIsBetter && isMin)
            {
                Report(InstrumentDiagnostics.CasenessAgainstDirection, $"{path}.{key}", score, "higher-is-better", key, FormatNumber(value),
                    "high (better)", "max");
            }
        }

        /// <summary>Checks the rules; returns every declared id (valid or not), for the references of the other rules.</summary>
        private List<string> CheckReliableChange(string score, ImmutableArray<ReliableChangeRule> rules, string path)
        {
            var declared = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < rules.Length; j++)
            {
                var rule = rules[j];
                var p = $"{path}[{j}]";
                var id = rule.Id ?? string.Empty;
                declared.Add(id);
                if (!IsValidRuleId(id))
                {
                    Report(InstrumentDiagnostics.InvalidId, p + ".id", "Reliable-change rule", id, RuleIdRule);
                }

                if (index.TryGetValue(id, out var first))
                {
                    Report(InstrumentDiagnostics.DuplicateReliableChangeId, p + ".id", score, id, first + 1);
                }
                else
                {
                    index[id] = j;
                }

                if (rule.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, p + ".id", $"Reliable-change rule '{id}' of score '{score}'");
                }

                switch (rule.Method)
                {
                    case ReliableChangeMethod.Fixed:
                        CheckFixed(score, rule, id, p);
                        break;
                    case ReliableChangeMethod.JacobsonTruax:
                        CheckJacobsonTruax(score, rule, id, p);
                        break;
                    default:
                        Report(InstrumentDiagnostics.InvalidEnumValue, p + ".method", ReliableChangeMethodName(rule.Method), "method", "fixed, jacobson-truax");
                        break;
                }
            }

            return declared;
        }

        private void CheckFixed(string score, ReliableChangeRule rule, string id, string p)
        {
            if (rule.Threshold is not { } threshold)
            {
                Report(InstrumentDiagnostics.InvalidFixedThreshold, p, score, id, "it has none");
            }
            else if (!(threshold > 0) || !double.IsFinite(threshold))
            {
                Report(InstrumentDiagnostics.InvalidFixedThreshold, p + ".threshold", score, id, "it is " + FormatNumber(threshold));
            }

            if (rule.Sd is not null)
            {
                Report(InstrumentDiagnostics.ParameterOfOtherMethod, p + ".sd", score, id, "fixed", "sd", "jacobson-truax");
            }

            if (rule.Reliability is not null)
            {
                Report(InstrumentDiagnostics.ParameterOfOtherMethod, p + ".reliability", score, id, "fixed", "reliability", "jacobson-truax");
            }

            // YAML 'critical' on a fixed rule is reported by the reader; a C# definition shows it by a non-default value.
            if (!rule.Critical.Equals(1.96))
            {
                Report(InstrumentDiagnostics.ParameterOfOtherMethod, p + ".critical", score, id, "fixed", "critical", "jacobson-truax");
            }
        }

        private void CheckJacobsonTruax(string score, ReliableChangeRule rule, string id, string p)
        {
            if (rule.Threshold is not null)
            {
                Report(InstrumentDiagnostics.ParameterOfOtherMethod, p + ".threshold", score, id, "jacobson-truax", "threshold", "fixed");
            }

            var ok = true;
            if (rule.Sd is not { } sd)
            {
                Report(InstrumentDiagnostics.InvalidJacobsonTruaxParameter, p, score, id,
                    "'sd' is missing; give the standard deviation of the reference (pre-treatment) sample");
                ok = false;
            }
            else if (!(sd > 0) || !double.IsFinite(sd))
            {
                Report(InstrumentDiagnostics.InvalidJacobsonTruaxParameter, p + ".sd", score, id,
                    $"'sd' is {FormatNumber(sd)}; it must be a positive number");
                ok = false;
            }

            if (rule.Reliability is not { } r)
            {
                Report(InstrumentDiagnostics.InvalidJacobsonTruaxParameter, p, score, id,
                    "'reliability' is missing; give the score's reliability (test-retest, or internal consistency such as alpha)");
                ok = false;
            }
            else if (!(r >= 0 && r < 1))
            {
                Report(InstrumentDiagnostics.InvalidJacobsonTruaxParameter, p + ".reliability", score, id,
                    $"'reliability' is {FormatNumber(r)}; it must be at least 0 and below 1 (at 1 the standard error of the difference is 0)");
                ok = false;
            }

            if (!(rule.Critical > 0) || !double.IsFinite(rule.Critical))
            {
                Report(InstrumentDiagnostics.InvalidJacobsonTruaxParameter, p + ".critical", score, id,
                    $"'critical' is {FormatNumber(rule.Critical)}; it must be a positive number (1.96 by default)");
                ok = false;
            }

            if (ok && !double.IsFinite(rule.PointThreshold))
            {
                Report(InstrumentDiagnostics.ChangeValueNotFinite, p, score,
                    $"the point threshold of Jacobson-Truax rule '{id}' (critical x sd x sqrt(2) x sqrt(1 - reliability))",
                    FormatNumber(rule.PointThreshold), "'sd' and 'critical'");
            }
        }

        private void CheckClinicalSignificance(ScoreDraft draft, ClinicalSignificanceRule rule, ChangeDirection? direction,
            List<string> declared, string path)
        {
            var score = draft.Definition.Id;
            if (rule.Sources.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.RuleWithoutSource, path, $"The clinical significance of score '{score}'");
            }

            var ok = Mean("functional", rule.FunctionalMean) & Sd("functional", rule.FunctionalSd)
                & Mean("dysfunctional", rule.DysfunctionalMean) & Sd("dysfunctional", rule.DysfunctionalSd);

            if (!Enum.IsDefined(rule.Cutoff))
            {
                Report(InstrumentDiagnostics.InvalidEnumValue, path + ".cutoff", CutoffName(rule.Cutoff), "cutoff", "a, c");
                ok = false;
            }

            CheckRuleReference(score, rule.ReliableChange, declared, path + ".reliable_change", "clinical_significance.reliable_change");
            if (!ok || direction is not { } dir)
            {
                return;
            }

            var lower = dir == ChangeDirection.LowerIsBetter;
            if (lower ? !(rule.FunctionalMean < rule.DysfunctionalMean) : !(rule.FunctionalMean > rule.DysfunctionalMean))
            {
                Report(InstrumentDiagnostics.NormsAgainstDirection, path, score, DirectionName(dir), FormatNumber(rule.FunctionalMean),
                    lower ? "lower" : "higher", FormatNumber(rule.DysfunctionalMean));
                return;
            }

            var cut = rule.CutoffValue(dir);
            var name = CutoffName(rule.Cutoff);
            if (!double.IsFinite(cut))
            {
                Report(InstrumentDiagnostics.ChangeValueNotFinite, path + ".cutoff", score, $"clinical-significance cut-off {name}",
                    FormatNumber(cut), "the means and SDs");
                return;
            }

            // Functional = strictly on the better side of the cut-off.
            var range = draft.Range;
            if (range.IsKnown)
            {
                var which = lower
                    ? cut <= range.Min ? "no" : cut > range.Max ? "every" : null
                    : cut >= range.Max ? "no" : cut < range.Min ? "every" : null;
                if (which is not null)
                {
                    Report(InstrumentDiagnostics.ClinicalCutoffOutsideRange, path + ".cutoff", score, name, FormatNumber(cut), range.ToString(), which);
                }
            }

            bool Mean(string key, double value)
            {
                if (double.IsFinite(value))
                {
                    return true;
                }

                Report(InstrumentDiagnostics.InvalidClinicalNorm, $"{path}.{key}.mean", score, key + ".mean", FormatNumber(value), "a finite number");
                return false;
            }

            bool Sd(string key, double value)
            {
                if (value > 0 && double.IsFinite(value))
                {
                    return true;
                }

                Report(InstrumentDiagnostics.InvalidClinicalNorm, $"{path}.{key}.sd", score, key + ".sd", FormatNumber(value), "a positive number");
                return false;
            }
        }

        private void CheckSuddenGains(string score, SuddenGainRule rule, List<string> declared, string path)
        {
            if (rule.Sources.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.RuleWithoutSource, path, $"The sudden-gain rule of score '{score}'");
            }

            if (rule.Cutoff.HasValue == (rule.ReliableChange is not null))
            {
                Report(InstrumentDiagnostics.SuddenGainCutoffUnclear, path, score, rule.Cutoff.HasValue ? "both" : "neither");
            }

            if (rule.Cutoff is { } cutoff && (!(cutoff > 0) || !double.IsFinite(cutoff)))
            {
                Report(InstrumentDiagnostics.InvalidSuddenGainParameter, path + ".cutoff", score, "cutoff", FormatNumber(cutoff),
                    "a positive number of points");
            }

            if (rule.ReliableChange is { } id)
            {
                CheckRuleReference(score, id, declared, path + ".reliable_change", "sudden_gains.reliable_change");
            }

            if (!(rule.Relative > 0 && rule.Relative <= 1))
            {
                Report(InstrumentDiagnostics.InvalidSuddenGainParameter, path + ".relative", score, "relative", FormatNumber(rule.Relative),
                    "a fraction of the pregain score above 0 and at most 1 (0.25 by default)");
            }
        }

        private void CheckRuleReference(string score, string? id, List<string> declared, string path, string what)
        {
            if (id is not null && declared.Contains(id, StringComparer.Ordinal))
            {
                return;
            }

            var name = id ?? string.Empty;
            var hint = declared.Count == 0 ? "; the score declares no reliable-change rule"
                : NameSuggester.DidYouMean(name, declared) is { Length: > 0 } mean ? mean
                : "; declared: " + string.Join(", ", declared);
            Report(InstrumentDiagnostics.UnknownReliableChangeRule, path, score, what, name, hint);
        }
    }
}
