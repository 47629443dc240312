using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// What a worker's code may ask of the host for one request of the host's: how many calls, how many of them fetches, and
/// how large each may be. Code within the policy stays under every bound (its <c>fetch</c> fails at its own limits first,
/// and a secret's name is refused past <see cref="EngineDefaults.SecretNameChars"/> in either mode); one call past any kills
/// the worker. The host reads every call on the worker's channel thread, so without them code past the policy could have it
/// read frames of up to 16 MiB for as long as a call lasts.
/// </summary>
/// <param name="Fetches">The most fetches: the host's highest outbound-call limit.</param>
/// <param name="Calls">The most calls of any kind: that plus <see cref="EngineDefaults.HostCallsBeyondFetch"/>.</param>
/// <param name="FetchChars">The largest fetch: the host's largest request body plus <see cref="EngineDefaults.FetchCallOverheadChars"/>.</param>
internal sealed record HostCallBounds(int Fetches, int Calls, int FetchChars)
{
    /// <summary>Gets the bounds of a spare worker, which no tenant has claimed: no call at all.</summary>
    public static HostCallBounds None { get; } = new(0, 0, 0);

    public static HostCallBounds For(LimitMaxima maxima) => new(
        maxima.OutboundCallsPerInvocation,
        maxima.OutboundCallsPerInvocation + EngineDefaults.HostCallsBeyondFetch,
        maxima.RequestBodyBytes + EngineDefaults.FetchCallOverheadChars);

    // A frame's bytes for each character of a call at most: the worker's JSON writes a character that is not ASCII as
    // \uXXXX, and a body's bytes in base64 (4 for 3); plus its field names.
    private const int BytesPerChar = 6;
    private const int FrameOverheadBytes = 1024;

    /// <summary>Gets the largest frame a secret call within the bounds makes.</summary>
    public static int SecretFrameBytes => (EngineDefaults.SecretNameChars * BytesPerChar) + FrameOverheadBytes;

    /// <summary>Gets the largest frame a fetch within the bounds makes.</summary>
    public long FetchFrameBytes => ((long)FetchChars * BytesPerChar) + FrameOverheadBytes;

    /// <summary>Returns why <paramref name="call"/>, read from a frame of <paramref name="frameBytes"/>, is refused, counting
    /// it in <paramref name="calls"/> and <paramref name="fetches"/> (the request's counts so far), or <see langword="null"/>.
    /// A frame larger than its call's fields can make is refused whatever it holds: the host parses each one whole (unknown
    /// fields and whitespace included) on the worker's channel thread, up to 16 MiB, for every one of a request's calls.</summary>
    public string? Refusal(IHostCall call, int frameBytes, ref int calls, ref int fetches)
    {
        switch (call)
        {
            case SecretCall when frameBytes > SecretFrameBytes:
                return SandboxMessages.OversizedCallFrame("secret call", frameBytes, SecretFrameBytes);
            case FetchCall when frameBytes > FetchFrameBytes:
                return SandboxMessages.OversizedCallFrame("fetch", frameBytes, FetchFrameBytes);
            case SecretCall { Name.Length: > EngineDefaults.SecretNameChars } secret:
                return SandboxMessages.OversizedCall("secret name", secret.Name.Length, EngineDefaults.SecretNameChars);
            case FetchCall fetch when Chars(fetch) is var size && size > FetchChars:
                return SandboxMessages.OversizedCall("fetch", size, FetchChars);
            case FetchCall when Interlocked.Increment(ref fetches) > Fetches:
                return SandboxMessages.TooManyFetches(Fetches);
        }

        return Interlocked.Increment(ref calls) > Calls ? SandboxMessages.TooManyHostCalls(Calls) : null;
    }

    private static long Chars(FetchCall fetch) =>
        fetch.Method.Length + fetch.Url.Length + (fetch.Body?.LongLength ?? 0) + fetch.Headers.Sum(h => (long)h.Name.Length + h.Value.Length);
}
