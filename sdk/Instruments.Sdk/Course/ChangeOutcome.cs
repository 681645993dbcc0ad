namespace Instruments.Course;

/// <summary>The outcome of a reliable-change rule for one score between two administrations.</summary>
public enum ChangeOutcome
{
    /// <summary>The score changed reliably in the better direction.</summary>
    Improved,

    /// <summary>The change is within the rule's threshold.</summary>
    Unchanged,

    /// <summary>The score changed reliably in the worse direction.</summary>
    Deteriorated,
}
