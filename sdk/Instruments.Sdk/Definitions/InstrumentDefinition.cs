using System.Collections.Immutable;
using Instruments.Diagnostics;
using Instruments.Expressions;

namespace Instruments.Definitions;

/// <summary>
/// An instrument as its manual defines it: items, response scales, scores, bands and flags.
/// Immutable. Obtain one from the YAML compiler (<c>InstrumentCompiler.Compile</c>), or build one
/// in C# and check it with <see cref="Validate"/>; then create a <see cref="Scoring.ScoringPlan"/> to score responses.
/// </summary>
public sealed class InstrumentDefinition
{
    /// <summary>Identifier: lowercase letters, digits, <c>-</c> and <c>.</c>, e.g. <c>phq-9</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Semantic version of this definition, e.g. <c>1.0.0</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Human-readable title.</summary>
    public required string Title { get; init; }

    /// <summary>Bibliographic citation of the instrument.</summary>
    public string? Citation { get; init; }

    /// <summary>Licence of the instrument and of its item texts.</summary>
    public required LicenseInfo License { get; init; }

    /// <summary>Who fills in the instrument, when stated.</summary>
    public Respondent? Respondent { get; init; }

    /// <summary>
    /// The other form of a paired measure (the therapist's form of this client form, or the reverse) and which scores
    /// correspond; null when none is declared. See <see cref="CounterpartDeclaration"/>.
    /// </summary>
    public CounterpartDeclaration? Counterpart { get; init; }

    /// <summary>Language of the texts (BCP 47 tag), when stated.</summary>
    public string? Language { get; init; }

    /// <summary>Instructions shown to the respondent, when shipped.</summary>
    public string? Instructions { get; init; }

    /// <summary>Notes for users: what is unconfirmed, choices made, caveats.</summary>
    public string? Notes { get; init; }

    /// <summary>The instrument's code (for example a LOINC panel), with its sources; null when none is declared.</summary>
    public CodeDeclaration? Code { get; init; }

    /// <summary>Codes that mean "not answered" (missing, not invalid), e.g. <c>-99</c>.</summary>
    public ImmutableArray<int> MissingCodes { get; init; } = [];

    /// <summary>Response scales, referenced by items.</summary>
    public ImmutableArray<ResponseScale> ResponseScales { get; init; } = [];

    /// <summary>Items in presentation order.</summary>
    public ImmutableArray<ItemDefinition> Items { get; init; } = [];

    /// <summary>Scores in output order.</summary>
    public ImmutableArray<ScoreDefinition> Scores { get; init; } = [];

    /// <summary>Flags raised by conditions over item values and scores.</summary>
    public ImmutableArray<FlagDefinition> Flags { get; init; } = [];

    /// <summary>
    /// Worked examples: responses with the scores, bands, flags and status the manual's rules give them.
    /// Run them with <see cref="Testing.ExampleRunner"/> (or <c>instruments test</c>).
    /// </summary>
    public ImmutableArray<InstrumentExample> Examples { get; init; } = [];

    /// <summary>
    /// Worked examples of change across administrations (<c>examples:</c> entries with a <c>series:</c>): a series of
    /// responses and what each score's course must give. Run them with <see cref="Testing.ExampleRunner"/>.
    /// </summary>
    public ImmutableArray<CourseExample> CourseExamples { get; init; } = [];

