using Instruments.Definitions;

namespace Instruments.Scoring;

/// <summary>
/// Applies a <see cref="RoundingRule"/>. The value is read as the decimal number it stands for (15 significant
/// digits, as <see cref="decimal"/>'s conversion gives), so that a prorated 2.4999999999999996 that is 2.5 in exact
/// arithmetic is a tie, and 2.35 rounded to one decimal is a tie too.
/// </summary>
internal static class RoundingRules
{
    /// <summary>The most decimals a rule may keep.</summary>
    public const int MaxDigits = 6;

    // |value| up to this is rounded; beyond it every double is already a whole number at 15 significant digits.
    private const double Largest = 1e15;

    private static readonly decimal[] Scales = [1m, 10m, 100m, 1000m, 10000m, 100000m, 1000000m];

    /// <summary>
    /// <paramref name="value"/> rounded as <paramref name="rule"/> says. <paramref name="unsettledTie"/> is true, and
    /// the value comes back unrounded, when it lies exactly halfway and the rule's ties are
    /// <see cref="RoundingTies.Unstated"/>. NaN and infinities come back as they are.
    /// </summary>
    public static double Apply(RoundingRule rule, double value, out bool unsettledTie)
    {
        unsettledTie = false;
        if (rule.Method != RoundingMethod.Nearest || !double.IsFinite(value) || Math.Abs(value) > Largest
            || (uint)rule.Digits > MaxDigits)
        {
            return value;
        }

        var scale = Scales[rule.Digits];
        var scaled = (decimal)value * scale;
        var floor = decimal.Floor(scaled);
        var fraction = scaled - floor;
        decimal rounded;
        if (fraction != 0.5m)
        {
            rounded = fraction > 0.5m ? floor + 1 : floor;
        }
        else
        {
            switch (rule.Ties)
            {
                case RoundingTies.HalfUp:
                    rounded = floor + 1;
                    break;
                case RoundingTies.HalfDown:
                    rounded = floor;
                    break;
                case RoundingTies.HalfEven:
                    rounded = decimal.Remainder(floor, 2) == 0 ? floor : floor + 1;
                    break;
                case RoundingTies.HalfAwayFromZero:
                    rounded = scaled > 0 ? floor + 1 : floor;
                    break;
                default:
                    unsettledTie = true;
                    return value;
            }
        }

        return (double)(rounded / scale);
    }

    /// <summary>The two neighbours a tie lies between (for messages).</summary>
    public static (double Below, double Above) Neighbours(RoundingRule rule, double value)
    {
        var scale = Scales[Math.Clamp(rule.Digits, 0, MaxDigits)];
        var floor = decimal.Floor((decimal)value * scale);
        return ((double)(floor / scale), (double)((floor + 1) / scale));
    }

    /// <summary>How the rule reads in messages: "nearest whole number, halves up".</summary>
    public static string Describe(RoundingRule rule)
    {
        if (rule.Method != RoundingMethod.Nearest)
        {
            return "not rounded";
        }

        var to = rule.Digits == 0 ? "nearest whole number" : rule.Digits == 1 ? "nearest 0.1" : "nearest 0." + new string('0', rule.Digits - 1) + "1";
        return to + rule.Ties switch
        {
            RoundingTies.HalfUp => ", halves up",
            RoundingTies.HalfDown => ", halves down",
            RoundingTies.HalfEven => ", halves to even",
            RoundingTies.HalfAwayFromZero => ", halves away from zero",
            _ => ", tie rule not stated by the source (a tie is left unrounded)",
        };
    }
}
