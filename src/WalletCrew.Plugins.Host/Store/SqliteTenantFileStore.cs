using Microsoft.Data.Sqlite;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>The tenants' files in the SQLite file: writes go through the event store's one writer, reads use pooled connections.</summary>
internal sealed class SqliteTenantFileStore(SqliteEventStore events) : ITenantFileStore
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
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var hash in hashes.Distinct(StringComparer.Ordinal))
        {
            var found = await ReadAsync(TenantFileSql.Blob, r => (byte[])r.GetValue(0), cancellationToken, ("h", hash)).ConfigureAwait(false);
            if (found.Count > 0)
            {
                blobs[hash] = found[0];
            }
        }

        return blobs;
    }

    public Task<bool> AppendAsync(TenantVersion version, IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellationToken) =>
        events.Writer.WriteAsync(async statements =>
        {
            var inserted = await statements.Command(PrefixedSql.Sqlite(TenantFileSql.InsertVersion)).WithParameters(TenantFileSql.VersionParameters(version))
                .ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            if (inserted == 0)
            {
                return false;
            }

            foreach (var (hash, content) in blobs)
            {
                await statements.Command(PrefixedSql.Sqlite(TenantFileSql.InsertBlob)).WithParameters([("h", hash), ("c", content)]).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await events.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PrefixedSql.ReadAsync(connection, sql, map, cancellationToken, parameters).ConfigureAwait(false);
    }
}
