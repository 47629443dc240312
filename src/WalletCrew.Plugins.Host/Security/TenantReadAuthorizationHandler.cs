using Microsoft.AspNetCore.Authorization;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// Grants a <see cref="TenantReadRequirement"/> to an admin key, or to a tenant key when the request is about its own tenant:
/// the <c>{tenantId}</c> route value, else the <c>tenantId</c> query filter, else the tenant of the <c>{eventId}</c> or <c>{emailId}</c> route value.
/// A request naming no tenant is granted; its handler then shows only the key's tenant (<see cref="ScopeClaims.VisibleTenant"/>).
/// </summary>
internal sealed class TenantReadAuthorizationHandler(IEventHistory store, IEmailStore emails) : AuthorizationHandler<TenantReadRequirement>
{
    public const string TenantIdName = "tenantId";
    public const string EventIdName = "eventId";
    public const string EmailIdName = "emailId";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantReadRequirement requirement)
    {
        if (context.User.Has(ApiScope.Admin))
        {
            context.Succeed(requirement);
            return;
        }

        var own = ScopeClaims.TenantOf(context.User);
        var target = context.Resource is HttpContext http ? await TargetTenantAsync(http).ConfigureAwait(false) : null;
        if (own is not null && (target is null || target == own))
        {
            context.Succeed(requirement);
            return;
        }

        context.Fail(new MissingScopeReason(this, [ApiScope.AdminName, ApiScope.TenantPrefix + (target ?? "{tenantId}")]));
    }

    private async Task<string?> TargetTenantAsync(HttpContext http)
    {
        if (http.Request.RouteValues.TryGetValue(TenantIdName, out var route) && route is string tenantId)
        {
            return tenantId;
        }

        if (http.Request.Query.TryGetValue(TenantIdName, out var query))
        {
            return query.ToString();
        }

        // An unknown event or email names no tenant: the handler answers 404 as it would to anyone.
        if (http.Request.RouteValues.TryGetValue(EmailIdName, out var email) && email is string emailId)
        {
            return (await emails.GetAsync(emailId, http.RequestAborted).ConfigureAwait(false))?.TenantId;
        }

        return http.Request.RouteValues.TryGetValue(EventIdName, out var id) && id is string eventId
            ? (await store.GetAsync(eventId, http.RequestAborted).ConfigureAwait(false))?.TenantId
            : null;
    }
}
