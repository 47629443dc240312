using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>
/// The host's metrics: counters written as things happen, and gauges (queue depth, oldest pending age, dead letters,
/// open circuits, zombies) read from the last snapshot the <see cref="QueueMetricsSampler"/> took.
/// </summary>
internal sealed class HostMetrics
{
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _invocation;
    private volatile Snapshot _snapshot = new([], new Dictionary<string, CircuitState>(), 0, DateTimeOffset.MinValue);

    public HostMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(HostTelemetry.Name);
        _ingested = meter.CreateCounter<long>("wcp.events.ingested", description: "Installation events committed by ingest (state transitions only).");
        _deliveries = meter.CreateCounter<long>("wcp.deliveries", description: "Delivery attempts of events and emails by outcome: delivered, retry, dead, skipped, deferred.");
        _invocation = meter.CreateHistogram<double>("wcp.invocation.duration", unit: "ms", description: "Wall time of one hook, Fill or SendEmail invocation.");
        meter.CreateObservableGauge("wcp.queue.pending", () => _snapshot.Stats.Select(s => Measure(s.Pending, s.TenantId)), description: "Pending events per tenant.");
        meter.CreateObservableGauge("wcp.queue.oldest_age", () => _snapshot.Stats.Where(s => s.OldestPendingReceivedAt is not null)
            .Select(s => Measure((_snapshot.At - s.OldestPendingReceivedAt!.Value).TotalSeconds, s.TenantId)), unit: "s", description: "Age of the oldest pending event per tenant.");
        meter.CreateObservableGauge("wcp.dead_letters", () => _snapshot.Stats.Select(s => Measure(s.Dead, s.TenantId)), description: "Dead-lettered events per tenant.");
        meter.CreateObservableGauge("wcp.circuit.open", () => _snapshot.Circuits.Select(c => Measure(c.Value is CircuitState.Open or CircuitState.Isolated ? 1 : 0, c.Key)),
            description: "1 while a tenant's circuit is open.");
        meter.CreateObservableGauge("wcp.zombies", () => _snapshot.Zombies, description: "Released connector versions still in memory.");
    }

    public void EventIngested(string tenantId) => _ingested.Add(1, new KeyValuePair<string, object?>("tenant", tenantId));

    /// <param name="kind">What was delivered: <c>event</c> or <c>email</c>.</param>
    public void Delivery(string tenantId, string outcome, string kind = "event") =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("tenant", tenantId), new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("kind", kind));

    public void Invocation(string kind, string tenantId, TimeSpan elapsed) =>
        _invocation.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("tenant", tenantId));

    public void Update(IReadOnlyList<TenantQueueStats> stats, IReadOnlyDictionary<string, CircuitState> circuits, int zombies, DateTimeOffset at) =>
        _snapshot = new Snapshot(stats, circuits, zombies, at);

    private static Measurement<T> Measure<T>(T value, string tenantId)
        where T : struct => new(value, new KeyValuePair<string, object?>("tenant", tenantId));

    private sealed record Snapshot(IReadOnlyList<TenantQueueStats> Stats, IReadOnlyDictionary<string, CircuitState> Circuits, int Zombies, DateTimeOffset At);
}
