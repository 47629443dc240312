namespace WalletCrew.Plugins.Engine;

/// <summary>Where tenants' secrets come from; the engine only ever asks for the calling tenant's own.</summary>
public interface ISecretSource
{
    /// <summary>Returns a tenant's secret, or <see langword="null"/> when it has none with that name.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The secret's name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    ValueTask<string?> GetSecretAsync(string tenantId, string name, CancellationToken cancellationToken);
}
