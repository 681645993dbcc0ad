namespace Instruments.Threading;

/// <summary>
/// Orders the background work of a process's start-up. Work a command will wait for (parsing instrument files ahead,
/// <see cref="EnterCritical"/>) goes first; work that only saves time later (compiling hot loops ahead of their first
/// call) waits while such work runs (<see cref="WaitWhileCritical"/>), so that on a machine with few cores the two do
/// not share a core while the command's main thread waits for the first.
/// </summary>
internal static class StartupWork
{
    private static readonly object Gate = new();
    private static readonly ManualResetEventSlim Idle = new(initialState: true);
    private static int _critical;

    /// <summary>Whether critical work runs now.</summary>
    public static bool IsCritical => !Idle.IsSet;

    /// <summary>Marks critical work as started; pair with <see cref="ExitCritical"/>.</summary>
    public static void EnterCritical()
    {
        lock (Gate)
        {
            if (++_critical == 1)
            {
                Idle.Reset();
            }
        }
    }

    /// <summary>Marks critical work as finished.</summary>
    public static void ExitCritical()
    {
        lock (Gate)
        {
            if (--_critical == 0)
            {
                Idle.Set();
            }
        }
    }

    /// <summary>Waits until no critical work runs, or until <paramref name="deadline"/> (a value of <see cref="Environment.TickCount64"/>, in milliseconds) passes.</summary>
    public static void WaitWhileCritical(long deadline)
    {
        var left = deadline - Environment.TickCount64;
        if (left > 0)
        {
            Idle.Wait((int)Math.Min(left, int.MaxValue));
        }
    }
}
