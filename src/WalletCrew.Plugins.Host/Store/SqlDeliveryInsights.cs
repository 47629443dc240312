using System.Data.Common;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// <see cref="IDeliveryInsights"/> over either store: the statements are the same SQL on SQLite and PostgreSQL, only the
/// table names and how a connection opens differ.
/// </summary>
internal sealed class SqlDeliveryInsights(Func<CancellationToken, Task<DbConnection>> open, string events, string logs) : IDeliveryInsights
{
    public static SqlDeliveryInsights Sqlite(SqliteEventStore store) => new(async ct => await store.OpenAsync(ct).ConfigureAwait(false), "events", "tenant_logs");

    public static SqlDeliveryInsights Postgres(Npgsql.NpgsqlDataSource dataSource) => new(async ct => await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false), "wcp_events", "wcp_tenant_logs");

    public async Task<long> CountReplayableAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        DeliveryListSql.CountReplayable(command, events, query);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<TenantLogRecord>> ReadAttemptsAsync(string tenantId, string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {logs} WHERE event_id = @e AND tenant_id = @t ORDER BY id";
        command.AddValue("e", eventId);
        command.AddValue("t", tenantId);
        return await ReadAllAsync(command, ReadLog, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ThroughputPoint>> GetThroughputAsync(string? tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Every attempt writes one tenant log entry, so the last hour is a range of the log, bounded by the id of its first
        // entry (found on the (at) index; ids follow commit order, so at most an entry written in the same instant is missed),
        // which keeps the read to that hour: by id, or for one tenant on the (tenant_id, id) index.
        var tenant = tenantId is null ? "" : " AND tenant_id = @t";
        command.CommandText = $"""
            SELECT (at - @since) / 60000 AS m,
                   SUM(CASE WHEN status IN ('delivered', 'skipped') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status IN ('retry', 'dead') THEN 1 ELSE 0 END)
            FROM {logs}
            WHERE kind = 'delivery' AND at >= @since AND id >= (SELECT id FROM {logs} WHERE at >= @since ORDER BY at LIMIT 1){tenant}
            GROUP BY m
            """;
        command.AddValue("since", ToMs(since));
        if (tenantId is not null)
        {
            command.AddValue("t", tenantId);
        }

        return await ReadAllAsync(command, r => new ThroughputPoint(
            since.AddMinutes(r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2)), cancellationToken).ConfigureAwait(false);
    }
}
