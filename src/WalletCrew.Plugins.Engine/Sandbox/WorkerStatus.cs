namespace WalletCrew.Plugins.Engine;

/// <summary>A tenant's sandboxed worker as an operator sees it: whether it runs, since when, how busy, and why it last stopped.</summary>
/// <param name="State">Whether the worker runs now, or is starting.</param>
/// <param name="ProcessId">The worker's outermost process id (bubblewrap's) while it starts or runs.</param>
/// <param name="StartedAt">When the starting or running worker started.</param>
/// <param name="InFlight">The invocations it is running now (0: idle).</param>
/// <param name="LastStop">Why the previous worker of this tenant ended (stopped idle, made room, killed past a deadline, crashed, memory limit), or <see langword="null"/>.</param>
/// <param name="LastStopAt">When it ended.</param>
public sealed record WorkerStatus(WorkerState State, int? ProcessId, DateTimeOffset? StartedAt, int InFlight, string? LastStop, DateTimeOffset? LastStopAt);

/// <summary>Whether a tenant's sandboxed worker runs.</summary>
public enum WorkerState
{
    /// <summary>No worker has run for this tenant in this process yet (a restart with unchanged files starts none until the first call).</summary>
    NotStarted,

    /// <summary>A worker's process runs and is loading the tenant's connectors; calls wait for it.</summary>
    Starting,

    /// <summary>A worker runs.</summary>
    Running,

    /// <summary>The last worker ended; the next call starts a fresh one (<see cref="WorkerStatus.LastStop"/> says why it ended).</summary>
    Stopped,
}
