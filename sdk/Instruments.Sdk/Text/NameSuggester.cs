namespace Instruments.Text;

/// <summary>Finds the names closest to a misspelled one, for "did you mean" hints.</summary>
internal static class NameSuggester
{
    /// <summary>
    /// Returns up to <paramref name="max"/> candidates within a small edit distance of <paramref name="name"/>
    /// (case-insensitive), closest first.
    /// </summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var limit = Math.Max(1, Math.Min(3, name.Length / 3 + 1));
        var lower = name.ToLowerInvariant();
        // Plain loops rather than LINQ over (name, distance) tuples: those generic instantiations cannot be precompiled
        // and were jitted at every start-up of a command that resolves a protocol by name (about 6 ms).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var close = new List<string>();
        var distances = new List<int>();
        foreach (var candidate in candidates)
        {
            if (!seen.Add(candidate))
            {
                continue;
            }

            var distance = Distance(lower, candidate.ToLowerInvariant());
            if (distance <= limit || candidate.Contains(name, StringComparison.OrdinalIgnoreCase)
                || (name.Length >= 3 && name.Contains(candidate, StringComparison.OrdinalIgnoreCase)))
            {
                // Insertion in order: distance, then name (ordinal); candidates are few.
                var at = close.Count;
                while (at > 0 && (distances[at - 1] > distance || (distances[at - 1] == distance && string.CompareOrdinal(close[at - 1], candidate) > 0)))
                {
                    at--;
                }

                close.Insert(at, candidate);
                distances.Insert(at, distance);
            }
        }

        var keep = Math.Max(max, 0);
        if (close.Count > keep)
        {
            close.RemoveRange(keep, close.Count - keep);
        }

        return close;
    }

    /// <summary>Formats a "; did you mean 'x'?" suffix, or an empty string when nothing is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var close = Closest(name, candidates);
        return close.Count switch
        {
            0 => string.Empty,
            1 => $"; did you mean '{close[0]}'?",
            _ => "; did you mean " + string.Join(" or ", close.Select(c => "'" + c + "'")) + "?",
        };
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
            }
        }

        return d[a.Length, b.Length];
    }
}
