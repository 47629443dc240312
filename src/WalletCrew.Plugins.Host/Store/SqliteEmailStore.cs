using System.Text.Json;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The email queue in the SQLite file: every write goes through the event store's one writer (group commit, so a stored
/// email is durable when <see cref="AddAsync"/> returns), reads use pooled connections. The event store's start creates
/// the table and gives back the leases of processes that are gone.
/// </summary>
internal sealed class SqliteEmailStore(SqliteEventStore events) : IEmailStore
{
    private readonly SqliteClaim<StoredEmail> _claim = new(SqliteQueues.Emails);

    public Task<EmailAdded> AddAsync(StoredEmail email, CancellationToken cancellationToken) => events.Writer.WriteAsync(async statements =>
    {
        var inserted = await statements.Command(PrefixedSql.Sqlite(EmailSql.Insert)).WithParameters(EmailParameters(email))
            .ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        if (inserted is string id)
        {
            return new EmailAdded(id, true);
        }

        var existing = await statements.Command(PrefixedSql.Sqlite(EmailSql.FindByKey)).WithParameters([("t", email.TenantId), ("key", email.IdempotencyKey)])
            .ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        return new EmailAdded(existing as string ?? throw EmailKeyGone(email), false);
    }, cancellationToken);

    public Task<IReadOnlyList<StoredEmail>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(statements => _claim.RunAsync(statements, request), cancellationToken);

    public Task<bool> CompleteAsync(DeliveryOutcome outcome, CancellationToken cancellationToken) => events.Writer.WriteAsync(async statements =>
    {
        var changed = await statements.Command(PrefixedSql.Sqlite(EmailSql.Complete)).WithParameters(OutcomeParameters(outcome))
            .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        if (outcome.Log is not null)
        {
            await SqliteEventStore.InsertLogAsync(statements, outcome.Log).ConfigureAwait(false);
        }

        return changed == 1;
    }, cancellationToken);

    public Task<IReadOnlyList<string>> RenewAsync(string owner, IReadOnlyCollection<string> ids, DateTimeOffset until, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(statements => ReadAllAsync(statements.Command(EmailSql.SqliteRenew)
            .WithParameters([("owner", owner), ("until", ToMs(until)), ("ids", JsonSerializer.Serialize(ids))]), r => r.GetString(0), CancellationToken.None), cancellationToken);

    public Task ReleaseAsync(string owner, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(statements => statements.Command(EmailSql.SqliteRelease)
            .WithParameters([("owner", owner), ("ids", JsonSerializer.Serialize(ids))]).ExecuteNonQueryAsync(CancellationToken.None), cancellationToken);

    public async Task<StoredEmail?> GetAsync(string emailId, CancellationToken cancellationToken) =>
        (await ReadAsync(EmailSql.Get, cancellationToken, ("e", emailId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<StoredEmail>> ListAsync(string? tenantId, DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        ReadAsync(EmailSql.List, cancellationToken, ("t", tenantId), ("s", status?.ToName()), ("n", limit));

    public async Task<ReplayResult> ReplayAsync(string emailId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var replayed = await events.Writer.WriteAsync(statements => statements.Command(PrefixedSql.Sqlite(EmailSql.ReplayOne))
            .WithParameters([("e", emailId), ("now", ToMs(now)), ("yes", true)]).ExecuteNonQueryAsync(CancellationToken.None), cancellationToken).ConfigureAwait(false);
        if (replayed == 1)
        {
            return ReplayResult.Replayed;
        }

        return await GetAsync(emailId, cancellationToken).ConfigureAwait(false) is null ? ReplayResult.NotFound : ReplayResult.AlreadyPending;
    }

    public Task<int> ReplayDeadAsync(string? tenantId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReplayRange.InBatchesAsync(() => events.Writer.WriteAsync(statements => statements.Command(PrefixedSql.Sqlite(EmailSql.ReplayDead))
            .WithParameters([("t", tenantId), ("now", ToMs(now)), ("yes", true), ("n", ReplayRange.Batch)]).ExecuteNonQueryAsync(CancellationToken.None), cancellationToken));

    public Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(statements => statements.Command(PrefixedSql.Sqlite(EmailSql.Prune))
            .WithParameters([("before", ToMs(before)), ("n", batchSize)]).ExecuteNonQueryAsync(CancellationToken.None), cancellationToken);

    private async Task<IReadOnlyList<StoredEmail>> ReadAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await events.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PrefixedSql.ReadAsync(connection, sql, ReadEmail, cancellationToken, parameters).ConfigureAwait(false);
    }
}
