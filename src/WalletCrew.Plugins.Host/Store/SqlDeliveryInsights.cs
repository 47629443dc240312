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
        // Two halves so each can use an index: completed deliveries by completion time, dead letters by status.
        var tenant = tenantId is null ? "" : " AND tenant_id = @t";
        command.CommandText = $"""
            SELECT (completed_at - @since) / 60000 AS m, status, COUNT(*) FROM {events}
            WHERE status IN ('delivered', 'skipped') AND completed_at >= @since{tenant} GROUP BY m, status
            UNION ALL
            SELECT (completed_at - @since) / 60000 AS m, status, COUNT(*) FROM {events}
            WHERE status = 'dead' AND completed_at >= @since{tenant} GROUP BY m, status
            """;
        command.AddValue("since", ToMs(since));
        if (tenantId is not null)
        {
            command.AddValue("t", tenantId);
        }

        return await ReadAllAsync(command, r => new ThroughputPoint(
            since.AddMinutes(r.GetInt64(0)), DeliveryStatusNames.Parse(r.GetString(1)), r.GetInt64(2)), cancellationToken).ConfigureAwait(false);
    }
}
