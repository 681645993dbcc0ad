using Instruments.Text;

namespace Instruments.Sdk.Tests.Text;

/// <summary>"Did you mean" hints: the same names, in the same order, as the LINQ formulation written here.</summary>
public sealed class NameSuggesterTests
{
    // The reference: close by edit distance (optimal string alignment), or one name containing the other; closest
    // first, then ordinal; distinct candidates; at most max.
    private static List<string> Reference(string name, IEnumerable<string> candidates, int max)
    {
        var limit = Math.Max(1, Math.Min(3, (name.Length / 3) + 1));
        return [.. candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Osa(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.Distance <= limit || x.Name.Contains(name, StringComparison.OrdinalIgnoreCase)
                        || (name.Length >= 3 && name.Contains(x.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max).Select(x => x.Name)];
    }

    private static int Osa(string a, string b)
    {
        var d = new int[a.Length + 1][];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i] = new int[b.Length + 1];
            d[i][0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i][j] = Math.Min(Math.Min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i][j] = Math.Min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }

        return d[a.Length][b.Length];
    }

    [Fact]
    public void Closest_GivesTheReferencesNames_InItsOrder()
    {
        var random = new Random(20261130);
        const string letters = "abAB-9";
        string Word() => new([.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => letters[random.Next(letters.Length)])]);
        var checkedWithHints = 0;
        for (var trial = 0; trial < 20_000; trial++)
        {
            var name = Word();
            var candidates = Enumerable.Range(0, random.Next(0, 12)).Select(_ => Word()).ToList();
            var max = random.Next(0, 5);
            var expected = Reference(name, candidates, max);
            Assert.Equal(expected, NameSuggester.Closest(name, candidates, max));
            checkedWithHints += expected.Count > 1 ? 1 : 0;
        }

        Assert.True(checkedWithHints > 1_000, "too few trials with several hints to compare their order");
    }

    [Fact]
    public void Closest_OnTheShippedNames_SuggestsTheObviousOnes()
    {
        string[] ids = ["phq-9", "gad-7", "swls", "who-5", "wai-sr", "oci-r", "pdss-sr"];
        Assert.Equal(["phq-9"], NameSuggester.Closest("phq9", ids));
        Assert.Equal(["gad-7"], NameSuggester.Closest("GAD-7x", ids));
        Assert.Empty(NameSuggester.Closest("nhs-talking-therapies", ids));
    }
}
