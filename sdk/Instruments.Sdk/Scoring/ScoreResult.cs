using System.Globalization;
using Instruments.Definitions;
using Instruments.Diagnostics;

namespace Instruments.Scoring;

/// <summary>The overall state of one scored response.</summary>
public enum ResponseStatus
{
    /// <summary>Every required item answered with a valid value.</summary>
    Complete,

    /// <summary>Some items missing (or given a missing code), handled by the missing rules.</summary>
    Partial,

    /// <summary>At least one error-level diagnostic (an invalid value, a malformed row).</summary>
    Invalid,
}

/// <summary>The outcome of one flag for one response.</summary>
public enum FlagState : byte
{
    /// <summary>The condition is false.</summary>
    NotRaised = 0,

    /// <summary>The condition is true.</summary>
    Raised = 1,

    /// <summary>The condition could not be evaluated because inputs are missing; check by hand.</summary>
    Unknown = 2,
}

/// <summary>
/// One response diagnostic (an <c>RSP2xxx</c> occurrence, or one a plugin's response check reported), as a value:
/// its payload is typed (indexes, a number, a count, a raw text, a <see cref="PluginFailure"/>) and no message string
/// is built on the scoring path; call <see cref="ScoreResult.FormatMessage"/> when you need the text.
/// </summary>
public readonly struct ResponseDiagnostic
{
    internal ResponseDiagnostic(DiagnosticDescriptor descriptor, int item, int score, int flag, double value, string? text,
        int count = 0, ulong missingInputs = 0, PluginFailure? failure = null)
        : this(descriptor, descriptor.DefaultSeverity, item, score, flag, value, text, count, missingInputs, failure)
    {
    }

    private ResponseDiagnostic(DiagnosticDescriptor descriptor, DiagnosticSeverity severity, int item, int score, int flag,
        double value, string? text, int count, ulong missingInputs, PluginFailure? failure)
    {
        MissingInputs = missingInputs;
        Descriptor = descriptor;
        Severity = severity;
        Item = item;
        Score = score;
        Flag = flag;
        Value = value;
        Text = text;
        Count = count;
        Failure = failure;
    }

    /// <summary>What kind of diagnostic this is.</summary>
    public DiagnosticDescriptor Descriptor { get; }

    /// <summary>The ID, e.g. <c>RSP2001</c>.</summary>
    public string Id => Descriptor.Id;

    /// <summary>
    /// The effective severity: the descriptor's default unless the plan's <see cref="DiagnosticOptions"/> change it
    /// (see <see cref="ScoringPlan.Options"/>).
    /// </summary>
    public DiagnosticSeverity Severity { get; }

    /// <summary>Index of the item concerned, or -1.</summary>
    public int Item { get; }

    /// <summary>Index of the score concerned (also the score whose expression called a failed function), or -1.</summary>
    public int Score { get; }

    /// <summary>Index of the flag concerned (also the flag whose condition called a failed function), or -1.</summary>
    public int Flag { get; }

    /// <summary>The offending value (an invalid code, a missing code, a score value), where one applies.</summary>
    public double Value { get; }

    /// <summary>
    /// Raw text, where one applies: the answer that is not a number (RSP2002, when the reader passed it), a name that
    /// is not an item (RSP2003), why a row could not be read (RSP2010), the text a plugin check reported.
    /// </summary>
    public string? Text { get; }

    /// <summary>A count (answered items for a score; the input line for a malformed row), where one applies.</summary>
    public int Count { get; }

    /// <summary>For RSP2012 and RSP2013: which plugin code threw, and the exception on one line; otherwise null.</summary>
    public PluginFailure? Failure { get; }

    /// <summary>For RSP2008/RSP2009: bit k is set when input k of the expression was missing.</summary>
    internal ulong MissingInputs { get; }

    /// <summary>A copy with another effective severity.</summary>
    internal ResponseDiagnostic WithSeverity(DiagnosticSeverity severity) =>
        new(Descriptor, severity, Item, Score, Flag, Value, Text, Count, MissingInputs, Failure);

    /// <summary>A diagnostic the plan logged compactly, with the severity the plan's options give it.</summary>
    internal static ResponseDiagnostic FromCode(DiagnosticDescriptor descriptor, DiagnosticSeverity severity, int item, int score,
        int flag, double value, int count, ulong missingInputs) =>
        new(descriptor, severity, item, score, flag, value, null, count, missingInputs, null);
}

