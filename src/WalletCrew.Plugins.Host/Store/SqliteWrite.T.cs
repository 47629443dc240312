namespace WalletCrew.Plugins.Host.Store;

/// <summary>A queued write whose caller waits for a result of type <typeparamref name="T"/>.</summary>
internal sealed class SqliteWrite<T> : SqliteWrite, IDisposable
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    private readonly Func<SqliteStatements, Task<T>> _run;
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _cancellation;
    private T? _result;
    private int _state;

    public SqliteWrite(Func<SqliteStatements, Task<T>> run, CancellationToken cancellationToken)
    {
        _run = run;
        _cancellation = cancellationToken.Register(() =>
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                _answer.TrySetCanceled(cancellationToken);
            }
        });
    }

    public Task<T> Answer => _answer.Task;

    public override bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

    public override async Task RunAsync(SqliteStatements statements) => _result = await _run(statements).ConfigureAwait(false);

    public override void Succeed() => _answer.TrySetResult(_result!);

    public override void Fail(Exception exception) => _answer.TrySetException(exception);

    public void Dispose() => _cancellation.Dispose();
}
