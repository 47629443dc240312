namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Picks the wait before the next attempt from the ladder, with jitter; null when the ladder is used up.</summary>
internal sealed class RetryLadder(IReadOnlyList<TimeSpan> schedule, double jitterRatio, Random random)
{
    /// <summary>Returns the wait after the given number of consecutive failures (1 = the first attempt failed), or null to dead-letter.</summary>
    public TimeSpan? Next(int failures) => failures < 1 || failures > schedule.Count ? null : Jitter(schedule[failures - 1]);

    /// <summary>Spreads a wait by the jitter ratio, so deferred events do not all come due at once.</summary>
    public TimeSpan Jitter(TimeSpan wait)
    {
        var factor = 1 + (jitterRatio * ((random.NextDouble() * 2) - 1));
        return TimeSpan.FromTicks((long)(wait.Ticks * factor));
    }
}
