using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>The key must be <c>admin</c>, or <c>tenant:{id}</c> for the tenant the request is about.</summary>
internal sealed class TenantReadRequirement : IAuthorizationRequirement;
