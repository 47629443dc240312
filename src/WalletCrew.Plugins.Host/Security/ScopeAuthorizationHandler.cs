using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Grants a <see cref="ScopeRequirement"/> to a key with one of its scopes, and otherwise names the scopes that would do.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var tenantId = context.Resource is HttpContext http && http.Request.RouteValues.TryGetValue(TenantReadAuthorizationHandler.TenantIdName, out var route)
            ? route as string
            : null;
        var anyOf = requirement.For(tenantId);
        if (anyOf.Any(context.User.Has))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new MissingScopeReason(this, [.. anyOf.Select(s => s.Name)]));
        }

        return Task.CompletedTask;
    }
}
