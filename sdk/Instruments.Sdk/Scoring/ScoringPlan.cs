using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Collections.Immutable;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;

namespace Instruments.Scoring;

/// <summary>
/// A definition lowered to flat arrays (item option tables, reverse keys, score item lists, compiled
/// expressions) that scores responses exactly as the definition says. Immutable and safe to share
/// across threads; create it once per definition.
/// </summary>
/// <remarks>
/// <para>
/// Scoring one response does no I/O, takes no locks, never throws for bad input (bad values become
/// <see cref="ResponseDiagnostic"/>s) and, through <see cref="Score(ReadOnlySpan{ResponseValue}, ScoreResult)"/>
/// with a reused <see cref="ScoreResult"/>, allocates nothing. The plan is the engine for one response; to score many
/// on all cores, give each thread its own <see cref="ScoreResult"/> (the data library's pipeline does this).
/// </para>
/// <para>
/// Response diagnostics follow the plan's <see cref="DiagnosticOptions"/> as compiler diagnostics do: a suppressed ID is
/// not logged, and a raised or lowered one carries its new severity, which decides <see cref="ScoreResult.Status"/>.
/// </para>
/// </remarks>
public sealed class ScoringPlan
{
    private readonly BoundInstrument _bound;

    // Items: one struct per item; valid codes are looked up in one flat table:
    // _optionValid[item.OptionOffset + (code - item.Min)].
    private readonly ItemStep[] _items;

    // Reverse-keyed items: their keyed value (min + max - value, NaN when missing) goes to a slot of its own.
    private readonly ReverseKey[] _reverse;
    private readonly bool[] _optionValid;
    private readonly int[] _missingCodes;

    // Scores, by index (what each one is; messages read them too).
    private readonly ScoreStep[] _steps;

    // Sums and means of items, which depend on nothing else, are scored first from flat structs (their keyed item
    // slots back to back in _plainItems); then expression scores in dependency order (_derivedOrder).
    private readonly PlainStep[] _plain;
    private readonly int[] _plainItems;
    private readonly int[] _derivedOrder;
    private readonly CompiledExpression[] _flagConditions;
    private readonly FrozenDictionary<string, int> _scoreIndex;
    private readonly FrozenDictionary<string, int> _flagIndex;
    private ImmutableArray<Plugins.RegisteredResponseCheck> _checks = [];

    // The options applied to the plan's own codes (see ResponseCode): effective severity per code, and as bit sets.
    private readonly DiagnosticSeverity[] _codeSeverity;

    private ScoringPlan(BoundInstrument bound, DiagnosticOptions options)
    {
        _bound = bound;
        Options = options;
        _codeSeverity = new DiagnosticSeverity[ResponseCodes.Count];
        for (var c = 0; c < ResponseCodes.Count; c++)
        {
            var descriptor = ResponseCodes.Descriptor((ResponseCode)c);
            var severity = options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity);
            _codeSeverity[c] = severity ?? descriptor.DefaultSeverity;
            if (severity is null)
            {
                SuppressedCodes |= 1u << c;
            }
            else if (severity == DiagnosticSeverity.Error)
            {
                ErrorCodes |= 1u << c;
            }
        }

