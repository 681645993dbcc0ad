using System.Collections.Immutable;
using Instruments.Course;

namespace Instruments.Alliance;

/// <summary>
/// One usable administration of one form (the client's or the therapist's) in a dyad, as the agreement pipeline kept
/// it: the occasion, the input line, and the values of the paired scores (in <see cref="InstrumentPairing.Scores"/>
/// order, each the form's own score).
/// </summary>
/// <param name="Occasion">The occasion (a session number or a date).</param>
/// <param name="Line">The input line the administration started on.</param>
/// <param name="Values">The values of the paired scores, in <see cref="InstrumentPairing.Scores"/> order; all finite.</param>
public readonly record struct RatedAdministration(Occasion Occasion, int Line, ImmutableArray<double> Values);

/// <summary>
/// One dyad (a client, or a client with one therapist when a therapist column is given) as an agreement run ends:
/// every usable administration of each form in occasion order, and the dyad's agreement per paired score. Handed to
/// <c>AgreementOptions.OnDyad</c> so that a report can be built without reading the output again. Immutable.
/// </summary>
/// <remarks>
/// The administrations are the usable ones only: one of several at one occasion (RSP2041), an invalid one or one
/// whose paired score was not computed (RSP2040) is not here. The pairs are the occasions present in both lists; an
/// occasion present in one list only is an unpaired administration (RSP2042).
/// </remarks>
public sealed class AgreementDyad
{
    /// <summary>Creates a dyad.</summary>
    /// <param name="client">The client id as given (untrusted text).</param>
    /// <param name="therapist">The therapist id as given, or null when pairing is by client alone.</param>
    /// <param name="clientAdministrations">The client form's usable administrations, in occasion order, one per occasion.</param>
    /// <param name="therapistAdministrations">The therapist form's usable administrations, in occasion order, one per occasion.</param>
    /// <param name="scores">The dyad's agreement per paired score (over its pairs; n 0 when it has none), in <see cref="InstrumentPairing.Scores"/> order.</param>
    public AgreementDyad(string client, string? therapist, ImmutableArray<RatedAdministration> clientAdministrations,
        ImmutableArray<RatedAdministration> therapistAdministrations, ImmutableArray<AgreementSummary> scores)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        Therapist = therapist;
        ClientAdministrations = clientAdministrations.IsDefault ? [] : clientAdministrations;
        TherapistAdministrations = therapistAdministrations.IsDefault ? [] : therapistAdministrations;
        Scores = scores.IsDefault ? [] : scores;
        var pairs = 0;
        for (int c = 0, t = 0; c < ClientAdministrations.Length && t < TherapistAdministrations.Length;)
        {
            var order = ClientAdministrations[c].Occasion.CompareTo(TherapistAdministrations[t].Occasion);
            if (order == 0)
            {
                pairs++;
                c++;
                t++;
            }
            else if (order < 0)
            {
                c++;
            }
            else
            {
                t++;
            }
        }

        Pairs = pairs;
    }

    /// <summary>The client id as given (untrusted text).</summary>
    public string Client { get; }

    /// <summary>The therapist id as given, or null when pairing is by client alone.</summary>
    public string? Therapist { get; }

    /// <summary>The client form's usable administrations, in occasion order.</summary>
    public ImmutableArray<RatedAdministration> ClientAdministrations { get; }

    /// <summary>The therapist form's usable administrations, in occasion order.</summary>
    public ImmutableArray<RatedAdministration> TherapistAdministrations { get; }

    /// <summary>The dyad's agreement per paired score, in <see cref="InstrumentPairing.Scores"/> order.</summary>
    public ImmutableArray<AgreementSummary> Scores { get; }

    /// <summary>The number of pairs: occasions at which both forms have a usable administration.</summary>
    public int Pairs { get; }
}
