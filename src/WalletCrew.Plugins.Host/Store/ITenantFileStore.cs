namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The tenants' files in the store: content-addressed blobs and one row per tenant version. A tenant's current version is
/// its newest; versions are only appended, so the current version of a tenant never goes back.
/// </summary>
internal interface ITenantFileStore
{
    /// <summary>Returns the tenant's newest version, or null when the store has none.</summary>
    Task<TenantVersion?> GetCurrentAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Returns one version, or null.</summary>
    Task<TenantVersion?> GetVersionAsync(string tenantId, long version, CancellationToken cancellationToken);

    /// <summary>Lists the tenant's versions, newest first.</summary>
    Task<IReadOnlyList<TenantVersion>> ListVersionsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Returns every stored tenant's newest version number.</summary>
    Task<IReadOnlyList<TenantHead>> ListHeadsAsync(CancellationToken cancellationToken);

    /// <summary>Reads the blobs with these hashes; a missing one is left out.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ReadBlobsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the blobs and appends the version in one transaction, only when <see cref="TenantVersion.Version"/> is the
    /// tenant's newest plus one; returns false (and stores nothing) when another change took that number first.
    /// </summary>
    Task<bool> AppendAsync(TenantVersion version, IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellationToken);
}
