using Microsoft.AspNetCore.Authorization;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>Grants a <see cref="ScopeRequirement"/> to a key with that scope, and otherwise names the scope it lacks.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Has(requirement.Scope))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new MissingScopeReason(this, [requirement.Scope.Name]));
        }

        return Task.CompletedTask;
    }
}
