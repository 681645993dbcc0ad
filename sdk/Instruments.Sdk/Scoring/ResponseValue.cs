using System.Globalization;
using System.Text;

namespace Instruments.Scoring;

/// <summary>What kind of raw value a respondent gave for one item.</summary>
public enum ResponseValueKind : byte
{
    /// <summary>No answer (empty cell, absent key, JSON null).</summary>
    Missing = 0,

    /// <summary>A number; whether it is a valid option is decided by the scoring plan.</summary>
    Number = 1,

    /// <summary>Something that is not a number (text such as <c>"n/a"</c> or <c>"three"</c>).</summary>
    NonNumeric = 2,
}

/// <summary>
/// One raw item value as read from a response, before validation. <c>default</c> is <see cref="Missing"/>,
/// so a freshly cleared buffer means "nothing answered".
/// </summary>
public readonly struct ResponseValue : IEquatable<ResponseValue>
{
    // 16 bytes (64 bits of payload and one reference), so a batch of responses stays compact while bad text is kept
    // for its diagnostic. The reference tells the kind: null = missing (so default is missing); IntegerTag = an
    // integer held in the payload (the common case, validated with integer arithmetic only); NumberTag = any other
    // number, its double bits in the payload; a string = non-numeric text.
    private readonly long _payload;
    private readonly object? _tag;

    private static readonly object IntegerTag = new();
    private static readonly object NumberTag = new();

    private ResponseValue(long payload, object? tag)
    {
        _payload = payload;
        _tag = tag;
    }

    /// <summary>No answer.</summary>
    public static ResponseValue Missing => default;

    /// <summary>The kind of value.</summary>
    public ResponseValueKind Kind =>
        _tag is null ? ResponseValueKind.Missing
        : ReferenceEquals(_tag, IntegerTag) || ReferenceEquals(_tag, NumberTag) ? ResponseValueKind.Number
        : ResponseValueKind.NonNumeric;

    /// <summary>The number, when <see cref="Kind"/> is <see cref="ResponseValueKind.Number"/>; NaN otherwise.</summary>
    public double Number =>
        ReferenceEquals(_tag, IntegerTag) ? (int)_payload
        : ReferenceEquals(_tag, NumberTag) ? BitConverter.Int64BitsToDouble(_payload)
        : double.NaN;

    /// <summary>The original text, when <see cref="Kind"/> is <see cref="ResponseValueKind.NonNumeric"/> (for diagnostics).</summary>
    public string? Text => _tag as string;

    /// <summary>True for an integer (one reference comparison); its value is <see cref="Integer"/>.</summary>
    internal bool IsInteger => ReferenceEquals(_tag, IntegerTag);

    /// <summary>The integer (valid only when <see cref="IsInteger"/>).</summary>
    internal int Integer => unchecked((int)_payload); // always an int when IsInteger

    /// <summary>A numeric answer.</summary>
    public static ResponseValue FromNumber(double value) =>
        double.IsNaN(value) ? Missing
        : value >= int.MinValue && value <= int.MaxValue && value == Math.Floor(value) ? new ResponseValue((int)value, IntegerTag)
        : new ResponseValue(BitConverter.DoubleToInt64Bits(value), NumberTag);

    /// <summary>An integer answer.</summary>
    public static ResponseValue FromInteger(int value) => new(value, IntegerTag);

    /// <summary>
    /// Stores an integer answer in <paramref name="target"/>. When it already holds an integer, as a reused row of
    /// values mostly does, only the number is written: no reference is stored, so no GC write barrier runs.
    /// </summary>
    internal static void StoreInteger(ref ResponseValue target, int value)
    {
        if (ReferenceEquals(target._tag, IntegerTag))
        {
            System.Runtime.CompilerServices.Unsafe.AsRef(in target._payload) = value;
        }
        else
        {
            target = FromInteger(value);
        }
    }

    /// <summary>A non-numeric answer; <paramref name="text"/> is kept for the diagnostic.</summary>
    public static ResponseValue NonNumeric(string? text) => new(0, text ?? string.Empty);

    /// <summary>
    /// Reads a cell as text: empty or white space is missing; an invariant-culture number (optionally signed,
    /// with a decimal point) is a number; anything else is non-numeric. Allocates only for non-numeric text.
    /// </summary>
    public static ResponseValue Parse(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return Missing;
        }

        if (TryParseInteger(text, out var integer))
        {
            return FromInteger(integer);
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
               && double.IsFinite(value)
            ? FromNumber(value)
            : NonNumeric(text.ToString());
    }

    /// <summary>Reads a UTF-8 cell; same rules as <see cref="Parse(ReadOnlySpan{char})"/>.</summary>
    public static ResponseValue Parse(ReadOnlySpan<byte> utf8)
    {
        utf8 = utf8.Trim(" \t\r\n"u8);
        if (utf8.IsEmpty)
        {
            return Missing;
        }

        if (TryParseInteger(utf8, out var integer))
        {
            return FromInteger(integer);
        }

        return double.TryParse(utf8, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
               && double.IsFinite(value)
            ? FromNumber(value)
            : NonNumeric(Encoding.UTF8.GetString(utf8));
    }

    // Fast path for the common case: a short optionally signed integer (at most 9 digits, so no overflow).
    private static bool TryParseInteger(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i = 1;
        }

        if (i == text.Length || text.Length - i > 9)
        {
            return false;
        }

        for (; i < text.Length; i++)
        {
            var d = text[i] - '0';
            if (unchecked((uint)d) > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool TryParseInteger(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == '-';
            i = 1;
        }

        if (i == text.Length || text.Length - i > 9)
        {
            return false;
        }

        for (; i < text.Length; i++)
        {
            var d = text[i] - '0';
            if (unchecked((uint)d) > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <inheritdoc />
    public bool Equals(ResponseValue other) =>
        Kind == other.Kind && (Kind != ResponseValueKind.Number || Number.Equals(other.Number))
        && (Kind != ResponseValueKind.NonNumeric || string.Equals(Text, other.Text, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ResponseValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Kind == ResponseValueKind.Number ? Number : 0, Text);

    /// <summary>Equality.</summary>
    public static bool operator ==(ResponseValue left, ResponseValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ResponseValue left, ResponseValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ResponseValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        ResponseValueKind.NonNumeric => Text ?? string.Empty,
        _ => string.Empty,
    };
}
