using System.Data;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The store for several hosts sharing one PostgreSQL database. Every write that changes a pending event locks its pass's
/// row in <c>wcp_passes</c> first and keeps the pass's head there (see <see cref="PostgresSchema"/>); a claim is one
/// statement that locks the ready passes it takes with <c>SKIP LOCKED</c>, so hosts claim disjoint passes side by side and
/// never wait on each other, and two hosts never lease one event. Every worker write is conditional on its lease, as in the
/// SQLite store. Several machines share it, so a dead host's leases are never taken back early: they expire.
/// </summary>
internal sealed class PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore>? logger = null) : IEventStore, IAsyncDisposable
{
    private readonly PostgresHeadsVacuum _vacuum = new(dataSource, logger);
    private readonly PostgresGroupCommit<IngestCommand, IngestOutcome> _ingests = new(dataSource, "wcp.store.ingest", PostgresIngest.RunAsync);
    private readonly PostgresGroupCommit<DeliveryOutcome, bool> _completions = new(dataSource, "wcp.store.complete", CompleteAllAsync);

    /// <summary>The vacuum of the pass heads (tests count its runs).</summary>
    internal PostgresHeadsVacuum Vacuum => _vacuum;

    /// <summary>The ingests' group commit (tests hold its batches).</summary>
    internal PostgresGroupCommit<IngestCommand, IngestOutcome> Ingests => _ingests;