/// <summary>
/// The result of scoring one response: scores, bands, flags, diagnostics and status. A reusable buffer:
/// create one per thread with <see cref="ScoringPlan.CreateResult"/> and pass it to
/// <see cref="ScoringPlan.Score(ReadOnlySpan{ResponseValue}, ScoreResult)"/> again and again; scoring
/// overwrites it without allocating. Not thread-safe.
/// </summary>
public sealed class ScoreResult
{
    private readonly double[] _slots;          // items (valid raw value or NaN), scores, keyed values of reverse-keyed items
    private readonly ScoreCell[] _cells;       // per score: band, answered count, prorated
    private readonly FlagState[] _flags;
    // Diagnostics are logged as reference-free entries (no write barriers on the hot path) and turned into
    // ResponseDiagnostic values only when read; one that carries a reference (a text, a plugin's descriptor) is
    // stored whole when added. _diagnostics[k] is valid for k < _materialized and for every entry with HasValue.
    // Both arrays grow when a response logs more than the plan's estimate: no diagnostic is ever dropped.
    private DiagnosticEntry[] _entries;
    private ResponseDiagnostic[] _diagnostics;
    private readonly int _itemCount;

    // The plan's options applied to its own codes: bit c set when code c is reported as an error / not at all.
    private readonly uint _errorCodes;
    private readonly uint _suppressedCodes;
    private int _diagnosticCount;
    private int _materialized;
    private bool _hasError;
    private bool _hasMissing;

    internal ScoreResult(ScoringPlan plan)
    {
        Plan = plan;
        _itemCount = plan.ItemCount;
        _slots = new double[plan.SlotCount];
        _cells = new ScoreCell[plan.ScoreCount];
        _flags = new FlagState[plan.FlagCount];
        _errorCodes = plan.ErrorCodes;
        _suppressedCodes = plan.SuppressedCodes;
        _entries = new DiagnosticEntry[plan.MaxDiagnostics];
        _diagnostics = new ResponseDiagnostic[plan.MaxDiagnostics];
    }

    /// <summary>The plan that produced this result.</summary>
    public ScoringPlan Plan { get; }

    /// <summary>Overall status.</summary>
    public ResponseStatus Status =>
        _hasError ? ResponseStatus.Invalid : _hasMissing ? ResponseStatus.Partial : ResponseStatus.Complete;

    /// <summary>True when any diagnostic is an error (the response is <see cref="ResponseStatus.Invalid"/>).</summary>
    public bool HasErrors => _hasError;

    /// <summary>The diagnostics, in the order items, scores, flags.</summary>
    public ReadOnlySpan<ResponseDiagnostic> Diagnostics
    {
        get
        {
            if (_materialized < _diagnosticCount)
            {
                Materialize();
            }

            return _diagnostics.AsSpan(0, _diagnosticCount);
        }
    }

    /// <summary>The value of score <paramref name="score"/>, or null when it could not be computed.</summary>
    public double? GetScore(int score)
    {
        var v = GetScoreValue(score);
        return double.IsNaN(v) ? null : v;
    }

