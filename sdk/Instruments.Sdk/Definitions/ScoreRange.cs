using System.Globalization;

namespace Instruments.Definitions;

/// <summary>
/// The values a score can take, as the range analysis of the binder works them out from the item scales, the
/// missing-data rule and (for expression scores) interval arithmetic over the expression. The compiler checks bands
/// against it (INS1052-INS1055) and reports draw their scales from it; both read the same value from the
/// <see cref="Scoring.ScoringPlan"/> (<see cref="Scoring.ScoringPlan.GetScoreRange(int)"/>).
/// </summary>
/// <param name="Min">The smallest value; NaN when the range is unknown.</param>
/// <param name="Max">The largest value; NaN when the range is unknown.</param>
/// <param name="IsIntegral">True when every value the score can take is a whole number.</param>
public readonly record struct ScoreRange(double Min, double Max, bool IsIntegral)
{
    /// <summary>A range that could not be worked out (for example, an expression calling a function with no bounds).</summary>
    public static ScoreRange Unknown { get; } = new(double.NaN, double.NaN, false);

    /// <summary>True when both bounds are numbers (they may still be infinite, for instance after a division).</summary>
    public bool IsKnown => !double.IsNaN(Min) && !double.IsNaN(Max);

    /// <summary>True when both bounds are finite numbers (what a chart scale needs).</summary>
    public bool IsFinite => double.IsFinite(Min) && double.IsFinite(Max);

    /// <summary><c>0 to 27</c>, or <c>unknown</c>.</summary>
    public override string ToString() => IsKnown
        ? Min.ToString("0.############", CultureInfo.InvariantCulture) + " to " + Max.ToString("0.############", CultureInfo.InvariantCulture)
        : "unknown";
}
