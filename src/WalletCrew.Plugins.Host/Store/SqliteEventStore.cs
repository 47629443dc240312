using System.Text.Json;
using Microsoft.Data.Sqlite;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Every write is one transaction taken with <c>BEGIN IMMEDIATE</c>,
/// and claims are a single <c>UPDATE … RETURNING</c>, so several processes on one file still never share a lease.
/// </summary>
internal sealed class SqliteEventStore(SqliteStoreOptions options) : IEventStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
        await using var version = connection.CreateCommand();
        version.CommandText = "INSERT INTO schema_info(version) SELECT $v WHERE NOT EXISTS (SELECT 1 FROM schema_info);";
        version.Add("$v", SqliteSchema.Version);
        await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await ReleaseAbandonedLeasesAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT 1;", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var outcome = await new SqliteIngest(connection).RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (outcome.Created)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    public async Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteSchema.Claim;
        command.Add("$owner", request.Owner).Add("$until", ToMs(request.Now + request.LeaseDuration)).Add("$now", ToMs(request.Now))
            .Add("$excluded", JsonSerializer.Serialize(request.ExcludedTenants)).Add("$perTenant", request.MaxPerTenant).Add("$max", request.MaxEvents);
        return await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> CompleteAsync(DeliveryOutcome o, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var failed = o.CountsAsAttempt && o.Status is DeliveryStatus.Pending or DeliveryStatus.Dead;
        command.CommandText = """
            UPDATE events SET status = $s, attempts = attempts + $inc, failures = failures + $finc,
                next_attempt_at = COALESCE($next, next_attempt_at), last_error = COALESCE($err, last_error),
                completed_at = $done, lease_owner = NULL, lease_expires_at = NULL
            WHERE event_id = $e AND lease_owner = $owner AND status = 'pending';
            """;
        command.Add("$s", o.Status.ToName()).Add("$inc", o.CountsAsAttempt ? 1 : 0).Add("$finc", failed ? 1 : 0)
            .Add("$next", o.RetryAt is { } next ? ToMs(next) : null).Add("$err", o.Error)
            .Add("$done", o.Status == DeliveryStatus.Pending ? null : ToMs(o.At)).Add("$e", o.EventId).Add("$owner", o.Owner);
        var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (o.Log is not null)
        {
            await InsertLogAsync(connection, o.Log, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    public async Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> eventIds, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteStoreSql.Renew;
        command.Add("$owner", owner).Add("$until", ToMs(until)).Add("$ids", JsonSerializer.Serialize(eventIds));
        return await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE events SET lease_owner = NULL, lease_expires_at = NULL
            WHERE lease_owner = $owner AND event_id IN (SELECT value FROM json_each($ids));
            """;
        command.Add("$owner", owner).Add("$ids", JsonSerializer.Serialize(eventIds));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM events WHERE event_id = $e;";
        command.Add("$e", eventId);
        return (await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT * FROM events
            WHERE ($t IS NULL OR tenant_id = $t) AND ($s IS NULL OR status = $s) AND ($p IS NULL OR pass_id = $p)
            ORDER BY received_at DESC, seq DESC LIMIT $limit;
            """;
        command.Add("$t", query.TenantId).Add("$s", query.Status?.ToName()).Add("$p", query.PassId).Add("$limit", query.Limit);
        return await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteStoreSql.ReplayOne;
        command.Add("$e", eventId).Add("$now", ToMs(now));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(eventId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    public async Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteStoreSql.ReplayRange;
        command.Add("$now", ToMs(now)).Add("$s", range.Status.ToName()).Add("$from", ToMs(range.From)).Add("$to", ToMs(range.To)).Add("$t", range.TenantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await InsertLogAsync(connection, record, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM tenant_logs WHERE tenant_id = $t ORDER BY id DESC LIMIT $limit;";
        command.Add("$t", tenantId).Add("$limit", limit);
        return await ReadAllAsync(command, ReadLog, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var counts = new int[2];
        foreach (var (sql, index) in new[] { (SqliteStoreSql.PruneEvents, 0), (SqliteStoreSql.PruneLogs, 1) })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Add("$before", ToMs(before)).Add("$n", batchSize);
            counts[index] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PruneResult(counts[0], counts[1]);
    }

    public async Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteStoreSql.QueueStats;
        return await ReadAllAsync(command, ReadQueueStats, cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertLogAsync(SqliteConnection connection, TenantLogRecord record, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO tenant_logs(tenant_id, at, kind, event_id, attempt, status, duration_ms, error, entries)
            VALUES($t, $at, $k, $e, $a, $s, $d, $err, $entries);
            """;
        command.Add("$t", record.TenantId).Add("$at", ToMs(record.At)).Add("$k", record.Kind).Add("$e", record.EventId).Add("$a", record.Attempt)
            .Add("$s", record.Status).Add("$d", record.DurationMs).Add("$err", record.Error)
            .Add("$entries", JsonSerializer.Serialize(record.Entries, StoreJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // SQLite lives on one machine, so a lease whose process is gone (the host before a kill -9 and restart) can be
    // given back at once instead of after LeaseDuration; leases of processes still running are left alone.
    private static async Task ReleaseAbandonedLeasesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var owners = connection.CreateCommand();
        owners.CommandText = "SELECT DISTINCT lease_owner FROM events WHERE status = 'pending' AND lease_owner IS NOT NULL;";
        var gone = (await ReadAllAsync(owners, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).Where(LeaseOwners.IsGone).ToList();
        if (gone.Count == 0)
        {
            return;
        }

        await using var release = connection.CreateCommand();
        release.CommandText = SqliteStoreSql.ReleaseOwners;
        release.Add("$owners", JsonSerializer.Serialize(gone));
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"PRAGMA synchronous={options.Synchronous}; PRAGMA busy_timeout=30000;", cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
