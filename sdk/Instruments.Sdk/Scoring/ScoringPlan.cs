using System.Collections.Frozen;
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
/// Scoring one response does no I/O, takes no locks, never throws for bad input (bad values become
/// <see cref="ResponseDiagnostic"/>s) and, through <see cref="Score(ReadOnlySpan{ResponseValue}, ScoreResult)"/>
/// with a reused <see cref="ScoreResult"/>, allocates nothing.
/// </remarks>
public sealed class ScoringPlan
{
    private readonly BoundInstrument _bound;

    // Items: valid codes are looked up in one flat table: _optionValid[_optionOffset[i] + (code - _itemMin[i])].
    private readonly int[] _itemMin;
    private readonly int[] _itemMax;
    private readonly int[] _optionOffset;
    private readonly bool[] _optionValid;
    private readonly bool[] _itemOptional;
    private readonly int[] _missingCodes;

    // Scores, in evaluation order.
    private readonly int[] _order;
    private readonly ScoreStep[] _steps;
    private readonly CompiledExpression[] _flagConditions;
    private readonly FrozenDictionary<string, int> _scoreIndex;

    private ScoringPlan(BoundInstrument bound)
    {
        _bound = bound;
        var items = bound.Items;
        ItemCount = items.Length;
        _itemMin = new int[items.Length];
        _itemMax = new int[items.Length];
        _optionOffset = new int[items.Length];
        _itemOptional = new bool[items.Length];
        var table = new List<bool>();
        var scaleOffsets = new Dictionary<ResponseScale, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < items.Length; i++)
        {
            var scale = items[i].Scale!;
            _itemMin[i] = scale.Min;
            _itemMax[i] = scale.Max;
            _itemOptional[i] = items[i].Definition.Optional;
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

            _optionOffset[i] = offset;
        }

        _optionValid = [.. table];
        _missingCodes = bound.MissingCodes;
        _order = bound.ScoreOrder;
        _steps = new ScoreStep[bound.Scores.Length];
        for (var s = 0; s < bound.Scores.Length; s++)
        {
            var score = bound.Scores[s];
            var reverseSum = new int[score.Items.Length];
            var reverse = new bool[score.Items.Length];
            for (var k = 0; k < score.Items.Length; k++)
            {
                var item = items[score.Items[k]];
                reverse[k] = item.Definition.Reverse;
                reverseSum[k] = item.Min + item.Max;
            }

            _steps[s] = new ScoreStep(score.Definition.Method, score.Items, reverse, reverseSum,
                score.Definition.Missing.MaxMissing, score.Expression, score.BandMin, score.BandMax);
        }