    // Where this host's last claim ended: tenants take turns across claims (one worker claims at a time).
    private string _claimedUpTo = "";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, tx, PostgresSchema.SchemaLock, cancellationToken).ConfigureAwait(false);
        if (await IsCurrentAsync(connection, tx, cancellationToken).ConfigureAwait(false))
        {
            // A host joining a running database runs no DDL: its table locks could deadlock with the other hosts' writes.
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // Once per start, so a round trip per script of several statements each (a batch statement holds one SQL statement).
        await using (var command = new NpgsqlCommand(PostgresSchema.Create, connection, tx))
        {
            command.Add("v", PostgresSchema.Version);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(PostgresSchema.Upgrade, connection, tx))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(ConsoleIndexes.Postgres, connection, tx))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('wcp_schema_info') IS NOT NULL", connection, tx))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return false;
            }
        }

        await using var version = new NpgsqlCommand("SELECT max(version) FROM wcp_schema_info", connection, tx);
        return await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int current && current >= PostgresSchema.Version;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Group commit: ingests waiting together share two round trips and one commit (<see cref="PostgresIngest"/>).</summary>
    public async Task<IngestOutcome> IngestAsync(IngestCommand command, CancellationToken cancellationToken)
    {
        var outcome = await _ingests.RunAsync(command, cancellationToken).ConfigureAwait(false);
        _vacuum.Note(outcome.Created ? 1 : 0);
        return outcome;
    }

    public async Task<IReadOnlyList<StoredEvent>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        // One statement, one implicit transaction: no lock shared between hosts, only the rows of the passes it takes.
        await using var command = dataSource.CreateCommand(PostgresSchema.Claim);
        command.Add("owner", request.Owner).Add("until", ToMs(request.Now + request.LeaseDuration)).Add("now", ToMs(request.Now))
            .Add("excluded", request.ExcludedTenants.ToArray()).Add("perTenant", (long)request.MaxPerTenant)
            .Add("running", request.RunningJson).Add("max", (long)request.MaxEvents).Add("after", _claimedUpTo);
        var claimed = await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false);
        _vacuum.Note(claimed.Count);
        if (claimed.Count > 0)
        {
            // The next claim starts after the last tenant this one served (the rows come in the claim's tenant order).
            _claimedUpTo = claimed[^1].TenantId;
        }

        return claimed;
    }

    /// <summary>Group commit: completions waiting together share one round trip and one commit.</summary>
    public async Task<bool> CompleteAsync(DeliveryOutcome o, CancellationToken cancellationToken)
    {
        var completed = await _completions.RunAsync(o, cancellationToken).ConfigureAwait(false);
        _vacuum.Note(1);
        return completed;
    }

    public async ValueTask DisposeAsync()
    {
        await _ingests.DisposeAsync().ConfigureAwait(false);
        await _completions.DisposeAsync().ConfigureAwait(false);
    }

    // One round trip, one implicit transaction, four statements whatever the batch's size: the passes' locks (in key order),
    // the outcomes' statuses, the passes' heads and the tenant log entries. Each outcome's result is whether its own update
    // applied (its lease was still held).
    private static async Task<bool[]> CompleteAllAsync(NpgsqlConnection connection, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        await using var batch = HeadWrite(new NpgsqlBatch(connection), [.. outcomes.Select(o => o.EventId)],
            Statement(PostgresSchema.CompleteAll, Rows([.. outcomes.Select(OutcomeParameters)])));
        AddLogs(batch, [.. outcomes.Select(o => o.Log).OfType<TenantLogRecord>()]);

        // The passes' locks come first; then the ids CompleteAll completed, each the first outcome of its event.
        var completed = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false))
        {
            await reader.NextResultAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                completed.Add(reader.GetString(0));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. outcomes.Select(o => seen.Add(o.EventId) && completed.Contains(o.EventId))];
    }

    /// <summary>Adds the statement appending <paramref name="logs"/> (none when empty) to <paramref name="batch"/>.</summary>
    internal static void AddLogs(NpgsqlBatch batch, IReadOnlyList<TenantLogRecord> logs)
    {
        if (logs.Count > 0)
        {
            batch.BatchCommands.Add(Statement(PostgresSchema.InsertLogs, Rows([.. logs.Select(LogParameters)])));
        }
    }

    public async Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> eventIds, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // The head's ready_at follows the lease, so claims do not lock a pass whose head is still leased.
        var ids = eventIds.ToArray();
        await using var batch = NotedHeadWrite(ids, Statement(
            "UPDATE wcp_events SET lease_expires_at = @until WHERE lease_owner = @owner AND status = 'pending' AND event_id = ANY(@ids) RETURNING event_id",
            ("owner", owner), ("until", ToMs(until)), ("ids", ids)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var renewed = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            renewed.Add(reader.GetString(0));
        }

        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return renewed;
    }

    public async Task ReleaseAsync(string owner, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        var ids = eventIds.ToArray();
        await using var batch = NotedHeadWrite(ids, Statement(
            "UPDATE wcp_events SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @owner AND event_id = ANY(@ids)",
            ("owner", owner), ("ids", ids)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredEvent?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EventColumns} FROM wcp_events WHERE event_id = @e;");
        command.Add("e", eventId);
        return (await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<StoredEvent>> ListAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        DeliveryListSql.List(command, "wcp_events", query);
        return await ReadAllAsync(command, ReadEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReplayResult> ReplayAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = NotedHeadWrite([eventId], Statement(PostgresSchema.ReplayOne, ("e", eventId), ("now", ToMs(now))));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (batch.BatchCommands[1].RecordsAffected == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(eventId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    public async Task<int> ReplayAsync(ReplayRange range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Batch after batch, each its own transaction: a batch of the range's events, then, under their passes' locks (key
        // order), those still in the range's status are replayed and the passes' heads refreshed. An event that left the
        // status meanwhile is passed over; one that entered the range is taken by a later batch. Its own loop, not
        // ReplayRange.InBatchesAsync: it stops on the ids it read, since those passed over make a full batch replay fewer.
        var replayed = 0;
        while (true)
        {
            await using var select = dataSource.CreateCommand(PostgresSchema.ReplayRangeBatch);
            select.Add("s", range.Status.ToName()).Add("from", ToMs(range.From)).Add("to", ToMs(range.To)).Add("t", range.TenantId).Add("p", range.PassId)
                .Add("n", (long)ReplayRange.Batch);
            var ids = (await ReadAllAsync(select, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).ToArray();
            if (ids.Length == 0)
            {
                return replayed;
            }

            await using var batch = NotedHeadWrite(ids, Statement(PostgresSchema.ReplayRange, ("now", ToMs(now)), ("s", range.Status.ToName()), ("ids", ids)));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            replayed += batch.BatchCommands[1].RecordsAffected;
            if (ids.Length < ReplayRange.Batch)
            {
                return replayed;
            }
        }
    }

    public async Task AppendLogAsync(TenantLogRecord record, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        AddLogs(batch, [record]);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TenantLogRecord>> ReadLogAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT * FROM wcp_tenant_logs WHERE tenant_id = @t ORDER BY id DESC LIMIT @limit;");
        command.Add("t", tenantId).Add("limit", (long)limit);
        return await ReadAllAsync(command, ReadLog, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken)
    {
        // One round trip, one implicit transaction.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Statement(PostgresSchema.PruneEvents, ("before", ToMs(before)), ("n", (long)batchSize)));
        batch.BatchCommands.Add(Statement(PostgresSchema.PruneLogs, ("before", ToMs(before)), ("n", (long)batchSize)));
        batch.BatchCommands.Add(Statement(PrefixedSql.Postgres(WalletSql.PruneDeviceLogs), ("before", ToMs(before)), ("n", (long)batchSize)));
        batch.BatchCommands.Add(Statement(PrefixedSql.Postgres(WalletSql.PruneNonces), ("before", ToMs(WalletSql.NoncesBefore(before))), ("n", (long)batchSize)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new PruneResult(batch.BatchCommands[0].RecordsAffected, batch.BatchCommands[1].RecordsAffected,
            batch.BatchCommands[2].RecordsAffected + batch.BatchCommands[3].RecordsAffected);
    }

    public async Task<IReadOnlyList<TenantQueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PostgresSchema.QueueStats);
        return await ReadAllAsync(command, ReadQueueStats, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills <paramref name="batch"/> (one implicit transaction): it locks the passes of <paramref name="eventIds"/>, runs
    /// <paramref name="writes"/> (from its second statement on) and refreshes those passes' heads; callers may add statements
    /// after it. Every write that changes a pending event goes through here, so none can skip the lock or leave a stale head.
    /// </summary>
    private static NpgsqlBatch HeadWrite(NpgsqlBatch batch, string[] eventIds, params IEnumerable<NpgsqlBatchCommand> writes)
    {
        batch.BatchCommands.Add(Statement(PostgresSchema.LockPasses, ("ids", eventIds)));
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write);
        }

        batch.BatchCommands.Add(Statement(PostgresSchema.RefreshHeads, ("ids", eventIds)));
        return batch;
    }

    /// <summary>A <see cref="HeadWrite"/> on a connection of its own, counted towards the pass heads' next vacuum.</summary>
    private NpgsqlBatch NotedHeadWrite(string[] eventIds, NpgsqlBatchCommand write)
    {
        _vacuum.Note(eventIds.Length);
        return HeadWrite(dataSource.CreateBatch(), eventIds, write);
    }

    private static (string Name, object? Value)[] LogParameters(TenantLogRecord record) =>
    [
        ("t", record.TenantId), ("at", ToMs(record.At)), ("k", record.Kind), ("e", record.EventId), ("a", record.Attempt),
        ("s", record.Status), ("d", record.DurationMs), ("err", record.Error),
        ("entries", JsonSerializer.Serialize(record.Entries, StoreJson.Options)), ("tv", record.TenantVersion),
    ];

    /// <summary>
    /// The parameters of one statement over many rows (<c>unnest</c>): each parameter of <paramref name="rows"/> (all built
    /// by one method, so in the same order) as one array, typed by its first non-null value; an array of nulls only goes as
    /// <c>text[]</c>, which the statement's cast turns into its type.
    /// </summary>
    private static (string Name, object? Value)[] Rows(IReadOnlyList<(string Name, object? Value)[]> rows) =>
        [.. rows[0].Select((column, i) => (column.Name, (object?)Column(rows, i)))];

    private static Array Column(IReadOnlyList<(string Name, object? Value)[]> rows, int index)
    {
        var first = rows.Select(row => row[index].Value).FirstOrDefault(value => value is not null);
        return first switch
        {
            null or string => rows.Select(row => (string?)row[index].Value).ToArray(),
            long => rows.Select(row => (long?)row[index].Value).ToArray(),
            int => rows.Select(row => (int?)row[index].Value).ToArray(),
            bool => rows.Select(row => (bool?)row[index].Value).ToArray(),
            _ => throw new InvalidOperationException($"No array parameter for {first.GetType().Name} ('{rows[0][index].Name}')."),
        };
    }

    internal static NpgsqlBatchCommand Statement(string sql, params (string Name, object? Value)[] parameters)
    {
        var positional = PositionalSql.Of(sql);
        var statement = new NpgsqlBatchCommand(positional.Text);
        if (positional.Names is not { } names)
        {
            foreach (var (name, value) in parameters)
            {
                statement.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            return statement;
        }

        foreach (var name in names)
        {
            statement.Parameters.AddWithValue(ValueOf(name, parameters, positional.Text) ?? DBNull.Value);
        }

        return statement;

        static object? ValueOf(string name, (string Name, object? Value)[] given, string sql)
        {
            foreach (var (candidate, value) in given)
            {
                if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            throw new InvalidOperationException($"The statement uses @{name}, which was given no value: {sql}");
        }
    }

    // A transaction-scoped advisory lock: released by the commit or rollback, or by the server when the connection dies.
    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k);", connection, tx);
        command.Add("k", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
