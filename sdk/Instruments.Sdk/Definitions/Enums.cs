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
