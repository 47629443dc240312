namespace WalletCrew.Plugins;

/// <summary>Fills a pass with data from the tenant's own systems (points, tier, profile).</summary>
/// <remarks>
/// Registered under <see cref="RegistrationKeys.CustomerProviderPrefix"/> followed by the provider's name.
/// The returned data is merged into the pass. Throw to fail the call: the caller receives a 502 without your stack trace.
/// </remarks>
public interface ICustomerProvider
{
    /// <summary>Returns the data to merge into the pass.</summary>
    /// <param name="request">The pass to fill.</param>
    /// <param name="cancellationToken">Cancelled when the invocation's wall-time limit is reached or the caller leaves.</param>
    /// <returns>The data to merge.</returns>
    Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken);
}
