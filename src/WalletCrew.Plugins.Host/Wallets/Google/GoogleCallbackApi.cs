using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Host.Wallets.Passes;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>
/// <c>POST /api/tenants/{tenantId}/passes/google</c>, a class's <c>callbackOptions.url</c>: verify the signed callback for the
/// tenant's issuer, then record <c>save</c> as an installation and <c>del</c> as an uninstallation for <c>google</c> of the
/// registry pass with that object id. The nonce is recorded in the same transaction: a message seen before answers 204 and
/// makes no event. A callback that does not verify answers 401 and records nothing.
/// </summary>
internal static partial class GoogleCallbackApi
{
    public const string Route = "/api/tenants/{tenantId}/passes/google";

    public static IEndpointRouteBuilder MapGoogleCallback(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Route, CallbackAsync).UseWalletAuthentication();
        return routes;
    }

    private static async Task<Results<Ok, NoContent, ProblemHttpResult>> CallbackAsync(
        string tenantId, HttpRequest request, GoogleCallbackVerifier verifier, IOptions<GoogleWalletOptions> google, IWalletStore wallets,
        InstallationRecorder recorder, ITenantRuntime tenants, TimeProvider time, IOptions<ApiOptions> api, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadBytesAsync(request, api.Value.BodyLimit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var logger = loggers.CreateLogger("WalletCrew.Plugins.Host.Wallets.Google");
        var issuer = google.Value.Issuers.GetValueOrDefault(tenantId) ?? "";
        var verification = verifier.Verify(Encoding.UTF8.GetString(body), issuer);
        if (verification.Callback is not { } callback)
        {
            // The reason is for the operator; the caller learns only that the callback was refused.
            LogRefused(logger, tenantId, verification.Failure!);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: $"The callback did not verify for tenant '{tenantId}'; nothing was recorded. The host log says which check failed.");
        }

        WalletPass? pass;
        try
        {
            pass = await wallets.FindGooglePassAsync(tenantId, callback.ObjectId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiProblems.StoreUnavailable();
        }

        if (pass is null)
        {
            return ApiProblems.NotFound("Unknown pass", $"Tenant '{tenantId}' has no pass with Google object id '{callback.ObjectId}' in the registry; put it first.");
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        var now = time.GetUtcNow();
        var command = new IngestCommand(
            NewEventId: EventIds.New(now),
            TenantId: tenantId,
            PassId: pass.PassId,
            PassType: pass.PassType,
            Device: Device.Google,
            DeviceId: DeviceNames.ToWire(Device.Google),
            Installed: callback.EventType == "save",
            Identifiers: pass.Identifiers,
            Source: RegistrationSources.For(pass, userAgent: null),
            OccurredAt: now,
            ReceivedAt: now,
            Nonce: callback.Nonce);
        if (await recorder.RecordAsync(command, request.HttpContext.Response, cancellationToken).ConfigureAwait(false) is not { } outcome)
        {
            return ApiProblems.StoreUnavailable();
        }

        return outcome.RepeatedNonce ? TypedResults.NoContent() : TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Google Wallet callback for tenant {TenantId} refused: {Failure}")]
    private static partial void LogRefused(ILogger logger, string tenantId, string failure);
}
