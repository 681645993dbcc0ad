namespace Instruments.Definitions;

/// <summary>Whether the item texts of an instrument may be distributed with its definition.</summary>
public enum TextLicense
{
    /// <summary>The licence allows the item texts to ship in the definition file.</summary>
    Shipped,

    /// <summary>The item texts are licensed separately; the definition carries ids, scales and scoring only.</summary>
    Restricted,
}

/// <summary>Who fills in the instrument.</summary>
public enum Respondent
{
    /// <summary>The client or patient.</summary>
    Client,

    /// <summary>The therapist or counsellor.</summary>
    Therapist,

    /// <summary>An external observer or rater.</summary>
    Observer,

    /// <summary>Someone else (a parent, a partner ...).</summary>
    Other,
}

/// <summary>How a score is computed.</summary>
public enum ScoreMethod
{
    /// <summary>Sum of the (reverse-keyed where declared) item values.</summary>
    Sum,

    /// <summary>Mean of the answered (reverse-keyed where declared) item values.</summary>
    Mean,

    /// <summary>An expression over item values and other scores.</summary>
    Expression,
}

/// <summary>How urgent a raised flag is.</summary>
public enum FlagSeverity
{
    /// <summary>Needs attention now (for example a risk item endorsed).</summary>
    Critical,

    /// <summary>Worth a look.</summary>
    Warning,

    /// <summary>For information.</summary>
    Info,
}

/// <summary>Whether and how a score's value is rounded.</summary>
public enum RoundingMethod
{
    /// <summary>The value is not rounded (the definition says so).</summary>
    None,

    /// <summary>The value is rounded to the nearest multiple of 10^-<see cref="RoundingRule.Digits"/>.</summary>
    Nearest,
}

/// <summary>Which way a value exactly halfway between two rounded values goes.</summary>
public enum RoundingTies
{
    /// <summary>Not given: an error (INS1150) for <see cref="RoundingMethod.Nearest"/>, which must state its tie rule.</summary>
    Unspecified,

    /// <summary>Halves go up, toward positive infinity (2.5 to 3, -2.5 to -2).</summary>
    HalfUp,

    /// <summary>Halves go down, toward negative infinity (2.5 to 2, -2.5 to -3).</summary>
    HalfDown,

    /// <summary>Halves go to the even neighbour (2.5 to 2, 3.5 to 4).</summary>
    HalfEven,

    /// <summary>Halves go away from zero (2.5 to 3, -2.5 to -3).</summary>
    HalfAwayFromZero,

    /// <summary>
    /// The source does not say how a tie is rounded: a value exactly halfway is left unrounded and reported (RSP2015);
    /// any other value is rounded to the nearest, which every tie rule agrees on.
    /// </summary>
    Unstated,
}
