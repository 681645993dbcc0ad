using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Text;

namespace Instruments.Definitions;

/// <summary>
/// Checks an <see cref="InstrumentDefinition"/> (references, duplicates, missing rules, expressions,
/// dependency cycles, bands against the range each score can take) and lowers it to a
/// <see cref="BoundInstrument"/>, the resolved form the scoring plan is built from.
/// </summary>
internal static partial class DefinitionBinder
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ElementIdPattern();

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemVerPattern();

    /// <summary>Option values of one scale must lie within this many consecutive integers.</summary>
    internal const int MaxScaleWidth = 1001;

    internal const string ElementIdRule = "use a letter or '_' followed by letters, digits or '_' (it names a column and is used in expressions)";

    public static BindResult Bind(InstrumentDefinition definition, SourceLocator source, ScoringFunctions? functions = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var binder = new Binder(definition, source, functions ?? ScoringFunctions.Empty);
        return binder.Run();
    }

    /// <summary>
    /// True when <paramref name="id"/> is an instrument, protocol or plugin id: a lowercase ASCII letter or digit, then
    /// lowercase letters, digits, '-' and '.' (the schemas' pattern <c>^[a-z0-9][a-z0-9.-]*$</c>, without the trailing
    /// newline a regular expression's <c>$</c> lets through). Written out rather than as a regular expression: building
    /// one cost every start of the host a few milliseconds.
    /// </summary>
    internal static bool IsValidInstrumentId(string id)
    {
        if (id.Length == 0 || !IsLowerOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id.AsSpan(1))
        {
            if (!IsLowerOrDigit(c) && c is not ('-' or '.'))
            {
                return false;
            }
        }

        return true;

        static bool IsLowerOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }

    internal static bool IsValidElementId(string id) => ElementIdPattern().IsMatch(id);

    internal static bool IsValidVersion(string version) => SemVerPattern().IsMatch(version);

    internal static string FormatNumber(double value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    internal static string FormatRange(double min, double max) => FormatNumber(min) + " to " + FormatNumber(max);

    /// <summary>Like <see cref="FormatRange"/>, but a single value is written once ("3", not "3 to 3").</summary>
    internal static string FormatValues(double min, double max) => min == max ? FormatNumber(min) : FormatRange(min, max);

    private sealed partial class Binder(InstrumentDefinition def, SourceLocator source, ScoringFunctions functions)
    {
        private readonly List<Diagnostic> _diagnostics = [];

        private HashSet<string>? _keptIds;

        /// <summary>The ids of the items declared <c>keep: true</c>.</summary>
        private HashSet<string> KeptIds => _keptIds ??= def.Items.Where(x => x.Keep).Select(x => x.Id).ToHashSet(StringComparer.Ordinal);

        private void Report(DiagnosticDescriptor descriptor, string path, params object?[] args) =>
            _diagnostics.Add(Diagnostic.Create(descriptor, source.Locate(path), args));

        private void ReportAt(DiagnosticDescriptor descriptor, Location location, params object?[] args) =>
            _diagnostics.Add(Diagnostic.Create(descriptor, location, args));

        public BindResult Run()
        {
            CheckHeader();
            var scales = BindScales();
            CheckMissingCodes(scales);
            var (items, itemIndex) = BindItems(scales);
            var (scores, scoreIndex) = BindScores(itemIndex);
            CheckCounterpart(scoreIndex);
            var slotOf = BuildSlotResolver(itemIndex, scoreIndex, items.Length);
            var expressions = BindScoreExpressions(slotOf);
            var order = OrderScores(scores, expressions, items.Length);
            var flags = BindFlags(slotOf);
            CheckSources();
            CheckCodes();
            CheckExamples();
            CheckCourseExamples();

            if (order is not null)
            {
                ComputeRangesAndCheckBands(scores, expressions, items, order);
            }

            CheckChangeRules(scores);

            var diagnostics = _diagnostics.ToImmutableArray();
            if (diagnostics.Any(d => d.IsError) || order is null)
            {
                return new BindResult(null, diagnostics);
            }

            var bound = new BoundInstrument(def, items, itemIndex, [.. def.MissingCodes.Distinct().Order()],
                BuildScores(scores, expressions), order, flags!) { Functions = functions };
            return new BindResult(bound, diagnostics);
        }

        private void CheckHeader()
        {
            if (!IsValidInstrumentId(def.Id))
            {
                Report(InstrumentDiagnostics.InvalidId, "instrument", "Instrument", def.Id,
                    "use lowercase letters, digits, '-' and '.', starting with a letter or digit");
            }

            if (!IsValidVersion(def.Version))
            {
                Report(InstrumentDiagnostics.InvalidVersion, "version", def.Version);
            }

            if (def.Items.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.NoItems, "items", def.Id);
            }
        }

        private Dictionary<string, ResponseScale> BindScales()
        {
            var scales = new Dictionary<string, ResponseScale>(StringComparer.Ordinal);
            foreach (var scale in def.ResponseScales)
            {
                var path = "response_scales." + scale.Id;
                if (!IsValidElementId(scale.Id))
                {
                    Report(InstrumentDiagnostics.InvalidId, path, "Response scale", scale.Id, ElementIdRule);
                }

                if (!scales.TryAdd(scale.Id, scale))
                {
                    Report(InstrumentDiagnostics.DuplicateScaleId, path, scale.Id);
                    continue;
                }

                if (scale.Options.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.ScaleWithoutOptions, path, scale.Id);
                    continue;
                }

                long min = scale.Options.Min(o => o.Value), max = scale.Options.Max(o => o.Value);
                if (max - min + 1 > MaxScaleWidth)
                {
                    // The scoring plan keeps one validity flag per integer in the scale's range.
                    Report(InstrumentDiagnostics.ScaleTooWide, path, scale.Id, min, max, MaxScaleWidth);
                    continue;
                }

                var seen = new HashSet<int>();
                for (var i = 0; i < scale.Options.Length; i++)
                {
                    if (!seen.Add(scale.Options[i].Value))
                    {
                        Report(InstrumentDiagnostics.DuplicateOptionValue, $"{path}.options[{i}].value", scale.Id, scale.Options[i].Value);
                    }
                }
            }

            return scales;
        }

        private void CheckMissingCodes(Dictionary<string, ResponseScale> scales)
        {
            for (var i = 0; i < def.MissingCodes.Length; i++)
            {
                var code = def.MissingCodes[i];
                foreach (var scale in scales.Values)
                {
                    if (!scale.Options.IsDefault && scale.Options.Any(o => o.Value == code))
                    {
                        Report(InstrumentDiagnostics.MissingCodeIsOption, $"missing_codes[{i}]", code, scale.Id);
                        break;
                    }
                }
            }
        }

        private (BoundItem[] Items, FrozenDictionary<string, int> Index) BindItems(Dictionary<string, ResponseScale> scales)
        {
            var items = new List<BoundItem>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var restricted = def.License.Texts == TextLicense.Restricted;
            for (var i = 0; i < def.Items.Length; i++)
            {
                var item = def.Items[i];
                var path = $"items[{i}]";
                if (!IsValidElementId(item.Id))
                {
                    Report(InstrumentDiagnostics.InvalidId, path + ".id", "Item", item.Id, ElementIdRule);
                }

                if (index.TryGetValue(item.Id, out var first))
                {
                    Report(InstrumentDiagnostics.DuplicateItemId, path + ".id", item.Id, first + 1);
                    continue;
                }

                if (restricted && !string.IsNullOrEmpty(item.Text) && def.License.TextsSource is null)
                {
                    Report(InstrumentDiagnostics.RestrictedTextPresent, path + ".text", item.Id);
                }

                if (!scales.TryGetValue(item.Scale, out var scale))
                {
                    Report(InstrumentDiagnostics.UnknownScale, path + ".scale", item.Id, item.Scale,
                        NameSuggester.DidYouMean(item.Scale, scales.Keys));
                    scale = null;
                }

                index[item.Id] = items.Count;
                items.Add(new BoundItem(item, scale));
            }

            return (items.ToArray(), index.ToFrozenDictionary(StringComparer.Ordinal));
        }

        private (ScoreDraft[] Scores, Dictionary<string, int> Index) BindScores(FrozenDictionary<string, int> itemIndex)
        {
            var drafts = new List<ScoreDraft>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < def.Scores.Length; i++)
            {
                var score = def.Scores[i];
                var path = $"scores[{i}]";
                if (!IsValidElementId(score.Id))
                {
                    Report(InstrumentDiagnostics.InvalidId, path + ".id", "Score", score.Id, ElementIdRule);
                }

                if (index.TryGetValue(score.Id, out var first))
                {
                    Report(InstrumentDiagnostics.DuplicateScoreId, path + ".id", score.Id, first + 1);
                    continue;
                }

                if (itemIndex.ContainsKey(score.Id))
                {
                    Report(InstrumentDiagnostics.ScoreIdConflictsWithItem, path + ".id", score.Id);
                }

                var itemIds = score.Items.IsDefault ? [] : score.Items;
                var resolved = new List<int>();
                if (score.Method == ScoreMethod.Expression)
                {
                    if (itemIds.Length > 0)
                    {
                        Report(InstrumentDiagnostics.ScoreShapeConflict, path + ".items", score.Id, "'items' and 'expression'");
                    }

                    if (string.IsNullOrWhiteSpace(score.Expression))
                    {
                        Report(InstrumentDiagnostics.MissingRequiredKey, path, "expression", $"score '{score.Id}'");
                    }
                }
                else
                {
                    if (score.Expression is not null)
                    {
                        Report(InstrumentDiagnostics.ScoreShapeConflict, path + ".expression", score.Id,
                            $"method '{MethodName(score.Method)}' and 'expression'");
                    }

                    if (itemIds.Length == 0)
                    {
                        Report(InstrumentDiagnostics.ScoreWithoutItems, path + ".items", score.Id, MethodName(score.Method));
                    }

                    var seen = new HashSet<int>();
                    for (var j = 0; j < itemIds.Length; j++)
                    {
                        if (!itemIndex.TryGetValue(itemIds[j], out var itemIdx))
                        {
                            Report(InstrumentDiagnostics.UnknownItem, $"{path}.items[{j}]", score.Id, itemIds[j],
                                NameSuggester.DidYouMean(itemIds[j], itemIndex.Keys));
                        }
                        else if (!seen.Add(itemIdx))
                        {
                            Report(InstrumentDiagnostics.DuplicateScoreItem, $"{path}.items[{j}]", score.Id, itemIds[j]);
                        }
                        else
                        {
                            CheckNotKept(itemIds[j], $"{path}.items[{j}]", $"Score '{score.Id}'");
                            resolved.Add(itemIdx);
                        }
                    }

                    CheckMissingRule(score, path, itemIds.Length);
                }

                CheckRounding(score, path);
                index[score.Id] = drafts.Count;
                drafts.Add(new ScoreDraft(score, i, [.. resolved]));
            }

            return (drafts.ToArray(), index);
        }

        /// <summary>INS1150-INS1152: the score's rounding rules state a tie rule, keep 0 to 6 decimals, and round something.</summary>
        private void CheckRounding(ScoreDefinition score, string path)
        {
            if (score.Rounding is { } rule)
            {
                CheckRoundingRule(rule, path + ".rounding", $"Score '{score.Id}'");
            }

            if (score.Missing?.Rounding is { } missingRule)
            {
                CheckRoundingRule(missingRule, path + ".missing.rounding", $"The missing rule of score '{score.Id}'");
                var prorates = score.Method == ScoreMethod.Sum && score.Missing.Prorate && score.Missing.MaxMissing > 0;
                if (missingRule.Method == RoundingMethod.Nearest && !prorates)
                {
                    Report(InstrumentDiagnostics.RoundingWithoutProrating, path + ".missing.rounding", score.Id,
                        score.Method switch
                        {
                            ScoreMethod.Mean => "a mean score is the mean of the answered items",
                            ScoreMethod.Expression => "an expression score has no missing rule of its own",
                            _ when score.Missing.MaxMissing == 0 => "it allows no missing item",
                            _ => "it does not say 'prorate: true'",
                        });
                }
            }
        }

        private void CheckRoundingRule(RoundingRule rule, string path, string what)
        {
            if (rule.Method != RoundingMethod.Nearest)
            {
                return;
            }

            if (rule.Ties == RoundingTies.Unspecified)
            {
                Report(InstrumentDiagnostics.RoundingWithoutTies, path + ".method", what);
            }

            if (rule.Digits is < 0 or > Scoring.RoundingRules.MaxDigits)
            {
                Report(InstrumentDiagnostics.RoundingDigitsOutOfRange, path + ".digits", what, rule.Digits);
            }
        }

        private void CheckMissingRule(ScoreDefinition score, string path, int itemCount)
        {
            var rule = score.Missing ?? MissingRule.None;
            if (rule.MaxMissing < 0)
            {
                Report(InstrumentDiagnostics.InvalidMissingRule, path + ".missing.max", score.Id,
                    $"missing.max is {rule.MaxMissing}; it must be 0 or more");
            }
            else if (itemCount > 0 && rule.MaxMissing >= itemCount)
            {
                Report(InstrumentDiagnostics.InvalidMissingRule, path + ".missing.max", score.Id,
                    $"missing.max is {rule.MaxMissing} but the score has only {itemCount} items; at least one item must be answered");
            }

            if (rule.Prorate && score.Method != ScoreMethod.Sum)
            {
                Report(InstrumentDiagnostics.InvalidMissingRule, path + ".missing.prorate", score.Id,
                    "prorate applies to sum scores only; a mean score already uses the answered items");
            }
            else if (score.Method == ScoreMethod.Sum && rule.MaxMissing > 0 && !rule.Prorate)
            {
                Report(InstrumentDiagnostics.InvalidMissingRule, path + ".missing.max", score.Id,
                    "a sum score that allows missing items must say 'prorate: true'; a sum over fewer items is not comparable with a full sum");
            }
            else if (rule.Prorate && rule.MaxMissing == 0)
            {
                Report(InstrumentDiagnostics.InvalidMissingRule, path + ".missing.prorate", score.Id,
                    "prorate: true has no effect with missing.max 0; allow missing items with 'max'");
            }
        }

        /// <summary>INS1070: every band set, every flag and every missing rule that allows missing items names its source.</summary>
        private void CheckSources()
        {
            for (var i = 0; i < def.Scores.Length; i++)
            {
                var score = def.Scores[i];
                if (!score.Bands.IsDefaultOrEmpty && score.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, $"scores[{i}].bands", $"The bands of score '{score.Id}'");
                }

                if (score.Missing is { MaxMissing: > 0 } rule && rule.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, $"scores[{i}].missing", $"The missing-data rule of score '{score.Id}'");
                }

                if (score.Rounding is { Method: RoundingMethod.Nearest } rounding && rounding.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, $"scores[{i}].rounding", $"The rounding rule of score '{score.Id}'");
                }

                if (score.Missing?.Rounding is { Method: RoundingMethod.Nearest } missingRounding && missingRounding.Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, $"scores[{i}].missing.rounding",
                        $"The rounding rule of the missing-data rule of score '{score.Id}'");
                }
            }

            for (var i = 0; i < def.Flags.Length; i++)
            {
                if (def.Flags[i].Sources.IsDefaultOrEmpty)
                {
                    Report(InstrumentDiagnostics.RuleWithoutSource, $"flags[{i}].id", $"Flag '{def.Flags[i].Id}'");
                }
            }
        }

        /// <summary>INS1071-INS1073: worked examples name only items, scores, bands, flags and diagnostics that exist.</summary>
        private void CheckExamples()
        {
            if (def.Examples.IsDefaultOrEmpty)
            {
                return;
            }

            var itemIds = def.Items.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
            var scores = new Dictionary<string, ScoreDefinition>(StringComparer.Ordinal);
            foreach (var score in def.Scores)
            {
                scores.TryAdd(score.Id, score);
            }

            var flagIds = def.Flags.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
            var responseIds = InstrumentDiagnostics.All.Select(d => d.Id).Where(id => id.StartsWith("RSP", StringComparison.Ordinal)).ToList();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < def.Examples.Length; i++)
            {
                var example = def.Examples[i];
                var path = $"examples[{i}]";
                if (!names.TryAdd(example.Name, i))
                {
                    Report(InstrumentDiagnostics.DuplicateExampleName, path + ".name", example.Name, names[example.Name] + 1);
                }

                foreach (var item in example.Responses.Keys.Order(StringComparer.Ordinal))
                {
                    if (!itemIds.Contains(item))
                    {
                        Report(InstrumentDiagnostics.ExampleUnknownItem, $"{path}.responses.{item}", example.Name, item,
                            NameSuggester.DidYouMean(item, itemIds));
                    }
                }

                var expect = example.Expect;
                foreach (var id in expect.Scores.Keys.Order(StringComparer.Ordinal))
                {
                    UnknownUnless(scores.ContainsKey(id), $"{path}.expect.scores.{id}", example.Name, id, "a score of this instrument", scores.Keys);
                }

                foreach (var id in expect.Unrounded.Keys.Order(StringComparer.Ordinal))
                {
                    UnknownUnless(scores.ContainsKey(id), $"{path}.expect.unrounded.{id}", example.Name, id, "a score of this instrument", scores.Keys);
                }

                foreach (var (id, label) in expect.Bands.OrderBy(b => b.Key, StringComparer.Ordinal))
                {
                    var bandPath = $"{path}.expect.bands.{id}";
                    if (!scores.TryGetValue(id, out var score))
                    {
                        UnknownUnless(false, bandPath, example.Name, id, "a score of this instrument", scores.Keys);
                    }
                    else if (label is not null)
                    {
                        var labels = score.Bands.IsDefault ? [] : score.Bands.Select(b => b.Label).ToList();
                        // The label is what is wrong, not the score id before it: point at the value.
                        UnknownUnless(labels.Contains(label, StringComparer.Ordinal), bandPath + ".value", example.Name, label,
                            $"a band of score '{id}'", labels);
                    }
                }

                CheckIdList(expect.Flags, $"{path}.expect.flags", example.Name, flagIds, "a flag of this instrument");
                CheckIdList(expect.UnevaluatedFlags, $"{path}.expect.unevaluated_flags", example.Name, flagIds, "a flag of this instrument");
                CheckIdList(expect.Prorated, $"{path}.expect.prorated", example.Name, scores.Keys, "a score of this instrument");
                CheckIdList(expect.Diagnostics, $"{path}.expect.diagnostics", example.Name, responseIds, "a response diagnostic ID (RSP2xxx)");
            }
        }

        private void CheckIdList(ImmutableArray<string>? ids, string path, string example, IEnumerable<string> known, string what)
        {
            if (ids is not { IsDefault: false } list)
            {
                return;
            }

            var set = known.ToList();
            for (var j = 0; j < list.Length; j++)
            {
                UnknownUnless(set.Contains(list[j], StringComparer.Ordinal), $"{path}[{j}]", example, list[j], what, set);
            }
        }

        private void UnknownUnless(bool known, string path, string example, string name, string what, IEnumerable<string> candidates)
        {
            if (!known)
            {
                Report(InstrumentDiagnostics.ExampleUnknownExpectation, path, example, name, what, NameSuggester.DidYouMean(name, candidates));
            }
        }

        private Func<string, int> BuildSlotResolver(FrozenDictionary<string, int> itemIndex, Dictionary<string, int> scoreIndex, int itemCount) =>
            name => itemIndex.TryGetValue(name, out var i) ? i
                : scoreIndex.TryGetValue(name, out var s) ? itemCount + s
                : -1;

        private Dictionary<int, CompiledExpression> BindScoreExpressions(Func<string, int> slotOf)
        {
            var compiled = new Dictionary<int, CompiledExpression>();
            var draftIndex = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < def.Scores.Length; i++)
            {
                var score = def.Scores[i];
                if (!seen.Add(score.Id))
                {
                    continue;
                }

                if (score.Method == ScoreMethod.Expression && !string.IsNullOrWhiteSpace(score.Expression)
                    && CompileExpression(score.Expression, $"scores[{i}].expression", slotOf, $"Score '{score.Id}'") is { } expr)
                {
                    compiled[draftIndex] = expr;
                }

                draftIndex++;
            }

            return compiled;
        }

        /// <summary>INS1160: an item declared <c>keep: true</c> is carried through, never scored; <paramref name="user"/> names the score or flag.</summary>
        private void CheckNotKept(string itemId, string path, string user)
        {
            if (KeptIds.Contains(itemId))
            {
                Report(InstrumentDiagnostics.KeptItemScored, path, user, itemId);
            }
        }

        private CompiledExpression? CompileExpression(string text, string path, Func<string, int> slotOf, string user)
        {
            var parsed = ExpressionSyntax.Parse(text, functions);
            if (parsed.Syntax is null || !parsed.Errors.IsDefaultOrEmpty)
            {
                foreach (var error in parsed.Errors)
                {
                    ReportAt(InstrumentDiagnostics.ExpressionSyntax, source.LocateInScalar(path, error.Offset, error.Length), error.Message);
                }

                return null;
            }

            foreach (var id in parsed.Syntax.Identifiers)
            {
                if (KeptIds.Contains(id.Name))
                {
                    ReportAt(InstrumentDiagnostics.KeptItemScored, source.LocateInScalar(path, id.Offset, id.Length), user, id.Name);
                }
            }

            var bound = parsed.Syntax.Bind(slotOf);
            if (bound.Expression is null || !bound.Errors.IsDefaultOrEmpty)
            {
                var names = def.Items.Select(x => x.Id).Concat(def.Scores.Select(x => x.Id));
                foreach (var error in bound.Errors)
                {
                    var location = source.LocateInScalar(path, error.Offset, error.Length);
                    if (error.Kind == ExpressionErrorKind.UnknownIdentifier)
                    {
                        var name = text.Substring(error.Offset, error.Length);
                        ReportAt(InstrumentDiagnostics.UnknownIdentifier, location, name, NameSuggester.DidYouMean(name, names));
                    }
                    else
                    {
                        ReportAt(InstrumentDiagnostics.ExpressionSyntax, location, error.Message);
                    }
                }

                return null;
            }

            return bound.Expression;
        }

        /// <summary>Topological order of scores: item scores first, then derived scores by dependency. Null on a cycle.</summary>
        private int[]? OrderScores(ScoreDraft[] scores, Dictionary<int, CompiledExpression> expressions, int itemCount)
        {
            var order = new List<int>();
            var state = new int[scores.Length]; // 0 new, 1 visiting, 2 done
            var stack = new List<int>();
            var ok = true;
            for (var i = 0; i < scores.Length; i++)
            {
                if (scores[i].Definition.Method != ScoreMethod.Expression)
                {
                    state[i] = 2;
                    order.Add(i);
                }
            }

            for (var i = 0; i < scores.Length; i++)
            {
                ok &= Visit(i);
            }

            return ok ? [.. order] : null;

            bool Visit(int s)
            {
                if (state[s] == 2)
                {
                    return true;
                }

                if (state[s] == 1)
                {
                    var start = stack.IndexOf(s);
                    var cycle = stack.Skip(start).Append(s).Select(x => scores[x].Definition.Id);
                    Report(InstrumentDiagnostics.CircularScore, $"scores[{scores[s].DefinitionIndex}].expression",
                        scores[s].Definition.Id, string.Join(" -> ", cycle));
                    return false;
                }

                state[s] = 1;
                stack.Add(s);
                var result = true;
                if (expressions.TryGetValue(s, out var expr))
                {
                    foreach (var slot in expr.Slots)
                    {
                        if (slot >= itemCount)
                        {
                            result &= Visit(slot - itemCount);
                        }
                    }
                }

                stack.RemoveAt(stack.Count - 1);
                state[s] = 2;
                order.Add(s);
                return result;
            }
        }

        private BoundFlag[]? BindFlags(Func<string, int> slotOf)
        {
            var flags = new List<BoundFlag>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < def.Flags.Length; i++)
            {
                var flag = def.Flags[i];
                var path = $"flags[{i}]";
                if (!IsValidElementId(flag.Id))
                {
                    Report(InstrumentDiagnostics.InvalidId, path + ".id", "Flag", flag.Id, ElementIdRule);
                }

                if (index.TryGetValue(flag.Id, out var first))
                {
                    Report(InstrumentDiagnostics.DuplicateFlagId, path + ".id", flag.Id, first + 1);
                    continue;
                }

                index[flag.Id] = i;
                if (string.IsNullOrWhiteSpace(flag.When))
                {
                    Report(InstrumentDiagnostics.MissingRequiredKey, path, "when", $"flag '{flag.Id}'");
                    continue;
                }

                var expr = CompileExpression(flag.When, path + ".when", slotOf, $"Flag '{flag.Id}'");
                if (expr is null)
                {
                    continue;
                }

                if (!expr.IsBoolean)
                {
                    Report(InstrumentDiagnostics.FlagNotBoolean, path + ".when", flag.Id, flag.When.Trim());
                    continue;
                }

                flags.Add(new BoundFlag(flag, expr));
            }

            return [.. flags];
        }

        private void ComputeRangesAndCheckBands(ScoreDraft[] scores, Dictionary<int, CompiledExpression> expressions,
            BoundItem[] items, int[] order)
        {
            foreach (var s in order)
            {
                var draft = scores[s];
                var range = ScoreRangeAnalysis.Analyze(draft.Definition, draft.Items, items, expressions.GetValueOrDefault(s),
                    i => scores[i].Range, out var note);
                if (range is not { } r)
                {
                    continue;
                }

                draft.Range = r.IsKnown ? r : ScoreRange.Unknown;
                draft.Integral = r.IsIntegral;
                draft.RangeNote = note;
                CheckBands(draft);
            }
        }

        private void CheckBands(ScoreDraft draft)
        {
            var score = draft.Definition;
            var bands = score.Bands.IsDefault ? [] : score.Bands;
            if (bands.Length == 0)
            {
                return;
            }

            var path = $"scores[{draft.DefinitionIndex}].bands";
            var valid = new List<(Band Band, int Index)>();
            for (var j = 0; j < bands.Length; j++)
            {
                var b = bands[j];
                if (b.Min > b.Max || (b.UpperExclusive && b.Min >= b.Max) || double.IsNaN(b.Min) || double.IsNaN(b.Max))
                {
                    Report(InstrumentDiagnostics.BandInverted, $"{path}[{j}]", score.Id, b.Label, FormatNumber(b.Min), FormatNumber(b.Max));
                    continue;
                }

                // An exclusive upper bound may lie above the range (the last half-open band must, to hold the top value).
                if (draft.Range.IsKnown && (b.Min < draft.Range.Min - Epsilon || b.Min > draft.Range.Max + Epsilon
                    || (!b.UpperExclusive && b.Max > draft.Range.Max + Epsilon)))
                {
                    Report(InstrumentDiagnostics.BandOutsideRange, $"{path}[{j}]", score.Id, b.Label,
                        BandRange(b), FormatRange(draft.Range.Min, draft.Range.Max));
                }

                valid.Add((b, j));
            }

            valid.Sort((x, y) => x.Band.Min != y.Band.Min ? x.Band.Min.CompareTo(y.Band.Min) : x.Index.CompareTo(y.Index));
            for (var k = 1; k < valid.Count; k++)
            {
                var (prev, prevIndex) = valid[k - 1];
                var (cur, curIndex) = valid[k];
                var later = Math.Max(prevIndex, curIndex);

                // [a, b) and [b, c] meet without overlapping; [a, b] and [b, c] share b.
                if (cur.Min < prev.Max || (cur.Min == prev.Max && !prev.UpperExclusive))
                {
                    var (a, b) = prevIndex < curIndex ? (cur, prev) : (prev, cur);
                    Report(InstrumentDiagnostics.BandsOverlap, $"{path}[{later}]", score.Id, a.Label, BandRange(a), b.Label, BandRange(b));
                }
                else if (draft.Integral && IsInteger(prev.Max) && IsInteger(cur.Min))
                {
                    var lastHeld = prev.UpperExclusive ? prev.Max - 1 : prev.Max;
                    if (cur.Min > lastHeld + 1)
                    {
                        Report(InstrumentDiagnostics.BandsGap, $"{path}[{later}]", score.Id,
                            FormatValues(lastHeld + 1, cur.Min - 1), prev.Label, cur.Label);
                    }
                }
                else if (cur.Min > prev.Max)
                {
                    if (draft.Integral)
                    {
                        Report(InstrumentDiagnostics.BandsGap, $"{path}[{later}]", score.Id,
                            (prev.UpperExclusive ? "values from " : "values above ") + FormatNumber(prev.Max) + " and below " + FormatNumber(cur.Min),
                            prev.Label, cur.Label);
                    }
                    else
                    {
                        Report(InstrumentDiagnostics.BandsBetweenIntegers, $"{path}[{later}]", score.Id, draft.RangeNote ?? "non-integer",
                            FormatNumber(prev.Max), FormatNumber(cur.Min), prev.Label, cur.Label);
                    }
                }
            }

            if (draft.Range.IsKnown && valid.Count > 0)
            {
                var low = valid.Min(v => v.Band.Min);

                // The band reaching highest: the largest bound, an inclusive one before an exclusive one at the same value.
                var top = valid.Select(v => v.Band).OrderByDescending(b => b.Max).ThenBy(b => b.UpperExclusive).First();
                var gaps = new List<string>();
                if (low > draft.Range.Min + Epsilon)
                {
                    gaps.Add(draft.Integral && IsInteger(low) ? FormatValues(draft.Range.Min, low - 1) : "values below " + FormatNumber(low));
                }

                if (top.UpperExclusive ? top.Max <= draft.Range.Max + Epsilon : top.Max < draft.Range.Max - Epsilon)
                {
                    var firstMissing = top.UpperExclusive ? top.Max : top.Max + 1;
                    gaps.Add(draft.Integral && IsInteger(top.Max) ? FormatValues(firstMissing, draft.Range.Max)
                        : (top.UpperExclusive ? "values from " : "values above ") + FormatNumber(top.Max));
                }

                if (gaps.Count > 0)
                {
                    Report(InstrumentDiagnostics.BandsIncomplete, path, score.Id, string.Join(" and ", gaps), FormatRange(draft.Range.Min, draft.Range.Max));
                }
            }
        }

        /// <summary>"10 to 14" for an inclusive band, "10 to below 15" for a half-open one.</summary>
        private static string BandRange(Band b) =>
            b.UpperExclusive ? FormatNumber(b.Min) + " to below " + FormatNumber(b.Max) : FormatRange(b.Min, b.Max);

        private const double Epsilon = 1e-9;

        private static bool IsInteger(double x) => Math.Abs(x - Math.Round(x)) < Epsilon;

        private static string MethodName(ScoreMethod method) => method switch
        {
            ScoreMethod.Sum => "sum",
            ScoreMethod.Mean => "mean",
            _ => "expression",
        };

        private BoundScore[] BuildScores(ScoreDraft[] drafts, Dictionary<int, CompiledExpression> expressions)
        {
            var result = new BoundScore[drafts.Length];
            for (var i = 0; i < drafts.Length; i++)
            {
                var d = drafts[i];
                var bands = d.Definition.Bands.IsDefault ? [] : d.Definition.Bands;
                result[i] = new BoundScore(d.Definition, d.Items, expressions.GetValueOrDefault(i),
                    d.Range.IsKnown ? d.Range : ScoreRange.Unknown with { IsIntegral = d.Integral },
                    // A half-open band's exclusive bound becomes the largest double below it: value <= that is value < Max.
                    [.. bands.Select(b => b.Min)], [.. bands.Select(b => b.UpperExclusive ? Math.BitDecrement(b.Max) : b.Max)]);
            }

            return result;
        }
    }

    private sealed class ScoreDraft(ScoreDefinition definition, int definitionIndex, int[] items)
    {
        public ScoreDefinition Definition { get; } = definition;

        public int DefinitionIndex { get; } = definitionIndex;

        public int[] Items { get; } = items;

        /// <summary>What <see cref="ScoreRangeAnalysis"/> gave (unknown until it ran).</summary>
        public ScoreRange Range { get; set; } = ScoreRange.Unknown;

        /// <summary>Whether the score takes whole numbers only (kept apart from <see cref="Range"/>: an unknown range may still be integral).</summary>
        public bool Integral { get; set; }

        public string? RangeNote { get; set; }
    }
}

