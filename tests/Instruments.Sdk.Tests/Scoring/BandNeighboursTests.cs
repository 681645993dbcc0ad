using Instruments.Definitions;
using Instruments.Scoring;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// The bands around a value that lies in none: the one implementation behind the RSP2007 message and the report
/// model's <c>between</c> text.
/// </summary>
public sealed class BandNeighboursTests
{
    private static readonly Band[] Bands =
    [
        new() { Min = 10, Max = 14, Label = "Moderate" },
        new() { Min = 0, Max = 4, Label = "Minimal" },
        new() { Min = 5, Max = 10, UpperExclusive = true, Label = "Mild" },
        new() { Min = 15, Max = 19, Label = "Moderately severe" },
    ];

    [Theory]
    [InlineData(14.625, "between Moderate (10 to 14) and Moderately severe (15 to 19)")]
    [InlineData(4.5, "between Minimal (0 to 4) and Mild (5 to below 10)")]        // order of the list does not matter
    [InlineData(19.5, "above Moderately severe (15 to 19)")]
    [InlineData(-1, "below Minimal (0 to 4)")]
    public void NamesTheNearestBandOnEachSide(double value, string expected) =>
        Assert.Equal(expected, BandNeighbours.Describe(Bands, value, label => label));

    [Fact]
    public void LabelsAreWrittenByTheCaller_AndNoBandsGiveNull()
    {
        Assert.Equal("between 'Minimal' (0 to 4) and 'Mild' (5 to below 10)", BandNeighbours.Describe(Bands, 4.5, l => "'" + l + "'"));
        Assert.Null(BandNeighbours.Describe([], 3, l => l));
        Assert.Equal("3", BandNeighbours.Range(new Band { Min = 3, Max = 3, Label = "x" }));
    }
}
