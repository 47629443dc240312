using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// The compute budget of one invocation as the inserted checkpoints see it: a wall-time deadline read from
/// <see cref="Stopwatch"/> timestamps, and the stack. Once spent it stays spent, so a <c>catch</c> cannot resume the work.
/// </summary>
internal sealed class ExecutionBudget : ICheckpointBudget
{
    /// <summary>How long a waiter gives past the deadline, so a checkpoint's error (with its line) wins over a bare timeout: on
    /// a loaded machine the looping thread may wait for a core past its deadline before its next checkpoint runs (a clean-clone
    /// run on two busy cores lost a top-level loop's error to the bare timeout with 100 ms; 127 ms late was seen before).
    /// Code blocked where no checkpoint runs is reported this much later.</summary>
    public static readonly TimeSpan CheckpointGrace = TimeSpan.FromSeconds(1);

    // What End records. Never thrown itself (a checkpoint throws a copy, see Again), so one instance serves every invocation.
    private static readonly ExecutionLimitExceededException Over = LimitMessages.InvocationOver();

    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly long _deadline;
    private readonly TimeSpan _limit;
    private readonly CancellationToken _cancellation;
    private readonly string _setting;
    private volatile ExecutionLimitExceededException? _spent;

    public ExecutionBudget(TimeSpan limit, CancellationToken cancellation = default, string setting = LimitMessages.InvocationTimeoutSetting)
    {
        _limit = limit;
        _cancellation = cancellation;
        _setting = setting;
        _deadline = _started + (long)(limit.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Gets the breach a checkpoint found, or <see langword="null"/> while the budget lasts.</summary>
    public ExecutionLimitExceededException? Breach => _spent;

    public void Check()
    {
        if (_spent is { } spent)
        {
            throw Again(spent);
        }

        if (Stopwatch.GetTimestamp() >= _deadline)
        {
            throw Spend(LimitMessages.WallTimeExceeded(_limit, Stopwatch.GetElapsedTime(_started), _setting));
        }

        // The caller gave up (host shutdown): stop as soon as possible, without calling it a limit breach.
        _cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Ends the budget with its invocation: work the invocation left running (an un-awaited task, a continuation) stops at its
    /// next checkpoint, with the error in its own task, instead of running on after the hook returned.
    /// </summary>
    public void End() => Spend(Over);

    public void StackExhausted()
    {
        if (_spent is { } spent)
        {
            throw Again(spent);
        }

        throw Spend(LimitMessages.StackExhausted(new StackTrace(fNeedFileInfo: false).FrameCount));
    }

    public void TooDeep(int depth, int limit, string what)
    {
        if (_spent is { } spent)
        {
            throw Again(spent);
        }

        throw Spend(LimitMessages.TooDeep(depth, limit, what));
    }

    private ExecutionLimitExceededException Spend(ExecutionLimitExceededException breach)
    {
        _spent ??= breach;
        return breach;
    }

    // A fresh exception each time: the same instance thrown on several threads would mix their stack traces.
    private static ExecutionLimitExceededException Again(ExecutionLimitExceededException spent) =>
        new(spent.Message, spent.Limit, spent.Used, spent.Setting);
}
