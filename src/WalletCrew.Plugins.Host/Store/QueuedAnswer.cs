namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The answer to a write queued for a store's group commit (<see cref="SqliteWriter"/>, <see cref="PostgresGroupCommit{TRequest, TResult}"/>):
/// the write is taken into a batch at most once, unless its caller gave up while it waited, and its caller hears the outcome
/// of the batch it was taken into, never a cancellation after that (so a write is never committed unseen).
/// </summary>
/// <typeparam name="T">What the caller hears back.</typeparam>
internal sealed class QueuedAnswer<T>
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    /// <summary>Completes with the write's result once its batch is committed, or with its failure or cancellation.</summary>
    public Task<T> Task => _answer.Task;

    /// <summary>Marks the write as taken into a batch; false when its caller gave up while it waited (the write is then skipped).</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

    /// <summary>Answers the caller with a cancellation, unless the write was already taken into a batch.</summary>
    public void TryCancel(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _answer.TrySetCanceled(cancellationToken);
        }
    }

    /// <summary>Answers the caller with the result, now that it is durable.</summary>
    public void Succeed(T result) => _answer.TrySetResult(result);

    /// <summary>Answers the caller with the failure; nothing of the write was kept.</summary>
    public void Fail(Exception exception) => _answer.TrySetException(exception);
}
