namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The tenants folder a version was made from: the machine of the host that stored it and the tenant folder's absolute
/// path there. Kept in the store as <c>machine:path</c> (a machine name has no colon).
/// </summary>
/// <param name="Machine">The machine name of the host that read the folder.</param>
/// <param name="Folder">The tenant folder's absolute path on that machine.</param>
internal sealed record TenantFolderOrigin(string Machine, string Folder)
{
    /// <summary>Returns the origin of versions made from <paramref name="tenantFolder"/> on this machine.</summary>
    public static TenantFolderOrigin Here(string tenantFolder) => new(Environment.MachineName, Path.GetFullPath(tenantFolder));

    public static TenantFolderOrigin? Parse(string? stored) =>
        stored?.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? new(stored[..colon], stored[(colon + 1)..]) : null;

    public override string ToString() => $"{Machine}:{Folder}";
}
