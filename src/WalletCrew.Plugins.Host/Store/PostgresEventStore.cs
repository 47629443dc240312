using System.Data;
using System.Text.Json;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The store for several hosts sharing one PostgreSQL database. Ingest serialises per pass on the pass's row lock; claims
/// take turns under one advisory lock (a claim is one short statement for a batch), so each sees the leases before it and
/// two hosts never lease one event; every worker write is conditional on its lease, as in the SQLite store.
/// </summary>
internal sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, tx, PostgresSchema.SchemaLock, cancellationToken).ConfigureAwait(false);

        await using (var command = new NpgsqlCommand(PostgresSchema.Create, connection, tx))
        {
            command.Add("v", PostgresSchema.Version);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var outcome = await new PostgresIngest(connection).RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (outcome.Created)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    public async Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, tx, PostgresSchema.ClaimLock, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(PostgresSchema.Claim, connection, tx);
        command.Add("owner", request.Owner).Add("until", ToMs(request.Now + request.LeaseDuration)).Add("now", ToMs(request.Now))
            .Add("excluded", request.ExcludedTenants.ToArray()).Add("perTenant", (long)request.MaxPerTenant).Add("max", (long)request.MaxEvents);
        var claimed = await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    public async Task<bool> CompleteAsync(DeliveryOutcome o, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var failed = o.CountsAsAttempt && o.Status is DeliveryStatus.Pending or DeliveryStatus.Dead;
        bool changed;
        await using (var command = new NpgsqlCommand(PostgresSchema.Complete, connection, tx))
        {
            command.Add("s", o.Status.ToName()).Add("inc", o.CountsAsAttempt ? 1 : 0).Add("finc", failed ? 1 : 0)
                .Add("next", o.RetryAt is { } next ? ToMs(next) : null).Add("err", o.Error)
                .Add("done", o.Status == DeliveryStatus.Pending ? null : ToMs(o.At)).Add("e", o.EventId).Add("owner", o.Owner);
            changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }

        if (o.Log is not null)
        {
            await using var log = LogCommand(o.Log);
            log.Connection = connection;
            log.Transaction = tx;
            await log.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    public async Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE wcp_events SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @owner AND event_id = ANY(@ids);");
        command.Add("owner", owner).Add("ids", eventIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT * FROM wcp_events WHERE event_id = @e;");
        command.Add("e", eventId);
        return (await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT * FROM wcp_events
            WHERE (@t::text IS NULL OR tenant_id = @t) AND (@s::text IS NULL OR status = @s) AND (@p::text IS NULL OR pass_id = @p)
            ORDER BY received_at DESC, seq DESC LIMIT @limit;
            """);
        command.Add("t", query.TenantId).Add("s", query.Status?.ToName()).Add("p", query.PassId).Add("limit", (long)query.Limit);
        return await ReadEventsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostgresSchema.ReplayOne);
        command.Add("e", eventId).Add("now", ToMs(now));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(eventId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    public async Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostgresSchema.ReplayRange);
        command.Add("now", ToMs(now)).Add("s", range.Status.ToName()).Add("from", ToMs(range.From)).Add("to", ToMs(range.To)).Add("t", range.TenantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = LogCommand(record);
        command.Connection = connection;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT * FROM wcp_tenant_logs WHERE tenant_id = @t ORDER BY id DESC LIMIT @limit;");
        command.Add("t", tenantId).Add("limit", (long)limit);
        var records = new List<TenantLogRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadLog(reader));
        }

        return records;
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        // One round trip, one implicit transaction.
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { PostgresSchema.PruneEvents, PostgresSchema.PruneLogs })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("before", ToMs(before));
            command.Parameters.AddWithValue("n", (long)batchSize);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new PruneResult(batch.BatchCommands[0].RecordsAffected, batch.BatchCommands[1].RecordsAffected);
    }

    public async Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostgresSchema.QueueStats);
        var stats = new List<TenantQueueStats>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stats.Add(new TenantQueueStats(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : FromMs(reader.GetInt64(3))));
        }

        return stats;
    }

    private static NpgsqlCommand LogCommand(TenantLogRecord record) => new NpgsqlCommand(PostgresSchema.InsertLog)
        .Add("t", record.TenantId).Add("at", ToMs(record.At)).Add("k", record.Kind).Add("e", record.EventId).Add("a", record.Attempt)
        .Add("s", record.Status).Add("d", record.DurationMs).Add("err", record.Error)
        .Add("entries", JsonSerializer.Serialize(record.Entries, StoreJson.Options));

    // A transaction-scoped advisory lock: released by the commit or rollback, or by the server when the connection dies.
    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k);", connection, tx);
        command.Add("k", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }
}
