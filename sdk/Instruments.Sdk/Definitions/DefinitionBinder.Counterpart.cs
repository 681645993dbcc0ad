using Instruments.Diagnostics;
using Instruments.Text;

namespace Instruments.Definitions;

/// <summary>
/// The checks of a counterpart declaration (<see cref="InstrumentDefinition.Counterpart"/>) that need only this
/// instrument: INS1130-INS1132 and INS1138. The counterpart's side is checked when both forms are loaded
/// (<see cref="Alliance.InstrumentPairing.Resolve"/>: INS1133-INS1137).
/// </summary>
internal static partial class DefinitionBinder
{
    private sealed partial class Binder
    {
        private void CheckCounterpart(Dictionary<string, int> scoreIndex)
        {
            if (def.Counterpart is not { } counterpart)
            {
                return;
            }

            if (def.Respondent is not (Respondent.Client or Respondent.Therapist))
            {
                Report(InstrumentDiagnostics.CounterpartWithoutRater, def.Respondent is null ? "counterpart" : "respondent", def.Id, counterpart.Instrument,
                    def.Respondent is { } r ? "'" + r.ToString().ToLowerInvariant() + "'" : "not stated");
            }

            if (string.Equals(counterpart.Instrument, def.Id, StringComparison.Ordinal))
            {
                Report(InstrumentDiagnostics.CounterpartDeclarationEmpty, "counterpart.instrument", counterpart.Instrument,
                    "it names this instrument itself; name the other form");
            }

            if (counterpart.Scores.IsDefaultOrEmpty)
            {
                Report(InstrumentDiagnostics.CounterpartDeclarationEmpty, "counterpart.scores", counterpart.Instrument,
                    "it pairs no scores; map each of this instrument's scores to the counterpart's under 'scores'");
                return;
            }

            var taken = new Dictionary<string, string>(StringComparer.Ordinal);
            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in counterpart.Scores)
            {
                var path = "counterpart.scores." + pair.Score;
                if (!scoreIndex.ContainsKey(pair.Score))
                {
                    Report(InstrumentDiagnostics.CounterpartUnknownOwnScore, path, counterpart.Instrument, pair.Score,
                        NameSuggester.DidYouMean(pair.Score, scoreIndex.Keys));
                }

                if (!own.Add(pair.Score))
                {
                    // A YAML mapping cannot repeat a key (INS1013 says so first); a definition built in C# can.
                    Report(InstrumentDiagnostics.CounterpartScorePairedTwice, path, counterpart.Instrument, pair.Score, pair.CounterpartScore, pair.Score);
                }
                else if (!taken.TryAdd(pair.CounterpartScore, pair.Score))
                {
                    Report(InstrumentDiagnostics.CounterpartScorePairedTwice, path + ".value", counterpart.Instrument, pair.Score, pair.CounterpartScore, taken[pair.CounterpartScore]);
                }
            }
        }
    }
}
