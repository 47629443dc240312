using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Emails;

/// <summary>
/// <c>POST /api/tenants/{tenantId}/emails</c>: validate, store, then answer 202 with the EmailId; the delivery worker sends
/// it through the tenant's email sender like an event (retries, dead letter, replay). Never calls the sender inline.
/// 400 names every bad field, 404 an unknown tenant, 422 a tenant without an email sender, 503 a store that did not confirm.
/// </summary>
internal static partial class EmailApi
{
    public static IEndpointRouteBuilder MapEmails(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/tenants/{tenantId}/emails", SendAsync).WithName("SendEmail").RequireAuthorization(ApiPolicies.Platform);
        routes.MapEmailAdmin();
        return routes;
    }

    private static async Task<Results<Accepted<EmailResponse>, ProblemHttpResult>> SendAsync(
        string tenantId,
        HttpRequest request,
        IEmailStore store,
        ITenantRuntime tenants,
        DeliverySignal signal,
        TimeProvider time,
        IOptions<ApiOptions> api,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<EmailRequestBody>(request, api.Value.BodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var key = request.Headers.TryGetValue(EmailValidation.IdempotencyHeader, out var header) ? header.ToString() : null;
        EmailValidation.Check(body!, key, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        if (!tenants.HasEmailSender(tenantId))
        {
            return ApiProblems.NoEmailSender(tenantId);
        }

        using var activity = HostTelemetry.Source.StartActivity("wcp.email.accept");
        activity?.SetTag("wcp.tenant_id", tenantId);
        var now = time.GetUtcNow();
        // The delivery continues this trace: accept → SendEmail → partner call.
        var email = new StoredEmail(EmailIds.New(now), tenantId, body!.Recipient!, body.EmailTemplate!, body.Data ?? [], body.Cultures ?? [], key, now,
            DeliveryStatus.Pending, 0, 0, now, null, null, false, Activity.Current?.Id);
        EmailAdded added;
        try
        {
            added = await store.AddAsync(email, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStoreFailed(loggers.CreateLogger(typeof(EmailApi).FullName!), exception, tenantId);
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiProblems.StoreUnavailable();
        }

        if (added.Created)
        {
            signal.Notify();
        }

        activity?.SetTag("wcp.email_id", added.EmailId).SetTag("wcp.created", added.Created);
        return TypedResults.Accepted($"/api/admin/emails/{added.EmailId}", new EmailResponse(added.EmailId, added.Created));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An email for tenant {TenantId} could not be stored; answered 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string tenantId);
}
