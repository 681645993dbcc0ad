using System.Globalization;

namespace Instruments.Diagnostics;

/// <summary>
/// Where a diagnostic applies: a file path and a span given as 1-based line and column numbers
/// (the way editors and compilers print them). <see cref="None"/> is used where no source exists,
/// for example for definitions built in C#.
/// </summary>
public sealed class Location : IEquatable<Location>
{
    /// <summary>No location.</summary>
    public static readonly Location None = new(string.Empty, 0, 0, 0, 0);

    /// <summary>Creates a location. Line and column numbers are 1-based; 0 means unknown.</summary>
    public Location(string path, int line, int column, int endLine, int endColumn)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(line);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        Path = path;
        Line = line;
        Column = column;
        EndLine = Math.Max(endLine, line);
        EndColumn = endLine > line ? endColumn : Math.Max(endColumn, column);
    }

    /// <summary>Creates a location covering one position in a file.</summary>
    public static Location At(string path, int line, int column) => new(path, line, column, line, column);

    /// <summary>Creates a location that names a file without a position.</summary>
    public static Location InFile(string path) => new(path, 0, 0, 0, 0);

    /// <summary>The file path as the user gave it; empty when there is no source.</summary>
    public string Path { get; }

    /// <summary>1-based start line; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based start column; 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>1-based end line (inclusive).</summary>
    public int EndLine { get; }

    /// <summary>1-based end column (exclusive).</summary>
    public int EndColumn { get; }

    /// <summary>True when the location names a source file.</summary>
    public bool HasPath => Path.Length > 0;

    /// <summary>True when the location has a line and column.</summary>
    public bool HasPosition => Line > 0;

    /// <summary>A location <paramref name="offset"/> characters to the right on the same line, <paramref name="length"/> long.</summary>
    public Location Shift(int offset, int length) =>
        HasPosition ? new Location(Path, Line, Column + offset, Line, Column + offset + Math.Max(length, 0)) : this;

    /// <summary>Formats as the compiler convention: <c>path(line,col)</c>, <c>path</c> or empty.</summary>
    public override string ToString() =>
        !HasPath ? string.Empty
        : HasPosition ? string.Create(CultureInfo.InvariantCulture, $"{Path}({Line},{Column})")
        : Path;

    /// <inheritdoc />
    public bool Equals(Location? other) =>
        other is not null && other.Path == Path && other.Line == Line && other.Column == Column
        && other.EndLine == EndLine && other.EndColumn == EndColumn;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Location);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, Line, Column, EndLine, EndColumn);
}
