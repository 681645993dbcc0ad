using System.Globalization;

namespace Instruments.Hosting;

/// <summary>
/// A range of SDK versions a plugin was built for: space-separated comparators that must all hold, each
/// <c>&gt;=</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&lt;</c> or <c>=</c> followed by <c>major.minor.patch</c>
/// (for example <c>&gt;=0.1.0 &lt;1.0.0</c>). A bare version means <c>&gt;=</c> that version within its major version.
/// </summary>
internal sealed class VersionRange
{
    private readonly List<(string Op, Version Version)> _comparators;

    private VersionRange(string text, List<(string Op, Version Version)> comparators)
    {
        Text = text;
        _comparators = comparators;
    }

    public string Text { get; }

    public static VersionRange? Parse(string text)
    {
        var comparators = new List<(string, Version)>();
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var op = part.StartsWith(">=", StringComparison.Ordinal) || part.StartsWith("<=", StringComparison.Ordinal) ? part[..2]
                : part[0] is '>' or '<' or '=' ? part[..1]
                : string.Empty;
            if (!TryVersion(part[op.Length..], out var version))
            {
                return null;
            }

            if (op.Length == 0)
            {
                comparators.Add((">=", version));
                comparators.Add(("<", new Version(version.Major + 1, 0, 0)));
            }
            else
            {
                comparators.Add((op, version));
            }
        }

        return comparators.Count == 0 ? null : new VersionRange(text, comparators);
    }

    public bool Contains(Version version)
    {
        var v = new Version(version.Major, version.Minor, Math.Max(version.Build, 0));
        foreach (var (op, bound) in _comparators)
        {
            var c = v.CompareTo(bound);
            var ok = op switch
            {
                ">=" => c >= 0,
                ">" => c > 0,
                "<=" => c <= 0,
                "<" => c < 0,
                _ => c == 0,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    private static bool TryVersion(string text, out Version version)
    {
        version = new Version(0, 0, 0);
        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        version = new Version(numbers[0], numbers[1], numbers[2]);
        return true;
    }
}
