namespace WalletCrew.Plugins.Engine;

/// <summary>A released connector version whose load context is still alive: something still holds its code.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Path">The connector, relative to the tenant folder.</param>
/// <param name="ReleasedAt">When the version was released.</param>
public sealed record ZombieConnector(string TenantId, string Path, DateTimeOffset ReleasedAt);
