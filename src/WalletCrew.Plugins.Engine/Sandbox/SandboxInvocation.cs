namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The host's record of one invocation running in a worker: its outbound-call count and the token that ends its calls.</summary>
internal sealed class SandboxInvocation(int outboundCallLimit) : IDisposable
{
    private readonly CancellationTokenSource _ended = new();
    private int _calls;

    public int OutboundCallLimit => outboundCallLimit;

    public CancellationToken CancellationToken => _ended.Token;

    /// <summary>Counts one more outbound call and returns the count so far.</summary>
    public int CountCall() => Interlocked.Increment(ref _calls);

    /// <summary>Cancels the invocation's calls in flight in the host (its caller left); later ones start cancelled.</summary>
    public void CancelCalls() => _ended.Cancel();

    /// <summary>Ends the invocation: its calls still in flight in the host are cancelled.</summary>
    public void Dispose()
    {
        _ended.Cancel();
        _ended.Dispose();
    }
}
