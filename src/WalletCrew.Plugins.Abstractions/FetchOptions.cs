namespace WalletCrew.Plugins;

/// <summary>Options of <see cref="IConnectorContext.FetchAsync"/>, PascalCase as in the platform's JavaScript <c>fetch</c>.</summary>
/// <remarks>An anonymous object with the same property names works too.</remarks>
public sealed class FetchOptions
{
    /// <summary>Gets the HTTP method.</summary>
    /// <value>The default is <c>GET</c>.</value>
    public string Method { get; init; } = "GET";

    /// <summary>Gets the request headers, <c>Content-Type</c> included.</summary>
    /// <value>The default is no header.</value>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets the body: a string is sent as is; an object is sent form-urlencoded when the
    /// <c>Content-Type</c> header says <c>application/x-www-form-urlencoded</c>, as JSON otherwise.</summary>
    /// <value>The default is no body.</value>
    public object? Body { get; init; }

    /// <summary>Gets a value indicating whether a non-2xx answer throws <see cref="FetchException"/>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ThrowOnError { get; init; } = true;

    /// <summary>Gets the time after which the request is abandoned; it never exceeds the invocation's remaining wall time.</summary>
    /// <value>The default is the remaining wall time of the invocation.</value>
    public TimeSpan? Timeout { get; init; }
}
