using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// One attempt at a leased item, for the <see cref="DeliveryWorker"/>: calls its connector through the tenant's circuit,
/// decides what follows (<see cref="DeliveryDecision"/>) and queues the outcome for the store, giving the item's slot back
/// as soon as the outcome is queued, before it is durable. An open circuit defers the item without an attempt; a hard
/// stop gives its lease back. Each attempt is a span of its own and one line of the host's log.
/// </summary>
internal sealed partial class DeliveryAttempt
{
    private readonly string _owner;
    private readonly ConnectorCircuits _circuits;
    private readonly DeliveryOptions _options;
    private readonly DeliveryDecision _decision;
    private readonly TimeProvider _time;
    private readonly HostMetrics _metrics;
    private readonly ILogger _logger;

    /// <param name="owner">The lease owner the outcome is written as.</param>
    public DeliveryAttempt(string owner, ConnectorCircuits circuits, DeliveryOptions options, TimeProvider time, HostMetrics metrics, ILogger logger)
    {
        _owner = owner;
        _circuits = circuits;
        _options = options;
        _decision = new DeliveryDecision(new RetryLadder(options.EffectiveRetrySchedule, options.JitterRatio, Random.Shared), options.MaxRetryAfter);
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Runs one attempt at <paramref name="item"/>, which holds <paramref name="slot"/>; <paramref name="hardStop"/> ends it and gives its lease back.</summary>
    public async Task RunAsync(DeliveryItem item, DeliverySlot slot, CancellationToken hardStop)
    {
        var attempt = item.Attempts + 1;
        ActivityContext.TryParse(item.TraceParent, null, out var parent);
        using var activity = HostTelemetry.Source.StartActivity(item.Kind == "email" ? "wcp.email" : "wcp.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("wcp.tenant_id", item.TenantId).SetTag($"wcp.{item.Kind}_id", item.Id).SetTag("wcp.attempt", attempt);
        var started = Stopwatch.GetTimestamp();
        HookOutcome outcome;
        try
        {
            outcome = await _circuits.ExecuteAsync(item.TenantId, token => item.Invoke(attempt, token), hardStop).ConfigureAwait(false);
        }
        catch (BrokenCircuitException broken)
        {
            var deferredTo = _time.GetUtcNow() + (broken.RetryAfter ?? _options.CircuitBreakDuration);
            item.Heartbeat.Drop(item.Id);
            var deferring = item.Queue.CompleteAsync(new DeliveryOutcome(item.Id, _owner, DeliveryStatus.Pending, _time.GetUtcNow(), deferredTo, null, false, null), CancellationToken.None);
            slot.Release();
            await deferring.ConfigureAwait(false);
            _metrics.Delivery(item.TenantId, "deferred", item.Kind);
            LogDeferred(item.Kind, item.Id, item.TenantId, deferredTo);
            return;
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            item.Heartbeat.Drop(item.Id);
            await item.Queue.ReleaseAsync(_owner, [item.Id], CancellationToken.None).ConfigureAwait(false);
            LogReleased(item.Kind, item.Id, item.TenantId);
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.Invocation(item.Kind == "email" ? "email" : "hook", item.TenantId, elapsed);
        var now = _time.GetUtcNow();
        var (status, retryAt, label, counts) = _decision.Decide(item.Failures, outcome, now);
        // A rejection ran nothing: no attempt, no tenant log entry, and its error is not the item's last error.
        var log = counts
            ? new TenantLogRecord(item.TenantId, now, item.LogKind, item.Id, attempt, label, (long)elapsed.TotalMilliseconds, outcome.Error,
                [.. outcome.Log.Select(l => new TenantLogLine(l.Level.ToString(), l.Message))], outcome.TenantVersion)
            : null;
        item.Heartbeat.Drop(item.Id);
        var completing = item.Queue.CompleteAsync(new DeliveryOutcome(item.Id, _owner, status, now, retryAt, counts ? outcome.Error : null, counts, log), CancellationToken.None);
        slot.Release();
        await completing.ConfigureAwait(false);
        _metrics.Delivery(item.TenantId, label, item.Kind);
        activity?.SetTag("wcp.outcome", label);
        if (counts && outcome.Error is { } error)
        {
            // A failed attempt (retried or dead) is an error span, so a trace backend's error queries and alerts see it.
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        LogDelivered(item.Kind, item.Id, item.TenantId, item.Subject, attempt, label, elapsed.TotalMilliseconds, outcome.Error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Id}: tenant {TenantId}'s circuit is open; deferred to {RetryAt:o}")]
    private partial void LogDeferred(string kind, string id, string tenantId, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Id}: released on shutdown (tenant {TenantId})")]
    private partial void LogReleased(string kind, string id, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Id} of tenant {TenantId} {Subject}, attempt {Attempt}: {Outcome} after {ElapsedMs:0} ms {Error}")]
    private partial void LogDelivered(string kind, string id, string tenantId, string subject, int attempt, string outcome, double elapsedMs, string? error);
}
