using System.Globalization;
using System.Text;
using Instruments.Data.IO;

namespace Instruments.Data.Tests.Agreement;

/// <summary>
/// The agreement table's numbers (written as UTF-8 in place, with a shortcut for whole numbers of up to three digits)
/// against the documented text, formatted here independently: a whole number below 1e15 (not -0) as an integer,
/// anything else in round-trip form.
/// </summary>
public sealed class AgreementNumberTests
{
    [Fact]
    public void Numbers_AreWrittenAsTheTableDocumentsThem()
    {
        var values = new List<double> { 0, -0.0, 1e15, -1e15, 1e15 - 1, 123456789012, 0.1, -0.25, 1e-7, 1.5e300, double.Epsilon, 999.0000001, -999.9999 };
        for (var i = -2500; i <= 2500; i++)
        {
            values.Add(i);
            values.Add(i / 2.0);
            values.Add(i / 3.0);
            values.Add(i + 0.001);
        }

        var random = new Random(44);
        for (var i = 0; i < 20000; i++)
        {
            values.Add(Math.Round((random.NextDouble() - 0.5) * 4000, random.Next(0, 4)));
        }

        var buffer = new ByteBuffer(64);
        foreach (var v in values)
        {
            buffer.Clear();
            AgreementTableWriter.WriteNumber(buffer, v);
            Assert.Equal(Expected(v), Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    private static string Expected(double v) =>
        Math.Abs(v) < 1e15 && Math.Truncate(v) == v && !(v == 0 && 1 / v < 0)
            ? ((long)v).ToString(CultureInfo.InvariantCulture)
            : v.ToString("R", CultureInfo.InvariantCulture);
}
