namespace Instruments.Course;

/// <summary>
/// The outcome of one reliable-change rule for a change between two administrations: whether the change is larger
/// than the rule's threshold, and in which direction (after the score's <see cref="Definitions.ChangeDirection"/>).
/// Fixed rules: a change of at least the threshold (inclusive). Jacobson &amp; Truax (1991): |index| &gt; critical (strict).
/// </summary>
public enum ChangeOutcome
{
    /// <summary>A reliable change in the better direction.</summary>
    Improved,

    /// <summary>No reliable change (the change is within the rule's threshold).</summary>
    Unchanged,

    /// <summary>A reliable change in the worse direction.</summary>
    Deteriorated,
}

/// <summary>
/// The Jacobson &amp; Truax (1991) clinical-significance categories, as implemented by the R package
/// clinicalsignificance (<c>.calc_recovered</c>): recovered = reliably improved and crossed the cut-off from the
/// dysfunctional to the functional side; improved = reliably improved otherwise; unchanged; deteriorated.
/// The package's extra "harmed" category is not used.
/// </summary>
public enum ClinicalCategory
{
    /// <summary>Reliably improved, not functional at the first administration and functional at the last.</summary>
    Recovered,

    /// <summary>Reliably improved without crossing into the functional range.</summary>
    Improved,

    /// <summary>No reliable change.</summary>
    Unchanged,

    /// <summary>Reliably changed in the worse direction.</summary>
    Deteriorated,
}

/// <summary>Why a course has no change (fewer than two usable administrations).</summary>
public enum NoChangeReason
{
    /// <summary>The course has a change: at least two usable administrations.</summary>
    None,

    /// <summary>No administration has a usable value (every one is missing, invalid or not finite).</summary>
    NoUsableAdministration,

    /// <summary>Only one administration has a usable value: there is a first value but nothing to compare it with.</summary>
    OneUsableAdministration,
}
