using System.Data;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>The pass registry and device logs in the PostgreSQL database the hosts share.</summary>
internal sealed class PostgresWalletStore(NpgsqlDataSource dataSource) : IWalletStore
{
    public async Task<PutPassResult> PutPassAsync(WalletPass pass, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        long conflicts, existing;
        await using (var check = PrefixedSql.PostgresCommand(WalletSql.Check, connection, tx, WalletRows.PassParameters(pass)))
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (conflicts, existing) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (conflicts > 0)
        {
            return PutPassResult.Conflict;
        }

        try
        {
            await using var upsert = PrefixedSql.PostgresCommand(WalletSql.Upsert, connection, tx, WalletRows.PassParameters(pass));
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another host put a pass with the same wallet ids between the check and the write.
            return PutPassResult.Conflict;
        }

        return existing > 0 ? PutPassResult.Updated : PutPassResult.Created;
    }

    public async Task<WalletPass?> GetPassAsync(string tenantId, string passId, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.Get, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("p", passId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<WalletPass?> FindApplePassAsync(string tenantId, string passTypeIdentifier, string serialNumber, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.FindApple, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("pti", passTypeIdentifier), ("sn", serialNumber))
            .ConfigureAwait(false)).FirstOrDefault();

    public async Task<WalletPass?> FindGooglePassAsync(string tenantId, string objectId, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.FindGoogle, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("goi", objectId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<bool> DeletePassAsync(string tenantId, string passId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PrefixedSql.PostgresCommand(WalletSql.Delete, connection, null, [("t", tenantId), ("p", passId)]);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<UpdatedSerials?> ListUpdatedSerialsAsync(string tenantId, string deviceId, string passTypeIdentifier, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(WalletSql.PostgresUpdatedSerials, r => (Serial: r.GetString(0), UpdatedAt: r.GetInt64(1)), cancellationToken,
            ("t", tenantId), ("di", deviceId), ("pti", passTypeIdentifier), ("since", since is { } s ? ToMs(s) : -1L)).ConfigureAwait(false);
        return rows.Count == 0 ? null : new UpdatedSerials([.. rows.Select(r => r.Serial)], FromMs(rows.Max(r => r.UpdatedAt)));
    }

    public Task<IReadOnlyList<PassRegistration>> ListRegistrationsAsync(string tenantId, string passId, CancellationToken cancellationToken) =>
        ReadAsync(WalletSql.Registrations, WalletRows.ReadRegistration, cancellationToken, ("t", tenantId), ("p", passId));

    public async Task AppendDeviceLogsAsync(string tenantId, DateTimeOffset at, IReadOnlyList<string> messages, int keep, CancellationToken cancellationToken)
    {
        // One round trip, one implicit transaction.
        await using var batch = dataSource.CreateBatch();
        foreach (var message in messages)
        {
            var statement = new NpgsqlBatchCommand(PrefixedSql.Postgres(WalletSql.InsertDeviceLog));
            statement.Parameters.AddWithValue("t", tenantId);
            statement.Parameters.AddWithValue("at", ToMs(at));
            statement.Parameters.AddWithValue("m", message);
            batch.BatchCommands.Add(statement);
        }

        var trim = new NpgsqlBatchCommand(PrefixedSql.Postgres(WalletSql.TrimDeviceLogs));
        trim.Parameters.AddWithValue("t", tenantId);
        trim.Parameters.AddWithValue("keep", (long)keep);
        batch.BatchCommands.Add(trim);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<DeviceLogEntry>> ReadDeviceLogsAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(WalletSql.DeviceLogs, WalletRows.ReadDeviceLog, cancellationToken, ("t", tenantId), ("limit", (long)limit));

    private Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        PrefixedSql.ReadAsync(dataSource, sql, map, cancellationToken, parameters);
}
