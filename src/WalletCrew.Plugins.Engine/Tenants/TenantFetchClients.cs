using System.Collections.Concurrent;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Engine.Tenants;

/// <summary>
/// The fetch clients of tenants whose tenant.json changes the egress allow-list or the body limits: one per tenant and
/// distinct policy (connections are pooled per client, so a tenant never reuses a connection another tenant's policy opened).
/// Tenants without such settings share the engine's client.
/// </summary>
internal sealed class TenantFetchClients(FetchClient shared, ConnectorEngineOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<FetchClient>> _clients = new(StringComparer.Ordinal);

    public FetchClient For(string tenantId, IReadOnlyList<string> allow, int maxRequestBodyBytes, int maxResponseBodyBytes)
    {
        if (allow.Count == 0 && maxRequestBodyBytes == FetchDefaults.MaxRequestBodyBytes && maxResponseBodyBytes == FetchDefaults.MaxResponseBodyBytes)
        {
            return shared;
        }

        var key = $"{tenantId}|{string.Join(",", allow.Order(StringComparer.Ordinal))}|{maxRequestBodyBytes}|{maxResponseBodyBytes}";
        return _clients.GetOrAdd(key, _ => new Lazy<FetchClient>(() => new FetchClient(new FetchClientOptions
        {
            AllowLoopback = options.AllowLoopback,
            Handler = options.HttpHandler,
            TimeProvider = options.TimeProvider,
            Egress = EgressPolicy.PublicOnly.WithAllowedPrivateHosts(allow),
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
