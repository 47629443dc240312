using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Group commit on PostgreSQL: callers queue requests, and one loop takes every request waiting (at most
/// <see cref="MaxBatch"/>) and run them together on one pooled connection, in as few round trips and one commit as the
/// <see cref="Batch"/> function makes of them; each caller is answered with its own result once that function returned, that
/// is once its batch is committed. When the server rejects a batch (a deadlock with another host, a violated constraint),
/// each of its requests runs again alone, so only the one at fault hears the error; when the connection fails, every caller of
/// the batch hears the failure and the batch is not kept. A batch runs in a span of its own (named by the owner), a child of
/// its first traced caller's span and linked to the others', so the database's spans stay in the callers' traces.
/// </summary>
/// <typeparam name="TRequest">What a caller asks to write.</typeparam>
/// <typeparam name="TResult">What the caller hears back once it is committed.</typeparam>
internal sealed class PostgresGroupCommit<TRequest, TResult> : IAsyncDisposable
{
    /// <summary>The most requests one batch takes, so one batch's latency stays bounded under any backlog.</summary>
    public const int MaxBatch = 128;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _spanName;
    private readonly string _database;
    private readonly Batch _run;
    private readonly Task _loop;

    /// <param name="dataSource">Where batches take their connections.</param>
    /// <param name="spanName">The name of each batch's span and its metric's <c>batch</c> tag.</param>
    /// <param name="run">Runs and commits one batch.</param>
    /// <remarks>
    /// One batch in flight: measured against two (one host, two alternating rounds), one loop delivered 14–23 % more events
    /// per second for 21–27 % less server CPU per event (docs/benchmarks.md §5): the requests that wait while a batch commits
    /// make the next batch larger.
    /// </remarks>
    public PostgresGroupCommit(NpgsqlDataSource dataSource, string spanName, Batch run)
    {
        _dataSource = dataSource;
        _spanName = spanName;
        _database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database ?? "";
        _run = run;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Requests queued and not yet taken into a batch.</summary>
    internal int Waiting => _queue.Reader.Count;

    /// <summary>Test hook, run by a loop just before it runs a batch, with the batch's size.</summary>
    internal Action<int>? BeforeBatch { get; set; }

    /// <summary>Runs <paramref name="requests"/> on <paramref name="connection"/> and commits them; returns one result per request, in order.</summary>
    public delegate Task<TResult[]> Batch(NpgsqlConnection connection, IReadOnlyList<TRequest> requests);

    /// <summary>Queues <paramref name="request"/> and returns its result once its batch is committed.</summary>
    /// <param name="request">The write.</param>
    /// <param name="cancellationToken">Gives up while the request waits in the queue; once its batch runs, the caller hears its outcome.</param>
    public async Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, Activity.Current?.Context ?? default);
        await using var registration = cancellationToken.Register(() => pending.Answer.TryCancel(cancellationToken)).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresGroupCommit<TRequest, TResult>), "The PostgreSQL store is stopping and takes no more writes.");
        }

        return await pending.Answer.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Requests already queued are still run and answered.
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                if (pending.Answer.TryStart())
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task RunAsync(List<Pending> batch)
    {
        using var span = StartSpan(batch);
        try
        {
            BeforeBatch?.Invoke(batch.Count);
            var results = await RunOnceAsync([.. batch.Select(p => p.Request)]).ConfigureAwait(false);
            StoreMetrics.Committed(_spanName, _database, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Answer.Succeed(results[i]);
            }
        }
        catch (PostgresException) when (batch.Count > 1)
        {
            // The server refused a statement and rolled the batch back: run each request alone, so only its own error reaches it.
            foreach (var pending in batch)
            {
                try
                {
                    pending.Answer.Succeed((await RunOnceAsync([pending.Request]).ConfigureAwait(false))[0]);
                }
                catch (Exception exception)
                {
                    pending.Answer.Fail(exception);
                }
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Answer.Fail(exception);
            }
        }
    }

    private Activity? StartSpan(List<Pending> batch)
    {
        var callers = batch.Select(p => p.Caller).Where(c => c != default).ToList();
        return callers.Count == 0 ? null
            : HostTelemetry.Source.StartActivity(_spanName, ActivityKind.Internal, callers[0], links: callers.Skip(1).Select(c => new ActivityLink(c)));
    }

    private async Task<TResult[]> RunOnceAsync(IReadOnlyList<TRequest> requests)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        return await _run(connection, requests).ConfigureAwait(false);
    }

    /// <summary>A queued request, its caller's span and its caller's answer.</summary>
    private sealed class Pending(TRequest request, ActivityContext caller)
    {
        public TRequest Request { get; } = request;

        /// <summary>The caller's span when it queued the request, or default when it had none.</summary>
        public ActivityContext Caller { get; } = caller;

        public QueuedAnswer<TResult> Answer { get; } = new();
    }
}
