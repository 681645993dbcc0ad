using System.Text;
using Instruments.Course;

namespace Instruments.Sdk.Tests.Course;

/// <summary><see cref="Occasion"/>: what parses (from chars and from UTF-8, alike), ordering and canonical text.</summary>
public sealed class OccasionTests
{
    [Theory]
    [InlineData("1", OccasionKind.Number, "1")]
    [InlineData("01", OccasionKind.Number, "1")]
    [InlineData(" 2.50 ", OccasionKind.Number, "2.5")]
    [InlineData("-3", OccasionKind.Number, "-3")]
    [InlineData("-0", OccasionKind.Number, "0")]
    [InlineData("1e3", OccasionKind.Number, "1000")]
    [InlineData("2026-02-28", OccasionKind.Date, "2026-02-28")]
    [InlineData("2024-02-29", OccasionKind.Date, "2024-02-29")]
    public void TryParse_Accepts_AndGivesTheCanonicalText(string text, OccasionKind kind, string canonical)
    {
        Assert.True(Occasion.TryParse(text.AsSpan(), out var fromChars));
        Assert.True(Occasion.TryParse(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.Equal(fromChars, fromBytes);
        Assert.Equal(kind, fromChars.Kind);
        Assert.Equal(canonical, fromChars.ToString());
        Span<byte> utf8 = stackalloc byte[32];
        Assert.True(fromChars.TryFormat(utf8, out var n));
        Assert.Equal(canonical, Encoding.UTF8.GetString(utf8[..n]));
    }

    [Fact]
    public void TryFormat_WritesTheShortestRoundTripText_OfEveryNumber()
    {
        // The UTF-8 text has a fast path for whole numbers; the reference is the "R" text of the value itself.
        var random = new Random(20261130);
        var values = new List<double> { 0, 1, -1, 7, 10, 999_999_999, -999_999_999, 1e9, -1e9, 1e9 + 1, 2147483647, 2147483648, -2147483648,
            1e14, 1e15, 1e16, 123456789.5, 0.5, -0.25, 1e-7, double.Epsilon, double.MaxValue, double.MinValue };
        for (var i = 0; i < 20_000; i++)
        {
            values.Add(random.Next(-2_000_000_000, 2_000_000_000));
            values.Add(Math.Round(random.NextDouble() * 4000 - 2000, random.Next(0, 4)));
            values.Add(BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 3);
        }

        Span<byte> utf8 = stackalloc byte[32];
        foreach (var value in values)
        {
            var occasion = Occasion.FromNumber(value);
            Assert.True(occasion.TryFormat(utf8, out var n));
            Assert.Equal((value == 0 ? 0 : value).ToString("R", System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(utf8[..n]));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("week 3")]
    [InlineData("1,5")]          // not the invariant culture
    [InlineData("1,000")]        // no thousands separators
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]        // not finite
    [InlineData("2026-02-30")]   // not a date
    [InlineData("2026-2-3")]     // not yyyy-MM-dd
    [InlineData("03/02/2026")]
    [InlineData("2026-02-28T10:00")]
    [InlineData("١")]            // a digit, but not ASCII
    public void TryParse_Refuses(string text)
    {
        Assert.False(Occasion.TryParse(text.AsSpan(), out _));
        Assert.False(Occasion.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Ordering_IsByValue_NumbersBeforeDates()
    {
        string[] texts = ["2026-01-02", "10", "9", "2.5", "2025-12-31", "-1"];
        var sorted = texts.Select(Occasion.Parse).Order().Select(o => o.ToString()).ToArray();
        Assert.Equal(["-1", "2.5", "9", "10", "2025-12-31", "2026-01-02"], sorted);
        Assert.True(Occasion.Parse("1") == Occasion.Parse("1.0"));
        Assert.True(Occasion.Parse("1") < Occasion.Parse("2"));
        Assert.True(Occasion.Parse("2026-01-01") > Occasion.Parse("2025-01-01"));
        Assert.NotEqual(Occasion.FromNumber(Occasion.Parse("2026-01-01").Value), Occasion.Parse("2026-01-01"));
        Assert.Equal(new DateOnly(2026, 1, 1), Occasion.Parse("2026-01-01").Date);
        Assert.Throws<InvalidOperationException>(() => Occasion.Parse("1").Date);
        Assert.Throws<ArgumentOutOfRangeException>(() => Occasion.FromNumber(double.NaN));
        Assert.Throws<FormatException>(() => Occasion.Parse("x"));
    }
}
