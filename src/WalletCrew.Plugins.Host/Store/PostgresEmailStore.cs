using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The email queue in PostgreSQL (<c>wcp_emails</c>), shared by every host on the database. Emails have no per-pass order,
/// so a claim locks only the rows it leases (<c>SKIP LOCKED</c>) and every worker write is conditional on its lease, as for
/// events; a dead host's leases expire. The event store's start creates the table.
/// </summary>
internal sealed class PostgresEmailStore(NpgsqlDataSource dataSource) : IEmailStore, IAsyncDisposable
{
    // Formatted once: every completion batch runs it once per email.
    private static readonly string Complete = PrefixedSql.Postgres(EmailSql.Complete);

    private readonly PostgresGroupCommit<DeliveryOutcome, bool> _completions = new(dataSource, "wcp.store.complete_email", CompleteAllAsync);

    // Where this host's last email claim ended: tenants take turns across claims (one worker claims at a time).
    private string _claimedUpTo = "";

    public async Task<EmailAdded> AddAsync(StoredEmail email, CancellationToken cancellationToken)
    {
        // Two statements, each with its own snapshot: a key inserted by a concurrent request that committed while the insert
        // waited on it is seen by the second.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = PrefixedSql.PostgresCommand(EmailSql.Insert, connection, null, EmailParameters(email)))
        {
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id)
            {
                return new EmailAdded(id, true);
            }
        }

        await using var find = PrefixedSql.PostgresCommand(EmailSql.FindByKey, connection, null, [("t", email.TenantId), ("key", email.IdempotencyKey)]);
        return new EmailAdded(await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? throw EmailKeyGone(email), false);
    }

    public async Task<IReadOnlyList<StoredEmail>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EmailSql.PostgresClaim);
        command.Add("owner", request.Owner).Add("until", ToMs(request.Now + request.LeaseDuration)).Add("now", ToMs(request.Now))
            .Add("excluded", request.ExcludedTenants.ToArray()).Add("perTenant", (long)request.MaxPerTenant)
            .Add("running", request.RunningJson).Add("max", (long)request.MaxEvents).Add("after", _claimedUpTo);
        var claimed = await ReadAllAsync(command, ReadEmail, cancellationToken).ConfigureAwait(false);
        if (claimed.Count > 0)
        {
            // The next claim starts after the last tenant this one served (the rows come in the claim's tenant order).
            _claimedUpTo = claimed[^1].TenantId;
        }

        return claimed;
    }

    /// <summary>Group commit: completions waiting together share one round trip and one commit.</summary>
    public Task<bool> CompleteAsync(DeliveryOutcome outcome, CancellationToken cancellationToken) => _completions.RunAsync(outcome, cancellationToken);

    public ValueTask DisposeAsync() => _completions.DisposeAsync();

    // One round trip, one implicit transaction: each outcome's status, then the tenant log entries. Each outcome's result is
    // whether its own update applied (its lease was still held).
    private static async Task<bool[]> CompleteAllAsync(NpgsqlConnection connection, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var outcome in outcomes)
        {
            batch.BatchCommands.Add(PostgresEventStore.Statement(Complete, OutcomeParameters(outcome)));
        }

        PostgresEventStore.AddLogs(batch, [.. outcomes.Select(o => o.Log).OfType<TenantLogRecord>()]);
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        return [.. outcomes.Select((_, i) => batch.BatchCommands[i].RecordsAffected == 1)];
    }

    public async Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> ids, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EmailSql.PostgresRenew);
        command.Add("owner", owner).Add("until", ToMs(until)).Add("ids", ids.ToArray());
        return await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string owner, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(EmailSql.PostgresRelease);
        command.Add("owner", owner).Add("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredEmail?> GetAsync(string emailId, CancellationToken cancellationToken) =>
        (await PrefixedSql.ReadAsync(dataSource, EmailSql.Get, ReadEmail, cancellationToken, [("e", emailId)]).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<StoredEmail>> ListAsync(string? tenantId, DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        PrefixedSql.ReadAsync(dataSource, EmailSql.List, ReadEmail, cancellationToken, [("t", tenantId), ("s", status?.ToName()), ("n", (long)limit)]);

    public async Task<ReplayResult> ReplayAsync(string emailId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await ExecuteAsync(EmailSql.ReplayOne, cancellationToken, ("e", emailId), ("now", ToMs(now)), ("yes", true)).ConfigureAwait(false) == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(emailId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    public Task<int> ReplayDeadAsync(string? tenantId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReplayRange.InBatchesAsync(() => ExecuteAsync(EmailSql.ReplayDead, cancellationToken, ("t", tenantId), ("now", ToMs(now)), ("yes", true), ("n", (long)ReplayRange.Batch)));

    public Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        ExecuteAsync(EmailSql.Prune, cancellationToken, ("before", ToMs(before)), ("n", (long)batchSize));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PrefixedSql.PostgresCommand(sql, connection, null, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