    /// <summary>
    /// A copy of this definition in which every score that has change rules, and (when <paramref name="rule"/> takes its
    /// cut-off from a reliable-change rule) has that rule, uses <paramref name="rule"/> for sudden gains and losses, in
    /// place of its own. For analyses whose sudden-gain cut-off the user states (as Tang &amp; DeRubeis 1999 and the R
    /// package <c>suddengains</c> leave it to the analyst) on an instrument that declares none. Create a plan from the
    /// copy (<see cref="Scoring.ScoringPlan.WithSuddenGains"/> does both), which checks the rule like any other.
    /// </summary>
    /// <exception cref="ArgumentException">No score has change rules (and the named reliable-change rule).</exception>
    public InstrumentDefinition WithSuddenGains(SuddenGainRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var taken = 0;
        var scores = Scores.Select(s =>
        {
            if (!Takes(s, rule))
            {
                return s;
            }

            taken++;
            var change = s.Change!;
            return new ScoreDefinition
            {
                Id = s.Id, Title = s.Title, Method = s.Method, Items = s.Items, Expression = s.Expression, Missing = s.Missing,
                Bands = s.Bands, Sources = s.Sources, Code = s.Code,
                Change = new ChangeRules
                {
                    Direction = change.Direction, Caseness = change.Caseness, ReliableChange = change.ReliableChange,
                    ClinicalSignificance = change.ClinicalSignificance, SuddenGains = rule, Ruptures = change.Ruptures,
                },
            };
        }).ToImmutableArray();
        if (taken == 0)
        {
            throw new ArgumentException(rule.ReliableChange is { } name
                ? $"No score of '{Id}' has change rules with a reliable-change rule '{name}'."
                : $"No score of '{Id}' has change rules (a direction), which sudden gains need.", nameof(rule));
        }

        return new InstrumentDefinition
        {
            Id = Id, Version = Version, Title = Title, Citation = Citation, License = License, Respondent = Respondent,
            Counterpart = Counterpart, Language = Language, Instructions = Instructions, Notes = Notes, Code = Code, MissingCodes = MissingCodes,
            ResponseScales = ResponseScales, Items = Items, Scores = scores, Flags = Flags, Examples = Examples,
            CourseExamples = CourseExamples,
        };
    }

    /// <summary>
    /// True when some score would take <paramref name="rule"/> in <see cref="WithSuddenGains"/>: it has change rules
    /// and, when the rule names a reliable-change rule, that rule.
    /// </summary>
    public bool CanTakeSuddenGains(SuddenGainRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Scores.Any(s => Takes(s, rule));
    }

    private static bool Takes(ScoreDefinition score, SuddenGainRule rule) =>
        score.Change is { } change && (rule.ReliableChange is not { } id || change.FindReliableChange(id) is not null);

    /// <summary>Finds an item by id (ordinal comparison), or null.</summary>
    public ItemDefinition? FindItem(string id) => Find(Items, id, static i => i.Id);

    /// <summary>Finds a score by id, or null.</summary>
    public ScoreDefinition? FindScore(string id) => Find(Scores, id, static s => s.Id);

    /// <summary>Finds a response scale by id, or null.</summary>
    public ResponseScale? FindScale(string id) => Find(ResponseScales, id, static s => s.Id);

    /// <summary>
    /// Checks the definition the way the compiler does (references, duplicates, bands against score ranges,
    /// expressions, dependency cycles) and returns the diagnostics, without source locations.
    /// </summary>
    /// <param name="functions">Plugin functions the expressions may call; none when null.</param>
    public ImmutableArray<Diagnostic> Validate(ScoringFunctions? functions = null) => DefinitionBinder.Bind(this, SourceLocator.None, functions).Diagnostics;

    private static T? Find<T>(ImmutableArray<T> list, string id, Func<T, string> key) where T : class
    {
        foreach (var x in list)
        {
            if (string.Equals(key(x), id, StringComparison.Ordinal))
            {
                return x;
            }
        }

        return null;
    }
}

/// <summary>Licence facts, machine-readable.</summary>
public sealed class LicenseInfo
{
    /// <summary>Name or short statement of the licence.</summary>
    public required string Name { get; init; }

    /// <summary>Whether item texts may ship with the definition.</summary>
    public TextLicense Texts { get; init; }

    /// <summary>Where the licence terms are published.</summary>
    public string? Url { get; init; }

    /// <summary>A notice that must accompany the instrument (copyright line, credit to the authors).</summary>
    public string? Notice { get; init; }

    /// <summary>
    /// For a <see cref="TextLicense.Restricted"/> instrument whose item texts a licensed user supplied from a separate
    /// texts file: that file's path (see <c>InstrumentTexts.Apply</c> in the compiler package). Null otherwise; a restricted
    /// definition with texts and no texts source is an error (INS1060).
    /// </summary>
    public string? TextsSource { get; init; }
}

