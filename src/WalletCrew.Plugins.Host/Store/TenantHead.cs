namespace WalletCrew.Plugins.Host.Store;

/// <summary>A tenant's newest stored version number.</summary>
internal sealed record TenantHead(string TenantId, long Version);
