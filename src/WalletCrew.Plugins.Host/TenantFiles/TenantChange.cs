using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>Who asks for a change of a tenant's files, and how.</summary>
/// <param name="KeyId">The API key's name (its configuration path).</param>
/// <param name="Message">The caller's note, if any.</param>
/// <param name="DryRun">Check only; store nothing.</param>
/// <param name="IfMatch">The version the caller expects to be current, or null.</param>
/// <param name="Origin">The tenants folder the change was read from, or null for a change through the API.</param>
internal sealed record TenantChange(string KeyId, string? Message, bool DryRun, long? IfMatch, TenantFolderOrigin? Origin = null);
