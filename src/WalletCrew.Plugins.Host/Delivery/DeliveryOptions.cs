using System.ComponentModel.DataAnnotations;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>How events are delivered to the hooks: section <c>WalletCrew:Delivery</c>.</summary>
internal sealed class DeliveryOptions
{
    public const string Section = "WalletCrew:Delivery";

    /// <summary>Gets or sets the waits before each retry; once they are used up the event is dead-lettered.</summary>
    /// <value>The default is Svix's ladder: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts, about 27.6 h).</value>
    public TimeSpan[]? RetrySchedule { get; set; }

    /// <summary>Gets or sets the random spread applied to each wait, as a fraction of it.</summary>
    /// <value>The default is 0.2 (±20 %).</value>
    [Range(0.0, 0.5)]
    public double JitterRatio { get; set; } = 0.2;

    /// <summary>Gets or sets the longest wait taken from a partner's <c>Retry-After</c> (on a 429 or 503 that failed the hook).</summary>
    /// <value>The default is 1 hour. A partner asking for less than the ladder's next wait gets the ladder's.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many deliveries run at once in this host.</summary>
    /// <value>
    /// The default is 128. A delivery mostly waits for its partner, so what a host delivers is about this many calls per
    /// partner round trip: at 50 ms a call, 16 slots deliver ~300 events/s and 128 up to ~2,500.
    /// </value>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 128;

    /// <summary>Gets or sets how many deliveries of one tenant run at once, so one tenant cannot take every slot.</summary>
    /// <value>
    /// The default is 16: calls at once to one tenant's partners, and the deliveries' share of the engine's default per-tenant
    /// invocation limit (<see cref="DeliveryShareOf"/>). A tenant gets at most that share of its own limit whatever this says.
    /// </value>
    [Range(1, 1024)]
    public int PerTenantConcurrency { get; set; } = DeliveryShareOf(EngineDefaults.ConcurrentInvocations);

    /// <summary>Gets or sets how long a claimed event stays leased without renewal; a heartbeat renews it every third of this while the hook runs.</summary>
    /// <value>The default is 15 seconds: a dead host's events are taken over within that.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets whether running deliveries renew their leases; off only in tests that show what renewal prevents.</summary>
    internal bool RenewLeases { get; set; } = true;

    /// <summary>Gets or sets how often the store is polled when nothing wakes the worker (retries coming due, other hosts' events).</summary>
    /// <value>The default is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the failure ratio over the sampling window that opens a tenant's circuit.</summary>
    /// <value>The default is 0.7.</value>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.7;

    /// <summary>Gets or sets the calls needed in the window before the circuit may open.</summary>
    /// <value>The default is 10.</value>
    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the window over which failures are counted.</summary>
    /// <value>The default is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long an open circuit stays open before one trial call.</summary>
    /// <value>The default is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Returns how many of a tenant's <paramref name="invocationLimit"/> concurrent invocations its deliveries may take: half
    /// (at least one), so its Fill calls still find room beside them.
    /// </summary>
    public static int DeliveryShareOf(int invocationLimit) => Math.Max(1, invocationLimit / 2);

    /// <summary>Gets the effective retry ladder.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule is { Length: > 0 } schedule ? schedule : DeliveryDefaults.RetrySchedule;
}
