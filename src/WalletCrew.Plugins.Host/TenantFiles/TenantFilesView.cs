using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>A tenant's file tree: the current stored version's files, the version this host serves, and every version, newest first.</summary>
internal sealed record TenantFilesView(string TenantId, long Version, long? LiveVersion, IReadOnlyList<TenantFileEntry> Files, IReadOnlyList<TenantVersionView> Versions);