        var items = bound.Items;
        ItemCount = items.Length;
        _items = new ItemStep[items.Length];
        var table = new List<bool>();
        var reversed = 0;
        var reverse = new List<ReverseKey>();
        var keyedSlotOf = new int[items.Length];
        var scaleOffsets = new Dictionary<ResponseScale, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < items.Length; i++)
        {
            var scale = items[i].Scale!;
            if (!scaleOffsets.TryGetValue(scale, out var offset))
            {
                offset = table.Count;
                var valid = new bool[scale.Max - scale.Min + 1];
                foreach (var o in scale.Options)
                {
                    valid[o.Value - scale.Min] = true;
                }

                table.AddRange(valid);
                scaleOffsets[scale] = offset;
            }

            var contiguous = scale.Options.Length == scale.Max - scale.Min + 1;
            keyedSlotOf[i] = i;
            if (items[i].Definition.Reverse)
            {
                keyedSlotOf[i] = items.Length + bound.Scores.Length + reversed++;
                reverse.Add(new ReverseKey(i, keyedSlotOf[i], (double)scale.Min + scale.Max));
            }

            _items[i] = new ItemStep(scale.Min, scale.Max, offset, items[i].Definition.Optional, contiguous);
        }

        _optionValid = [.. table];
        _reverse = [.. reverse];
        _missingCodes = bound.MissingCodes;
        _steps = new ScoreStep[bound.Scores.Length];
        for (var s = 0; s < bound.Scores.Length; s++)
        {
            var score = bound.Scores[s];
            // Sums and means read each item's keyed value: its own slot, or its reverse-keyed slot.
            var keyedItems = score.Items.Select(i => keyedSlotOf[i]).ToArray();
            _steps[s] = new ScoreStep(score.Definition.Method == ScoreMethod.Mean, keyedItems, score.Items,
                score.Definition.Missing.MaxMissing, score.Expression, score.BandMin, score.BandMax,
                score.Definition.Missing.Rounding is { Method: RoundingMethod.Nearest } p ? p : null,
                score.Definition.Rounding is { Method: RoundingMethod.Nearest } r ? r : null);
        }

        var plain = new List<PlainStep>();
        var plainItems = new List<int>();
        foreach (var s in bound.ScoreOrder)
        {
            var step = _steps[s];
            if (step.Expression is null)
            {
                var bits = 0UL;
                foreach (var i in step.Items)
                {
                    bits |= 1UL << Math.Min(i, 63);
                }

                plain.Add(new PlainStep(s, plainItems.Count, step.KeyedItems.Length, bits, step.MaxMissing, step.Mean, step.BandMin, step.BandMax,
                    step.ProrateRounding, step.Rounding));
                plainItems.AddRange(step.KeyedItems);
            }
        }

        _plain = [.. plain];
        _plainItems = [.. plainItems];
        _derivedOrder = [.. bound.ScoreOrder.Where(s => _steps[s].Expression is not null)];
        _flagConditions = [.. bound.Flags.Select(f => f.Condition)];
        _scoreIndex = Enumerable.Range(0, bound.Scores.Length)
            .ToFrozenDictionary(i => bound.Scores[i].Definition.Id, StringComparer.Ordinal);
        _flagIndex = Enumerable.Range(0, bound.Flags.Length)
            .ToFrozenDictionary(i => bound.Flags[i].Definition.Id, StringComparer.Ordinal);
        MaxDiagnostics = ItemCount + (2 * ScoreCount) + FlagCount;
        SlotCount = ItemCount + ScoreCount + reversed;
    }

    /// <summary>
    /// Checks a definition built in C# and builds its plan. Never throws for mistakes in the definition: they come
    /// back as <see cref="PlanResult.Diagnostics"/> (without source locations) and <see cref="PlanResult.Plan"/> is
    /// null. For YAML, take the plan from the compilation instead (<c>InstrumentCompilation.CreatePlan</c>), which
    /// reuses the binding the compiler already did.
    /// </summary>
    /// <param name="definition">The definition to score.</param>
    /// <param name="functions">Plugin functions its expressions call; none when null.</param>
    /// <param name="options">
    /// Severity choices for response diagnostics (suppress, raise or lower an RSP ID, warnings as errors); the defaults
    /// when null.
    /// </param>
    /// <returns>The plan, or the definition's errors (then <see cref="PlanResult.Plan"/> is null).</returns>
    public static PlanResult Create(InstrumentDefinition definition, ScoringFunctions? functions = null, DiagnosticOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var result = DefinitionBinder.Bind(definition, SourceLocator.None, functions);
        return new PlanResult(result.Bound is null ? null : new ScoringPlan(result.Bound, options ?? DiagnosticOptions.Default), result.Diagnostics);
    }

    /// <summary>
    /// Builds the plan of an instrument that is already bound (by the compiler or the plugin host), optionally with
    /// plugin response checks run after each response. No second binding.
    /// </summary>
    /// <summary>Like <see cref="Create(InstrumentDefinition, ScoringFunctions?, DiagnosticOptions?)"/>, with plugin response checks.</summary>
    internal static PlanResult Create(InstrumentDefinition definition, ScoringFunctions? functions,
        ImmutableArray<Plugins.RegisteredResponseCheck> checks, DiagnosticOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var result = DefinitionBinder.Bind(definition, SourceLocator.None, functions);
        return new PlanResult(result.Bound is null ? null : FromBound(result.Bound, checks, options), result.Diagnostics);
    }

    internal static ScoringPlan FromBound(BoundInstrument bound, ImmutableArray<Plugins.RegisteredResponseCheck> checks = default, DiagnosticOptions? options = null) =>
        new(bound, options ?? DiagnosticOptions.Default) { _checks = checks.IsDefault ? [] : checks };

    /// <summary>
    /// This plan with <paramref name="rule"/> as the sudden-gain rule of every score that has change rules (and, when the
    /// rule takes its cut-off from a reliable-change rule, has that rule): see
    /// <see cref="InstrumentDefinition.WithSuddenGains"/>. The variant is checked like any definition (INS1070, INS1089-INS1091)
    /// and keeps this plan's plugin functions, response checks and diagnostic options.
    /// </summary>
    /// <returns>The new plan, or the rule's errors (then <see cref="PlanResult.Plan"/> is null).</returns>
    /// <exception cref="ArgumentException">No score can take the rule (none has change rules, or the named reliable-change rule).</exception>
    public PlanResult WithSuddenGains(SuddenGainRule rule)
    {
        var definition = Definition.WithSuddenGains(rule);
        var result = DefinitionBinder.Bind(definition, SourceLocator.None, _bound.Functions);
        return new PlanResult(result.Bound is null ? null : FromBound(result.Bound, _checks, Options), result.Diagnostics);
    }

    /// <summary>
    /// The range each score can take (by score index), from the same analysis the compiler checks bands with.
    /// Unknown (NaN bounds) only when an expression calls a function whose result has no bounds.
    /// </summary>
    public ScoreRange GetScoreRange(int score) => _bound.Scores[score].Range;

    /// <summary>The bound instrument this plan scores (for emitters that lower the same binding elsewhere, such as SQL).</summary>
    internal BoundInstrument Bound => _bound;

    /// <summary>True when plugin response checks run after each response.</summary>
    internal bool HasResponseChecks => !_checks.IsDefaultOrEmpty;

    /// <summary>The definition this plan scores.</summary>
    public InstrumentDefinition Definition => _bound.Definition;

    /// <summary>Number of items; a response is a span of this many values, in definition order.</summary>
    public int ItemCount { get; }

    /// <summary>Number of scores.</summary>
    public int ScoreCount => _steps.Length;

    /// <summary>Number of flags.</summary>
    public int FlagCount => _flagConditions.Length;

    /// <summary>The severity choices this plan applies to the response diagnostics it reports.</summary>
    public DiagnosticOptions Options { get; }

    /// <summary>How many diagnostics a result expects per response (its buffer grows when a response logs more).</summary>
    internal int MaxDiagnostics { get; }

    /// <summary>Bit c set when <see cref="ResponseCode"/> c is reported as an error under <see cref="Options"/>.</summary>
    internal uint ErrorCodes { get; }

    /// <summary>Bit c set when <see cref="ResponseCode"/> c is suppressed under <see cref="Options"/>.</summary>
    internal uint SuppressedCodes { get; }

    /// <summary>The effective severity of one of the plan's own codes.</summary>
    internal DiagnosticSeverity CodeSeverity(ResponseCode code) => _codeSeverity[(int)code];

    /// <summary>The effective severity of any response diagnostic under <see cref="Options"/>, or null when suppressed.</summary>
    internal DiagnosticSeverity? EffectiveSeverity(DiagnosticDescriptor descriptor) =>
        ReferenceEquals(Options, DiagnosticOptions.Default)
            ? descriptor.DefaultSeverity
            : Options.GetEffectiveSeverity(descriptor.Id, descriptor.DefaultSeverity);

    /// <summary>Values a result holds: items as answered, scores, then the keyed values of reverse-keyed items.</summary>
    internal int SlotCount { get; }

    /// <summary>The index of an item by id (ordinal), or -1.</summary>
    public int IndexOfItem(string id) => _bound.ItemIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The index of a score by id (ordinal), or -1.</summary>
    public int IndexOfScore(string id) => _scoreIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The index of a flag by id (ordinal), or -1; flags are read by this index (<see cref="ScoreResult.GetFlag"/>).</summary>
    public int IndexOfFlag(string id) => _flagIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>Creates a reusable result buffer for this plan.</summary>
    public ScoreResult CreateResult() => new(this);

    /// <summary>
    /// Scores one response given as one value per item in definition order, into a reused
    /// <paramref name="result"/>. Allocation-free. A non-numeric value's RSP2002 message cannot quote the text here;
    /// use the overload that takes the texts when it should.
    /// </summary>
    public void Score(ReadOnlySpan<ResponseValue> values, ScoreResult result) => Score(values, [], result);

    /// <summary>
    /// Scores one response given as one value per item in definition order, into a reused
    /// <paramref name="result"/>. Allocation-free.
    /// </summary>
    /// <param name="values">One value per item, in definition order.</param>
    /// <param name="texts">
    /// The original texts of the answers, beside <paramref name="values"/> (same length), or empty. Only
    /// <c>texts[i]</c> where <c>values[i]</c> is <see cref="ResponseValue.NonNumeric"/> is read (for the RSP2002
    /// message), so a reader that reuses its arrays sets a text only for a non-numeric answer and never clears them.
    /// </param>
    /// <param name="result">A buffer created by this plan's <see cref="CreateResult"/>; overwritten.</param>
    public void Score(ReadOnlySpan<ResponseValue> values, ReadOnlySpan<string?> texts, ScoreResult result)
    {
        // The result belongs to this plan, so its slot array has SlotCount entries (checked once, at creation).
        if (values.Length != ItemCount || result is null || !ReferenceEquals(result.Plan, this) || (texts.Length != 0 && texts.Length != ItemCount))
        {
            ThrowBadArguments(values.Length, texts.Length, result);
        }

        result.Reset();
        var slots = result.Slots;

        var unanswered = ValidateItems(values, texts, slots, result);
        ScorePlain(slots, unanswered, result);
        foreach (var s in _derivedOrder)
        {
            ScoreDerived(s, slots, result);
        }

        for (var f = 0; f < _flagConditions.Length; f++)
        {
            var condition = _flagConditions[f];
            var failed = false;
            var v = condition.CallsFunctions ? EvaluateGuarded(condition, slots, result, -1, f, out failed) : condition.Evaluate(slots);
            if (double.IsNaN(v))
            {
                result.SetFlag(f, FlagState.Unknown);
                // When a failed function (RSP2012) is the whole reason, RSP2008 would only guess at one.
                var missing = MissingMask(condition.Slots.AsSpan(), slots);
                if (!failed || missing != 0)
                {
                    result.Add(ResponseCode.FlagNotEvaluated, -1, -1, f, double.NaN, 0, missing);
                }
            }
            else
            {
                result.SetFlag(f, v != 0 ? FlagState.Raised : FlagState.NotRaised);
            }
        }

        if (!_checks.IsEmpty)
        {
            RunChecks(result);
        }
    }

    // The plugin boundary for response checks: an exception becomes an RSP2013 diagnostic on this response.
    private void RunChecks(ScoreResult result)
    {
        var contexts = result.CheckContexts ??= new Plugins.ResponseCheckContext[_checks.Length];
        for (var c = 0; c < _checks.Length; c++)
        {
            var check = _checks[c];
            try
            {
                check.Check(contexts[c] ??= new Plugins.ResponseCheckContext(result, check.IsDeclared));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.ResponseCheckFailed, -1, -1, -1, double.NaN, null,
                    failure: new PluginFailure(check.Owner, null, ex.GetType().Name + ": " + ex.Message)));
            }
        }
    }

    /// <summary>
    /// Scores one response given as item id -> raw text (numbers as text, empty or null for missing) into a new
    /// result. Keys that are neither items nor in <paramref name="passThrough"/> are reported (RSP2003).
    /// Convenient, allocating; for bulk work use the span overload.
    /// </summary>
    /// <param name="response">Item ids (and any pass-through keys) to raw text.</param>
    /// <param name="passThrough">
    /// Keys carried along with the response (respondent_id, visit ...) that are not items and not RSP2003; compared
    /// as the collection compares (ordinal for an array). None when null.
    /// </param>
    /// <returns>A new result.</returns>
    public ScoreResult Score(IReadOnlyDictionary<string, string?> response, IEnumerable<string>? passThrough = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var result = CreateResult();
        Score(response, passThrough, result);
        return result;
    }

    /// <summary>
    /// Scores one response given as item id -> raw text (numbers as text, empty or null for missing) into a reused
    /// <paramref name="result"/>. Keys that are neither items nor in <paramref name="passThrough"/> are reported
    /// (RSP2003). Allocates less than the overload that returns a new result (its value buffers live on the result),
    /// but enumerating a dictionary still allocates: for bulk work use the span overload.
    /// </summary>
    /// <param name="response">Item ids (and any pass-through keys) to raw text.</param>
    /// <param name="passThrough">
    /// Keys carried along with the response (respondent_id, visit ...) that are not items and not RSP2003; compared
    /// as the collection compares (ordinal for an array). None when null.
    /// </param>
    /// <param name="result">A buffer created by this plan's <see cref="CreateResult"/>; overwritten.</param>
    public void Score(IReadOnlyDictionary<string, string?> response, IEnumerable<string>? passThrough, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (result is null || !ReferenceEquals(result.Plan, this))
        {
            ThrowBadArguments(ItemCount, 0, result);
        }

        var values = result.DictionaryValues ??= new ResponseValue[ItemCount];
        var texts = result.DictionaryTexts ??= new string?[ItemCount];
        Array.Clear(values);
        Array.Clear(texts);
        var unknown = false;
        foreach (var (key, text) in response)
        {
            var i = IndexOfItem(key);
            if (i < 0)
            {
                unknown = true;
                continue;
            }

            values[i] = text is null ? ResponseValue.Missing : ResponseValue.Parse(text.AsSpan());
            texts[i] = text;
        }

        Score(values, texts, result);
        if (!unknown)
        {
            return;
        }

        // Contains on a collection is its own (a set's comparer, an array's ordinal equality); anything lazier is read once.
        var declared = passThrough as ICollection<string> ?? passThrough?.ToHashSet(StringComparer.Ordinal);
        foreach (var key in response.Keys)
        {
            if (IndexOfItem(key) < 0 && declared?.Contains(key) != true)
            {
                ReportUnknownItem(result, key);
            }
        }
    }

    /// <summary>
    /// Marks <paramref name="result"/> as the result of an input row that could not be read (RSP2010): no value,
    /// every score null, every flag unknown, status invalid. The input <paramref name="line"/> and the reason are
    /// kept on the diagnostic.
    /// </summary>
    public void ScoreMalformed(ScoreResult result, int line, string reason)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Reset();
        result.Slots.Fill(double.NaN);
        for (var s = 0; s < ScoreCount; s++)
        {
            result.SetScore(s, double.NaN, -1, 0, false, double.NaN);
        }

        for (var f = 0; f < FlagCount; f++)
        {
            result.SetFlag(f, FlagState.Unknown);
        }

        result.MarkInvalid(); // even when RSP2010 is suppressed or lowered: nothing of the row was scored
        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.MalformedRow, -1, -1, -1, double.NaN, reason, line));
    }

    /// <summary>Adds an RSP2003 diagnostic (a value for something that is not an item) to a scored result.</summary>
    internal static void ReportUnknownItem(ScoreResult result, string name)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.UnknownResponseItem, -1, -1, -1, double.NaN, name));
    }

    // The two loops below run for every item and every score of every response. Their indexes are fixed when the
    // plan is built (item i < ItemCount, term slots < ItemCount, option offsets inside the table), and Score checks
    // the span lengths once, so they read the arrays without per-element bounds checks.
    /// <summary>Checks each value against its item's options; returns bit i set when item i (bit 63: any item from 63 on) has no valid value.</summary>
    private ulong ValidateItems(ReadOnlySpan<ResponseValue> values, ReadOnlySpan<string?> texts, Span<double> slots, ScoreResult result)
    {
        var unanswered = 0UL;
        unchecked
        {
            ref var item0 = ref MemoryMarshal.GetArrayDataReference(_items);
            ref var valid0 = ref MemoryMarshal.GetArrayDataReference(_optionValid);
            ref var value0 = ref MemoryMarshal.GetReference(values);
            ref var slot0 = ref MemoryMarshal.GetReference(slots);
            var count = _items.Length;
            // References that advance together (no index arithmetic per item); i is kept for the rare paths.
            ref var v = ref value0;
            ref var item = ref item0;
            ref var slot = ref slot0;
            for (var i = 0; i < count; i++, v = ref Unsafe.Add(ref v, 1), item = ref Unsafe.Add(ref item, 1), slot = ref Unsafe.Add(ref slot, 1))
            {
                if (v.IsInteger)
                {
                    var code = v.Integer;
                    var offset = (uint)(code - item.Min);
                    if (offset <= item.Width && (item.Contiguous || Unsafe.Add(ref valid0, item.OptionOffset + (int)offset)))
                    {
                        slot = code;
                        continue;
                    }

                    unanswered |= 1UL << Math.Min(i, 63);
                    InvalidOrMissingCode(i, code, slots, result);
                }
                else if (v.Kind == ResponseValueKind.Number)
                {
                    unanswered |= 1UL << Math.Min(i, 63);
                    // Not an integer, so never an option and never a missing code.
                    InvalidOrMissingCode(i, v.Number, slots, result);
                }
                else if (v.Kind == ResponseValueKind.NonNumeric)
                {
                    unanswered |= 1UL << Math.Min(i, 63);
                    Unsafe.Add(ref slot0, i) = double.NaN;
                    if (!item.Optional)
                    {
                        result.MarkMissing(); // counted as missing (what the status says if RSP2002 is lowered)
                    }

                    result.Add(new ResponseDiagnostic(InstrumentDiagnostics.NonNumericValue, i, -1, -1, double.NaN, texts.IsEmpty ? null : texts[i]));
                }
                else
                {
                    unanswered |= 1UL << Math.Min(i, 63);
                    Unsafe.Add(ref slot0, i) = double.NaN;
                    if (!item.Optional)
                    {
                        result.MarkMissing();
                        result.Add(ResponseCode.ItemMissing, i, -1, -1, double.NaN);
                    }
                }
            }

            // Keyed values of reverse-keyed items (NaN stays NaN for a missing or invalid value).
            foreach (ref readonly var r in _reverse.AsSpan())
            {
                Unsafe.Add(ref slot0, r.Slot) = r.KeySum - Unsafe.Add(ref slot0, r.Item);
            }
        }

        return unanswered;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowBadArguments(int valueCount, int textCount, ScoreResult? result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (valueCount != ItemCount)
        {
            throw new ArgumentException($"Expected {ItemCount} values (one per item), got {valueCount}.", "values");
        }

        if (textCount != 0 && textCount != ItemCount)
        {
            throw new ArgumentException($"Expected no texts or {ItemCount} (one per item), got {textCount}.", "texts");
        }

        throw new ArgumentException("The result buffer was created by another plan.", nameof(result));
    }

    private void InvalidOrMissingCode(int i, double x, Span<double> slots, ScoreResult result)
    {
        ref readonly var item = ref _items[i];
        slots[i] = double.NaN;
        if (IsMissingCode(x))
        {
            if (!item.Optional)
            {
                result.MarkMissing();
            }

            result.Add(ResponseCode.MissingCodeUsed, i, -1, -1, x);
        }
        else
        {
            if (!item.Optional)
            {
                result.MarkMissing(); // counted as missing (what the status says if RSP2001 is lowered)
            }

            result.Add(ResponseCode.ValueNotAnOption, i, -1, -1, x);
        }
    }

    private bool IsMissingCode(double x)
    {
        foreach (var code in _missingCodes)
        {
            if (code == x)
            {
                return true;
            }
        }

        return false;
    }

    private void ScorePlain(Span<double> slots, ulong unanswered, ScoreResult result)
    {
        unchecked
        {
            var steps = _plain;
            ref var items0 = ref MemoryMarshal.GetArrayDataReference(_plainItems);
            ref var slot0 = ref MemoryMarshal.GetReference(slots);
            for (var p = 0; p < steps.Length; p++)
            {
                ref readonly var step = ref steps[p];
                ref var index0 = ref Unsafe.Add(ref items0, step.Start);
                var n = step.Count;

                // Two accumulators halve the chain of dependent floating-point additions. When none of the score's
                // items is unanswered (most responses), no value is checked.
                double sum0 = 0, sum1 = 0;
                int answered0 = 0, answered1 = 0;
                var k = 0;
                if ((step.Items & unanswered) == 0)
                {
                    for (; k + 1 < n; k += 2)
                    {
                        sum0 += Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k));
                        sum1 += Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k + 1));
                    }

                    if (k < n)
                    {
                        sum0 += Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k));
                    }

                    answered0 = n;
                }
                else
                {
                    for (; k + 1 < n; k += 2)
                    {
                        var x0 = Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k));
                        var x1 = Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k + 1));
                        if (!double.IsNaN(x0))
                        {
                            sum0 += x0;
                            answered0++;
                        }

                        if (!double.IsNaN(x1))
                        {
                            sum1 += x1;
                            answered1++;
                        }
                    }

                    if (k < n)
                    {
                        var x = Unsafe.Add(ref slot0, Unsafe.Add(ref index0, k));
                        if (!double.IsNaN(x))
                        {
                            sum0 += x;
                            answered0++;
                        }
                    }
                }

                var sum = sum0 + sum1;
                var answered = answered0 + answered1;
                var missing = n - answered;
                var prorated = false;
                double value;
                if (missing > step.MaxMissing)
                {
                    value = double.NaN;
                    result.Add(ResponseCode.TooManyMissing, -1, step.Score, -1, double.NaN, answered);
                }
                else if (step.Mean)
                {
                    value = sum / answered;
                }
                else if (missing > 0)
                {
                    // Only reachable with prorate: true (the binder rejects a sum with missing.max > 0 and no prorating).
                    // sum * n / answered: with whole-number answers one correctly rounded division, so a prorated
                    // value that is exactly x.5 comes out as x.5 and a rounding rule sees the tie.
                    value = sum * n / answered;
                    prorated = true;
                    result.Add(ResponseCode.ScoreProrated, -1, step.Score, -1, value, answered);
                }
                else
                {
                    value = sum;
                }

                var unrounded = value;
                if (step.ProrateRounding is not null || step.Rounding is not null)
                {
                    value = Round(step.Score, value, prorated ? step.ProrateRounding : null, step.Rounding, result);
                }

                var band = step.BandMin.Length == 0 ? -1 : FindBand(step.Score, value, step.BandMin, step.BandMax, result);
                result.SetScore(step.Score, value, band, answered, prorated, unrounded);
            }
        }
    }

    private void ScoreDerived(int s, Span<double> slots, ScoreResult result)
    {
        var step = _steps[s];
        var expression = step.Expression!;
        var failed = false;
        var value = expression.CallsFunctions ? EvaluateGuarded(expression, slots, result, s, -1, out failed) : expression.Evaluate(slots);
        if (!double.IsFinite(value))
        {
            if (double.IsNaN(value))
            {
                // When a failed function (RSP2012, about this score) is the whole reason, RSP2009 would only guess at one.
                var missing = MissingMask(expression.Slots.AsSpan(), slots);
                if (!failed || missing != 0)
                {
                    result.Add(ResponseCode.DerivedScoreNotComputed, -1, s, -1, double.NaN, 0, missing);
                }
            }
            else
            {
                // An infinite result (a plugin function, an overflow) is no score: missing, and the response invalid.
                result.Add(ResponseCode.ScoreNotFinite, -1, s, -1, value);
                value = double.NaN;
            }
        }

        var unrounded = value;
        if (step.Rounding is not null)
        {
            value = Round(s, value, null, step.Rounding, result);
        }

        var band = step.BandMin.Length == 0 ? -1 : FindBand(s, value, step.BandMin, step.BandMax, result);
        result.SetScore(s, value, band, 0, false, unrounded);
    }

    /// <summary>
    /// Applies a prorated value's rounding (<paramref name="prorateRule"/>, when the value was prorated), then the
    /// score's own (<paramref name="scoreRule"/>); reports a tie the source does not settle (RSP2015) and a value
    /// that changed (RSP2016).
    /// </summary>
    private static double Round(int s, double value, RoundingRule? prorateRule, RoundingRule? scoreRule, ScoreResult result)
    {
        var unrounded = value;
        if (prorateRule is not null)
        {
            value = RoundingRules.Apply(prorateRule, value, out var tie);
            if (tie)
            {
                result.Add(ResponseCode.RoundingTieUnsettled, -1, s, -1, value, 1);
            }
        }

        if (scoreRule is not null)
        {
            var before = value;
            value = RoundingRules.Apply(scoreRule, value, out var tie);
            if (tie)
            {
                result.Add(ResponseCode.RoundingTieUnsettled, -1, s, -1, before, 0);
            }
        }

        if (value != unrounded && !double.IsNaN(value))
        {
            result.Add(ResponseCode.ScoreRounded, -1, s, -1, unrounded, prorateRule is null ? 0 : 1);
        }

        return value;
    }

    /// <summary>The band whose inclusive range holds <paramref name="value"/>; -1 (and RSP2007) when it falls between bands.</summary>
    private static int FindBand(int s, double value, double[] bandMin, double[] bandMax, ScoreResult result)
    {
        if (double.IsNaN(value))
        {
            return -1;
        }

        for (var b = 0; b < bandMin.Length && b < bandMax.Length; b++)
        {
            if (value >= bandMin[b] && value <= bandMax[b])
            {
                return b;
            }
        }

        result.Add(ResponseCode.ValueBetweenBands, -1, s, -1, value);
        return -1;
    }

    /// <summary>
    /// Evaluates an expression (of score <paramref name="score"/> or flag <paramref name="flag"/>) that calls plugin
    /// functions; a function that throws is reported (RSP2012, naming the score or flag) and <paramref name="failed"/> set.
    /// </summary>
    private static double EvaluateGuarded(CompiledExpression expression, ReadOnlySpan<double> slots, ScoreResult result,
        int score, int flag, out bool failed)
    {
        var faulted = -1;
        var value = expression.Evaluate(slots, ref faulted, out var error);
        failed = faulted >= 0;
        if (failed)
        {
            var function = expression.Functions[faulted];
            result.Add(new ResponseDiagnostic(InstrumentDiagnostics.FunctionFailed, -1, score, flag, double.NaN, null,
                failure: new PluginFailure(function.Owner, function.Name, error ?? string.Empty)));
        }

        return value;
    }

    /// <summary>Bit k set when input k of an expression is missing (inputs beyond 64 are not tracked).</summary>
    private static ulong MissingMask(ReadOnlySpan<int> inputs, ReadOnlySpan<double> slots)
    {
        var mask = 0UL;
        for (var k = 0; k < inputs.Length && k < 64; k++)
        {
            if (double.IsNaN(slots[inputs[k]]))
            {
                mask |= 1UL << k;
            }
        }

        return mask;
    }

    // ---- messages ----

    /// <summary>Formats the message of a response diagnostic produced by this plan (allocates).</summary>
    public string FormatMessage(in ResponseDiagnostic diagnostic)
    {
        var def = Definition;
        var d = diagnostic.Descriptor;
        var item = diagnostic.Item;
        var score = diagnostic.Score;
        string Item() => item >= 0 ? def.Items[item].Id : string.Empty;
        string Score() => score >= 0 ? def.Scores[score].Id : string.Empty;
        string Num(double v) => DefinitionBinder.FormatNumber(v);

        if (d == InstrumentDiagnostics.ValueNotAnOption)
        {
            return d.FormatMessage([Item(), Num(diagnostic.Value), DescribeOptions(diagnostic.Item)]);
        }

        if (d == InstrumentDiagnostics.NonNumericValue)
        {
            // The text is there when the reader passed it beside the values.
            return d.FormatMessage([Item(), diagnostic.Text ?? "?"]);
        }

        if (d == InstrumentDiagnostics.ItemMissing)
        {
            return d.FormatMessage([Item()]);
        }

        if (d == InstrumentDiagnostics.MissingCodeUsed)
        {
            return d.FormatMessage([Item(), Num(diagnostic.Value)]);
        }

        if (d == InstrumentDiagnostics.TooManyMissing)
        {
            var s = def.Scores[diagnostic.Score];
            var n = s.Items.Length;
            return d.FormatMessage([s.Id, n - diagnostic.Count, n, s.Missing.MaxMissing]);
        }

        if (d == InstrumentDiagnostics.ScoreProrated)
        {
            var rounded = def.Scores[diagnostic.Score] is var ps && (ps.Missing.Rounding ?? ps.Rounding) is { Method: RoundingMethod.Nearest };
            return d.FormatMessage([Score(), diagnostic.Count, def.Scores[diagnostic.Score].Items.Length, rounded ? string.Empty : ", not rounded"]);
        }

        if (d == InstrumentDiagnostics.ValueBetweenBands)
        {
            return d.FormatMessage([Score(), Num(diagnostic.Value), DescribeNeighbourBands(def.Scores[diagnostic.Score], diagnostic.Value)]);
        }

        if (d == InstrumentDiagnostics.RoundingTieUnsettled)
        {
            var s = def.Scores[diagnostic.Score];
            var rule = diagnostic.Count == 1 ? s.Missing.Rounding! : s.Rounding!;
            var (below, above) = RoundingRules.Neighbours(rule, diagnostic.Value);
            return d.FormatMessage([Score(), Num(diagnostic.Value), Num(below), Num(above)]);
        }

        if (d == InstrumentDiagnostics.ScoreRounded)
        {
            // The rounded value is worked out again from the unrounded one the diagnostic carries (same rules, same result).
            var s = def.Scores[diagnostic.Score];
            var value = diagnostic.Value;
            var rules = new List<string>();
            if (diagnostic.Count == 1 && s.Missing.Rounding is { } prorateRule)
            {
                value = RoundingRules.Apply(prorateRule, value, out _);
                rules.Add(RoundingRules.Describe(prorateRule) + ", as the missing rule states for a prorated value");
            }

            if (s.Rounding is { Method: RoundingMethod.Nearest } scoreRule)
            {
                value = RoundingRules.Apply(scoreRule, value, out _);
                rules.Add(RoundingRules.Describe(scoreRule) + ", as the score's rounding rule states");
            }

            return d.FormatMessage([Score(), Num(diagnostic.Value), Num(value), string.Join("; then ", rules)]);
        }

        if (d == InstrumentDiagnostics.DerivedScoreNotComputed)
        {
            return d.FormatMessage([Score(), MissingInputs(GetScoreInputs(diagnostic.Score), diagnostic.MissingInputs,
                _steps[diagnostic.Score].Expression?.CallsFunctions == true)]);
        }

        if (d == InstrumentDiagnostics.FlagNotEvaluated)
        {
            return d.FormatMessage([def.Flags[diagnostic.Flag].Id, MissingInputs(GetFlagInputs(diagnostic.Flag), diagnostic.MissingInputs,
                _flagConditions[diagnostic.Flag].CallsFunctions)]);
        }

        if (d == InstrumentDiagnostics.ScoreNotFinite)
        {
            return d.FormatMessage([Score(), double.IsNaN(diagnostic.Value) ? "NaN" : diagnostic.Value > 0 ? "+Infinity" : "-Infinity"]);
        }

        if (d == InstrumentDiagnostics.MalformedRow)
        {
            return d.FormatMessage([diagnostic.Count, diagnostic.Text]);
        }

        if (d == InstrumentDiagnostics.ResponseCheckFailed && diagnostic.Failure is { } check)
        {
            return d.FormatMessage([check.Plugin, check.Error]);
        }

        if (d == InstrumentDiagnostics.FunctionFailed && diagnostic.Failure is { } call)
        {
            return d.FormatMessage([call.Function, call.DescribeOwner(), call.Error]);
        }

        return d.FormatMessage(diagnostic.Text is null ? [] : [diagnostic.Text]);
    }

    private string MissingInputs(ReadOnlySpan<int> inputs, ulong mask, bool callsFunctions)
    {
        var names = new List<string>();
        for (var k = 0; k < inputs.Length && k < 64; k++)
        {
            if ((mask & (1UL << k)) != 0)
            {
                names.Add(SlotName(inputs[k]));
            }
        }

        return names.Count switch
        {
            0 when callsFunctions => "the result is undefined (a division by zero, or a function that returned no value)",
            0 => "the result is undefined (for example a division by zero)",
            1 => "'" + names[0] + "' is missing",
            _ => string.Join(", ", names.Select(n => "'" + n + "'")) + " are missing",
        };
    }


    /// <summary>" (between 'Moderate' (10 to 14) and 'Moderately severe' (15 to 19))": the bands around a value that lies in none.</summary>
    private static string DescribeNeighbourBands(ScoreDefinition score, double value) =>
        BandNeighbours.Describe(score.Bands, value, label => "'" + label + "'") is { } text ? " (" + text + ")" : string.Empty;

    internal string DescribeOptions(int item)
    {
        var scale = _bound.Items[item].Scale!;
        var values = scale.Options.Select(o => o.Value).Order().ToArray();
        var contiguous = values[^1] - values[0] + 1 == values.Length;
        return contiguous ? $"{values[0]} to {values[^1]}" : string.Join(", ", values);
    }

    internal ReadOnlySpan<int> GetScoreInputs(int score) =>
        _steps[score].Expression is { } e ? e.Slots.AsSpan() : _steps[score].Items;

    internal ReadOnlySpan<int> GetFlagInputs(int flag) => _flagConditions[flag].Slots.AsSpan();

    internal string SlotName(int slot) =>
        slot < ItemCount ? _bound.Items[slot].Definition.Id : _bound.Scores[slot - ItemCount].Definition.Id;

    private readonly struct ItemStep(int min, int max, int optionOffset, bool optional, bool contiguous)
    {
        /// <summary>max - min: a code is in range when (uint)(code - min) &lt;= Width.</summary>
        public readonly uint Width = (uint)(max - min);
        public readonly int Min = min;
        public readonly int OptionOffset = optionOffset;
        public readonly bool Optional = optional;

        /// <summary>Every integer from min to max is an option (no lookup needed).</summary>
        public readonly bool Contiguous = contiguous;
    }

    /// <summary>A reverse-keyed item: Slot gets KeySum (min + max) - the item's value.</summary>
    private readonly record struct ReverseKey(int Item, int Slot, double KeySum);

    private sealed class ScoreStep(bool mean, int[] keyedItems, int[] items, int maxMissing,
        CompiledExpression? expression, double[] bandMin, double[] bandMax, RoundingRule? prorateRounding, RoundingRule? rounding)
    {
        /// <summary>How a prorated value is rounded (nearest rules only), or null.</summary>
        public readonly RoundingRule? ProrateRounding = prorateRounding;

        /// <summary>How every value is rounded (nearest rules only), or null.</summary>
        public readonly RoundingRule? Rounding = rounding;

        public readonly bool Mean = mean;

        /// <summary>Slots of the items' keyed values (reverse keys applied).</summary>
        public readonly int[] KeyedItems = keyedItems;

        /// <summary>The items, by index (for messages).</summary>
        public readonly int[] Items = items;
        public readonly int MaxMissing = maxMissing;
        public readonly CompiledExpression? Expression = expression;
        public readonly double[] BandMin = bandMin;
        public readonly double[] BandMax = bandMax;
    }

    /// <summary>
    /// A sum or mean of items: its keyed item slots are _plainItems[Start .. Start + Count); Items has bit i set for
    /// item i (bit 63 for any item from 63 on), to compare with the unanswered items of a response.
    /// </summary>
    private readonly record struct PlainStep(int Score, int Start, int Count, ulong Items, int MaxMissing, bool Mean, double[] BandMin, double[] BandMax,
        RoundingRule? ProrateRounding, RoundingRule? Rounding);
}
