namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Picks the wait before the next attempt from the ladder, with jitter; null when the ladder is used up.</summary>
internal sealed class RetryLadder(IReadOnlyList<TimeSpan> schedule, double jitterRatio, Random random)
{
    /// <summary>Returns the wait after the given number of consecutive failures (1 = the first attempt failed), or null to dead-letter.</summary>
    public TimeSpan? Next(int failures)
    {
        if (failures < 1 || failures > schedule.Count)
        {
            return null;
        }

        var step = schedule[failures - 1];
        var factor = 1 + (jitterRatio * ((random.NextDouble() * 2) - 1));
        return TimeSpan.FromTicks((long)(step.Ticks * factor));
    }
}
