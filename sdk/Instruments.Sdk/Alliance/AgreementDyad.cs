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

/// <summary>One occasion of a dyad: when it is, and where each form's administration there is.</summary>
/// <param name="Occasion">The occasion.</param>
/// <param name="Client">The position in <see cref="AgreementDyad.ClientAdministrations"/>, or -1 when the client form has none there.</param>
/// <param name="Therapist">The position in <see cref="AgreementDyad.TherapistAdministrations"/>, or -1 when the therapist form has none there.</param>
public readonly record struct DyadOccasion(Occasion Occasion, int Client, int Therapist)
{
    /// <summary>True when both forms have an administration at this occasion (a pair).</summary>
    public bool IsPaired => Client >= 0 && Therapist >= 0;
}

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
        // The occasions of either form, in order, with each form's position there (-1: none): a merge of the two lists.
        var occasions = ImmutableArray.CreateBuilder<DyadOccasion>(ClientAdministrations.Length + TherapistAdministrations.Length);
        var pairs = 0;
        for (int c = 0, t = 0; c < ClientAdministrations.Length || t < TherapistAdministrations.Length;)
        {
            var order = c >= ClientAdministrations.Length ? 1
                : t >= TherapistAdministrations.Length ? -1
                : ClientAdministrations[c].Occasion.CompareTo(TherapistAdministrations[t].Occasion);
            if (order == 0)
            {
                occasions.Add(new DyadOccasion(ClientAdministrations[c].Occasion, c++, t++));
                pairs++;
            }
            else if (order < 0)
            {
                occasions.Add(new DyadOccasion(ClientAdministrations[c].Occasion, c++, -1));
            }
            else
            {
                occasions.Add(new DyadOccasion(TherapistAdministrations[t].Occasion, -1, t++));
            }
        }

        Occasions = occasions.DrainToImmutable();
        Pairs = pairs;
    }

    /// <summary>The client id as given (untrusted text).</summary>
    public string Client { get; }

    /// <summary>
    /// The occasions of either form, in order, each with the position of the client's and the therapist's
    /// administration there (-1: none). An occasion with both is a pair.
    /// </summary>
    public ImmutableArray<DyadOccasion> Occasions { get; }

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
