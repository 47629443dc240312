namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// What the host does when a tenant is at its limit of concurrent invocations (<see cref="HookStatus.Rejected"/>): nothing ran,
/// so it is no failure. A delivery is retried after this wait (with jitter) without using an attempt or touching the circuit;
/// a Fill answers 429 with this <c>Retry-After</c>.
/// </summary>
internal static class Overload
{
    /// <summary>The wait before trying a rejected invocation again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
}
