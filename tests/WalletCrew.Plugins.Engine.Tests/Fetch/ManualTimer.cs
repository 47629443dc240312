namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>A timer of <see cref="ManualTimeProvider"/>.</summary>
internal sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
{
    private TimeSpan _period = Timeout.InfiniteTimeSpan;

    /// <summary>Gets or sets when the timer fires next; <see langword="null"/> when stopped.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        _period = period;
        clock.Schedule(this, dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime);
        return true;
    }

    public void Fire()
    {
        clock.Schedule(this, _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : DueAt + _period);
        callback(state);
    }

    public void Dispose() => clock.Schedule(this, null);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
