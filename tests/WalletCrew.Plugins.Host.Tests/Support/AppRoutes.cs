using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Every route the running host maps, read from its <see cref="EndpointDataSource"/>, as <c>METHOD /pattern</c>.</summary>
internal static class AppRoutes
{
    public static IReadOnlyList<AppRoute> Of(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method => new AppRoute(
                method,
                "/" + string.Join('/', (e.RoutePattern.RawText ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)),
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .Distinct()
            .OrderBy(r => r.ToString(), StringComparer.Ordinal)];
}
