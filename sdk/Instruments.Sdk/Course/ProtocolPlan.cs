using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;

namespace Instruments.Course;

/// <summary>
/// A protocol ready to use: its members (one per measure), the instruments they score (each once), a
/// <see cref="ReaderPlan"/> whose items are the union of theirs (so that one input row is read once for all of them),
/// and the compiled outcome rules. Immutable and thread-safe; create it once with <see cref="Create"/> (or from a
/// compiled protocol file).
/// </summary>
/// <example>
/// <code>
/// var result = ProtocolPlan.Create(protocol, [phq9Plan, gad7Plan]);
/// if (!result.Success) { foreach (var d in result.Diagnostics) Console.Error.WriteLine(d); return; }
/// var plan = result.Plan;
/// Span&lt;bool?&gt; outcomes = stackalloc bool?[plan.Outcomes.Length];
/// plan.Evaluate([new MeasureFacts(true, false, ChangeOutcome.Improved), new MeasureFacts(false, false, null)], outcomes);
/// </code>
/// </example>
public sealed class ProtocolPlan
{
    private readonly CompiledExpression[] _outcomes;
    private readonly int[] _itemStarts;   // per instrument: where its items start in the reader plan (one run, in its order)
    private readonly int _slotCount;

    private ProtocolPlan(BoundProtocol bound)
    {
        Definition = bound.Definition;
        var instruments = new List<ScoringPlan>();
        var members = ImmutableArray.CreateBuilder<ProtocolMember>(bound.Members.Length);
        foreach (var m in bound.Members)
        {
            var k = instruments.FindIndex(p => ReferenceEquals(p, m.Plan));
            if (k < 0)
            {
                k = instruments.Count;
                instruments.Add(m.Plan);
            }

            members.Add(new ProtocolMember(m.Measure, m.Plan, k, m.ScoreIndex, m.ReliableChangeIndex));
        }

        Members = members.MoveToImmutable();
        Instruments = [.. instruments];
        ReaderPlan = BuildReaderPlan(Definition, Instruments);
        // The reader plan lays out each instrument's items in its order, one instrument after the other, and no item
        // belongs to two instruments (INS1107): each instrument reads one run of the row's values, in place.
        _itemStarts = new int[Instruments.Length];
        for (int k = 0, start = 0; k < Instruments.Length; start += Instruments[k].ItemCount, k++)
        {
            var items = Instruments[k].Definition.Items;
            for (var j = 0; j < items.Length; j++)
            {
                if (ReaderPlan.IndexOfItem(items[j].Id) != start + j)
                {
                    throw new InvalidOperationException($"Protocol '{Definition.Id}': item '{items[j].Id}' of '{Instruments[k].Definition.Id}' is not where the reader plan lays it out.");
                }
            }

            _itemStarts[k] = start;
        }
        _outcomes = [.. bound.Outcomes];
        _slotCount = (Members.Length * ProtocolBinder.FactSuffixes.Length) + _outcomes.Length;
        if (bound.AllianceOutcome is { } pairing)
        {
            AllianceOutcome = new AllianceOutcomePairing(Members[pairing.Alliance], Members[pairing.Outcome], pairing.EarlySessions);
        }
    }

    /// <summary>
    /// Checks <paramref name="definition"/> against <paramref name="instruments"/> (the plans of the instruments it may
    /// name, by id; the first of an id wins) and builds the plan. Never throws for the definition's mistakes: they are
    /// diagnostics (INS1100-INS1113, without source locations), and the plan is null when one is an error.
    /// </summary>
    /// <param name="definition">The protocol.</param>
    /// <param name="instruments">The scoring plans of the instruments available to it.</param>
    /// <param name="options">Severity overrides for the diagnostics; the defaults when null.</param>
    /// <returns>The plan, or the errors.</returns>
    public static ProtocolPlanResult Create(ProtocolDefinition definition, IEnumerable<ScoringPlan> instruments, DiagnosticOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(instruments);
        var bound = ProtocolBinder.Bind(definition, instruments, SourceLocator.None);
        var diagnostics = (options ?? DiagnosticOptions.Default).Apply(bound.Diagnostics);
        return new ProtocolPlanResult(bound.Bound is { } b && !diagnostics.Any(d => d.IsError) ? new ProtocolPlan(b) : null, diagnostics);
    }

