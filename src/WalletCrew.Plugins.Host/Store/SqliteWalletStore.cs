using Microsoft.Data.Sqlite;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>The pass registry and device logs in the SQLite file: writes go through the event store's one writer, reads use pooled connections.</summary>
internal sealed class SqliteWalletStore(SqliteEventStore events) : IWalletStore
{
    public Task<PutPassResult> PutPassAsync(WalletPass pass, CancellationToken cancellationToken) => events.Writer.WriteAsync(async statements =>
    {
        long conflicts, existing;
        await using (var reader = await statements.Command(PrefixedSql.Sqlite(WalletSql.Check)).WithParameters(WalletRows.PassParameters(pass))
            .ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            (conflicts, existing) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (conflicts > 0)
        {
            return PutPassResult.Conflict;
        }

        await statements.Command(PrefixedSql.Sqlite(WalletSql.Upsert)).WithParameters(WalletRows.PassParameters(pass)).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        return existing > 0 ? PutPassResult.Updated : PutPassResult.Created;
    }, cancellationToken);

    public async Task<WalletPass?> GetPassAsync(string tenantId, string passId, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.Get, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("p", passId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<WalletPass?> FindApplePassAsync(string tenantId, string passTypeIdentifier, string serialNumber, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.FindApple, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("pti", passTypeIdentifier), ("sn", serialNumber))
            .ConfigureAwait(false)).FirstOrDefault();

    public async Task<WalletPass?> FindGooglePassAsync(string tenantId, string objectId, CancellationToken cancellationToken) =>
        (await ReadAsync(WalletSql.FindGoogle, WalletRows.ReadPass, cancellationToken, ("t", tenantId), ("goi", objectId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<bool> DeletePassAsync(string tenantId, string passId, CancellationToken cancellationToken) => events.Writer.WriteAsync(async statements =>
        await statements.Command(PrefixedSql.Sqlite(WalletSql.Delete)).WithParameters([("t", tenantId), ("p", passId)])
            .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) == 1, cancellationToken);

    public async Task<UpdatedSerials?> ListUpdatedSerialsAsync(string tenantId, string deviceId, string passTypeIdentifier, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(WalletSql.SqliteUpdatedSerials, r => (Serial: r.GetString(0), UpdatedAt: r.GetInt64(1)), cancellationToken,
            ("t", tenantId), ("di", deviceId), ("pti", passTypeIdentifier), ("since", since is { } s ? ToMs(s) : -1L)).ConfigureAwait(false);
        return rows.Count == 0 ? null : new UpdatedSerials([.. rows.Select(r => r.Serial)], FromMs(rows.Max(r => r.UpdatedAt)));
    }

    public Task<IReadOnlyList<PassRegistration>> ListRegistrationsAsync(string tenantId, string passId, CancellationToken cancellationToken) =>
        ReadAsync(WalletSql.Registrations, WalletRows.ReadRegistration, cancellationToken, ("t", tenantId), ("p", passId));

    public Task AppendDeviceLogsAsync(string tenantId, DateTimeOffset at, IReadOnlyList<string> messages, int keep, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(async statements =>
        {
            foreach (var message in messages)
            {
                await statements.Command(PrefixedSql.Sqlite(WalletSql.InsertDeviceLog)).WithParameters([("t", tenantId), ("at", ToMs(at)), ("m", message)])
                    .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await statements.Command(PrefixedSql.Sqlite(WalletSql.TrimDeviceLogs)).WithParameters([("t", tenantId), ("keep", (long)keep)])
                .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            return messages.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<DeviceLogEntry>> ReadDeviceLogsAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        ReadAsync(WalletSql.DeviceLogs, WalletRows.ReadDeviceLog, cancellationToken, ("t", tenantId), ("limit", (long)limit));

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await events.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PrefixedSql.ReadAsync(connection, sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }
}
