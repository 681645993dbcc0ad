using Instruments.Definitions;

namespace Instruments.Scoring;

/// <summary>
/// The bands around a value that lies in none of a score's bands, and how they read in text. One implementation for
/// the RSP2007 message (<see cref="ScoringPlan"/>) and the report model's <c>between</c> text (Instruments.Reports).
/// </summary>
internal static class BandNeighbours
{
    /// <summary>
    /// The band with the highest top below <paramref name="value"/> and the band with the lowest bottom above it
    /// (either null when there is none). Meaningful only for a value no band holds.
    /// </summary>
    public static (Band? Below, Band? Above) Find(IEnumerable<Band> bands, double value)
    {
        Band? below = null, above = null;
        foreach (var b in bands)
        {
            var top = b.UpperExclusive ? Math.BitDecrement(b.Max) : b.Max;
            if (top < value && (below is null || b.Max > below.Max))
            {
                below = b;
            }

            if (b.Min > value && (above is null || b.Min < above.Min))
            {
                above = b;
            }
        }

        return (below, above);
    }

    /// <summary>"10 to 14", "10 to below 15" (a half-open band), or "3" for a single value.</summary>
    public static string Range(Band band) => band.UpperExclusive
        ? $"{DefinitionBinder.FormatNumber(band.Min)} to below {DefinitionBinder.FormatNumber(band.Max)}"
        : DefinitionBinder.FormatValues(band.Min, band.Max);

    /// <summary>
    /// "between Moderate (10 to 14) and Moderately severe (15 to 19)", "above Severe (20 to 27)" or
    /// "below Minimal (0 to 4)", with each label written by <paramref name="label"/>; null when the score has no bands
    /// on either side of <paramref name="value"/>.
    /// </summary>
    public static string? Describe(IEnumerable<Band> bands, double value, Func<string, string> label)
    {
        var (below, above) = Find(bands, value);
        string Name(Band b) => $"{label(b.Label)} ({Range(b)})";
        return (below, above) switch
        {
            ({ } l, { } h) => $"between {Name(l)} and {Name(h)}",
            ({ } l, null) => $"above {Name(l)}",
            (null, { } h) => $"below {Name(h)}",
            _ => null,
        };
    }
}
