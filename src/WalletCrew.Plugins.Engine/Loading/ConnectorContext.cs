using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Loading;

/// <summary>
/// The <see cref="IConnectorContext"/> of one connector version: the same object a script sees as <c>Context</c>
/// and a plugin's module receives. Registration is open only while the version loads.
/// </summary>
/// <remarks>The fetch client is looked up per call: a reload of tenant.json changes the egress policy of versions already loaded.</remarks>
internal sealed class ConnectorContext(string tenantId, ILogger log, Func<FetchClient> fetch, ISecretSource secrets, Action<string, object> register) : IConnectorContext
{
    private volatile Action<string, object>? _register = register;

    public string TenantId => tenantId;

    public ILogger Log => log;

    public void Register(string key, object implementation)
    {
        var target = _register;
        if (target is null)
        {
            throw new InvalidOperationException($"{Binding.BindingCodes.RegisterAfterLoad}: Register is only allowed while the connector loads (in its top-level code or IConnectorModule.Register).");
        }

        target(key, implementation);
    }

    public async Task<FetchResponse> FetchAsync(string url, object? options = null, CancellationToken cancellationToken = default)
    {
        // The call is counted by the client's InvocationScopeHandler, as a typed client's are; the link here also covers reading the body.
        var scope = InvocationScope.Current;
        if (scope is null || !scope.CancellationToken.CanBeCanceled)
        {
            return await fetch().FetchAsync(url, options, cancellationToken).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(scope.CancellationToken, cancellationToken);
        return await fetch().FetchAsync(url, options, linked.Token).ConfigureAwait(false);
    }

    public HttpClient CreateHttpClient(string baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var uri = FetchClient.ParseUrl(baseAddress);
        return new HttpClient(fetch().CreateConnectorHandler(), disposeHandler: true)
        {
            BaseAddress = uri,
            DefaultRequestVersion = System.Net.HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    public async Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > EngineDefaults.SecretNameChars)
        {
            throw new ArgumentException($"A secret's name is at most {EngineDefaults.SecretNameChars:N0} characters; this one has {name.Length:N0}.", nameof(name));
        }

        var value = await secrets.GetSecretAsync(tenantId, name, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Tenant '{tenantId}' has no secret named '{name}'. Configure it for this tenant (wcp: --secret {name}=VALUE).");
        InvocationScope.Current?.AddSecret(value);
        return value;
    }

    /// <summary>Closes registration once the version has loaded, dropping what loading needed.</summary>
    public void Seal() => _register = null;
}