    /// <summary>The value of score <paramref name="score"/>, or NaN when it could not be computed (allocation-free).</summary>
    public double GetScoreValue(int score)
    {
        // unchecked: a negative index must become a large one (the project checks overflow), not an OverflowException.
        if (unchecked((uint)score) >= (uint)_cells.Length)
        {
            ThrowScoreOutOfRange(score);
        }

        return _slots[_itemCount + score];
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowScoreOutOfRange(int score) =>
        throw new ArgumentOutOfRangeException(nameof(score), score, "Not the index of a score of this instrument.");

    /// <summary>The value of the score with id <paramref name="scoreId"/>, or null.</summary>
    public double? GetScore(string scoreId) => GetScore(Plan.IndexOfScore(scoreId) is var i and >= 0 ? i
        : throw new ArgumentException($"'{scoreId}' is not a score of '{Plan.Definition.Id}'.", nameof(scoreId)));

    /// <summary>The index of the band holding the score's value, or -1 (no bands, no value, or between bands).</summary>
    public int GetBandIndex(int score) => _cells[score].Band;

    /// <summary>The label of the band holding the score's value, or null.</summary>
    public string? GetBand(int score) => _cells[score].Band is var b and >= 0 ? Plan.Definition.Scores[score].Bands[b].Label : null;

    /// <summary>True when the score was prorated from fewer items than it has.</summary>
    public bool IsProrated(int score) => _cells[score].Prorated;

    /// <summary>
    /// The value of score <paramref name="score"/> before any rounding its definition states (the same as
    /// <see cref="GetScoreValue(int)"/> when nothing was rounded), or NaN when it could not be computed.
    /// </summary>
    public double GetUnroundedScore(int score) => _cells[score].Unrounded;

    /// <summary>Whether score <paramref name="score"/> was rounded to a value other than its unrounded one.</summary>
    public bool IsRounded(int score)
    {
        var unrounded = _cells[score].Unrounded;
        return !double.IsNaN(unrounded) && unrounded != GetScoreValue(score);
    }

    /// <summary>How many of the score's items were answered with a valid value (0 for expression scores).</summary>
    public int GetAnsweredCount(int score) => _cells[score].Answered;

    /// <summary>The state of flag <paramref name="flag"/>.</summary>
    public FlagState GetFlag(int flag) => _flags[flag];

    /// <summary>The valid value of item <paramref name="item"/> as answered (not reverse-keyed), or NaN when missing or invalid.</summary>
    public double GetItemValue(int item) => _slots[item];

    /// <summary>Formats the message of a diagnostic of this result (allocates).</summary>
    public string FormatMessage(in ResponseDiagnostic diagnostic) => Plan.FormatMessage(diagnostic);

    /// <summary>A readable one-line summary, for debugging and logs.</summary>
    public override string ToString()
    {
        var parts = new List<string> { Status.ToString().ToLowerInvariant() };
        for (var i = 0; i < Plan.ScoreCount; i++)
        {
            var v = GetScore(i);
            parts.Add(Plan.Definition.Scores[i].Id + "=" + (v is null ? "null" : v.Value.ToString("R", CultureInfo.InvariantCulture)));
        }

        return string.Join(" ", parts);
    }

    // ---- written by ScoringPlan ----

    internal Span<double> Slots => _slots;

    /// <summary>Per-buffer contexts of plugin response checks (created on first use).</summary>
    internal Plugins.ResponseCheckContext?[]? CheckContexts { get; set; }

    /// <summary>The item values of a dictionary response, kept for the next one (created on first use).</summary>
    internal ResponseValue[]? DictionaryValues { get; set; }

    /// <summary>The item texts of a dictionary response, beside <see cref="DictionaryValues"/>.</summary>
    internal string?[]? DictionaryTexts { get; set; }

    internal void Reset()
    {
        _diagnosticCount = 0;
        _materialized = 0;
        _hasError = false;
        _hasMissing = false;
    }

    internal void SetScore(int score, double value, int band, int answered, bool prorated, double unrounded)
    {
        _slots[unchecked(_itemCount + score)] = value;
        _cells[score] = new ScoreCell(band, answered, prorated, unrounded);
    }

    internal void SetFlag(int flag, FlagState state) => _flags[flag] = state;

    internal void MarkMissing() => _hasMissing = true;

    /// <summary>Marks the response invalid whatever the severities (a row that could not be read at all).</summary>
    internal void MarkInvalid() => _hasError = true;

    /// <summary>
    /// Logs one of the scoring plan's own diagnostics (no text): only plain values are written. The plan's options
    /// decide whether it is kept and whether it is an error.
    /// </summary>
    internal void Add(ResponseCode code, int item, int score, int flag, double value, int count = 0, ulong missingInputs = 0)
    {
        var bit = 1u << (int)code;
        if ((_suppressedCodes & bit) != 0)
        {
            return;
        }

        if ((_errorCodes & bit) != 0)
        {
            _hasError = true;
        }

        var n = _diagnosticCount;
        var entries = _entries;
        if ((uint)n >= (uint)entries.Length)
        {
            Grow();
            entries = _entries;
        }

        entries[n] = new DiagnosticEntry(code, false, item, score, flag, count, value, missingInputs);
        _diagnosticCount = n + 1;
    }

    /// <summary>
    /// Logs a whole diagnostic (one with a text, a failure or another descriptor: from the plan, a plugin check or
    /// the host), with the severity the plan's options give it; nothing when they suppress it.
    /// </summary>
    internal void Add(in ResponseDiagnostic diagnostic)
    {
        if (Plan.EffectiveSeverity(diagnostic.Descriptor) is not { } severity)
        {
            return;
        }

        if (severity == DiagnosticSeverity.Error)
        {
            _hasError = true;
        }

        var n = _diagnosticCount;
        if (n >= _entries.Length)
        {
            Grow();
        }

        _entries[n] = new DiagnosticEntry(default, true, 0, 0, 0, 0, 0, 0);
        _diagnostics[n] = severity == diagnostic.Severity ? diagnostic : diagnostic.WithSeverity(severity);
        _diagnosticCount = n + 1;
    }

    // Rare (a response with more diagnostics than the plan's estimate); the buffer keeps its new size for the next one.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Grow()
    {
        var size = Math.Max(4, _entries.Length * 2);
        Array.Resize(ref _entries, size);
        Array.Resize(ref _diagnostics, size);
    }

    private void Materialize()
    {
        for (var k = _materialized; k < _diagnosticCount; k++)
        {
            ref readonly var e = ref _entries[k];
            if (!e.HasValue)
            {
                _diagnostics[k] = ResponseDiagnostic.FromCode(ResponseCodes.Descriptor(e.Code), Plan.CodeSeverity(e.Code), e.Item, e.Score,
                    e.Flag, e.Value, e.Count, e.MissingInputs);
            }
        }

        _materialized = _diagnosticCount;
    }

    /// <summary>A logged diagnostic without references; HasValue: the whole diagnostic is already in _diagnostics.</summary>
    private readonly record struct DiagnosticEntry(ResponseCode Code, bool HasValue, int Item, int Score, int Flag, int Count, double Value, ulong MissingInputs);

    private readonly record struct ScoreCell(int Band, int Answered, bool Prorated, double Unrounded);
}

/// <summary>
/// The response diagnostics the scoring plan logs without a text, as small codes (at most 32: the plan keeps their
/// effective severities as bit sets). The others (a text, a failure or another descriptor: RSP2002, RSP2003, RSP2010,
/// RSP2012, RSP2013) are stored whole.
/// </summary>
internal enum ResponseCode : byte
{
    ValueNotAnOption,
    ItemMissing,
    TooManyMissing,
    MissingCodeUsed,
    ValueBetweenBands,
    FlagNotEvaluated,
    DerivedScoreNotComputed,
    ScoreProrated,
    ScoreNotFinite,
    RoundingTieUnsettled,
    ScoreRounded,
}

/// <summary>The descriptor of each <see cref="ResponseCode"/>.</summary>
internal static class ResponseCodes
{
    private static readonly DiagnosticDescriptor[] Descriptors =
    [
        InstrumentDiagnostics.ValueNotAnOption,
        InstrumentDiagnostics.ItemMissing,
        InstrumentDiagnostics.TooManyMissing,
        InstrumentDiagnostics.MissingCodeUsed,
        InstrumentDiagnostics.ValueBetweenBands,
        InstrumentDiagnostics.FlagNotEvaluated,
        InstrumentDiagnostics.DerivedScoreNotComputed,
        InstrumentDiagnostics.ScoreProrated,
        InstrumentDiagnostics.ScoreNotFinite,
        InstrumentDiagnostics.RoundingTieUnsettled,
        InstrumentDiagnostics.ScoreRounded,
    ];

    public static int Count => Descriptors.Length;

    public static DiagnosticDescriptor Descriptor(ResponseCode code) => Descriptors[(int)code];
}
