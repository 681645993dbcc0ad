using System.Collections.Immutable;
using Instruments.Diagnostics;
using Instruments.Expressions;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Definitions;

/// <summary>
/// Checks a <see cref="ProtocolDefinition"/> against the instruments it names (INS1100-INS1113, and INS1140-INS1143 for its alliance-and-outcome pairing) and resolves it: the
/// member plans, the rule indexes and the compiled outcome conditions a <see cref="Course.ProtocolPlan"/> is built from.
/// </summary>
internal static class ProtocolBinder
{
    /// <summary>The facts of one measure, by slot offset: the outcome rules name them <c>&lt;alias&gt;&lt;suffix&gt;</c>.</summary>
    internal static readonly string[] FactSuffixes = ["_case_first", "_case_last", "_improved", "_unchanged", "_deteriorated"];

    public static ProtocolBindResult Bind(ProtocolDefinition protocol, IEnumerable<ScoringPlan> instruments, SourceLocator source)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(instruments);
        var byId = new Dictionary<string, ScoringPlan>(StringComparer.Ordinal);
        foreach (var plan in instruments)
        {
            ArgumentNullException.ThrowIfNull(plan, nameof(instruments));
            byId.TryAdd(plan.Definition.Id, plan);
        }

        var diagnostics = new List<Diagnostic>();
        void Report(DiagnosticDescriptor d, string path, params object?[] args) => diagnostics.Add(Diagnostic.Create(d, source.Locate(path), args));
        void ReportAt(DiagnosticDescriptor d, Location at, params object?[] args) => diagnostics.Add(Diagnostic.Create(d, at, args));

        if (!DefinitionBinder.IsValidInstrumentId(protocol.Id))
        {
            Report(InstrumentDiagnostics.InvalidId, "protocol", "Protocol", protocol.Id, "use lowercase letters, digits, '-' and '.', starting with a letter or digit");
        }

        if (!DefinitionBinder.IsValidVersion(protocol.Version))
        {
            Report(InstrumentDiagnostics.InvalidVersion, "version", protocol.Version);
        }

        if (protocol.Measures.IsDefaultOrEmpty)
        {
            Report(InstrumentDiagnostics.ProtocolWithoutMeasures, "measures", protocol.Id);
        }