/// <summary>The result of binding: the resolved instrument (null when there are errors) and all diagnostics.</summary>
internal readonly record struct BindResult(BoundInstrument? Bound, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>An item with its resolved scale.</summary>
internal sealed class BoundItem(ItemDefinition definition, ResponseScale? scale)
{
    public ItemDefinition Definition { get; } = definition;

    public ResponseScale? Scale { get; } = scale;

    public int Min { get; } = scale?.Min ?? 0;

    public int Max { get; } = scale?.Max ?? 0;
}

/// <summary>A score with resolved item indexes, compiled expression and computed range.</summary>
internal sealed class BoundScore(ScoreDefinition definition, int[] items, CompiledExpression? expression,
    ScoreRange range, double[] bandMin, double[] bandMax)
{
    public ScoreDefinition Definition { get; } = definition;

    public int[] Items { get; } = items;

    public CompiledExpression? Expression { get; } = expression;

    /// <summary>What <see cref="ScoreRangeAnalysis"/> gave; the compiler's band checks and the reports both read this.</summary>
    public ScoreRange Range { get; } = range;

    public double[] BandMin { get; } = bandMin;

    public double[] BandMax { get; } = bandMax;
}

/// <summary>A flag with its compiled condition.</summary>
internal sealed class BoundFlag(FlagDefinition definition, CompiledExpression condition)
{
    public FlagDefinition Definition { get; } = definition;

    public CompiledExpression Condition { get; } = condition;
}

/// <summary>A checked instrument, resolved to indexes; the input of <see cref="Scoring.ScoringPlan"/>.</summary>
internal sealed class BoundInstrument(InstrumentDefinition definition, BoundItem[] items, FrozenDictionary<string, int> itemIndex,
    int[] missingCodes, BoundScore[] scores, int[] scoreOrder, BoundFlag[] flags)
{
    public InstrumentDefinition Definition { get; } = definition;

    public BoundItem[] Items { get; } = items;

    public FrozenDictionary<string, int> ItemIndex { get; } = itemIndex;

    public int[] MissingCodes { get; } = missingCodes;

    public BoundScore[] Scores { get; } = scores;

    /// <summary>Indexes into <see cref="Scores"/> in evaluation order (item scores, then derived scores by dependency).</summary>
    public int[] ScoreOrder { get; } = scoreOrder;

    public BoundFlag[] Flags { get; } = flags;

    /// <summary>The plugin functions the definition was bound with (for binding a variant of it, such as <see cref="Scoring.ScoringPlan.WithSuddenGains"/>).</summary>
    public ScoringFunctions Functions { get; init; } = ScoringFunctions.Empty;
}
