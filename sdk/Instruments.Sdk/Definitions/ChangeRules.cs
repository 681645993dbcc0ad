using System.Collections.Immutable;

namespace Instruments.Definitions;

/// <summary>Which way a score moves when the client gets better.</summary>
public enum ChangeDirection
{
    /// <summary>Lower scores are better (symptom measures such as the PHQ-9).</summary>
    LowerIsBetter,

    /// <summary>Higher scores are better (well-being, satisfaction, alliance).</summary>
    HigherIsBetter,
}

/// <summary>How a reliable-change rule decides that a change is larger than measurement error.</summary>
public enum ReliableChangeMethod
{
    /// <summary>A change of at least <see cref="ReliableChangeRule.Threshold"/> points (inclusive).</summary>
    Fixed,

    /// <summary>
    /// Jacobson &amp; Truax (1991): |x2 - x1| / (sd * sqrt(2) * sqrt(1 - r)) &gt; critical (strict).
    /// </summary>
    JacobsonTruax,
}

/// <summary>Which Jacobson &amp; Truax (1991) cut-off a clinical-significance rule uses to decide "crossed".</summary>
public enum ClinicalCutoff
{
    /// <summary>Cut-off a: two standard deviations beyond the dysfunctional mean, in the better direction.</summary>
    A,

    /// <summary>Cut-off c: the point between the functional and dysfunctional means, weighted by their SDs.</summary>
    C,
}

/// <summary>
/// The rules that interpret change in one score across administrations: its direction, the clinical cut-off
/// (caseness), reliable-change rules, clinical significance and sudden gains. Every number carries its sources.
/// Optional on a <see cref="ScoreDefinition"/>; when present, <see cref="Direction"/> is required.
/// </summary>
public sealed class ChangeRules
{
    /// <summary>Which way the score moves when the client gets better.</summary>
    public required ChangeDirection Direction { get; init; }

    /// <summary>The clinical cut-off: which scores make a client a case. Null when none is published.</summary>
    public CasenessRule? Caseness { get; init; }

    /// <summary>Named reliable-change rules, in declaration order.</summary>
    public ImmutableArray<ReliableChangeRule> ReliableChange { get; init; } = [];

    /// <summary>Jacobson &amp; Truax (1991) clinical significance, when functional and dysfunctional norms are published.</summary>
    public ClinicalSignificanceRule? ClinicalSignificance { get; init; }

    /// <summary>Sudden-gain rule (Tang &amp; DeRubeis 1999), when declared.</summary>
    public SuddenGainRule? SuddenGains { get; init; }

    /// <summary>Named rupture-and-repair rules (for alliance scores), in declaration order; empty when none are declared.</summary>
    public ImmutableArray<RuptureRule> Ruptures { get; init; } = [];

    /// <summary>Finds a reliable-change rule by id (ordinal), or null.</summary>
    public ReliableChangeRule? FindReliableChange(string id)
    {
        foreach (var rule in ReliableChange)
        {
            if (string.Equals(rule.Id, id, StringComparison.Ordinal))
            {
                return rule;
            }
        }

        return null;
    }
}

/// <summary>
/// The clinical cut-off of a score, with its boundary stated: exactly one of <see cref="Min"/> (a score of
/// <c>Min</c> or more is a case) and <see cref="Max"/> (a score of <c>Max</c> or less is a case).
/// </summary>
public sealed class CasenessRule
{
    /// <summary>A score greater than or equal to this value is a case (inclusive).</summary>
    public double? Min { get; init; }

    /// <summary>A score less than or equal to this value is a case (inclusive).</summary>
    public double? Max { get; init; }

    /// <summary>Where the cut-off comes from (required: INS1070 when empty).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>True when <paramref name="value"/> is a case under this rule; false for NaN.</summary>
    public bool IsCase(double value) => Min is { } min ? value >= min : Max is { } max && value <= max;
}

/// <summary>A named reliable-change rule of a score.</summary>
public sealed class ReliableChangeRule
{
    /// <summary>Identifier, unique within the score (for example <c>jt</c> or <c>nhs-talking-therapies</c>).</summary>
    public required string Id { get; init; }

    /// <summary>How the rule decides.</summary>
    public required ReliableChangeMethod Method { get; init; }

    /// <summary>For <see cref="ReliableChangeMethod.Fixed"/>: the smallest change, in points, that is reliable (inclusive).</summary>
    public double? Threshold { get; init; }

    /// <summary>For <see cref="ReliableChangeMethod.JacobsonTruax"/>: the standard deviation of the reference (pre-treatment) sample.</summary>
    public double? Sd { get; init; }

    /// <summary>For <see cref="ReliableChangeMethod.JacobsonTruax"/>: the reliability (test-retest or internal consistency), 0 &lt;= r &lt; 1.</summary>
    public double? Reliability { get; init; }

    /// <summary>For <see cref="ReliableChangeMethod.JacobsonTruax"/>: the critical value the index must exceed (strict); 1.96 by default.</summary>
    public double Critical { get; init; } = 1.96;

    /// <summary>Where the rule and its numbers come from (required: INS1070 when empty).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>
    /// The standard error of the difference, sd * sqrt(2) * sqrt(1 - r), for a Jacobson-Truax rule; NaN for a fixed rule
    /// or when a parameter is missing.
    /// </summary>
    public double StandardErrorOfDifference =>
        Method == ReliableChangeMethod.JacobsonTruax && Sd is { } sd && Reliability is { } r
            ? sd * Math.Sqrt(2) * Math.Sqrt(1 - r)
            : double.NaN;