        _flagConditions = [.. bound.Flags.Select(f => f.Condition)];
        _scoreIndex = Enumerable.Range(0, bound.Scores.Length)
            .ToFrozenDictionary(i => bound.Scores[i].Definition.Id, StringComparer.Ordinal);
        MaxDiagnostics = ItemCount + (2 * ScoreCount) + FlagCount;
    }

    /// <summary>
    /// Builds the plan for a definition. Throws <see cref="ArgumentException"/> when the definition has errors
    /// (use the compiler or <see cref="InstrumentDefinition.Validate"/> to get them as diagnostics).
    /// </summary>
    public static ScoringPlan Create(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var result = DefinitionBinder.Bind(definition, SourceLocator.None);
        if (result.Bound is null)
        {
            throw new ArgumentException(
                $"Instrument '{definition.Id}' has errors: " + string.Join("; ", result.Diagnostics.Where(d => d.IsError).Select(d => d.Id + " " + d.Message)),
                nameof(definition));
        }

        return new ScoringPlan(result.Bound);
    }

    /// <summary>The definition this plan scores.</summary>
    public InstrumentDefinition Definition => _bound.Definition;

    /// <summary>Number of items; a response is a span of this many values, in definition order.</summary>
    public int ItemCount { get; }

    /// <summary>Number of scores.</summary>
    public int ScoreCount => _steps.Length;

    /// <summary>Number of flags.</summary>
    public int FlagCount => _flagConditions.Length;

    internal int MaxDiagnostics { get; }

    /// <summary>The index of an item by id (ordinal), or -1.</summary>
    public int IndexOfItem(string id) => _bound.ItemIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The index of a score by id (ordinal), or -1.</summary>
    public int IndexOfScore(string id) => _scoreIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>Creates a reusable result buffer for this plan.</summary>
    public ScoreResult CreateResult() => new(this);

    /// <summary>
    /// Scores one response given as one value per item in definition order, into a reused
    /// <paramref name="result"/>. Allocation-free.
    /// </summary>
    public void Score(ReadOnlySpan<ResponseValue> values, ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (values.Length != ItemCount)
        {
            throw new ArgumentException($"Expected {ItemCount} values (one per item), got {values.Length}.", nameof(values));
        }

        if (!ReferenceEquals(result.Plan, this))
        {
            throw new ArgumentException("The result buffer was created by another plan.", nameof(result));
        }

        result.Reset();
        var slots = result.Slots;
        ValidateItems(values, slots, result);
        foreach (var s in _order)
        {
            ScoreOne(s, slots, result);
        }

        for (var f = 0; f < _flagConditions.Length; f++)
        {
            var v = _flagConditions[f].Evaluate(slots);
            if (double.IsNaN(v))
            {
                result.SetFlag(f, FlagState.Unknown);
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.FlagNotEvaluated, -1, -1, f, double.NaN, null));
            }
            else
            {
                result.SetFlag(f, v != 0 ? FlagState.Raised : FlagState.NotRaised);
            }
        }
    }

    /// <summary>
    /// Scores one response given as item id -> raw text (numbers as text, empty or null for missing). Keys that
    /// are not items are reported (RSP2003). Convenient, allocating; for bulk work use the span overload.
    /// </summary>
    public ScoreResult Score(IReadOnlyDictionary<string, string?> response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var values = new ResponseValue[ItemCount];
        List<string>? unknown = null;
        foreach (var (key, text) in response)
        {
            var i = IndexOfItem(key);
            if (i < 0)
            {
                (unknown ??= []).Add(key);
                continue;
            }

            values[i] = text is null ? ResponseValue.Missing : ResponseValue.Parse(text.AsSpan());
        }

        var result = CreateResult();
        Score(values, result);
        if (unknown is not null)
        {
            foreach (var key in unknown)
            {
                result.AddExternal(new ResponseDiagnostic(InstrumentDiagnostics.UnknownResponseItem, -1, -1, -1, double.NaN, key));
            }
        }

        return result;
    }

    /// <summary>
    /// Scores many responses on all cores. <paramref name="values"/> holds <c>results.Count</c> responses back to
    /// back, <see cref="ItemCount"/> values each; result <c>i</c> belongs to response <c>i</c>, so input order is
    /// preserved. The result buffers are reused; nothing is allocated per response.
    /// </summary>
    public void ScoreBatch(ReadOnlyMemory<ResponseValue> values, IReadOnlyList<ScoreResult> results, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Count;
        if (values.Length != rows * ItemCount)
        {
            throw new ArgumentException($"Expected {rows} x {ItemCount} values, got {values.Length}.", nameof(values));
        }

        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        var chunk = Math.Max(1024, (rows + (workers * 4) - 1) / (workers * 4));
        var chunks = (rows + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, c =>
        {
            var span = values.Span;
            var end = Math.Min(rows, (c + 1) * chunk);
            for (var r = c * chunk; r < end; r++)
            {
                Score(span.Slice(r * ItemCount, ItemCount), results[r]);
            }
        });
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
            result.SetScore(s, double.NaN, -1, 0, false);
        }

        for (var f = 0; f < FlagCount; f++)
        {
            result.SetFlag(f, FlagState.Unknown);
        }

        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.MalformedRow, -1, -1, -1, double.NaN, reason, line));
    }

    /// <summary>Adds an RSP2003 diagnostic (a value for something that is not an item) to a scored result.</summary>
    public static void ReportUnknownItem(ScoreResult result, string name)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.AddExternal(new ResponseDiagnostic(InstrumentDiagnostics.UnknownResponseItem, -1, -1, -1, double.NaN, name));
    }

    private void ValidateItems(ReadOnlySpan<ResponseValue> values, Span<double> slots, ScoreResult result)
    {
        for (var i = 0; i < values.Length; i++)
        {
            ref readonly var v = ref values[i];
            switch (v.Kind)
            {
                case ResponseValueKind.Number:
                {
                    var x = v.Number;
                    var min = _itemMin[i];
                    if (x >= min && x <= _itemMax[i] && x == Math.Floor(x) && _optionValid[_optionOffset[i] + ((int)x - min)])
                    {
                        slots[i] = x;
                        break;
                    }

                    slots[i] = double.NaN;
                    if (IsMissingCode(x))
                    {
                        if (!_itemOptional[i])
                        {
                            result.MarkMissing();
                        }

                        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.MissingCodeUsed, i, -1, -1, x, null));
                    }
                    else
                    {
                        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.ValueNotAnOption, i, -1, -1, x, null));
                    }

                    break;
                }

                case ResponseValueKind.NonNumeric:
                    slots[i] = double.NaN;
                    result.Add(new ResponseDiagnostic(InstrumentDiagnostics.NonNumericValue, i, -1, -1, double.NaN, v.Text));
                    break;

                default:
                    slots[i] = double.NaN;
                    if (!_itemOptional[i])
                    {
                        result.MarkMissing();
                        result.Add(new ResponseDiagnostic(InstrumentDiagnostics.ItemMissing, i, -1, -1, double.NaN, null));
                    }

                    break;
            }
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

    private void ScoreOne(int s, Span<double> slots, ScoreResult result)
    {
        var step = _steps[s];
        double value;
        var answered = 0;
        var prorated = false;
        if (step.Expression is { } expression)
        {
            value = expression.Evaluate(slots);
            if (double.IsNaN(value))
            {
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.DerivedScoreNotComputed, -1, s, -1, double.NaN, null));
            }
        }
        else
        {
            var sum = 0.0;
            var items = step.Items;
            for (var k = 0; k < items.Length; k++)
            {
                var x = slots[items[k]];
                if (!double.IsNaN(x))
                {
                    sum += step.Reverse[k] ? step.ReverseSum[k] - x : x;
                    answered++;
                }
            }

            var missing = items.Length - answered;
            if (missing > step.MaxMissing)
            {
                value = double.NaN;
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.TooManyMissing, -1, s, -1, double.NaN, null, answered));
            }
            else if (step.Method == ScoreMethod.Mean)
            {
                value = sum / answered;
            }
            else if (missing > 0)
            {
                // Only reachable with prorate: true (the binder rejects a sum with missing.max > 0 and no prorating).
                value = sum / answered * items.Length;
                prorated = true;
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.ScoreProrated, -1, s, -1, value, null, answered));
            }
            else
            {
                value = sum;
            }
        }

        var band = -1;
        if (!double.IsNaN(value) && step.BandMin.Length > 0)
        {
            for (var b = 0; b < step.BandMin.Length; b++)
            {
                if (value >= step.BandMin[b] && value <= step.BandMax[b])
                {
                    band = b;
                    break;
                }
            }

            if (band < 0)
            {
                result.Add(new ResponseDiagnostic(InstrumentDiagnostics.ValueBetweenBands, -1, s, -1, value, null));
            }
        }

        result.SetScore(s, value, band, answered, prorated);
    }

    // ---- facts for messages ----

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

    private sealed class ScoreStep(ScoreMethod method, int[] items, bool[] reverse, int[] reverseSum, int maxMissing,
        CompiledExpression? expression, double[] bandMin, double[] bandMax)
    {
        public readonly ScoreMethod Method = method;
        public readonly int[] Items = items;
        public readonly bool[] Reverse = reverse;
        public readonly int[] ReverseSum = reverseSum;
        public readonly int MaxMissing = maxMissing;
        public readonly CompiledExpression? Expression = expression;
        public readonly double[] BandMin = bandMin;
        public readonly double[] BandMax = bandMax;
    }
}
