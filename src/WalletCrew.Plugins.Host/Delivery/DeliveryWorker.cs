using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// Claims due events (leases, renewed by a <see cref="LeaseHeartbeat"/> while their hooks run), invokes the hooks with
/// bounded concurrency per host and per tenant, and writes the outcome back. On stop it claims nothing more, lets
/// in-flight deliveries finish until the host's shutdown timeout, then cancels and releases what is left: nothing is
/// lost, at worst delivered twice with the same EventId.
/// </summary>
internal sealed partial class DeliveryWorker : BackgroundService
{
    private readonly IEventStore _store;
    private readonly ITenantRuntime _runtime;
    private readonly DeliverySignal _signal;
    private readonly ConnectorCircuits _circuits;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly HostMetrics _metrics;
    private readonly DeliveryDecision _decision;
    private readonly CancellationTokenSource _hardStop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private readonly LeaseHeartbeat _heartbeat;

    public DeliveryWorker(IEventStore store, ITenantRuntime runtime, DeliverySignal signal, ConnectorCircuits circuits,
        IOptions<DeliveryOptions> options, TimeProvider time, HostMetrics metrics, ILogger<DeliveryWorker> logger)
    {
        _store = store;
        _runtime = runtime;
        _signal = signal;
        _circuits = circuits;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _decision = new DeliveryDecision(new RetryLadder(_options.EffectiveRetrySchedule, _options.JitterRatio, Random.Shared), _options.MaxRetryAfter);
        Owner = LeaseOwners.Create();
        _heartbeat = new LeaseHeartbeat(store, Owner, _options.LeaseDuration, time, logger);
    }

