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
    private const string Prefix = "wcp_";

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
        await using (var insert = Command(TenantFileSql.InsertVersion, connection, tx, TenantFileSql.VersionParameters(version)))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        foreach (var (hash, content) in blobs)
        {
            await using var blob = Command(TenantFileSql.InsertBlob, connection, tx, [("h", hash), ("c", content)]);
            await blob.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var notify = Command("SELECT pg_notify(@channel, @payload)", connection, tx,
            [("channel", TenantFileSql.Channel), ("payload", $"{version.TenantId}:{version.Version}")]))
        {
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? tx, IEnumerable<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(TenantFileSql.For(sql, Prefix), connection, tx);
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command;
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(sql, connection, null, parameters);
        return await ReadAllAsync(command, map, cancellationToken).ConfigureAwait(false);
    }
}
