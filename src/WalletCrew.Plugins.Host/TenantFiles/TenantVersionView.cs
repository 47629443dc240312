using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// One tenant version on the wire: number, time, key, message, set hash, what it restores, its origin (the tenants folder
/// it was made from, <c>{"machine","folder"}</c>; null when made through the API), and its files with their hashes.
/// </summary>
internal sealed record TenantVersionView(
    string TenantId, long Version, DateTimeOffset CreatedAt, string KeyId, string? Message, string SetHash, long? RestoredFrom, TenantFolderOrigin? Origin,
    IReadOnlyList<TenantFileEntry> Files)
{
    public static TenantVersionView From(TenantVersion v) => new(v.TenantId, v.Version, v.CreatedAt, v.KeyId, v.Message, v.SetHash, v.RestoredFrom, v.Origin, v.Files);
}
