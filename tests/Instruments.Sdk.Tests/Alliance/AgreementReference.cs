namespace Instruments.Sdk.Tests.Alliance;

/// <summary>
/// An independent reference for the agreement statistics, written from the textbook formulas with plain two-pass sums
/// (no running moments, no shortcut through differences and sums): Pearson's r, the two-way ANOVA table with the
/// ICC(A,1) of McGraw &amp; Wong (1996) for any number of raters k, and Bland-Altman limits. Checked itself against
/// the worked example of Shrout &amp; Fleiss (1979), Table 4.
/// </summary>
internal static class AgreementReference
{
    public static double? Pearson(double[] x, double[] y)
    {
        var n = x.Length;
        if (n < 3)
        {
            return null;
        }

        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>ICC(A,1) over a targets-by-raters table (rows = targets).</summary>
    public static double? IccA1(double[][] table)
    {
        var n = table.Length;
        var k = table[0].Length;
        if (n < 2)
        {
            return null;
        }

        var grand = table.SelectMany(r => r).Average();
        var rowMeans = table.Select(r => r.Average()).ToArray();
        var colMeans = Enumerable.Range(0, k).Select(j => table.Average(r => r[j])).ToArray();
        var ssTotal = table.SelectMany(r => r).Sum(v => (v - grand) * (v - grand));
        var ssRows = k * rowMeans.Sum(m => (m - grand) * (m - grand));
        var ssCols = n * colMeans.Sum(m => (m - grand) * (m - grand));
        var ssError = ssTotal - ssRows - ssCols;
        var msr = ssRows / (n - 1);
        var msc = ssCols / (k - 1);
        var mse = ssError / ((n - 1) * (k - 1));
        var denominator = msr + ((k - 1) * mse) + (k / (double)n * (msc - mse));
        return denominator == 0 ? null : (msr - mse) / denominator;
    }

    public static double? IccA1(double[] x, double[] y) => IccA1([.. x.Zip(y, (a, b) => new[] { a, b })]);

    public static (double Mean, double? Sd, double? Lower, double? Upper) BlandAltman(double[] x, double[] y)
    {
        var d = x.Zip(y, (a, b) => a - b).ToArray();
        var mean = d.Average();
        if (d.Length < 2)
        {
            return (mean, null, null, null);
        }

        var sd = Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (d.Length - 1));
        return (mean, sd, mean - (1.96 * sd), mean + (1.96 * sd));
    }
}
