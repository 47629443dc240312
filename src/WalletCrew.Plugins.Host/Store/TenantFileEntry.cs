namespace WalletCrew.Plugins.Host.Store;

/// <summary>One file of a stored tenant version: its path in the tenant folder, the SHA-256 of its bytes, and its size.</summary>
internal sealed record TenantFileEntry(string Path, string Hash, long Size);
