using System.Text.Json;
using Microsoft.Data.Sqlite;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every write goes through the store's <see cref="SqliteWriter"/>, which
/// commits whatever is waiting in one <c>BEGIN IMMEDIATE</c> transaction (group commit) and answers each caller once it is
/// durable; reads use pooled connections of their own. Claims are a single <c>UPDATE … RETURNING</c>, so several processes
/// on one file still never share a lease.
/// </summary>
internal sealed class SqliteEventStore(SqliteStoreOptions options) : IEventStore, IAsyncDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>The store's one writer; internal so tests can count its commits and break one.</summary>
    internal SqliteWriter Writer { get; } = new(options.Path, options.Synchronous);

    // Only the writer's loop runs claims, one at a time.
    private readonly SqliteClaim<StoredEvent> _claim = new(SqliteQueues.Events);

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
        await using var version = connection.CreateCommand();
        version.CommandText = "INSERT INTO schema_info(version) SELECT $v WHERE NOT EXISTS (SELECT 1 FROM schema_info);";
        version.Add("$v", SqliteSchema.Version);
        await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await UpgradeUnlessAsync(connection, SqliteSchema.HasHeads, SqliteSchema.AddHeads, cancellationToken).ConfigureAwait(false);
        await UpgradeUnlessAsync(connection, SqliteSchema.HasTenantVersion, SqliteSchema.AddTenantVersion, cancellationToken).ConfigureAwait(false);
        await UpgradeUnlessAsync(connection, SqliteSchema.HasTenantOrigin, SqliteSchema.AddTenantOrigin, cancellationToken).ConfigureAwait(false);
        await UpgradeUnlessAsync(connection, SqliteSchema.HasCounts, SqliteSchema.AddCounts, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, WalletSql.SqliteDeviceIndex, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteSchema.IndexHeads, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, ConsoleIndexes.Sqlite, cancellationToken).ConfigureAwait(false);
        await ReleaseAbandonedLeasesAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteStoreSql.RefreshAllHeads, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT 1;", cancellationToken).ConfigureAwait(false);
    }

    public Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken) =>
        Writer.WriteAsync(statements => new SqliteIngest(statements).RunAsync(command, CancellationToken.None), cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        Writer.WriteAsync(statements => _claim.RunAsync(statements, request), cancellationToken);

    public Task<bool> CompleteAsync(DeliveryOutcome o, CancellationToken cancellationToken) => Writer.WriteAsync(async statements =>
    {
        var failed = o.CountsAsAttempt && o.Status is DeliveryStatus.Pending or DeliveryStatus.Dead;
        var changed = await SqliteHeads.WriteAsync(statements, statements.Command(SqliteStoreSql.Complete)
            .Add("$s", o.Status.ToName()).Add("$inc", o.CountsAsAttempt ? 1 : 0).Add("$finc", failed ? 1 : 0)
            .Add("$next", o.RetryAt is { } next ? ToMs(next) : null).Add("$err", o.Error)
            .Add("$done", o.Status == DeliveryStatus.Pending ? null : ToMs(o.At)).Add("$e", o.EventId).Add("$owner", o.Owner), _ => true).ConfigureAwait(false);
        if (o.Log is not null)
        {
            await InsertLogAsync(statements, o.Log).ConfigureAwait(false);
        }

        return changed.Count == 1;
    }, cancellationToken);

    public Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> eventIds, DateTimeOffset until, CancellationToken cancellationToken) =>
        Writer.WriteAsync(statements => SqliteHeads.WriteAsync(statements, statements.Command(SqliteStoreSql.Renew)
            .Add("$owner", owner).Add("$until", ToMs(until)).Add("$ids", JsonSerializer.Serialize(eventIds)), r => r.GetString(0)), cancellationToken);

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken) =>
        Writer.WriteAsync(statements => SqliteHeads.WriteAsync(statements, statements.Command(SqliteStoreSql.Release)
            .Add("$owner", owner).Add("$ids", JsonSerializer.Serialize(eventIds)), _ => true), cancellationToken);

    public async Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EventColumns} FROM events WHERE event_id = $e;";
        command.Add("$e", eventId);
        return (await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        DeliveryListSql.List(command, "events", query);
        return await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var replayed = await Writer.WriteAsync(statements => SqliteHeads.WriteAsync(statements, statements.Command(SqliteStoreSql.ReplayOne)
            .Add("$e", eventId).Add("$now", ToMs(now)), _ => true), cancellationToken).ConfigureAwait(false);
        if (replayed.Count == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(eventId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    // One batch per write, so the writer's other callers are served between batches.
    public Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken) => ReplayRange.InBatchesAsync(async () =>
        (await Writer.WriteAsync(statements => SqliteHeads.WriteAsync(statements, statements.Command(SqliteStoreSql.ReplayRange).Add("$now", ToMs(now))
            .Add("$s", range.Status.ToName()).Add("$from", ToMs(range.From)).Add("$to", ToMs(range.To)).Add("$t", range.TenantId).Add("$p", range.PassId)
            .Add("$n", ReplayRange.Batch), _ => true), cancellationToken).ConfigureAwait(false)).Count);

    public Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken) =>
        Writer.WriteAsync(statements => InsertLogAsync(statements, record), cancellationToken);

    public async Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM tenant_logs WHERE tenant_id = $t ORDER BY id DESC LIMIT $limit;";
        command.Add("$t", tenantId).Add("$limit", limit);
        return await ReadAllAsync(command, ReadLog, cancellationToken).ConfigureAwait(false);
    }

    public Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) => Writer.WriteAsync(async statements =>
    {
        var events = await statements.Command(SqliteStoreSql.PruneEvents).Add("$before", ToMs(before)).Add("$n", batchSize)
            .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        var logs = await statements.Command(SqliteStoreSql.PruneLogs).Add("$before", ToMs(before)).Add("$n", batchSize)
            .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        var wallet = 0;
        foreach (var (sql, cutoff) in new[] { (WalletSql.PruneDeviceLogs, before), (WalletSql.PruneNonces, WalletSql.NoncesBefore(before)) })
        {
            wallet += await statements.Command(PrefixedSql.Sqlite(sql)).Add("@before", ToMs(cutoff)).Add("@n", batchSize)
                .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return new PruneResult(events, logs, wallet);
    }, cancellationToken);

    public async Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteStoreSql.QueueStats;
        return await ReadAllAsync(command, ReadQueueStats, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    /// <summary>Appends a tenant log entry in the writer's current transaction (the email store's completions use it too).</summary>
    internal static async Task<int> InsertLogAsync(SqliteStatements statements, TenantLogRecord record) =>
        await statements.Command(SqliteStoreSql.InsertLog)
            .Add("$t", record.TenantId).Add("$at", ToMs(record.At)).Add("$k", record.Kind).Add("$e", record.EventId).Add("$a", record.Attempt)
            .Add("$s", record.Status).Add("$d", record.DurationMs).Add("$err", record.Error)
            .Add("$entries", JsonSerializer.Serialize(record.Entries, StoreJson.Options)).Add("$tv", record.TenantVersion)
            .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);

    // SQLite lives on one machine, so a lease whose process is gone (the host before a kill -9 and restart) can be
    // given back at once instead of after LeaseDuration; leases of processes still running are left alone. Emails too.
    private static async Task ReleaseAbandonedLeasesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ReleaseGoneAsync(connection, "SELECT DISTINCT lease_owner FROM events WHERE status = 'pending' AND lease_owner IS NOT NULL;", SqliteStoreSql.ReleaseOwners, cancellationToken).ConfigureAwait(false);
        await ReleaseGoneAsync(connection, EmailSql.SqliteLeaseOwners, EmailSql.SqliteReleaseOwners, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReleaseGoneAsync(SqliteConnection connection, string ownersSql, string releaseSql, CancellationToken cancellationToken)
    {
        await using var owners = connection.CreateCommand();
        owners.CommandText = ownersSql;
        var gone = (await ReadAllAsync(owners, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).Where(LeaseOwners.IsGone).ToList();
        if (gone.Count == 0)
        {
            return;
        }

        await using var release = connection.CreateCommand();
        release.CommandText = releaseSql;
        release.Add("$owners", JsonSerializer.Serialize(gone));
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="upgrade"/> when <paramref name="present"/> counts none of what it adds (an older file).</summary>
    private static async Task UpgradeUnlessAsync(SqliteConnection connection, string present, string upgrade, CancellationToken cancellationToken)
    {
        await using var check = connection.CreateCommand();
        check.CommandText = present;
        if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
        {
            await ExecuteAsync(connection, upgrade, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a pooled read connection (writes go through <see cref="Writer"/>); the console's reads use it too (<see cref="SqlDeliveryInsights"/>).</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"PRAGMA synchronous={options.Synchronous}; PRAGMA busy_timeout=30000;", cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