    /// <summary>Gets this worker's lease owner id.</summary>
    public string Owner { get; }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout ends the grace period: cancel what still runs and release its leases.
        using var registration = cancellationToken.Register(() => _hardStop.Cancel());
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // After a hard stop, the cancelled deliveries still release their leases: wait for that, briefly.
        if (ExecuteTask is { IsCompleted: false } running)
        {
            try
            {
                await running.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogReleaseTimedOut();
            }
        }
    }

    public override void Dispose()
    {
        LeaseOwners.Retire(Owner);
        _hardStop.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(Owner);
        // The heartbeat outlives the claim loop: deliveries still draining after the stop keep their leases.
        using var beating = new CancellationTokenSource();
        var heartbeat = _options.RenewLeases ? _heartbeat.RunAsync(beating.Token) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var free = 0;
            try
            {
                (claimed, free) = await ClaimAndStartAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogClaimFailed(exception);
            }

            if (claimed > 0 && claimed == free)
            {
                continue;
            }

            await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
        }

        Task[] remaining;
        lock (_gate)
        {
            remaining = [.. _inFlight.Values];
        }

        LogDraining(remaining.Length);
        await Task.WhenAll(remaining).ConfigureAwait(false);
        await beating.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        LogStopped(Owner);
    }

    private async Task<(int Claimed, int Free)> ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        int free;
        List<string> excluded;
        lock (_gate)
        {
            free = _options.Concurrency - _inFlight.Count;
            excluded = [.. _perTenant.Where(t => t.Value >= _options.PerTenantConcurrency).Select(t => t.Key)];
        }

        if (free <= 0)
        {
            return (0, 0);
        }

        excluded.AddRange(_circuits.States().Where(s => s.Value is CircuitState.Open or CircuitState.Isolated).Select(s => s.Key));
        var request = new ClaimRequest(Owner, _time.GetUtcNow(), _options.LeaseDuration, free, _options.PerTenantConcurrency, excluded);
        var events = await _store.ClaimAsync(request, stoppingToken).ConfigureAwait(false);
        foreach (var e in events)
        {
            lock (_gate)
            {
                _perTenant[e.TenantId] = _perTenant.GetValueOrDefault(e.TenantId) + 1;
                _inFlight[e.EventId] = Task.CompletedTask;
            }

            _heartbeat.Hold(e.EventId);

            var task = Task.Run(() => DeliverAsync(e), CancellationToken.None);
            lock (_gate)
            {
                if (_inFlight.ContainsKey(e.EventId))
                {
                    _inFlight[e.EventId] = task;
                }
            }
        }

        return (events.Count, free);
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(_options.PollInterval, _time, wait.Token);
        var wake = _signal.WaitAsync(wait.Token);
        await Task.WhenAny(poll, wake).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
    }

    private async Task DeliverAsync(StoredEvent e)
    {
        try
        {
            await DeliverCoreAsync(e).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease expires and another claim retries the event: at-least-once holds even here.
            LogDeliveryCrashed(exception, e.EventId, e.TenantId);
        }
        finally
        {
            _heartbeat.Drop(e.EventId);
            lock (_gate)
            {
                _inFlight.Remove(e.EventId);
                if (--_perTenant[e.TenantId] == 0)
                {
                    _perTenant.Remove(e.TenantId);
                }
            }

            _signal.Notify();
        }
    }

    private async Task DeliverCoreAsync(StoredEvent e)
    {
        var attempt = e.Attempts + 1;
        ActivityContext.TryParse(e.TraceParent, null, out var parent);
        using var activity = HostTelemetry.Source.StartActivity("wcp.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("wcp.tenant_id", e.TenantId).SetTag("wcp.event_id", e.EventId).SetTag("wcp.pass_id", e.PassId).SetTag("wcp.attempt", attempt);
        var started = Stopwatch.GetTimestamp();
        HookOutcome outcome;
        try
        {
            outcome = await _circuits.ExecuteAsync(e.TenantId, token => _runtime.DeliverAsync(e.ToHookEvent(attempt), token), _hardStop.Token).ConfigureAwait(false);
        }
        catch (BrokenCircuitException broken)
        {
            var deferredTo = _time.GetUtcNow() + (broken.RetryAfter ?? _options.CircuitBreakDuration);
            _heartbeat.Drop(e.EventId);
            await _store.CompleteAsync(new DeliveryOutcome(e.EventId, Owner, DeliveryStatus.Pending, _time.GetUtcNow(), deferredTo, null, false, null), CancellationToken.None).ConfigureAwait(false);
            _metrics.Delivery(e.TenantId, "deferred");
            LogDeferred(e.EventId, e.TenantId, deferredTo);
            return;
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            _heartbeat.Drop(e.EventId);
            await _store.ReleaseAsync(Owner, [e.EventId], CancellationToken.None).ConfigureAwait(false);
            LogReleased(e.EventId, e.TenantId);
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.Invocation("hook", e.TenantId, elapsed);
        var now = _time.GetUtcNow();
        var (status, retryAt, label, counts) = _decision.Decide(e.Failures, outcome, now);
        // A rejection ran nothing: no attempt, no tenant log entry, and its error is not the event's last error.
        var log = counts
            ? new TenantLogRecord(e.TenantId, now, "delivery", e.EventId, attempt, label, (long)elapsed.TotalMilliseconds, outcome.Error,
                [.. outcome.Log.Select(l => new TenantLogLine(l.Level.ToString(), l.Message))], outcome.TenantVersion)
            : null;
        _heartbeat.Drop(e.EventId);
        await _store.CompleteAsync(new DeliveryOutcome(e.EventId, Owner, status, now, retryAt, counts ? outcome.Error : null, counts, log), CancellationToken.None).ConfigureAwait(false);
        _metrics.Delivery(e.TenantId, label);
        activity?.SetTag("wcp.outcome", label);
        LogDelivered(e.EventId, e.TenantId, e.PassId, attempt, label, elapsed.TotalMilliseconds, outcome.Error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery worker {Owner} started")]
    private partial void LogStarted(string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery worker {Owner} stopped")]
    private partial void LogStopped(string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: cancelled deliveries did not release their leases within 5 s; they expire after LeaseDuration")]
    private partial void LogReleaseTimedOut();

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: waiting for {Count} in-flight deliveries")]
    private partial void LogDraining(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming events failed; retrying at the next poll")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering event {EventId} of tenant {TenantId} failed in the host; its lease will expire and it is retried")]
    private partial void LogDeliveryCrashed(Exception exception, string eventId, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId}: tenant {TenantId}'s circuit is open; deferred to {RetryAt:o}")]
    private partial void LogDeferred(string eventId, string tenantId, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId}: released on shutdown (tenant {TenantId})")]
    private partial void LogReleased(string eventId, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} of tenant {TenantId} pass {PassId}, attempt {Attempt}: {Outcome} after {ElapsedMs:0} ms {Error}")]
    private partial void LogDelivered(string eventId, string tenantId, string passId, int attempt, string outcome, double elapsedMs, string? error);
}
