namespace Instruments.Tests.Shared;

/// <summary>
/// Measures what a hot path allocates in its steady state. One pass runs the path over many rows; the result is the
/// fewest bytes any of several passes allocated, after a warm-up pass. A one-off allocation by the runtime (a method
/// tiering up, a shared array pool refilling after a gen 2 trim) lands in one pass at most, so it cannot fail the test;
/// an allocation per row or per call lands in every pass, so it always does.
/// </summary>
internal static class Allocations
{
    /// <summary>The fewest bytes one call of <paramref name="pass"/> allocated on this thread, over up to <paramref name="passes"/> measured calls.</summary>
    public static long SteadyState(Action pass, int passes = 5)
    {
        pass();   // warm up: buffers grow, keys are interned, methods are compiled
        var least = long.MaxValue;
        for (var i = 0; i < passes && least > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            pass();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
