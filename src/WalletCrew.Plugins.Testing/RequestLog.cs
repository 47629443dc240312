namespace WalletCrew.Plugins.Testing;

/// <summary>The requests connectors sent through one test host, in order.</summary>
internal sealed class RequestLog
{
    private readonly List<SentRequest> _requests = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    public void Add(SentRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    /// <summary>Returns the requests sent from position <paramref name="start"/> on.</summary>
    public IReadOnlyList<SentRequest> From(int start)
    {
        lock (_gate)
        {
            return [.. _requests.Skip(start)];
        }
    }
}
