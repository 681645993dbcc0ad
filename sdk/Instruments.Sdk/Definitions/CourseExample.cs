using System.Collections.Immutable;
using Instruments.Course;

namespace Instruments.Definitions;

/// <summary>
/// A worked example of change across administrations: a client's series of responses, in occasion order, and what
/// the change rules must make of each score's course (<see cref="CourseAnalyzer"/>). Written in the definition's
/// <c>examples:</c> list with <c>series:</c> instead of <c>responses:</c>; run by <see cref="Testing.ExampleRunner"/>
/// and <c>instruments test</c>.
/// </summary>
public sealed class CourseExample
{
    /// <summary>A short name, unique among all the instrument's examples.</summary>
    public required string Name { get; init; }

    /// <summary>Where the expectation comes from: a published worked example, or "computed from the published rule in ...".</summary>
    public required string Source { get; init; }

    /// <summary>The administrations, in occasion order.</summary>
    public ImmutableArray<CourseAdministration> Series { get; init; } = [];

    /// <summary>What each score's course must give, by score id.</summary>
    public ImmutableDictionary<string, CourseExpectation> Expect { get; init; } = ImmutableDictionary<string, CourseExpectation>.Empty;
}

/// <summary>One administration of a <see cref="CourseExample"/>: its occasion and its responses.</summary>
public sealed class CourseAdministration
{
    /// <summary>The occasion as written (a session number or a date); unique within the series (compared as text).</summary>
    public required string Occasion { get; init; }

    /// <summary>The responses, as in <see cref="InstrumentExample.Responses"/>: item id to value; null or absent is "not answered".</summary>
    public ImmutableDictionary<string, string?> Responses { get; init; } = ImmutableDictionary<string, string?>.Empty;
}

/// <summary>
/// A field of a <see cref="CourseExpectation"/>: either not stated (not checked) or stated with a value, where a
/// null value states that the course has no such value (for example no last value with one usable administration).
/// </summary>
/// <typeparam name="T">The field's type.</typeparam>
public readonly struct Expected<T> : IEquatable<Expected<T>>
    where T : struct
{
    /// <summary>States the field with <paramref name="value"/> (null: the course must have no value here).</summary>
    public Expected(T? value)
    {
        IsStated = true;
        Value = value;
    }

    /// <summary>True when the example states this field (only stated fields are checked).</summary>
    public bool IsStated { get; }

    /// <summary>The expected value; null when the field is stated as absent (or not stated).</summary>
    public T? Value { get; }

    /// <summary>States a field.</summary>
    public static implicit operator Expected<T>(T? value) => new(value);

    /// <inheritdoc/>
    public bool Equals(Expected<T> other) => IsStated == other.IsStated && Nullable.Equals(Value, other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Expected<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsStated, Value);

    /// <summary>Equality of two fields.</summary>
    public static bool operator ==(Expected<T> left, Expected<T> right) => left.Equals(right);

    /// <summary>Inequality of two fields.</summary>
    public static bool operator !=(Expected<T> left, Expected<T> right) => !left.Equals(right);

    /// <summary><c>(not stated)</c>, <c>null</c> or the value.</summary>
    public override string ToString() => !IsStated ? "(not stated)" : Value?.ToString() ?? "null";
}

/// <summary>
/// What one score's course must give in a <see cref="CourseExample"/>. Only stated fields are checked; numbers are
/// compared within <see cref="Testing.ExampleRunner.Tolerance"/>.
/// </summary>
public sealed class CourseExpectation
{
    /// <summary>The first usable value (<see cref="ScoreCourse.First"/>).</summary>
    public Expected<double> First { get; init; }

    /// <summary>The last usable value (<see cref="ScoreCourse.Last"/>).</summary>
    public Expected<double> Last { get; init; }

    /// <summary>Last minus first (<see cref="ScoreCourse.Change"/>).</summary>
    public Expected<double> Change { get; init; }

    /// <summary>Case at the first administration (<see cref="ScoreCourse.CaseFirst"/>).</summary>
    public Expected<bool> CaseFirst { get; init; }

    /// <summary>Case at the last administration (<see cref="ScoreCourse.CaseLast"/>).</summary>
    public Expected<bool> CaseLast { get; init; }

    /// <summary>Recovered: a case at first and not at last (<see cref="ScoreCourse.Recovered"/>).</summary>
    public Expected<bool> Recovered { get; init; }

    /// <summary>Expected outcomes by reliable-change rule id; a null value means "no outcome" (no change).</summary>
    public ImmutableDictionary<string, ChangeOutcome?> ReliableChange { get; init; } = ImmutableDictionary<string, ChangeOutcome?>.Empty;

    /// <summary>The clinical-significance category (<see cref="ScoreCourse.Category"/>).</summary>
    public Expected<ClinicalCategory> Category { get; init; }

    /// <summary>The occasions of the pregain administrations of the sudden gains, exactly and in order; null: not checked.</summary>
    public ImmutableArray<string>? SuddenGains { get; init; }

    /// <summary>The occasions of the pregain administrations of the sudden losses, exactly and in order; null: not checked.</summary>
    public ImmutableArray<string>? SuddenLosses { get; init; }

    /// <summary>
    /// By rupture rule id: the occasions of the ruptures (<see cref="RuptureCourse.Ruptures"/>), exactly and in order
    /// (empty: none). Rules not named are not checked.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Ruptures { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>
    /// By rupture rule id: the repair occasions of the repaired ruptures, in the order of the ruptures (an occasion that
    /// repairs two ruptures is listed twice; empty: none repaired). Rules not named are not checked.
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<string>> Repairs { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    /// <summary>The early-alliance slope (<see cref="ScoreCourse.EarlySlope"/>).</summary>
    public Expected<double> EarlySlope { get; init; }
}
