using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// The outcome of one call into a tenant's connectors: status, error, tenant log, for Fill the data, the wait a partner
/// asked for, and the stored tenant version that ran it (null for a tenant served from its folder).
/// </summary>
internal sealed record HookOutcome(HookStatus Status, string? Error, IReadOnlyList<TenantLogEntry> Log, JsonObject? Data = null, TimeSpan? RetryAfter = null, long? TenantVersion = null)
{
    public static HookOutcome UnknownTenant(string tenantId) => new(HookStatus.UnknownTenant, NotLoaded(tenantId), []);

    /// <summary>Why a tenant is unknown, for the API's 404 and the hooks' outcome alike.</summary>
    public static string NotLoaded(string tenantId) => $"No tenant '{tenantId}' is loaded: its folder must exist under the tenants root.";
}
