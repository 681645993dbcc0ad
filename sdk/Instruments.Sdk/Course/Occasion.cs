using System.Globalization;
using System.Runtime.CompilerServices;
using Instruments.Text;

namespace Instruments.Course;

/// <summary>
/// When an administration took place: a finite number (a session or week number, read in the invariant culture) or an
/// ISO 8601 date (<c>yyyy-MM-dd</c>). Occasions of one kind are ordered by value; a file's occasions must all be of
/// one kind (numbers sort before dates when the kinds are mixed, so that the order is total). Equal occasions are the
/// same occasion: <c>1</c>, <c>1.0</c> and <c>01</c> are one number. <see cref="ToString"/> gives the canonical text
/// (the shortest round-trip number, or <c>yyyy-MM-dd</c>).
/// </summary>
public readonly struct Occasion : IEquatable<Occasion>, IComparable<Occasion>
{
    // A number's value, or a date's day number (DateOnly.DayNumber). Dates are exact in a double.
    private readonly double _value;

    private Occasion(OccasionKind kind, double value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>Whether the occasion is a number or a date.</summary>
    public OccasionKind Kind { get; }

    /// <summary>The number, for a <see cref="OccasionKind.Number"/>; for a date, its day number (days since 0001-01-01).</summary>
    public double Value => _value;

    /// <summary>The date, for a <see cref="OccasionKind.Date"/>.</summary>
    /// <exception cref="InvalidOperationException">The occasion is a number.</exception>
    public DateOnly Date => Kind == OccasionKind.Date
        ? DateOnly.FromDayNumber((int)_value)
        : throw new InvalidOperationException("the occasion is a number, not a date");

    /// <summary>An occasion that is a number.</summary>
    /// <param name="value">A finite number.</param>
    /// <returns>The occasion.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static Occasion FromNumber(double value) => double.IsFinite(value)
        ? new Occasion(OccasionKind.Number, value == 0 ? 0 : value)   // -0 is 0
        : throw new ArgumentOutOfRangeException(nameof(value), value, "an occasion is a finite number");

    /// <summary>An occasion that is a date.</summary>
    /// <param name="date">The date.</param>
    /// <returns>The occasion.</returns>
    public static Occasion FromDate(DateOnly date) => new(OccasionKind.Date, date.DayNumber);

    /// <summary>
    /// Reads an occasion from UTF-8 text: <c>yyyy-MM-dd</c> (a valid calendar date, exactly ten characters), else a
    /// finite number in the invariant culture (optional sign, decimal point, exponent; no thousands separators).
    /// Leading and trailing spaces are ignored.
    /// </summary>
    /// <param name="utf8">The text.</param>
    /// <param name="occasion">The occasion, when the text is one.</param>
    /// <returns>True when the text is an occasion.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> utf8, out Occasion occasion)
    {
        utf8 = Blanks.Trim(utf8);
        occasion = default;
        if (utf8.IsEmpty || utf8.Length > 64)
        {
            return false;
        }

        if (TryParseSimple(utf8, out occasion))
        {
            return true;
        }

        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] >= 0x80)
            {
                return false;   // neither a number nor a date is anything but ASCII
            }

            chars[i] = (char)utf8[i];
        }

        return TryParse(chars[..utf8.Length], out occasion);
    }

    // The common forms without the general parsers: up to nine digits, or yyyy-MM-dd (the same values they give).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseSimple(ReadOnlySpan<byte> utf8, out Occasion occasion)
    {
        occasion = default;
        if (utf8.Length <= 9)
        {
            var n = 0;
            foreach (var b in utf8)
            {
                var d = unchecked((uint)(b - '0'));
                if (d > 9)
                {
                    return false;
                }

                n = (n * 10) + (int)d;
            }

            occasion = FromNumber(n);
            return true;
        }

        if (utf8.Length == 10 && utf8[4] == '-' && utf8[7] == '-'
            && Digits(utf8[..4], out var year) && Digits(utf8.Slice(5, 2), out var month) && Digits(utf8.Slice(8, 2), out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            occasion = FromDate(new DateOnly(year, month, day));
            return true;
        }

        return false;

        static bool Digits(ReadOnlySpan<byte> text, out int value)
        {
            value = 0;
            foreach (var b in text)
            {
                var d = unchecked((uint)(b - '0'));
                if (d > 9)
                {
                    return false;
                }

                value = (value * 10) + (int)d;
            }

            return true;
        }
    }

    /// <summary>
    /// Reads an occasion from text: <c>yyyy-MM-dd</c> (a valid calendar date, exactly ten characters), else a finite
    /// number in the invariant culture (optional sign, decimal point, exponent; no thousands separators). Leading and
    /// trailing spaces are ignored.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="occasion">The occasion, when the text is one.</param>
    /// <returns>True when the text is an occasion.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Occasion occasion)
    {
        text = text.Trim(" \t");
        occasion = default;
        if (text.Length == 10 && text[4] == '-' && text[7] == '-')
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                occasion = FromDate(date);
                return true;
            }

            return false;
        }

        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (double.TryParse(text, Styles, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            occasion = FromNumber(number);
            return true;
        }

        return false;
    }

    /// <summary>Reads an occasion from text (see <see cref="TryParse(ReadOnlySpan{char}, out Occasion)"/>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The occasion.</returns>
    /// <exception cref="FormatException">The text is not a number or an ISO date.</exception>
    public static Occasion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out var occasion)
            ? occasion
            : throw new FormatException($"'{text}' is not a number or an ISO date (yyyy-MM-dd)");
    }

    /// <summary>Orders by kind (numbers first), then by value.</summary>
    /// <param name="other">The other occasion.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(Occasion other) => Kind != other.Kind ? Kind.CompareTo(other.Kind) : _value.CompareTo(other._value);

    /// <summary>True when both are of the same kind and value.</summary>
    /// <param name="other">The other occasion.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(Occasion other) => Kind == other.Kind && _value.Equals(other._value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Occasion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _value);

    /// <summary>The canonical text: the shortest round-trip number (invariant culture), or <c>yyyy-MM-dd</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind == OccasionKind.Date
        ? Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : _value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Writes the canonical text (see <see cref="ToString"/>) as UTF-8.</summary>
    /// <param name="destination">Where the text goes (32 bytes are always enough).</param>
    /// <param name="written">The number of bytes written.</param>
    /// <returns>False when <paramref name="destination"/> is too short.</returns>
    public bool TryFormat(Span<byte> destination, out int written) => Kind == OccasionKind.Date
        ? Date.TryFormat(destination, out written, "yyyy-MM-dd", CultureInfo.InvariantCulture)
        : _value == Math.Floor(_value) && Math.Abs(_value) < 1e9
            // A session number: its integer digits are its shortest round-trip text, without the work of finding it.
            ? ((int)_value).TryFormat(destination, out written, default, CultureInfo.InvariantCulture)
            : _value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);

    /// <summary>Equal occasions.</summary>
    public static bool operator ==(Occasion left, Occasion right) => left.Equals(right);

    /// <summary>Different occasions.</summary>
    public static bool operator !=(Occasion left, Occasion right) => !left.Equals(right);

    /// <summary>Earlier.</summary>
    public static bool operator <(Occasion left, Occasion right) => left.CompareTo(right) < 0;

    /// <summary>Later.</summary>
    public static bool operator >(Occasion left, Occasion right) => left.CompareTo(right) > 0;

    /// <summary>Earlier or the same.</summary>
    public static bool operator <=(Occasion left, Occasion right) => left.CompareTo(right) <= 0;

    /// <summary>Later or the same.</summary>
    public static bool operator >=(Occasion left, Occasion right) => left.CompareTo(right) >= 0;
}
