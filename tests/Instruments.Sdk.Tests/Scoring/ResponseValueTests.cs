using System.Text;
using Instruments.Scoring;

namespace Instruments.Sdk.Tests.Scoring;

/// <summary>
/// How a cell becomes a <see cref="ResponseValue"/>: the text and UTF-8 readers must agree, and every cell a reader can
/// meet lands on exactly one kind and number.
/// </summary>
public sealed class ResponseValueTests
{
    public static TheoryData<string, double> Numbers => new()
    {
        { "3", 3 },
        { "+3", 3 },
        { "-3", -3 },
        { "0", 0 },
        { "-0", 0 },
        { " \t7\r\n", 7 },
        { "123456789", 123456789 },         // nine digits: the integer fast path
        { "-123456789", -123456789 },
        { "1234567890", 1234567890 },       // ten digits: read as a double, still an integer
        { "9999999999", 9999999999 },       // ten digits beyond int: must not reach the integer fast path
        { "99999999999", 99999999999 },     // beyond int: a number, not truncated
        { "-99999999999", -99999999999 },
        { "2.5", 2.5 },
        { "-2.5", -2.5 },
        { "3.0", 3 },
        { ".5", 0.5 },
        { "007", 7 },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Parse_Number_GivesThatNumber_FromTextAndUtf8Alike(string text, double expected)
    {
        foreach (var value in new[] { ResponseValue.Parse(text.AsSpan()), ResponseValue.Parse(Encoding.UTF8.GetBytes(text)) })
        {
            Assert.Equal(ResponseValueKind.Number, value.Kind);
            Assert.Equal(expected, value.Number);
            Assert.Equal(ResponseValue.FromNumber(expected), value);
        }
    }

    [Theory]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData("--3")]
    [InlineData("3-")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("12345678x")]
    [InlineData("x12345678")]
    [InlineData("3 4")]
    public void Parse_TextThatIsNotAFiniteNumber_IsNonNumeric_NeverMissingOrANumber(string text)
    {
        // "NaN" in a cell must not read as an empty cell: it is an answer the respondent gave, and an error.
        Assert.Equal(ResponseValueKind.NonNumeric, ResponseValue.Parse(text.AsSpan()).Kind);
        Assert.Equal(ResponseValueKind.NonNumeric, ResponseValue.Parse(Encoding.UTF8.GetBytes(text)).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n")]
    public void Parse_EmptyOrWhiteSpace_IsMissing(string text)
    {
        Assert.Equal(ResponseValue.Missing, ResponseValue.Parse(text.AsSpan()));
        Assert.Equal(ResponseValue.Missing, ResponseValue.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.True(double.IsNaN(ResponseValue.Missing.Number));
    }

    [Theory]
    [InlineData(2147483647.0)]
    [InlineData(-2147483648.0)]
    [InlineData(2147483648.0)]
    [InlineData(-2147483649.0)]
    [InlineData(1e300)]
    [InlineData(0.25)]
    public void FromNumber_KeepsTheNumber_AtAndBeyondTheIntegerRange(double number)
    {
        var value = ResponseValue.FromNumber(number);

        Assert.Equal(ResponseValueKind.Number, value.Kind);
        Assert.Equal(number, value.Number);
    }

    [Fact]
    public void FromNumber_NaN_IsMissing()
    {
        Assert.Equal(ResponseValueKind.Missing, ResponseValue.FromNumber(double.NaN).Kind);
        Assert.Equal(ResponseValue.Missing, ResponseValue.FromNumber(double.NaN));
    }

    [Fact]
    public void Equality_ComparesKindAndNumber_AndAgreesWithTheHashCode()
    {
        Assert.True(ResponseValue.FromInteger(3) == ResponseValue.FromNumber(3.0));
        Assert.Equal(ResponseValue.FromInteger(3).GetHashCode(), ResponseValue.FromNumber(3.0).GetHashCode());
        Assert.True(ResponseValue.FromNumber(2.5) != ResponseValue.FromNumber(3.5));
        Assert.False(ResponseValue.FromNumber(2.5) == ResponseValue.FromNumber(3.5));
        Assert.True(ResponseValue.Missing != ResponseValue.NonNumeric);
        Assert.True(ResponseValue.Missing != ResponseValue.FromInteger(0));
        Assert.True(ResponseValue.NonNumeric == ResponseValue.Parse("x".AsSpan()));
        Assert.Equal(ResponseValue.NonNumeric.GetHashCode(), ResponseValue.Parse("y".AsSpan()).GetHashCode());
        Assert.True(ResponseValue.FromInteger(1).Equals((object)ResponseValue.FromNumber(1)));
        Assert.False(ResponseValue.FromInteger(1).Equals((object)1));
        Assert.False(ResponseValue.FromInteger(1).Equals(null));
    }

    [Fact]
    public void ToString_ShowsTheNumberInvariantly_AMarkerForText_AndNothingForMissing()
    {
        Assert.Equal("3", ResponseValue.FromInteger(3).ToString());
        Assert.Equal("-2.5", ResponseValue.FromNumber(-2.5).ToString());
        Assert.Equal("(non-numeric)", ResponseValue.NonNumeric.ToString());
        Assert.Equal(string.Empty, ResponseValue.Missing.ToString());
    }
}
