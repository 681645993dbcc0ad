namespace Instruments.Course;

/// <summary>What an <see cref="Occasion"/> is: a number (a session number, a week) or a calendar date.</summary>
public enum OccasionKind : byte
{
    /// <summary>A finite number, such as a session number (<c>1</c>, <c>2.5</c>).</summary>
    Number,

    /// <summary>An ISO 8601 calendar date written <c>yyyy-MM-dd</c>.</summary>
    Date,
}
