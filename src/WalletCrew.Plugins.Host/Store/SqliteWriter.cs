using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The one writer of a SQLite store (group commit): a loop that takes every write waiting in its queue, runs them in one
/// <c>BEGIN IMMEDIATE</c> transaction on its own connection with reused prepared statements, commits once (one fsync with
/// <c>synchronous=FULL</c>), and only then answers each caller. A write that throws is undone alone and answered with its
/// exception (the batch then runs again with a savepoint per write); a batch whose commit fails answers every write in it
/// with the failure and keeps none. Copying the log into the file is a <see cref="SqliteCheckpointer"/>'s work, on a thread
/// of its own; the writer checkpoints itself only when the log reaches <see cref="AutoCheckpointPages"/>.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    /// <summary>The most writes one transaction takes, so one batch's latency stays bounded under any backlog.</summary>
    public const int MaxBatch = 256;

    /// <summary>The log's size, in pages, at which the writer checkpoints itself (<see cref="SqliteCheckpointer"/> usually has already).</summary>
    public const int AutoCheckpointPages = 4000;

    private readonly Channel<SqliteWrite> _queue = Channel.CreateUnbounded<SqliteWrite>();
    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly Thread _thread;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly int _autoCheckpointPages;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteConnection? _connection;
    private SqliteStatements? _statements;
    private long _commits;

    /// <param name="path">The database file.</param>
    /// <param name="synchronous">SQLite's <c>synchronous</c> setting.</param>
    /// <param name="autoCheckpointPages">The log's size at which the writer checkpoints itself (0: never, tests only).</param>
    /// <param name="backgroundCheckpoints">Whether a <see cref="SqliteCheckpointer"/> copies the log into the file meanwhile.</param>
    public SqliteWriter(string path, string synchronous, int autoCheckpointPages = AutoCheckpointPages, bool backgroundCheckpoints = true)
    {
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        _synchronous = synchronous;
        _autoCheckpointPages = autoCheckpointPages;
        _checkpointer = backgroundCheckpoints ? new SqliteCheckpointer(_connectionString) : null;
        // A thread of its own, not the pool's: the writer is what every ingest, claim and completion waits for, so it keeps
        // its core's caches and never queues behind request work for a pool thread.
        _thread = new Thread(Run) { IsBackground = true, Name = "wcp sqlite writer" };
        _thread.Start();
    }

    /// <summary>Committed batches so far.</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>The background checkpointer, if any.</summary>
    internal SqliteCheckpointer? Checkpointer => _checkpointer;

    /// <summary>Writes queued and not yet taken into a batch.</summary>
    internal int Waiting => _queue.Reader.Count;

    /// <summary>Test hook, run on the writer just before each commit with the batch's size; an exception fails the commit.</summary>
    internal Action<int>? BeforeCommit { get; set; }

    /// <summary>Queues <paramref name="run"/> and returns its result once its batch is committed.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteStatements, Task<T>> run, CancellationToken cancellationToken)
    {
        using var write = new SqliteWrite<T>(run, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteWriter), "The SQLite store is stopping and takes no more writes.");
        }

        return await write.Answer.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Writes already queued are still committed and answered.
        _queue.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
        _checkpointer?.Dispose();
        Reset();
    }

    private void Run()
    {
        try
        {
            var batch = new List<SqliteWrite>(MaxBatch);
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write))
                {
                    if (write.TryStart())
                    {
                        batch.Add(write);
                    }
                }

                if (batch.Count > 0)
                {
                    Commit(batch);
                    batch.Clear();
                }
            }

            _stopped.SetResult();
        }
        catch (Exception exception)
        {
            _stopped.SetException(exception);
        }
    }

    // Most batches have no write that throws, so they run without a savepoint per write (two more statements, and a copy
    // of every page the write changes kept in case it is undone). When a write throws there, the whole batch is rolled
    // back unanswered and runs again with a savepoint per write, so only that write is undone.
    private void Commit(List<SqliteWrite> batch)
    {
        if (!TryCommit(batch, savepoints: false))
        {
            TryCommit(batch, savepoints: true);
        }
    }

    /// <summary>Runs and commits the batch, answering every write; false, with nothing answered, when a write threw and there was no savepoint to undo it alone.</summary>
    private bool TryCommit(List<SqliteWrite> batch, bool savepoints)
    {
        var done = new List<SqliteWrite>(batch.Count);
        try
        {
            var statements = Open();
            statements.Command("BEGIN IMMEDIATE;").ExecuteNonQuery();
            foreach (var write in batch)
            {
                if (savepoints)
                {
                    statements.Command("SAVEPOINT w;").ExecuteNonQuery();
                }

                try
                {
                    // SQLite's calls complete synchronously, so a write's task is done when it returns; were one to await
                    // real I/O, the writer would wait for it here, as it must before committing.
                    write.RunAsync(statements).GetAwaiter().GetResult();
                    done.Add(write);
                }
                catch (Exception exception) when (savepoints)
                {
                    // Only this write is undone. When SQLite has already rolled the whole transaction back (a full disk, an
                    // I/O error), there is no savepoint left and this throws: the batch fails below.
                    statements.Command("ROLLBACK TO w;").ExecuteNonQuery();
                    write.Fail(exception);
                }
                catch (Exception)
                {
                    statements.Command("ROLLBACK;").ExecuteNonQuery();
                    return false;
                }

                if (savepoints)
                {
                    statements.Command("RELEASE w;").ExecuteNonQuery();
                }
            }

            BeforeCommit?.Invoke(batch.Count);
            statements.Command("COMMIT;").ExecuteNonQuery();
            Interlocked.Increment(ref _commits);
            StoreMetrics.Committed("wcp.store.sqlite", _path, done.Count);
            _checkpointer?.Committed();
        }
        catch (Exception exception)
        {
            // Nothing of the batch is kept: every caller still waiting hears the failure, and the next batch starts on a
            // fresh connection.
            Reset();
            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            return true;
        }

        foreach (var write in done)
        {
            write.Succeed();
        }

        return true;
    }

    private SqliteStatements Open()
    {
        if (_statements is not null)
        {
            return _statements;
        }

        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            // A page cache of 64 MiB (SQLite's default is 2 MiB): the pages the writes touch stay in it between batches
            // instead of being read back from the file with a system call each.
            pragmas.CommandText = $"PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint={_autoCheckpointPages}; PRAGMA cache_size=-65536;";
            pragmas.ExecuteNonQuery();
        }

        _connection = connection;
        return _statements = new SqliteStatements(connection);
    }

    // Closing the connection rolls back whatever transaction it still had open.
    private void Reset()
    {
        _statements?.Dispose();
        _connection?.Dispose();
        _statements = null;
        _connection = null;
    }
}
