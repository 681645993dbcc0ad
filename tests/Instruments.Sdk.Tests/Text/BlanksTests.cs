using Instruments.Text;

namespace Instruments.Sdk.Tests.Text;

/// <summary>Blanks trims and tests exactly as <c>MemoryExtensions.Trim(span, " \t"u8)</c> does.</summary>
public sealed class BlanksTests
{
    [Fact]
    public void TrimAndIsBlank_AgreeWithTheFrameworksTrim_OnRandomCells()
    {
        var random = new Random(1130);
        byte[] alphabet = [(byte)' ', (byte)'\t', (byte)'a', (byte)'1', (byte)'\r', (byte)'\n', 0, 0xC3, 0xA9, (byte)'-'];
        var blanks = 0;
        for (var trial = 0; trial < 50_000; trial++)
        {
            var cell = new byte[random.Next(0, 9)];
            for (var i = 0; i < cell.Length; i++)
            {
                cell[i] = alphabet[random.Next(random.Next(2) == 0 ? 2 : alphabet.Length)];
            }

            var expected = cell.AsSpan().Trim(" \t"u8);
            Assert.Equal(expected.ToArray(), Blanks.Trim(cell).ToArray());
            Assert.Equal(expected.IsEmpty, Blanks.IsBlank(cell));
            blanks += expected.IsEmpty ? 1 : 0;
        }

        Assert.InRange(blanks, 5_000, 45_000);
    }
}
