using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Admin;

/// <summary>A tenant's sandboxed worker as the admin API shows it: <c>state</c> is <c>not-started</c>, <c>starting</c>, <c>running</c> or <c>stopped</c>;
/// <c>lastStop</c> says why the previous worker ended (idle, made room, killed past a deadline, crashed, memory limit).</summary>
internal sealed record WorkerView(string State, int? ProcessId, DateTimeOffset? StartedAt, int InFlight, string? LastStop, DateTimeOffset? LastStopAt)
{
    public static WorkerView? From(WorkerStatus? status) => status is null ? null : new(
        status.State switch
        {
            WorkerState.Starting => "starting",
            WorkerState.Running => "running",
            WorkerState.Stopped => "stopped",
            _ => "not-started",
        },
        status.ProcessId, status.StartedAt, status.InFlight, status.LastStop, status.LastStopAt);
}