    /// <summary>
    /// The threshold in points: <see cref="Threshold"/> for a fixed rule (a change of at least this is reliable);
    /// critical * S_diff for a Jacobson-Truax rule (a change of more than this is reliable).
    /// </summary>
    public double PointThreshold => Method == ReliableChangeMethod.Fixed ? Threshold ?? double.NaN : Critical * StandardErrorOfDifference;
}

/// <summary>
/// Jacobson &amp; Truax (1991) clinical significance: the cut-offs a and c from functional and dysfunctional norms,
/// and the reliable-change rule that the categories (recovered, improved, unchanged, deteriorated) combine them with.
/// Cut-off b is not offered: reference implementations disagree on it and the paper's own text was not read.
/// </summary>
public sealed class ClinicalSignificanceRule
{
    /// <summary>Mean of the functional (non-clinical) population, M0.</summary>
    public required double FunctionalMean { get; init; }

    /// <summary>Standard deviation of the functional population, s0.</summary>
    public required double FunctionalSd { get; init; }

    /// <summary>Mean of the dysfunctional (clinical) population, M1.</summary>
    public required double DysfunctionalMean { get; init; }

    /// <summary>Standard deviation of the dysfunctional population, s1.</summary>
    public required double DysfunctionalSd { get; init; }

    /// <summary>The cut-off the categories use.</summary>
    public ClinicalCutoff Cutoff { get; init; } = ClinicalCutoff.C;

    /// <summary>Id of the score's reliable-change rule the categories use.</summary>
    public required string ReliableChange { get; init; }

    /// <summary>Where the norms come from (required: INS1070 when empty).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];

    /// <summary>Cut-off a: M1 - 2 s1 when lower is better, M1 + 2 s1 when higher is better.</summary>
    public double CutoffA(ChangeDirection direction) =>
        direction == ChangeDirection.LowerIsBetter ? DysfunctionalMean - 2 * DysfunctionalSd : DysfunctionalMean + 2 * DysfunctionalSd;

    /// <summary>Cut-off c: (s0 M1 + s1 M0) / (s0 + s1).</summary>
    public double CutoffC => (FunctionalSd * DysfunctionalMean + DysfunctionalSd * FunctionalMean) / (FunctionalSd + DysfunctionalSd);

    /// <summary>The value of the cut-off named by <see cref="Cutoff"/>.</summary>
    public double CutoffValue(ChangeDirection direction) => Cutoff == ClinicalCutoff.A ? CutoffA(direction) : CutoffC;
}

/// <summary>
/// Sudden gains (Tang &amp; DeRubeis 1999) between consecutive administrations n and n+1: the gain is at least the
/// cut-off (inclusive), at least <see cref="Relative"/> of the pregain score (inclusive), and, when
/// <see cref="Stability"/> holds, the mean of n-2..n minus the mean of n+1..n+3 exceeds t times the pooled SD
/// (t = 2.776, 3.182 or 4.303 by the number of values available, after Lutz et al. 2013). Sudden losses mirror gains.
/// </summary>
public sealed class SuddenGainRule
{
    /// <summary>The absolute cut-off in points, when stated as a number; exactly one of this and <see cref="ReliableChange"/>.</summary>
    public double? Cutoff { get; init; }

    /// <summary>Id of the score's reliable-change rule whose point threshold is the cut-off.</summary>
    public string? ReliableChange { get; init; }

    /// <summary>The relative criterion: the gain is at least this fraction of the pregain score; 0.25 by default.</summary>
    public double Relative { get; init; } = 0.25;

    /// <summary>Whether the third (stability) criterion applies; true by default.</summary>
    public bool Stability { get; init; } = true;

    /// <summary>Where the rule comes from (required: INS1070 when empty).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];
}

/// <summary>
/// A named rupture-and-repair rule: between consecutive usable administrations, a rupture when the score worsens by at
/// least <see cref="K"/> standard deviations (the client's own series SD when <see cref="ClientSd"/>, otherwise the
/// stated sample <see cref="Sd"/>) or by at least <see cref="Points"/> (inclusive); a repair when a later usable
/// administration, within <see cref="RepairWithin"/> usable administrations when stated, is back at or beyond the
/// pre-rupture level. Exactly one of <see cref="K"/> and <see cref="Points"/> is given (INS1120). See docs/alliance.md,
/// "Ruptures and repairs".
/// </summary>
public sealed class RuptureRule
{
    /// <summary>Identifier, unique among the score's rupture rules (for example <c>stiles-2004</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The smallest worsening, in standard deviations, that is a rupture (inclusive); null for a points rule.</summary>
    public double? K { get; init; }

    /// <summary>With <see cref="K"/>: the SD is the client's own (sample SD of the client's usable values; <c>sd: client</c>).</summary>
    public bool ClientSd { get; init; }

    /// <summary>With <see cref="K"/>: a stated sample SD, when the SD is not the client's own.</summary>
    public double? Sd { get; init; }

    /// <summary>The smallest worsening, in points, that is a rupture (inclusive); null for an SD rule.</summary>
    public double? Points { get; init; }

    /// <summary>
    /// How many later usable administrations a repair may take (at least 1); null when any later administration may
    /// repair the rupture.
    /// </summary>
    public int? RepairWithin { get; init; }

    /// <summary>Where the rule and its numbers come from (required: INS1070 when empty).</summary>
    public ImmutableArray<string> Sources { get; init; } = [];
}
