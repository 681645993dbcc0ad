using Instruments.Diagnostics;

namespace Instruments.Definitions;

/// <summary>
/// Maps a path inside a definition (such as <c>scores[1].items[2]</c> or <c>flags[0].when</c>) to the
/// place in the source file it came from. The YAML compiler supplies one; definitions built in C# have none.
/// </summary>
/// <remarks>
/// Paths: <c>instrument</c>, <c>version</c>, <c>license.texts</c>, <c>missing_codes[i]</c>,
/// <c>response_scales.ID</c>, <c>response_scales.ID.options[i].value</c>, <c>items[i]</c>,
/// <c>items[i].id|scale|text|reverse</c>, <c>scores[i]</c>, <c>scores[i].id|items|expression|method</c>,
/// <c>scores[i].items[j]</c>, <c>scores[i].missing.max|prorate</c>, <c>scores[i].bands[j]</c>,
/// <c>scores[i].change</c>, <c>scores[i].change.direction</c>, <c>scores[i].change.caseness.min|max</c>,
/// <c>scores[i].change.reliable_change[j].id|method|threshold|sd|reliability|critical</c>,
/// <c>scores[i].change.clinical_significance.functional|dysfunctional.mean|sd</c> (and <c>.cutoff</c>, <c>.reliable_change</c>),
/// <c>scores[i].change.sudden_gains.cutoff|reliable_change|relative</c>,
/// <c>flags[i]</c>, <c>flags[i].id|when</c>, <c>examples[i].responses.ID</c> and
/// <c>examples[i].expect.scores|bands.ID</c> (the key) with <c>.value</c> after it for the value; series examples are
/// <c>course_examples[i]</c> with <c>.name</c>, <c>.series[j].occasion</c>, <c>.series[j].responses.ID</c>,
/// <c>.expect.SCORE</c>, <c>.expect.SCORE.FIELD</c>, <c>.expect.SCORE.reliable_change.RULE</c> and
/// <c>.expect.SCORE.sudden_gains[k]</c>. A locator that does not know a path tries its parent.
/// </remarks>
internal abstract class SourceLocator
{
    public static readonly SourceLocator None = new NoSource();

    /// <summary>The location of the node at <paramref name="path"/> (or its nearest known parent).</summary>
    public abstract Location Locate(string path);

    /// <summary>
    /// The location of <paramref name="length"/> characters at <paramref name="offset"/> inside the scalar
    /// value at <paramref name="path"/> (for expression errors).
    /// </summary>
    public abstract Location LocateInScalar(string path, int offset, int length);

    private sealed class NoSource : SourceLocator
    {
        public override Location Locate(string path) => Location.None;

        public override Location LocateInScalar(string path, int offset, int length) => Location.None;
    }
}
