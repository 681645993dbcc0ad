using System.Globalization;

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
/// One raw item value as read from a response, before validation: a kind and a number, nothing else. <c>default</c>
/// is <see cref="Missing"/>, so a freshly cleared buffer means "nothing answered".
/// </summary>
/// <remarks>
/// The value holds no reference, so a reader stores it into a reused array by plain assignment, with no GC write
/// barrier. The text of a non-numeric answer is therefore not part of the value: a reader that wants it in the
/// RSP2002 message keeps it aside and passes it to
/// <see cref="ScoringPlan.Score(ReadOnlySpan{ResponseValue}, ReadOnlySpan{string}, ScoreResult)"/>.
/// </remarks>
public readonly struct ResponseValue : IEquatable<ResponseValue>
{
    // 16 bytes, no references. The tag tells the kind: MissingTag (0, so default is missing); IntegerTag = an integer
    // in the payload (the common case, validated with integer arithmetic only); NumberTag = any other number, its
    // double bits in the payload; NonNumericTag = text that is not a number (the text itself is kept by the caller).
    private const byte MissingTag = 0;
    private const byte IntegerTag = 1;
    private const byte NumberTag = 2;
    private const byte NonNumericTag = 3;

    private readonly long _payload;
    private readonly byte _tag;

    private ResponseValue(long payload, byte tag)
    {
        _payload = payload;
        _tag = tag;
    }

    /// <summary>No answer.</summary>
    public static ResponseValue Missing => default;

    /// <summary>
    /// An answer that is not a number (text such as <c>"n/a"</c>). The text is not kept in the value: pass it beside
    /// the values to <see cref="ScoringPlan.Score(ReadOnlySpan{ResponseValue}, ReadOnlySpan{string}, ScoreResult)"/>.
    /// </summary>
    public static ResponseValue NonNumeric => new(0, NonNumericTag);

    /// <summary>True for <see cref="NonNumeric"/> (one byte comparison).</summary>
    internal bool IsNonNumericTag => _tag == NonNumericTag;

    /// <summary>The kind of value.</summary>
    public ResponseValueKind Kind => _tag switch
    {
        MissingTag => ResponseValueKind.Missing,
        NonNumericTag => ResponseValueKind.NonNumeric,
        _ => ResponseValueKind.Number,
    };

    /// <summary>The number, when <see cref="Kind"/> is <see cref="ResponseValueKind.Number"/>; NaN otherwise.</summary>
    public double Number =>
        _tag == IntegerTag ? (int)_payload
        : _tag == NumberTag ? BitConverter.Int64BitsToDouble(_payload)
        : double.NaN;

    /// <summary>True for an integer (one byte comparison); its value is <see cref="Integer"/>.</summary>
    internal bool IsInteger => _tag == IntegerTag;

    /// <summary>The integer (valid only when <see cref="IsInteger"/>).</summary>
    internal int Integer => unchecked((int)_payload); // always an int when IsInteger

    /// <summary>A numeric answer; NaN is <see cref="Missing"/>.</summary>
    public static ResponseValue FromNumber(double value) =>
        double.IsNaN(value) ? Missing
        : value >= int.MinValue && value <= int.MaxValue && value == Math.Floor(value) ? new ResponseValue((int)value, IntegerTag)
        : new ResponseValue(BitConverter.DoubleToInt64Bits(value), NumberTag);

    /// <summary>An integer answer.</summary>
    public static ResponseValue FromInteger(int value) => new(value, IntegerTag);

    /// <summary>
    /// Reads a cell as text: empty or only spaces, tabs and line breaks (CR, LF) is missing; an invariant-culture
    /// number (optionally signed, with a decimal point) between such white space is a number; anything else is
    /// <see cref="NonNumeric"/> (keep the text yourself if the diagnostic should quote it), including a number with
    /// any other character around it: a NUL or another control character, a no-break space. Never allocates.
    /// </summary>
    public static ResponseValue Parse(ReadOnlySpan<char> text)
    {
        text = text.Trim(" \t\r\n");
        if (text.IsEmpty)
        {
            return Missing;
        }

        if (TryParseInteger(text, out var integer))
        {
            return FromInteger(integer);
        }

        // double.TryParse accepts trailing NULs ("7\0" is 7): a control character anywhere makes the cell text.
        if (text.ContainsAnyInRange('\0', '\u001f') || text.ContainsAnyInRange('\u007f', '\u009f'))
        {
            return NonNumeric;
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
               && double.IsFinite(value)
            ? FromNumber(value)
            : NonNumeric;
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

        // As above; C1 control characters are two bytes in UTF-8, which no number has anyway.
        if (utf8.ContainsAnyInRange((byte)0, (byte)0x1f) || utf8.Contains((byte)0x7f))
        {
            return NonNumeric;
        }

        return double.TryParse(utf8, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
               && double.IsFinite(value)
            ? FromNumber(value)
            : NonNumeric;
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
        Kind == other.Kind && (Kind != ResponseValueKind.Number || Number.Equals(other.Number));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ResponseValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Kind == ResponseValueKind.Number ? Number : 0);

    /// <summary>Equality.</summary>
    public static bool operator ==(ResponseValue left, ResponseValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ResponseValue left, ResponseValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ResponseValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        ResponseValueKind.NonNumeric => "(non-numeric)",
        _ => string.Empty,
    };
}
