namespace Instruments.Course;

/// <summary>
/// One sudden gain or sudden loss (Tang &amp; DeRubeis 1999, J Consult Clin Psychol 67:894-904; critical values for
/// missing sessions after Lutz et al. 2013, as in the R package suddengains): a shift between the administrations at
/// positions <see cref="PregainPosition"/> and <see cref="PregainPosition"/> + 1 of a series.
/// </summary>
/// <param name="PregainPosition">Position (0-based, in occasion order, counting unusable administrations) of the pregain administration n.</param>
/// <param name="Pregain">The score at the pregain administration, x(n).</param>
/// <param name="Postgain">The score at the postgain administration, x(n+1).</param>
/// <param name="Magnitude">The size of the shift in points, |x(n) - x(n+1)| (always positive).</param>
/// <param name="Reversal">
/// True when a later usable score (position n+2 or later) gives back more than half the shift (strict): for a
/// downward shift, a later score &gt; x(n+1) + magnitude/2; for an upward shift, a later score &lt; x(n+1) - magnitude/2
/// (suddengains' <c>create_bysg</c>, after Tang &amp; DeRubeis 1999).
/// </param>
public readonly record struct SuddenShift(int PregainPosition, double Pregain, double Postgain, double Magnitude, bool Reversal);
