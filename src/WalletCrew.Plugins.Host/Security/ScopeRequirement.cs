using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>The key must carry this scope.</summary>
internal sealed class ScopeRequirement(ApiScope scope) : IAuthorizationRequirement
{
    public ApiScope Scope { get; } = scope;
}
