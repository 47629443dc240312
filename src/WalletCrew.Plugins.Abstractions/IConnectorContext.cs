using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins;

/// <summary>What the platform offers a connector: registration, outbound HTTP, the tenant's secrets and its log.</summary>
/// <remarks>
/// A script receives it as the global <c>Context</c>; a plugin assembly receives it in <see cref="IConnectorModule.Register"/>.
/// Pass it to your typed connectors' constructors so the same class works in both.
/// </remarks>
public interface IConnectorContext
{
    /// <summary>Gets the id of the tenant this connector belongs to.</summary>
    string TenantId { get; }

    /// <summary>Gets the tenant log; what is written here during an invocation is kept with that invocation.</summary>
    ILogger Log { get; }

    /// <summary>Registers an implementation under a registration key such as <see cref="RegistrationKeys.PassUpdater"/>.</summary>
    /// <param name="key">The registration key.</param>
    /// <param name="implementation">
    /// An object implementing the key's contract, a <see cref="Hooks"/> map, or any object whose properties are delegates
    /// named after the contract's members (names match case-insensitively).
    /// </param>
    /// <remarks>Bound once, when the connector loads; a binding problem is reported as a diagnostic with the file, line and column.</remarks>
    void Register(string key, object implementation);

    /// <summary>Sends an HTTP request through the platform's egress, within the tenant's limits.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="options">A <see cref="FetchOptions"/> or an object with the same PascalCase properties; <see langword="null"/> for a GET.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response; a non-2xx status throws <see cref="FetchException"/> unless <see cref="FetchOptions.ThrowOnError"/> is false.</returns>
    Task<FetchResponse> FetchAsync(string url, object? options = null, CancellationToken cancellationToken = default);

    /// <summary>Creates an HttpClient whose requests go through the platform's egress, limits and logging, for typed clients such as Refit.</summary>
    /// <param name="baseAddress">The partner's absolute <c>http</c> or <c>https</c> base address, such as <c>https://loyalty.example</c>.</param>
    /// <returns>
    /// A client to pass to <c>RestService.ForGenerated</c>; connectors do not call its members themselves. Its requests are
    /// cancelled with the invocation that sends them, and its responses are read within the response body limit.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="baseAddress"/> is not an absolute http or https URL.</exception>
    HttpClient CreateHttpClient(string baseAddress);

    /// <summary>Reads one of this tenant's secrets.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The secret's value.</returns>
    /// <exception cref="KeyNotFoundException">The tenant has no secret with that name.</exception>
    Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default);
}
