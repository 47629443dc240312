namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>The options of one fetch call, read and checked from whatever the connector passed.</summary>
/// <param name="Method">The HTTP method, uppercase for the standard ones.</param>
/// <param name="Headers">The headers in the order given, names as written.</param>
/// <param name="Body">The body as given: a string, bytes, or an object or map to encode.</param>
/// <param name="ThrowOnError">Whether a non-2xx answer throws <see cref="FetchException"/>.</param>
/// <param name="Timeout">The bound on the whole call, or <see langword="null"/> for none beyond the caller's token.</param>
internal sealed record FetchCallOptions(
    string Method,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    object? Body,
    bool ThrowOnError,
    TimeSpan? Timeout)
{
    /// <summary>Gets the options of a plain GET.</summary>
    public static FetchCallOptions Get { get; } = new("GET", [], null, true, null);

    /// <summary>Gets the value of the <c>Content-Type</c> header, if one was given.</summary>
    public string? ContentType =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
}