    /// <summary>
    /// This protocol with <paramref name="rule"/> as the sudden-gain rule of every instrument score it applies to
    /// (<see cref="ScoringPlan.WithSuddenGains"/>): each instrument with such a score is replaced by its variant, the
    /// others are kept, and the protocol is checked again over them with the first instrument's diagnostic options.
    /// </summary>
    /// <returns>The new plan, or the rule's or protocol's errors (then <see cref="ProtocolPlanResult.Plan"/> is null).</returns>
    /// <exception cref="ArgumentException">No instrument of the protocol has a score the rule applies to.</exception>
    public ProtocolPlanResult WithSuddenGains(SuddenGainRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var plans = new List<ScoringPlan>(Instruments.Length);
        var changed = false;
        foreach (var plan in Instruments)
        {
            if (!plan.Definition.CanTakeSuddenGains(rule))
            {
                plans.Add(plan);
                continue;
            }

            var variant = plan.WithSuddenGains(rule);
            if (!variant.Success)
            {
                return new ProtocolPlanResult(null, variant.Diagnostics);
            }

            plans.Add(variant.Plan);
            changed = true;
        }

        if (!changed)
        {
            throw new ArgumentException(rule.ReliableChange is { } id
                ? $"No instrument of '{Definition.Id}' has a score with change rules and a reliable-change rule '{id}'."
                : $"No instrument of '{Definition.Id}' has a score with change rules (a direction), which sudden gains need.", nameof(rule));
        }

        return Create(Definition, plans, Instruments[0].Options);
    }

    /// <summary>The plan of a protocol the compiler or host already bound (no second check).</summary>
    internal static ProtocolPlan FromBound(BoundProtocol bound) => new(bound);

    /// <summary>The protocol.</summary>
    public ProtocolDefinition Definition { get; }

    /// <summary>One member per measure, in the protocol's order; <see cref="MeasureFacts"/> are given in this order.</summary>
    public ImmutableArray<ProtocolMember> Members { get; }

    /// <summary>The instruments the members score, each once, in the order of first use (<see cref="ProtocolMember.InstrumentIndex"/>).</summary>
    public ImmutableArray<ScoringPlan> Instruments { get; }

    /// <summary>
    /// A plan whose items are the union of the instruments' items, in instrument order (item ids never collide:
    /// INS1107). Give it to a response reader, so that one row is read for every instrument, then score the row's
    /// values with <see cref="Score"/>. It has no scores of its own.
    /// </summary>
    public ScoringPlan ReaderPlan { get; }

    /// <summary>
    /// The alliance-and-outcome pairing (<see cref="ProtocolDefinition.AllianceOutcome"/>), resolved; null when the
    /// protocol declares none. Feed an <see cref="AllianceOutcomeAccumulator"/> with it.
    /// </summary>
    public AllianceOutcomePairing? AllianceOutcome { get; }

    /// <summary>The outcome rules, in evaluation order (the order of <see cref="Evaluate"/>'s output).</summary>
    public ImmutableArray<ProtocolOutcome> Outcomes => Definition.Outcomes.IsDefault ? [] : Definition.Outcomes;