/// <summary>One answer option of a response scale.</summary>
public sealed class ResponseOption
{
    /// <summary>The integer code recorded for this option.</summary>
    public required int Value { get; init; }

    /// <summary>The label shown to the respondent.</summary>
    public required string Label { get; init; }

    /// <summary>The answer's code (for example a LOINC answer code), with its sources; null when none is declared.</summary>
    public CodeDeclaration? Code { get; init; }
}

/// <summary>A set of answer options shared by items.</summary>
public sealed class ResponseScale
{
    /// <summary>Identifier referenced by items.</summary>
    public required string Id { get; init; }

    /// <summary>The options, in presentation order.</summary>
    public ImmutableArray<ResponseOption> Options { get; init; } = [];

    /// <summary>Smallest option value (0 when the scale has no options).</summary>
    public int Min => Options.IsDefaultOrEmpty ? 0 : Options.Min(o => o.Value);

    /// <summary>Largest option value (0 when the scale has no options).</summary>
    public int Max => Options.IsDefaultOrEmpty ? 0 : Options.Max(o => o.Value);
}

/// <summary>One item (question) of an instrument.</summary>
public sealed class ItemDefinition
{
    /// <summary>Identifier: a letter or <c>_</c>, then letters, digits or <c>_</c>; used as column name and in expressions.</summary>
    public required string Id { get; init; }

    /// <summary>The item text, when the licence allows shipping it.</summary>
    public string? Text { get; init; }

    /// <summary>Id of the response scale.</summary>
    public required string Scale { get; init; }

    /// <summary>True when the item is reverse-keyed: scored as scale min + scale max - value.</summary>
    public bool Reverse { get; init; }

    /// <summary>
    /// True when leaving the item unanswered is expected (for example a follow-up question): its absence is
    /// not reported and does not make the response partial. Scores that use it still count it as missing.
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>
    /// True when the item is an answer carried through, never scored (for example a choice that says which situation
    /// the other items are about): it is read and checked like any item, and its cell is also written to the output
    /// as given, among the pass-through columns. No score, derived score or flag may use it (INS1160).
    /// </summary>
    public bool Keep { get; init; }

    /// <summary>The question's code (for example a LOINC question code), with its sources; null when none is declared.</summary>
    public CodeDeclaration? Code { get; init; }
}

/// <summary>How missing items are handled for one score.</summary>
public sealed class MissingRule
{
    /// <summary>No missing item allowed.</summary>
    public static readonly MissingRule None = new() { MaxMissing = 0 };

    /// <summary>How many of the score's items may be missing; with more, the score is not computed.</summary>
    public int MaxMissing { get; init; }

    /// <summary>
    /// For sum scores: when items are missing (up to <see cref="MaxMissing"/>), the sum is the sum of the answered
    /// items times the number of items, divided by the number answered. Rounded only as <see cref="Rounding"/> says.
    /// </summary>
    public bool Prorate { get; init; }

    /// <summary>
    /// How a prorated value is rounded (only values that were prorated), or null when the definition does not say
    /// (then a prorated value is not rounded). A rule with <see cref="RoundingMethod.Nearest"/> on a missing rule that
    /// does not prorate is an error (INS1152).
    /// </summary>
    public RoundingRule? Rounding { get; init; }

    /// <summary>
    /// Where the rule comes from (citations or URLs). A rule that allows missing items without a source is
    /// reported (INS1070).
    /// </summary>
    public ImmutableArray<string> Sources { get; init; } = [];
}

/// <summary>
/// How a value is rounded, as the source states it: the method, the tie rule and the number of decimals.
/// </summary>
public sealed class RoundingRule
{
    /// <summary>Rounding to the nearest whole number with halves going up (a convenience for C# definitions; cite the source).</summary>
    public static readonly RoundingRule NearestHalfUp = new() { Method = RoundingMethod.Nearest, Ties = RoundingTies.HalfUp };

    /// <summary>No rounding (the source says the value is used as it is).</summary>
    public static readonly RoundingRule None = new() { Method = RoundingMethod.None };

    /// <summary>Whether the value is rounded.</summary>
    public RoundingMethod Method { get; init; }

