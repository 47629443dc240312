using System.Data;
using Npgsql;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The tenants' files in the PostgreSQL database the hosts share. Appending a version announces it on
/// <see cref="TenantFileSql.Channel"/> in the same transaction, so every host listening hears of it once it is committed.
/// </summary>
internal sealed class PostgresTenantFileStore(NpgsqlDataSource dataSource) : ITenantFileStore
{
    public async Task<TenantVersion?> GetCurrentAsync(string tenantId, CancellationToken cancellationToken) =>
        (await ReadAsync(TenantFileSql.Current, TenantFileSql.ReadVersion, cancellationToken, ("t", tenantId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<TenantVersion?> GetVersionAsync(string tenantId, long version, CancellationToken cancellationToken) =>
        (await ReadAsync(TenantFileSql.One, TenantFileSql.ReadVersion, cancellationToken, ("t", tenantId), ("v", version)).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<TenantVersion>> ListVersionsAsync(string tenantId, CancellationToken cancellationToken) =>
        ReadAsync(TenantFileSql.List, TenantFileSql.ReadVersion, cancellationToken, ("t", tenantId));

    public Task<IReadOnlyList<TenantHead>> ListHeadsAsync(CancellationToken cancellationToken) =>
        ReadAsync(TenantFileSql.Heads, TenantFileSql.ReadHead, cancellationToken);

    public async Task<IReadOnlyDictionary<string, byte[]>> ReadBlobsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync("SELECT hash, content FROM {0}tenant_blobs WHERE hash = ANY(@h)", r => (Hash: r.GetString(0), Content: (byte[])r.GetValue(1)),
            cancellationToken, ("h", hashes.Distinct(StringComparer.Ordinal).ToArray())).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Hash, r => r.Content, StringComparer.Ordinal);
    }

    public async Task<bool> AppendAsync(TenantVersion version, IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using (var insert = PrefixedSql.PostgresCommand(TenantFileSql.InsertVersion, connection, tx, TenantFileSql.VersionParameters(version)))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        foreach (var (hash, content) in blobs)
        {
            await using var blob = PrefixedSql.PostgresCommand(TenantFileSql.InsertBlob, connection, tx, [("h", hash), ("c", content)]);
            await blob.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var notify = PrefixedSql.PostgresCommand("SELECT pg_notify(@channel, @payload)", connection, tx,
            [("channel", TenantFileSql.Channel), ("payload", $"{version.TenantId}:{version.Version}")]))
        {
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        PrefixedSql.ReadAsync(dataSource, sql, map, cancellationToken, parameters);
}
