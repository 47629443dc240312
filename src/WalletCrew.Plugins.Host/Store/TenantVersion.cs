namespace WalletCrew.Plugins.Host.Store;

/// <summary>One accepted change of a tenant's files: the whole file set, content-addressed, with who made it and why.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Version">The tenant's version number: 1 for its first, one more for every accepted change (restores included).</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="KeyId">The API key (its configuration path, never the key) that made it.</param>
/// <param name="Message">The caller's note, if any.</param>
/// <param name="SetHash">The hash of the whole file set (paths and content hashes); equal sets have equal hashes.</param>
/// <param name="Files">Every file, ordered by path.</param>
/// <param name="RestoredFrom">The version this one restores, or null.</param>
/// <param name="Origin">The tenants folder it was made from, or null when it was made through the API (<paramref name="KeyId"/> names the key).</param>
internal sealed record TenantVersion(
    string TenantId,
    long Version,
    DateTimeOffset CreatedAt,
    string KeyId,
    string? Message,
    string SetHash,
    IReadOnlyList<TenantFileEntry> Files,
    long? RestoredFrom,
    TenantFolderOrigin? Origin = null);
