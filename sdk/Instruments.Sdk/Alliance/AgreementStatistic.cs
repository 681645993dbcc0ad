using System.Globalization;

namespace Instruments.Alliance;

/// <summary>
/// One agreement statistic with the number of observations it rests on: a finite value, or null with the reason it is
/// undefined (too few observations, no variance). Never NaN or infinite.
/// </summary>
public sealed class AgreementStatistic
{
    private AgreementStatistic(double? value, int n, string? reason)
    {
        Value = value;
        N = n;
        Reason = reason;
    }

    /// <summary>The value; null when the statistic is undefined for these data (see <see cref="Reason"/>).</summary>
    public double? Value { get; }

    /// <summary>The number of observations (pairs, or dyads) it was computed over.</summary>
    public int N { get; }

    /// <summary>Why <see cref="Value"/> is null; null when there is a value.</summary>
    public string? Reason { get; }

    /// <summary>A defined statistic; a value that is not finite becomes undefined with a reason.</summary>
    internal static AgreementStatistic Of(double value, int n) => double.IsFinite(value)
        ? new AgreementStatistic(value, n, null)
        : new AgreementStatistic(null, n, "not a finite number");

    /// <summary>An undefined statistic.</summary>
    internal static AgreementStatistic Undefined(int n, string reason) => new(null, n, reason);

    /// <summary><c>0.36 (n = 12)</c>, or <c>undefined (n = 1): reason</c>.</summary>
    public override string ToString() => Value is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"{v:0.######} (n = {N})")
        : string.Create(CultureInfo.InvariantCulture, $"undefined (n = {N}): {Reason}");
}
