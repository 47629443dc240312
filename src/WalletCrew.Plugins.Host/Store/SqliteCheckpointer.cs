using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file (a passive checkpoint) on a thread and a
/// connection of its own, at most every <see cref="Interval"/> while commits come, so the store's one writer does not do
/// that copy between its batches. The writer's own checkpoint stays as the backstop that keeps the log bounded: when the
/// log reaches its limit the writer copies what is left (little, when this has kept up) and the log starts over.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>The shortest time between two checkpoints: each one syncs the log and the file.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    // Set by every commit, reset by the wait that takes it: commits made while a checkpoint runs make one more, not many.
    private readonly AutoResetEvent _committed = new(false);
    private readonly string _connectionString;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _disposed;
    private long _copies;

    public SqliteCheckpointer(string connectionString)
    {
        _connectionString = connectionString;
        _thread = new Thread(Run) { IsBackground = true, Name = "wcp sqlite checkpoint" };
        _thread.Start();
    }

    /// <summary>Checkpoints so far that found pages to copy.</summary>
    internal long Copies => Interlocked.Read(ref _copies);

    /// <summary>Tells the checkpointer a batch was committed; signals coalesce.</summary>
    public void Committed() => _committed.Set();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping = true;
        Committed();
        _thread.Join();
        _committed.Dispose();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        SqliteCommand? checkpoint = null;
        while (true)
        {
            _committed.WaitOne();
            if (_stopping)
            {
                checkpoint?.Dispose();
                connection?.Dispose();
                return;
            }

            try
            {
                if (connection is null)
                {
                    (connection, checkpoint) = Open();
                }

                // One row: busy, the log's size in pages, how many of them are in the file now.
                using var result = checkpoint!.ExecuteReader();
                if (result.Read() && result.GetInt64(2) > 0)
                {
                    Interlocked.Increment(ref _copies);
                    StoreMetrics.Checkpointed();
                }
            }
            catch (Exception exception) when (exception is SqliteException or InvalidOperationException or IOException)
            {
                // A busy or failing checkpoint is not a failed write, and this thread must never take the host down: the
                // writer's own checkpoint keeps the log bounded; the next attempt opens a fresh connection.
                checkpoint?.Dispose();
                connection?.Dispose();
                (connection, checkpoint) = (null, null);
            }

            Thread.Sleep(Interval);
        }
    }

    /// <summary>Opens the checkpointer's connection with its one statement prepared, reused by every later checkpoint.</summary>
    private (SqliteConnection Connection, SqliteCommand Checkpoint) Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            checkpoint.Prepare();
            return (connection, checkpoint);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
