namespace WalletCrew.Plugins.Engine;

/// <summary>Secrets held in memory, per tenant (the CLI's <c>--secret</c>, configuration, tests).</summary>
public sealed class InMemorySecretSource : ISecretSource
{
    private readonly Dictionary<string, Dictionary<string, string>> _secrets = new(StringComparer.Ordinal);

    /// <summary>Sets a tenant's secret.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The secret's value.</param>
    /// <returns>This source.</returns>
    public InMemorySecretSource Set(string tenantId, string name, string value)
    {
        if (!_secrets.TryGetValue(tenantId, out var tenant))
        {
            tenant = new Dictionary<string, string>(StringComparer.Ordinal);
            _secrets[tenantId] = tenant;
        }

        tenant[name] = value;
        return this;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        var value = _secrets.TryGetValue(tenantId, out var tenant) && tenant.TryGetValue(name, out var found) ? found : null;
        return ValueTask.FromResult(value);
    }
}
