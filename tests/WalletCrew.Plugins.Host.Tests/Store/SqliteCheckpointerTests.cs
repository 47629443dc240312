using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// The write-ahead log is copied into the database file beside the writer, not by it, and stays bounded under writes that
/// never pause; every acknowledged write is in the file.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const int Writes = 20_000;

    /// <summary>The writer's own checkpoint limit and a batch's pages on top, as log frames (a page and its header).</summary>
    private const long BoundBytes = (SqliteWriter.AutoCheckpointPages + SqliteWriter.MaxBatch * 4) * (4096L + 24);

    private readonly TenantsRoot _root = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }

    [Fact]
    public async Task TheLogIsCopiedBesideTheWriterAndStaysBoundedUnderWritesThatNeverPause()
    {
        await using var writer = new SqliteWriter(_root.DatabasePath, "FULL");

        var (logBytes, rows) = await WriteWithoutPauseAsync(writer);

        rows.Should().Be(Writes, "every acknowledged write is in the file");
        writer.Checkpointer!.Copies.Should().BePositive("the checkpointer copied pages while the writer wrote");
        logBytes.Should().BeLessThan(BoundBytes, $"the log starts over once it reaches {SqliteWriter.AutoCheckpointPages} pages");
    }

    [Fact]
    public async Task NegativeControlWithoutCheckpointsTheLogGrowsPastTheBound()
    {
        await using var writer = new SqliteWriter(_root.DatabasePath, "FULL", autoCheckpointPages: 0, backgroundCheckpoints: false);

        var (logBytes, rows) = await WriteWithoutPauseAsync(writer);

        rows.Should().Be(Writes);
        logBytes.Should().BeGreaterThan(BoundBytes, "nothing copies the log, so the test's bound can tell");
    }

    /// <summary>64 callers write <see cref="Writes"/> rows, each under a random indexed key (so commits change pages all over).</summary>
    private async Task<(long LogBytes, long Rows)> WriteWithoutPauseAsync(SqliteWriter writer)
    {
        await using (var setup = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False"))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL); CREATE INDEX t_body ON t(body);";
            await command.ExecuteNonQueryAsync();
        }

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < Writes)
            {
                await writer.WriteAsync(statements => statements.Command("INSERT INTO t(body) VALUES($b);")
                    .Add("$b", Guid.NewGuid().ToString("N") + new string('x', 100)).ExecuteNonQueryAsync(CancellationToken.None), CancellationToken.None);
            }
        })));

        // Read before the writer closes: closing the last connection checkpoints the whole log and removes it.
        var logBytes = new FileInfo(_root.DatabasePath + "-wal").Length;
        await using var reader = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False");
        await reader.OpenAsync();
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t;";
        return (logBytes, (long)(await count.ExecuteScalarAsync())!);
    }
}