    /// <summary>Where a value exactly halfway goes; required with <see cref="RoundingMethod.Nearest"/> (INS1150).</summary>
    public RoundingTies Ties { get; init; }

    /// <summary>Decimals kept, 0 (whole numbers) to 6 (INS1151 otherwise).</summary>
    public int Digits { get; init; }

    /// <summary>Where the rounding rule comes from (citations or URLs); a nearest rule without one is reported (INS1070).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>The rule in words: "rounded to the nearest whole number, halves up", or "not rounded".</summary>
    public override string ToString() => Method == RoundingMethod.Nearest ? "rounded to the " + Scoring.RoundingRules.Describe(this) : "not rounded";
}

/// <summary>
/// An interpretation band: the score values from <see cref="Min"/> to <see cref="Max"/> (inclusive, or exclusive when
/// <see cref="UpperExclusive"/>) with a label.
/// </summary>
public sealed class Band
{
    /// <summary>Inclusive lower bound.</summary>
    public required double Min { get; init; }

    /// <summary>Upper bound: inclusive, or exclusive when <see cref="UpperExclusive"/>.</summary>
    public required double Max { get; init; }

    /// <summary>
    /// True for a half-open band (YAML <c>below:</c>): it holds values from <see cref="Min"/> up to but not including
    /// <see cref="Max"/>, so that consecutive bands leave no gap for non-integer values.
    /// </summary>
    public bool UpperExclusive { get; init; }

    /// <summary>The label, e.g. <c>Moderate</c>.</summary>
    public required string Label { get; init; }

    /// <summary>What the band means, for reports.</summary>
    public string? Description { get; init; }
}

/// <summary>A score: a sum or mean of items, or an expression over items and other scores.</summary>
public sealed class ScoreDefinition
{
    /// <summary>Identifier; a letter or <c>_</c>, then letters, digits or <c>_</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable title.</summary>
    public string? Title { get; init; }

    /// <summary>How the score is computed.</summary>
    public ScoreMethod Method { get; init; }

    /// <summary>Item ids (for <see cref="ScoreMethod.Sum"/> and <see cref="ScoreMethod.Mean"/>).</summary>
    public ImmutableArray<string> Items { get; init; } = [];

    /// <summary>The expression (for <see cref="ScoreMethod.Expression"/>).</summary>
    public string? Expression { get; init; }

    /// <summary>Missing-item rule (sum and mean scores).</summary>
    public MissingRule Missing { get; init; } = MissingRule.None;

    /// <summary>
    /// How every value of the score is rounded (after any rounding of a prorated value by <see cref="MissingRule.Rounding"/>),
    /// or null when the definition does not say (then it is not rounded). Bands apply to the rounded value.
    /// </summary>
    public RoundingRule? Rounding { get; init; }

    /// <summary>Interpretation bands, in order.</summary>
    public ImmutableArray<Band> Bands { get; init; } = [];

    /// <summary>
    /// Where the score's rule and cut-offs (its <see cref="Bands"/>) come from: citations or URLs. Bands without a
    /// source are reported (INS1070).
    /// </summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>The score's code (for example the LOINC code of a total score), with its sources; null when none is declared.</summary>
    public CodeDeclaration? Code { get; init; }

    /// <summary>
    /// How change in this score across administrations is interpreted (direction, caseness, reliable change, clinical
    /// significance, sudden gains), or null when the definition declares no change rules.
    /// </summary>
    public ChangeRules? Change { get; init; }
}

/// <summary>A flag raised when a condition over item values and scores holds.</summary>
public sealed class FlagDefinition
{
    /// <summary>Identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Boolean expression, e.g. <c>phq9_9 &gt;= 1</c>.</summary>
    public required string When { get; init; }

    /// <summary>How urgent the flag is.</summary>
    public FlagSeverity Severity { get; init; } = FlagSeverity.Warning;

    /// <summary>Message for the clinician.</summary>
    public string? Message { get; init; }

    /// <summary>Where the rule behind the flag comes from: citations or URLs. A flag without a source is reported (INS1070).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];
}
