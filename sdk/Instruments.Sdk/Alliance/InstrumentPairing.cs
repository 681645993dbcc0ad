using System.Collections.Immutable;
using System.Globalization;
using Instruments.Definitions;
using Instruments.Diagnostics;
using Instruments.Scoring;
using Instruments.Text;

namespace Instruments.Alliance;

/// <summary>
/// A client form and its therapist form with their corresponding scores, resolved from a
/// <see cref="CounterpartDeclaration"/> once both forms are loaded (<see cref="Resolve"/>). Immutable.
/// </summary>
public sealed class InstrumentPairing
{
    private InstrumentPairing(ScoringPlan client, ScoringPlan therapist, ImmutableArray<PairedScore> scores)
    {
        Client = client;
        Therapist = therapist;
        Scores = scores;
    }

    /// <summary>The client's form (its respondent is <see cref="Respondent.Client"/>).</summary>
    public ScoringPlan Client { get; }

    /// <summary>The therapist's form (its respondent is <see cref="Respondent.Therapist"/>).</summary>
    public ScoringPlan Therapist { get; }

    /// <summary>The corresponding scores, in the order of the declaration.</summary>
    public ImmutableArray<PairedScore> Scores { get; }

    /// <summary>
    /// Resolves the pairing of <paramref name="form"/> (the client's or the therapist's form) among the loaded
    /// instruments: the counterpart it declares, or else the one loaded instrument that declares it as its counterpart
    /// (one-sided declaration is enough; when both declare, the declarations must match). Checks that the counterpart
    /// is loaded (INS1133, INS1139), has the paired scores (INS1134), that each pair can take the same values (INS1135,
    /// from the score-range analysis, <see cref="ScoringPlan.GetScoreRange(int)"/>), that two declarations match
    /// (INS1136), and that the forms are one client and one therapist form (INS1137).
    /// </summary>
    /// <param name="form">The form the user names.</param>
    /// <param name="loaded">The loaded instruments (may include <paramref name="form"/>).</param>
    /// <returns>The pairing, or null with the diagnostics that prevent it.</returns>
    public static PairingResolution Resolve(ScoringPlan form, IEnumerable<ScoringPlan> loaded)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(loaded);
        var others = loaded.Where(p => p is not null && !string.Equals(p.Definition.Id, form.Definition.Id, StringComparison.Ordinal)).ToList();
        var diagnostics = new List<Diagnostic>();
        var self = form.Definition;
        ScoringPlan declarer, other;
        if (self.Counterpart is { } declared)
        {
            var found = others.FirstOrDefault(p => string.Equals(p.Definition.Id, declared.Instrument, StringComparison.Ordinal));
            if (found is null)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartNotLoaded, declared.Location, self.Id,
                    $"its counterpart '{declared.Instrument}' is not loaded{NameSuggester.DidYouMean(declared.Instrument, others.Select(p => p.Definition.Id))}"));
                return new PairingResolution(null, [.. diagnostics]);
            }

            (declarer, other) = (form, found);
        }
        else
        {
            var naming = others.Where(p => p.Definition.Counterpart is { } c && string.Equals(c.Instrument, self.Id, StringComparison.Ordinal)).ToList();
            if (naming.Count == 0)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartNotLoaded, Location.None, self.Id,
                    "it declares no counterpart, and no loaded instrument declares it as theirs; add 'counterpart' to the definition of one of the two forms"));
                return new PairingResolution(null, [.. diagnostics]);
            }

            if (naming.Count > 1)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartAmbiguous, Location.None, self.Id,
                    string.Join(", ", naming.Select(p => "'" + p.Definition.Id + "'"))));
                return new PairingResolution(null, [.. diagnostics]);
            }

            (declarer, other) = (naming[0], form);
        }

        var declaration = declarer.Definition.Counterpart!;
        if (other.Definition.Counterpart is { } back && Mismatch(declarer.Definition, declaration, other.Definition, back) is { } why)
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartsDisagree, back.Location, declarer.Definition.Id, other.Definition.Id, why));
        }

        var (a, b) = (declarer.Definition.Respondent, other.Definition.Respondent);
        if (!((a == Respondent.Client && b == Respondent.Therapist) || (a == Respondent.Therapist && b == Respondent.Client)))
        {
            diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartRatersNotComplementary, declaration.Location,
                declarer.Definition.Id, Name(a), other.Definition.Id, Name(b)));
        }

        var scores = ImmutableArray.CreateBuilder<PairedScore>();
        foreach (var pair in declaration.Scores)
        {
            var i = declarer.IndexOfScore(pair.Score);
            var j = other.IndexOfScore(pair.CounterpartScore);
            if (i < 0)
            {
                // INS1130 at compile time; a definition built in C# that skipped Validate can still get here.
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartUnknownOwnScore, pair.Location, other.Definition.Id, pair.Score,
                    NameSuggester.DidYouMean(pair.Score, declarer.Definition.Scores.Select(s => s.Id))));
                continue;
            }

            if (j < 0)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.CounterpartUnknownScore, pair.Location, declarer.Definition.Id, pair.Score,
                    pair.CounterpartScore, other.Definition.Id, NameSuggester.DidYouMean(pair.CounterpartScore, other.Definition.Scores.Select(s => s.Id))));
                continue;
            }

            var (ri, rj) = (declarer.GetScoreRange(i), other.GetScoreRange(j));
            if (!ri.IsKnown || !rj.IsKnown || ri.Min != rj.Min || ri.Max != rj.Max)
            {
                diagnostics.Add(Diagnostic.Create(InstrumentDiagnostics.PairedScoreRangesDiffer, pair.Location,
                    pair.Score, declarer.Definition.Id, ri.ToString(), pair.CounterpartScore, other.Definition.Id, rj.ToString()));
                continue;
            }

            scores.Add(a == Respondent.Therapist
                ? new PairedScore(pair.CounterpartScore, j, pair.Score, i, ri)
                : new PairedScore(pair.Score, i, pair.CounterpartScore, j, ri));
        }

        if (diagnostics.Any(d => d.IsError))
        {
            return new PairingResolution(null, [.. diagnostics]);
        }

        var (client, therapist) = a == Respondent.Therapist ? (other, declarer) : (declarer, other);
        return new PairingResolution(new InstrumentPairing(client, therapist, scores.ToImmutable()), [.. diagnostics]);
    }

    private static string Name(Respondent? r) => r is { } v ? v.ToString().ToLowerInvariant() : "not stated";

    // Null when the counterpart's own declaration is the inverse of the first; otherwise what differs.
    private static string? Mismatch(InstrumentDefinition first, CounterpartDeclaration declaration, InstrumentDefinition second, CounterpartDeclaration back)
    {
        if (!string.Equals(back.Instrument, first.Id, StringComparison.Ordinal))
        {
            return $"'{first.Id}' names '{second.Id}' as its counterpart, but '{second.Id}' names '{back.Instrument}'";
        }

        var forward = declaration.Scores.Select(p => (p.Score, p.CounterpartScore)).ToHashSet();
        var backward = back.Scores.Select(p => (p.CounterpartScore, p.Score)).ToHashSet();
        if (forward.SetEquals(backward))
        {
            return null;
        }

        static string List(IEnumerable<(string A, string B)> pairs) =>
            string.Join(", ", pairs.OrderBy(p => p.A, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.A}: {p.B}")));

        return $"'{first.Id}' pairs {{{List(forward)}}}, '{second.Id}' (read from its side) {{{List(backward)}}}";
    }
}

