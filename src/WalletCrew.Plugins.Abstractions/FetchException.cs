namespace WalletCrew.Plugins;

/// <summary>Thrown by <see cref="IConnectorContext.FetchAsync"/> for a non-2xx answer when <see cref="FetchOptions.ThrowOnError"/> is true.</summary>
public sealed class FetchException : Exception
{
    internal FetchException(string method, string url, FetchResponse response)
        : base($"{method} {url} answered {response.Status} {response.StatusText}.")
    {
        Response = response;
    }

    /// <summary>Gets the response that was received.</summary>
    public FetchResponse Response { get; }
}
