using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Wallets.Apple;

/// <summary>
/// The rate limit of <c>/v1/log</c>: a fixed window of one minute per tenant (<see cref="WalletOptions.LogRequestsPerMinute"/>),
/// so no tenant's devices, nor anyone posting in their name, can fill the store; over it, 429.
/// </summary>
internal static class AppleLogLimit
{
    public const string Policy = "apple-log";

    public static RateLimiterOptions AddAppleLogLimit(this RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(Policy, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<WalletOptions>>().Value.LogRequestsPerMinute;
            var tenant = context.Request.RouteValues.TryGetValue("tenantId", out var id) ? id as string ?? "" : "";
            return RateLimitPartition.GetFixedWindowLimiter(tenant, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        return limiter;
    }
}