        var measures = protocol.Measures.IsDefault ? [] : protocol.Measures;
        var members = new List<BoundMember?>();
        var measureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemOwner = new Dictionary<string, (string Instrument, string Measure)>(StringComparer.Ordinal);
        var instrumentsSeen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < measures.Length; i++)
        {
            var m = measures[i];
            var path = $"measures[{i}]";
            if (!DefinitionBinder.IsValidElementId(m.Id))
            {
                Report(InstrumentDiagnostics.InvalidId, path + ".id", "Measure", m.Id, DefinitionBinder.ElementIdRule);
            }

            if (!measureIndex.TryAdd(m.Id, i))
            {
                Report(InstrumentDiagnostics.DuplicateMeasureId, path + ".id", m.Id, measureIndex[m.Id] + 1);
            }

            if (!byId.TryGetValue(m.Instrument, out var plan))
            {
                Report(InstrumentDiagnostics.ProtocolUnknownInstrument, path + ".instrument", m.Id, m.Instrument, NameSuggester.DidYouMean(m.Instrument, byId.Keys));
                members.Add(null);
                continue;
            }

            var def = plan.Definition;
            var scoreIndex = plan.IndexOfScore(m.Score);
            if (scoreIndex < 0)
            {
                Report(InstrumentDiagnostics.ProtocolUnknownScore, path + ".score", m.Id, def.Id, m.Score, NameSuggester.DidYouMean(m.Score, def.Scores.Select(s => s.Id)));
                members.Add(null);
                continue;
            }

            var score = def.Scores[scoreIndex];
            var ruleIndex = -1;
            if (m.ReliableChange is { } ruleId)
            {
                if (score.Change is not { } change)
                {
                    Report(InstrumentDiagnostics.ProtocolFactWithoutRule, path + ".reliable_change", m.Id, score.Id, def.Id, "change rules", m.Id + "_improved");
                }
                else
                {
                    for (var r = 0; r < change.ReliableChange.Length; r++)
                    {
                        if (string.Equals(change.ReliableChange[r].Id, ruleId, StringComparison.Ordinal))
                        {
                            ruleIndex = r;
                            break;
                        }
                    }

                    if (ruleIndex < 0)
                    {
                        Report(InstrumentDiagnostics.ProtocolUnknownReliableChange, path + ".reliable_change", m.Id, score.Id, def.Id, ruleId,
                            change.ReliableChange.IsEmpty ? "; the score declares none" : NameSuggester.DidYouMean(ruleId, change.ReliableChange.Select(r => r.Id)));
                    }
                }
            }

            var repeated = -1;
            for (var j = 0; j < i; j++)
            {
                if (members[j] is { } earlier && ReferenceEquals(earlier.Plan, plan) && earlier.ScoreIndex == scoreIndex)
                {
                    repeated = j;
                    break;
                }
            }

            if (repeated >= 0)
            {
                Report(InstrumentDiagnostics.ProtocolInstrumentUsedTwice, path, m.Id, score.Id, def.Id, measures[repeated].Id);
            }

            if (instrumentsSeen.Add(def.Id))
            {
                // A second measure of the same instrument shares its columns; two instruments never do.
                foreach (var item in def.Items)
                {
                    if (!itemOwner.TryAdd(item.Id, (def.Id, m.Id)))
                    {
                        var (otherInstrument, otherMeasure) = itemOwner[item.Id];
                        Report(InstrumentDiagnostics.ProtocolItemCollision, path + ".instrument", item.Id, otherInstrument, otherMeasure, def.Id, m.Id);
                    }
                }
            }

            members.Add(new BoundMember(m, plan, scoreIndex, ruleIndex));
        }

        // Names the outcome conditions can use: every measure's facts (slot 5m + k), then the outcomes (slot 5M + o).
        var factSlots = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < measures.Length; i++)
        {
            for (var k = 0; k < FactSuffixes.Length; k++)
            {
                factSlots.TryAdd(measures[i].Id + FactSuffixes[k], (i * FactSuffixes.Length) + k);
            }
        }

        var outcomes = protocol.Outcomes.IsDefault ? [] : protocol.Outcomes;
        var outcomeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var o = 0; o < outcomes.Length; o++)
        {
            outcomeIndex.TryAdd(outcomes[o].Id, o);
        }

        var compiled = new CompiledExpression?[outcomes.Length];
        var firstOutcomeSlot = measures.Length * FactSuffixes.Length;
        var seenOutcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var o = 0; o < outcomes.Length; o++)
        {
            var outcome = outcomes[o];
            var path = $"outcomes[{o}]";
            if (!DefinitionBinder.IsValidElementId(outcome.Id))
            {
                Report(InstrumentDiagnostics.InvalidId, path + ".id", "Outcome", outcome.Id, DefinitionBinder.ElementIdRule);
            }

            if (seenOutcomes.TryGetValue(outcome.Id, out var first))
            {
                Report(InstrumentDiagnostics.DuplicateOutcomeId, path + ".id", outcome.Id, $"used by outcome {first + 1}");
            }
            else if (factSlots.TryGetValue(outcome.Id, out var factSlot))
            {
                Report(InstrumentDiagnostics.DuplicateOutcomeId, path + ".id", outcome.Id, $"a fact of measure '{measures[factSlot / FactSuffixes.Length].Id}'");
            }

            seenOutcomes.TryAdd(outcome.Id, o);
            if (outcome.Sources.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.OutcomeWithoutSource, path, outcome.Id);
            }

            var whenPath = path + ".when";
            var parsed = ExpressionSyntax.Parse(outcome.When ?? string.Empty);
            if (parsed.Syntax is not { } syntax)
            {
                foreach (var error in parsed.Errors)
                {
                    ReportAt(InstrumentDiagnostics.OutcomeSyntax, source.LocateInScalar(whenPath, error.Offset, error.Length), outcome.Id, error.Message);
                }

                continue;
            }

            var current = o;
            var bound = syntax.Bind(name =>
                factSlots.TryGetValue(name, out var slot) ? slot
                : outcomeIndex.TryGetValue(name, out var other) && other < current ? firstOutcomeSlot + other
                : -1);
            if (bound.Expression is { } expression)
            {
                compiled[o] = expression;
            }

            foreach (var error in bound.Errors)
            {
                var location = source.LocateInScalar(whenPath, error.Offset, error.Length);
                var name = error.Kind == ExpressionErrorKind.UnknownIdentifier ? syntax.Identifiers.First(id => id.Offset == error.Offset).Name : null;
                if (name is null)
                {
                    ReportAt(InstrumentDiagnostics.OutcomeSyntax, location, outcome.Id, error.Message);
                }
                else if (outcomeIndex.TryGetValue(name, out var later))
                {
                    ReportAt(InstrumentDiagnostics.OutcomeUsesLaterOutcome, location, outcome.Id, name, later == o ? "this outcome itself" : "defined after it");
                }
                else
                {
                    var known = factSlots.Keys.Concat(outcomes.Take(o).Select(x => x.Id));
                    ReportAt(InstrumentDiagnostics.OutcomeUnknownVariable, location, outcome.Id, name, NameSuggester.DidYouMean(name, known));
                }
            }

            // A fact no rule can give is always unknown: say so once per fact and outcome.
            var warned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in syntax.Identifiers)
            {
                if (!factSlots.TryGetValue(id.Name, out var slot) || !warned.Add(id.Name) || members.ElementAtOrDefault(slot / FactSuffixes.Length) is not { } member)
                {
                    continue;
                }

                var score = member.Plan.Definition.Scores[member.ScoreIndex];
                var missing = (slot % FactSuffixes.Length) switch
                {
                    0 or 1 when score.Change?.Caseness is null => score.Change is null ? "change rules" : "caseness rule",
                    >= 2 when member.Measure.ReliableChange is null => "reliable-change rule in this protocol (give the measure 'reliable_change')",
                    _ => null,
                };
                if (missing is not null)
                {
                    ReportAt(InstrumentDiagnostics.ProtocolFactWithoutRule, source.LocateInScalar(whenPath, id.Offset, id.Length),
                        member.Measure.Id, score.Id, member.Plan.Definition.Id, missing, id.Name);
                }
            }
        }

        var pairing = BindAllianceOutcome(protocol.AllianceOutcome, measureIndex, members, Report);
        var ok = !diagnostics.Any(d => d.IsError) && members.All(m => m is not null) && compiled.All(c => c is not null);
        return new ProtocolBindResult(
            ok ? new BoundProtocol(protocol, [.. members.Select(m => m!)], [.. compiled.Select(c => c!)]) { AllianceOutcome = pairing } : null,
            [.. diagnostics]);
    }

    /// <summary>INS1140-INS1143: the <c>alliance_outcome</c> block; the member indexes when it holds.</summary>
    private static BoundAllianceOutcome? BindAllianceOutcome(ProtocolAllianceOutcome? pairing, Dictionary<string, int> measureIndex, List<BoundMember?> members,
        Action<DiagnosticDescriptor, string, object?[]> report)
    {
        if (pairing is null)
        {
            return null;
        }

        const string Path = "alliance_outcome";
        int Resolve(string key, string? id)
        {
            if (id is not null && measureIndex.TryGetValue(id, out var index))
            {
                return index;
            }

            report(InstrumentDiagnostics.AllianceOutcomeUnknownMeasure, $"{Path}.{key}", [key, id, NameSuggester.DidYouMean(id ?? string.Empty, measureIndex.Keys)]);
            return -1;
        }

        var alliance = Resolve("alliance", pairing.Alliance);
        var outcome = Resolve("outcome", pairing.Outcome);
        var ok = alliance >= 0 && outcome >= 0;
        if (ok && alliance == outcome)
        {
            report(InstrumentDiagnostics.AllianceOutcomeSameMeasure, Path + ".outcome", [pairing.Outcome]);
            ok = false;
        }

        if (pairing.EarlySessions < 1)
        {
            report(InstrumentDiagnostics.InvalidEarlySessions, Path + ".early_sessions", ["'" + pairing.EarlySessions.ToString(System.Globalization.CultureInfo.InvariantCulture) + "'"]);
            ok = false;
        }

        if (alliance >= 0 && members[alliance] is { } member)
        {
            var score = member.Plan.Definition.Scores[member.ScoreIndex];
            var direction = score.Change?.Direction;
            if (direction != ChangeDirection.HigherIsBetter)
            {
                report(InstrumentDiagnostics.AllianceNotHigherIsBetter, Path + ".alliance",
                    [member.Measure.Id, score.Id, member.Plan.Definition.Id, direction is null ? "declares no change rules (no direction)" : "is lower-is-better"]);
                ok = false;
            }
        }

        return ok ? new BoundAllianceOutcome(alliance, outcome, pairing.EarlySessions) : null;
    }
}

/// <summary>One resolved measure.</summary>
internal sealed record BoundMember(ProtocolMeasure Measure, ScoringPlan Plan, int ScoreIndex, int ReliableChangeIndex);

/// <summary>A protocol whose references all resolved.</summary>
internal sealed record BoundProtocol(ProtocolDefinition Definition, ImmutableArray<BoundMember> Members, ImmutableArray<CompiledExpression> Outcomes)
{
    /// <summary>The alliance-and-outcome pairing, resolved; null when the protocol declares none.</summary>
    public BoundAllianceOutcome? AllianceOutcome { get; init; }
}

/// <summary>The alliance-and-outcome pairing: the two members' indexes and the early window.</summary>
internal sealed record BoundAllianceOutcome(int Alliance, int Outcome, int EarlySessions);

/// <summary>The result of <see cref="ProtocolBinder.Bind"/>: the bound protocol when nothing is an error, and every diagnostic.</summary>
internal readonly record struct ProtocolBindResult(BoundProtocol? Bound, ImmutableArray<Diagnostic> Diagnostics);
