using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>The key must carry one of these scopes.</summary>
internal sealed class ScopeRequirement(params ApiScope[] anyOf) : IAuthorizationRequirement
{
    public IReadOnlyList<ApiScope> AnyOf { get; } = anyOf;
}
