using Microsoft.Extensions.Configuration;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// Tenants' secrets from configuration: <c>WalletCrew:Tenants:{tenantId}:Secrets:{NAME}</c>
/// (environment: <c>WalletCrew__Tenants__{tenantId}__Secrets__{NAME}</c>). Read on every call, so a reloaded source takes effect.
/// </summary>
internal sealed class ConfigurationSecretSource(IConfiguration configuration) : ISecretSource
{
    public ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        // A ':' in either part would walk into another configuration section, possibly another tenant's.
        if (!TenantIds.IsValid(tenantId) || string.IsNullOrEmpty(name) || name.Contains(':', StringComparison.Ordinal))
        {
            return ValueTask.FromResult<string?>(null);
        }

        return ValueTask.FromResult(configuration[$"WalletCrew:Tenants:{tenantId}:Secrets:{name}"]);
    }
}
