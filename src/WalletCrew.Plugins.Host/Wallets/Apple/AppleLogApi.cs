using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Problems;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary><c>POST …/v1/log</c>: what Apple devices report about the web service, kept per tenant for operators (rate-limited, <see cref="AppleLogLimit"/>).</summary>
internal static class AppleLogApi
{
    public static async Task<Results<Ok, ProblemHttpResult>> LogAsync(
        string tenantId, HttpRequest request, IWalletStore wallets, ITenantRuntime tenants, TimeProvider time, IOptions<ApiOptions> api,
        IOptions<WalletOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RouteValues.CheckTenantId(tenantId, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var (body, problem) = await JsonBodyReader.ReadAsync<AppleLogRequest>(request, api.Value.BodyLimit, cancellationToken, allowUnknownFields: true).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var limits = options.Value;
        var logs = body!.Logs;
        if (logs is null || logs.Count == 0)
        {
            return ApiProblems.Invalid("logs", "'logs' is required: a non-empty array of messages, as in {\"logs\":[\"…\"]}.");
        }

        if (logs.Count > limits.MaxLogMessages)
        {
            return ApiProblems.Invalid("logs", $"'logs' has {logs.Count} messages; at most {limits.MaxLogMessages} are accepted per request.");
        }

        if (logs.Any(string.IsNullOrWhiteSpace))
        {
            return ApiProblems.Invalid("logs", "Every entry of 'logs' must be a non-empty string.");
        }

        if (!tenants.Contains(tenantId))
        {
            return ApiProblems.UnknownTenant(tenantId);
        }

        var messages = logs.Select(m => m!.Length > limits.MaxLogMessageLength ? m[..limits.MaxLogMessageLength] : m!).ToList();
        try
        {
            await wallets.AppendDeviceLogsAsync(tenantId, time.GetUtcNow(), messages, limits.KeptLogMessages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return AppleWebServiceApi.StoreUnavailable(request.HttpContext.Response);
        }

        return TypedResults.Ok();
    }
}