    /// <summary>The index of the member with this alias (ordinal), or -1.</summary>
    public int IndexOfMember(string id)
    {
        for (var i = 0; i < Members.Length; i++)
        {
            if (string.Equals(Members[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the outcome with this id (ordinal), or -1.</summary>
    public int IndexOfOutcome(string id)
    {
        var outcomes = Outcomes;
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (string.Equals(outcomes[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Creates a reusable result buffer: one <see cref="ScoreResult"/> per instrument.</summary>
    public ProtocolResult CreateResult() => new(this);

    /// <summary>
    /// Scores one row for every instrument: <paramref name="values"/> (and <paramref name="texts"/>, or empty) are in
    /// <see cref="ReaderPlan"/>'s item order, as a response reader gives them; each instrument's values are gathered
    /// by index into buffers of the result and scored by its own plan. Allocation-free with a reused result.
    /// </summary>
    /// <param name="values">One value per item of <see cref="ReaderPlan"/>.</param>
    /// <param name="texts">The texts beside <paramref name="values"/> (see <see cref="ScoringPlan.Score(ReadOnlySpan{ResponseValue}, ReadOnlySpan{string}, ScoreResult)"/>), or empty.</param>
    /// <param name="result">A result created by this plan's <see cref="CreateResult"/>; overwritten.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Score(ReadOnlySpan<ResponseValue> values, ReadOnlySpan<string?> texts, ProtocolResult result)
    {
        if (result is null || !ReferenceEquals(result.Plan, this) || values.Length != ReaderPlan.ItemCount || (texts.Length != 0 && texts.Length != values.Length))
        {
            throw new ArgumentException($"Expected a result of this plan and {ReaderPlan.ItemCount} values (and as many texts, or none); got {values.Length} values and {texts.Length} texts.");
        }

        // Each instrument's items are one run of the row's values (see the constructor): scored in place, no copy.
        for (var k = 0; k < _itemStarts.Length; k++)
        {
            var instrument = Instruments[k];
            var start = _itemStarts[k];
            var count = instrument.ItemCount;
            instrument.Score(values.Slice(start, count), texts.IsEmpty ? [] : texts.Slice(start, count), result.GetResult(k));
        }
    }

    /// <summary>Marks every instrument's result as that of an input row that could not be read (RSP2010 naming <paramref name="line"/>).</summary>
    /// <param name="result">A result of this plan.</param>
    /// <param name="line">The 1-based input line.</param>
    /// <param name="reason">Why the row could not be read.</param>
    public void ScoreMalformed(ProtocolResult result, int line, string reason)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (var k = 0; k < Instruments.Length; k++)
        {
            Instruments[k].ScoreMalformed(result.GetResult(k), line, reason);
        }
    }

    /// <summary>
    /// Evaluates the outcome rules over one client's measure facts, in order (an outcome may use the ones before it),
    /// with three-valued logic: an unknown fact (null) keeps an outcome unknown unless the other operand decides it
    /// (<c>false and unknown</c> is false, <c>true or unknown</c> is true). Allocation-free.
    /// </summary>
    /// <param name="facts">One entry per member, in <see cref="Members"/> order.</param>
    /// <param name="outcomes">Receives one value per outcome, in <see cref="Outcomes"/> order: true, false or null (unknown).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<MeasureFacts> facts, Span<bool?> outcomes)
    {
        if (facts.Length != Members.Length || outcomes.Length < _outcomes.Length)
        {
            throw new ArgumentException($"Expected {Members.Length} measure facts and room for {_outcomes.Length} outcomes; got {facts.Length} and {outcomes.Length}.");
        }

        Span<double> slots = _slotCount <= 256 ? stackalloc double[_slotCount] : new double[_slotCount];
        var width = ProtocolBinder.FactSuffixes.Length;
        for (var m = 0; m < facts.Length; m++)
        {
            var f = facts[m];
            var s = m * width;
            slots[s] = Truth(f.CaseFirst);
            slots[s + 1] = Truth(f.CaseLast);
            slots[s + 2] = f.Reliable is { } r1 ? (r1 == ChangeOutcome.Improved ? 1 : 0) : double.NaN;
            slots[s + 3] = f.Reliable is { } r2 ? (r2 == ChangeOutcome.Unchanged ? 1 : 0) : double.NaN;
            slots[s + 4] = f.Reliable is { } r3 ? (r3 == ChangeOutcome.Deteriorated ? 1 : 0) : double.NaN;
        }

        var first = facts.Length * width;
        for (var o = 0; o < _outcomes.Length; o++)
        {
            var v = _outcomes[o].Evaluate(slots);
            slots[first + o] = double.IsNaN(v) ? double.NaN : v != 0 ? 1 : 0;
            outcomes[o] = double.IsNaN(v) ? null : v != 0;
        }
    }

    private static double Truth(bool? value) => value is { } b ? (b ? 1 : 0) : double.NaN;

    /// <summary>The reader plan: the instruments' items (scales renamed per instrument so that their ids cannot clash), no scores.</summary>
    private static ScoringPlan BuildReaderPlan(ProtocolDefinition protocol, ImmutableArray<ScoringPlan> instruments)
    {
        var scales = ImmutableArray.CreateBuilder<ResponseScale>();
        var items = ImmutableArray.CreateBuilder<ItemDefinition>();
        for (var k = 0; k < instruments.Length; k++)
        {
            var def = instruments[k].Definition;
            foreach (var scale in def.ResponseScales)
            {
                scales.Add(new ResponseScale { Id = $"i{k}_{scale.Id}", Options = scale.Options });
            }

            foreach (var item in def.Items)
            {
                items.Add(new ItemDefinition { Id = item.Id, Scale = $"i{k}_{item.Scale}", Optional = item.Optional, Keep = item.Keep });
            }
        }

        var reader = new InstrumentDefinition
        {
            Id = protocol.Id,
            Version = protocol.Version,
            Title = protocol.Title,
            License = new LicenseInfo { Name = "the instruments' own licences", Texts = TextLicense.Restricted },
            ResponseScales = scales.ToImmutable(),
            Items = items.ToImmutable(),
        };
        var result = ScoringPlan.Create(reader);
        return result.Plan ?? throw new InvalidOperationException("The reader plan of protocol '" + protocol.Id + "' did not build: "
            + string.Join("; ", result.Diagnostics.Where(d => d.IsError)));
    }
}

/// <summary>One measure of a <see cref="ProtocolPlan"/>, resolved: its instrument's plan, score and reliable-change rule.</summary>
public sealed class ProtocolMember
{
    internal ProtocolMember(ProtocolMeasure measure, ScoringPlan plan, int instrumentIndex, int scoreIndex, int reliableChangeIndex)
    {
        Measure = measure;
        Plan = plan;
        InstrumentIndex = instrumentIndex;
        ScoreIndex = scoreIndex;
        ReliableChangeIndex = reliableChangeIndex;
    }

    /// <summary>The measure's alias (<see cref="ProtocolMeasure.Id"/>).</summary>
    public string Id => Measure.Id;

    /// <summary>The measure as the protocol states it.</summary>
    public ProtocolMeasure Measure { get; }

    /// <summary>The scoring plan of the measure's instrument.</summary>
    public ScoringPlan Plan { get; }

    /// <summary>The index of <see cref="Plan"/> in <see cref="ProtocolPlan.Instruments"/> (and of its result in a <see cref="ProtocolResult"/>).</summary>
    public int InstrumentIndex { get; }

    /// <summary>The index of the measure's score in <see cref="Plan"/>.</summary>
    public int ScoreIndex { get; }

    /// <summary>The score.</summary>
    public ScoreDefinition Score => Plan.Definition.Scores[ScoreIndex];

    /// <summary>The index of the measure's reliable-change rule in the score's <see cref="ChangeRules.ReliableChange"/>, or -1 when it names none.</summary>
    public int ReliableChangeIndex { get; }

    /// <summary>The measure's reliable-change rule, or null.</summary>
    public ReliableChangeRule? ReliableChange => ReliableChangeIndex < 0 ? null : Score.Change!.ReliableChange[ReliableChangeIndex];
}

/// <summary>
/// The scores of one input row for every instrument of a <see cref="ProtocolPlan"/>: one <see cref="ScoreResult"/> per
/// instrument, reused from row to row. Not thread-safe: one per thread.
/// </summary>
public sealed class ProtocolResult
{
    private readonly ScoreResult[] _results;

    internal ProtocolResult(ProtocolPlan plan)
    {
        Plan = plan;
        _results = [.. plan.Instruments.Select(p => p.CreateResult())];
    }

    /// <summary>The plan that created this result.</summary>
    public ProtocolPlan Plan { get; }

    /// <summary>The number of instruments (<see cref="ProtocolPlan.Instruments"/>).</summary>
    public int Count => _results.Length;

    /// <summary>The result of instrument <paramref name="instrument"/> (an index into <see cref="ProtocolPlan.Instruments"/>).</summary>
    public ScoreResult GetResult(int instrument) => _results[instrument];

    /// <summary>The row's status: the worst of the instruments' (invalid, then partial, then complete).</summary>
    public ResponseStatus Status
    {
        get
        {
            var status = ResponseStatus.Complete;
            foreach (var r in _results)
            {
                if (r.Status == ResponseStatus.Invalid)
                {
                    return ResponseStatus.Invalid;
                }

                if (r.Status == ResponseStatus.Partial)
                {
                    status = ResponseStatus.Partial;
                }
            }

            return status;
        }
    }
}

/// <summary>The outcome of <see cref="ProtocolPlan.Create"/>: the plan when the protocol has no errors, and the diagnostics either way.</summary>
public sealed class ProtocolPlanResult
{
    internal ProtocolPlanResult(ProtocolPlan? plan, ImmutableArray<Diagnostic> diagnostics)
    {
        Plan = plan;
        Diagnostics = diagnostics.IsDefault ? [] : diagnostics;
    }

    /// <summary>The plan; null when the protocol has errors.</summary>
    public ProtocolPlan? Plan { get; }

    /// <summary>The diagnostics of checking the protocol (warnings too).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>True when a plan was built.</summary>
    [MemberNotNullWhen(true, nameof(Plan))]
    public bool Success => Plan is not null;
}
