using System.Collections.Concurrent;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;

namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>
/// The fetch clients of tenants: one per tenant and distinct settings (egress allow-list, body limits), never shared between
/// tenants. Connections are pooled per client, so one tenant's request never travels on a connection another tenant opened,
/// whatever their settings.
/// </summary>
internal sealed class TenantFetchClients(ConnectorEngineOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<FetchClient>> _clients = new(StringComparer.Ordinal);

    public FetchClient For(string tenantId, IReadOnlyList<string> allow, int maxRequestBodyBytes, int maxResponseBodyBytes)
    {
        var key = $"{tenantId}|{string.Join(",", allow.Order(StringComparer.Ordinal))}|{maxRequestBodyBytes}|{maxResponseBodyBytes}";
        return _clients.GetOrAdd(key, _ => new Lazy<FetchClient>(() => new FetchClient(new FetchClientOptions
        {
            AllowLoopback = options.AllowLoopback,
            Handler = options.HttpHandler,
            Wrapper = options.HttpHandlerWrapper,
            TimeProvider = options.TimeProvider,
            Egress = (EgressPolicy.PublicOnly with { AllowedPrivateNetworks = [.. options.PrivateNetworks] }).WithAllowedPrivateHosts(allow),
            MaxRequestBodyBytes = maxRequestBodyBytes,
            MaxResponseBodyBytes = maxResponseBodyBytes,
        }))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
