using Microsoft.AspNetCore.Authorization;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// Grants a <see cref="TenantReadRequirement"/> to an admin key, or to a tenant key when every tenant the request is about
/// is its own: the <c>{tenantId}</c> route value, each <c>tenantId</c> query value, and the tenant of the <c>{eventId}</c> or
/// <c>{emailId}</c> route value. All are checked, whichever the route's handler reads (a query naming the key's own tenant
/// once let it read another tenant's event by id). A request naming no tenant is granted; its handler then shows only the
/// key's tenant (<see cref="ScopeClaims.VisibleTenant"/>). A refusal names a tenant the caller named, never the owner of an
/// event or email it does not own.
/// </summary>
internal sealed class TenantReadAuthorizationHandler(IEventHistory store, IEmailStore emails) : AuthorizationHandler<TenantReadRequirement>
{
    public const string TenantIdName = "tenantId";
    public const string EventIdName = "eventId";
    public const string EmailIdName = "emailId";

    private const string AnyTenant = "{tenantId}";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantReadRequirement requirement)
    {
        if (context.User.Has(ApiScope.Admin))
        {
            context.Succeed(requirement);
            return;
        }

        var http = context.Resource as HttpContext;
        var named = http is null ? [] : NamedTenants(http.Request).ToList();

        // No tenant key, no look-up: the refusal needs no store.
        if (ScopeClaims.TenantOf(context.User) is not { } own || http is null)
        {
            context.Fail(new MissingScopeReason(this, [ApiScope.AdminName, ApiScope.TenantPrefix + (named.FirstOrDefault() ?? AnyTenant)]));
            return;
        }

        var foreign = named.FirstOrDefault(tenant => tenant != own);
        var owner = foreign is null ? await OwnerAsync(http).ConfigureAwait(false) : null;
        if (foreign is null && (owner is null || owner == own))
        {
            context.Succeed(requirement);
            return;
        }

        context.Fail(new MissingScopeReason(this, [ApiScope.AdminName, ApiScope.TenantPrefix + (foreign ?? AnyTenant)]));
    }

    // The tenants the request names itself: its route's, and every value of its tenantId query.
    private static IEnumerable<string> NamedTenants(HttpRequest request)
    {
        if (request.RouteValues.TryGetValue(TenantIdName, out var route) && route is string tenantId)
        {
            yield return tenantId;
        }

        foreach (var value in request.Query[TenantIdName])
        {
            yield return value ?? "";
        }
    }

    // The tenant of the route's email or event; null when it names none, or one that does not exist (the handler then
    // answers 404 as it would to anyone).
    private async Task<string?> OwnerAsync(HttpContext http)
    {
        if (http.Request.RouteValues.TryGetValue(EmailIdName, out var email) && email is string emailId)
        {
            return (await emails.GetAsync(emailId, http.RequestAborted).ConfigureAwait(false))?.TenantId;
        }

        return http.Request.RouteValues.TryGetValue(EventIdName, out var id) && id is string eventId
            ? (await store.GetAsync(eventId, http.RequestAborted).ConfigureAwait(false))?.TenantId
            : null;
    }
}
