using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Security;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Host.Wallets.Passes;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>
/// The Apple Wallet web service of each tenant (a pass's <c>webServiceURL</c> is <c>&lt;host&gt;/api/tenants/{tenantId}/passes/apple</c>).
/// A registration is an installation event for <c>apple</c> and an unregistration an uninstallation, each committed in the
/// transaction of its registration row before the answer: a 201 means the event is durable, a store failure answers 503.
/// </summary>
internal static class AppleWebServiceApi
{
    public const string Prefix = "/api/tenants/{tenantId}/passes/apple/v1";

    public static IEndpointRouteBuilder MapAppleWebService(this IEndpointRouteBuilder routes)
    {
        var apple = routes.MapGroup(Prefix).UseWalletAuthentication();
        const string Registration = "/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}";
        apple.MapPost(Registration, RegisterAsync);
        apple.MapDelete(Registration, UnregisterAsync);
        apple.MapGet("/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}", AppleUpdatesApi.SerialNumbersAsync);
        apple.MapGet("/passes/{passTypeIdentifier}/{serialNumber}", AppleUpdatesApi.LatestPassAsync);
        apple.MapPost("/log", AppleLogApi.LogAsync).RequireRateLimiting(AppleLogLimit.Policy);
        return routes;
    }

    private static async Task<Results<Created, Ok, ProblemHttpResult>> RegisterAsync(
        string tenantId, string deviceLibraryIdentifier, string passTypeIdentifier, string serialNumber, HttpRequest request,
        IWalletStore wallets, InstallationRecorder recorder, ITenantRuntime tenants, TimeProvider time, IOptions<ApiOptions> api,
        IOptions<WalletOptions> options, CancellationToken cancellationToken)
    {
        if (CheckRoute(tenantId, deviceLibraryIdentifier, passTypeIdentifier, serialNumber) is { } invalid)
        {
            return invalid;
        }

        var (pass, refused) = await ApplePassAuthentication.AuthenticateAsync(request, wallets, tenantId, passTypeIdentifier, serialNumber, cancellationToken).ConfigureAwait(false);
        if (pass is null)
        {
            return refused!;
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<AppleRegisterRequest>(request, api.Value.BodyLimit, cancellationToken, allowUnknownFields: true).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckId("pushToken", body!.PushToken, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        return await RecordAsync(pass, deviceLibraryIdentifier, installed: true, new ApplePushToken(passTypeIdentifier, body.PushToken!), options.Value.MaxDevicesPerPass,
            request, recorder, tenants, time, cancellationToken).ConfigureAwait(false);
    }

    // Unregistering a device that is not registered (again, or never) answers 200 with no event: a device whose first DELETE
    // got no answer retries it, and it is done either way.
    private static async Task<Results<Created, Ok, ProblemHttpResult>> UnregisterAsync(
        string tenantId, string deviceLibraryIdentifier, string passTypeIdentifier, string serialNumber, HttpRequest request,
        IWalletStore wallets, InstallationRecorder recorder, ITenantRuntime tenants, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CheckRoute(tenantId, deviceLibraryIdentifier, passTypeIdentifier, serialNumber) is { } invalid)
        {
            return invalid;
        }

        var (pass, refused) = await ApplePassAuthentication.AuthenticateAsync(request, wallets, tenantId, passTypeIdentifier, serialNumber, cancellationToken).ConfigureAwait(false);
        if (pass is null)
        {
            return refused!;
        }

        return await RecordAsync(pass, deviceLibraryIdentifier, installed: false, null, maxDevices: null, request, recorder, tenants, time, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Created, Ok, ProblemHttpResult>> RecordAsync(
        WalletPass pass, string deviceLibraryIdentifier, bool installed, ApplePushToken? pushToken, int? maxDevices, HttpRequest request,
        InstallationRecorder recorder, ITenantRuntime tenants, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!tenants.Contains(pass.TenantId))
        {
            return ApiProblems.UnknownTenant(pass.TenantId);
        }

        var now = time.GetUtcNow();
        var command = new IngestCommand(
            NewEventId: EventIds.New(now),
            TenantId: pass.TenantId,
            PassId: pass.PassId,
            PassType: pass.PassType,
            Device: Device.Apple,
            DeviceId: deviceLibraryIdentifier,
            Installed: installed,
            Identifiers: pass.Identifiers,
            Source: RegistrationSources.For(pass, request.Headers.UserAgent),
            OccurredAt: now,
            ReceivedAt: now,
            PushToken: pushToken,
            MaxActiveRegistrations: maxDevices);
        if (await recorder.RecordAsync(command, request.HttpContext.Response, cancellationToken).ConfigureAwait(false) is not { } outcome)
        {
            return ApiProblems.StoreUnavailable();
        }

        if (outcome.TooManyRegistrations)
        {
            return TypedResults.Problem(
                $"Pass '{pass.PassId}' already has {outcome.ActiveRegistrationCount} registered devices, the most one pass may have (WalletCrew:Wallets:MaxDevicesPerPass).",
                statusCode: StatusCodes.Status403Forbidden, title: "Too many devices");
        }

        return installed && outcome.Created ? TypedResults.Created() : TypedResults.Ok();
    }

    /// <summary>Checks the route's ids, adding one message per bad one; null when all are good.</summary>
    internal static ProblemHttpResult? CheckRoute(string tenantId, string? deviceLibraryIdentifier, string passTypeIdentifier, string? serialNumber)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (deviceLibraryIdentifier is not null)
        {
            RouteValues.CheckId("deviceLibraryIdentifier", deviceLibraryIdentifier, errors);
        }

        RouteValues.CheckId("passTypeIdentifier", passTypeIdentifier, errors);
        if (serialNumber is not null)
        {
            RouteValues.CheckId("serialNumber", serialNumber, errors);
        }

        return errors.Count > 0 ? ApiProblems.Invalid(errors) : null;
    }

    /// <summary>503 with <c>Retry-After: 1</c>: the store could not be read or written; the device retries.</summary>
    internal static ProblemHttpResult StoreUnavailable(HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return ApiProblems.StoreUnavailable();
    }
}
