namespace WalletCrew.Plugins.Host.Store;

/// <summary>A queued write whose caller waits for a result of type <typeparamref name="T"/>.</summary>
internal sealed class SqliteWrite<T> : SqliteWrite, IDisposable
{
    private readonly Func<SqliteStatements, Task<T>> _run;
    private readonly QueuedAnswer<T> _answer = new();
    private readonly CancellationTokenRegistration _cancellation;
    private T? _result;

    public SqliteWrite(Func<SqliteStatements, Task<T>> run, CancellationToken cancellationToken)
    {
        _run = run;
        _cancellation = cancellationToken.Register(() => _answer.TryCancel(cancellationToken));
    }

    public Task<T> Answer => _answer.Task;

    public override bool TryStart() => _answer.TryStart();

    public override async Task RunAsync(SqliteStatements statements) => _result = await _run(statements).ConfigureAwait(false);

    public override void Succeed() => _answer.Succeed(_result!);

    public override void Fail(Exception exception) => _answer.Fail(exception);

    public void Dispose() => _cancellation.Dispose();
}