/// <summary>One pair of corresponding scores: the client form's and the therapist form's.</summary>
public sealed class PairedScore
{
    internal PairedScore(string clientScore, int clientIndex, string therapistScore, int therapistIndex, ScoreRange range)
    {
        ClientScore = clientScore;
        ClientIndex = clientIndex;
        TherapistScore = therapistScore;
        TherapistIndex = therapistIndex;
        Range = range;
    }

    /// <summary>The id of the client form's score (how the pair is named in output).</summary>
    public string ClientScore { get; }

    /// <summary>Its index in the client form's plan.</summary>
    public int ClientIndex { get; }

    /// <summary>The id of the therapist form's score.</summary>
    public string TherapistScore { get; }

    /// <summary>Its index in the therapist form's plan.</summary>
    public int TherapistIndex { get; }

    /// <summary>The values both scores can take (the same for both, INS1135).</summary>
    public ScoreRange Range { get; }
}

/// <summary>The result of <see cref="InstrumentPairing.Resolve"/>: a pairing, or the diagnostics that prevent one.</summary>
public sealed class PairingResolution
{
    internal PairingResolution(InstrumentPairing? pairing, ImmutableArray<Diagnostic> diagnostics)
    {
        Pairing = pairing;
        Diagnostics = diagnostics;
    }

    /// <summary>The pairing; null when a diagnostic is an error.</summary>
    public InstrumentPairing? Pairing { get; }

    /// <summary>Every problem found (INS1130-INS1139), with the file, line and column of the declaration when it came from YAML.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }
}
