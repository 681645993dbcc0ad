using Instruments.Threading;

namespace Instruments.Sdk.Tests.Threading;

/// <summary>Optional start-up work waits while critical work runs, and never past its deadline.</summary>
[Collection(nameof(StartupWorkTests))]
public sealed class StartupWorkTests
{
    [Fact]
    public void CriticalWork_Nests_AndEndsWithItsLastExit()
    {
        Assert.False(StartupWork.IsCritical);
        StartupWork.EnterCritical();
        StartupWork.EnterCritical();
        Assert.True(StartupWork.IsCritical);
        StartupWork.ExitCritical();
        Assert.True(StartupWork.IsCritical);
        StartupWork.ExitCritical();
        Assert.False(StartupWork.IsCritical);
    }

    [Fact]
    public async Task Waiting_EndsWhenTheCriticalWorkEnds_OrAtTheDeadline()
    {
        // Nothing critical: no wait at all, whatever the deadline.
        StartupWork.WaitWhileCritical(long.MaxValue);

        StartupWork.EnterCritical();
        try
        {
            // A deadline already past: no wait.
            StartupWork.WaitWhileCritical(Environment.TickCount64 - 1);
            var waiter = Task.Run(() => StartupWork.WaitWhileCritical(long.MaxValue));
            await Task.Delay(50);
            Assert.False(waiter.IsCompleted);
            StartupWork.ExitCritical();
            await waiter.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (StartupWork.IsCritical)
            {
                StartupWork.ExitCritical();
            }
        }
    }
}
