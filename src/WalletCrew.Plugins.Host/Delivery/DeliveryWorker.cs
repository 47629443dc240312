using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// Claims due events and emails (leases, renewed by a <see cref="LeaseHeartbeat"/> per queue while they are held), invokes
/// the hooks or the email sender with bounded concurrency per host and per tenant (both kinds share the slots, and which is
/// claimed first alternates), and writes the outcome back. It claims ahead: besides the items running in its slots it holds
/// up to as many again already leased (a tenant at most its own share again), so a slot that frees starts the next item
/// at once instead of waiting for a claim's commit; the claim that refills the look-ahead runs meanwhile. A delivery gives
/// its slot back as soon as its outcome is queued for the store, not when it is durable: the next claim then shares the
/// outcome's commit (SQLite's one writer runs them in order), and until the outcome commits the item stays leased (and an
/// event's pass head with it), so per-pass order holds. On stop it claims and starts nothing more, releases what it holds
/// unstarted, lets in-flight deliveries finish until the host's shutdown timeout, then cancels and releases what is left:
/// nothing is lost, at worst delivered twice with the same EventId or EmailId.
/// </summary>
internal sealed partial class DeliveryWorker : BackgroundService
{
    private static readonly bool[] s_emailsThenEvents = [true, false];
    private static readonly bool[] s_eventsThenEmails = [false, true];

    private readonly IEventQueue _store;
    private readonly IEmailStore _emails;
    private readonly ITenantRuntime _runtime;
    private readonly DeliverySignal _signal;
    private readonly ConnectorCircuits _circuits;
    private readonly DeliveryAttempt _attempt;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly CancellationTokenSource _hardStop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);
    private readonly List<DeliveryItem> _ahead = [];
    private int _busySlots;
    private bool _stopping;
    private readonly LeaseHeartbeat _heartbeat;
    private readonly LeaseHeartbeat _emailHeartbeat;
    private bool _emailsFirst;

    public DeliveryWorker(IEventQueue store, IEmailStore emails, ITenantRuntime runtime, DeliverySignal signal, ConnectorCircuits circuits,
        IOptions<DeliveryOptions> options, TimeProvider time, HostMetrics metrics, ILogger<DeliveryWorker> logger)
    {
        _store = store;
        _emails = emails;
        _runtime = runtime;
        _signal = signal;
        _circuits = circuits;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Owner = LeaseOwners.Create();
        _attempt = new DeliveryAttempt(Owner, circuits, _options, time, metrics, logger);
        _heartbeat = new LeaseHeartbeat(store, Owner, _options.LeaseDuration, time, logger);
        _emailHeartbeat = new LeaseHeartbeat(emails, Owner, _options.LeaseDuration, time, logger);
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
        var heartbeat = _options.RenewLeases ? Task.WhenAll(_heartbeat.RunAsync(beating.Token), _emailHeartbeat.RunAsync(beating.Token)) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var room = 0;
            try
            {
                (claimed, room) = await ClaimAndStartAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogClaimFailed(exception);
            }

            if (claimed > 0 && claimed == room)
            {
                continue;
            }

            await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
        }

        Task[] remaining;
        List<DeliveryItem> unstarted;
        lock (_gate)
        {
            _stopping = true;
            unstarted = [.. _ahead];
            _ahead.Clear();
            remaining = [.. _inFlight.Values];
        }

        await ReleaseUnstartedAsync(unstarted).ConfigureAwait(false);
        LogDraining(remaining.Length);
        await Task.WhenAll(remaining).ConfigureAwait(false);
        await beating.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        LogStopped(Owner);
    }

    private async Task<(int Claimed, int Room)> ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        int room;
        lock (_gate)
        {
            room = LookAhead(_options.Concurrency) - _busySlots - _ahead.Count;
        }

        if (room <= 0)
        {
            return (0, 0);
        }

        var open = _circuits.Deferred();
        var claimed = 0;
        // Events and emails share the slots and the per-tenant limit; the kind claimed first alternates so neither starves the other.
        _emailsFirst = !_emailsFirst;
        foreach (var emails in _emailsFirst ? s_emailsThenEvents : s_eventsThenEmails)
        {
            var left = room - claimed;
            if (left <= 0)
            {
                break;
            }

            var request = new ClaimRequest(Owner, _time.GetUtcNow(), _options.LeaseDuration, left, LookAhead(_options.PerTenantConcurrency), open, Held());
            var items = emails
                ? (await _emails.ClaimAsync(request, stoppingToken).ConfigureAwait(false)).Select(ToItem).ToList()
                : (await _store.ClaimAsync(request, stoppingToken).ConfigureAwait(false)).Select(ToItem).ToList();
            lock (_gate)
            {
                // A lease of ours that ran out while its item was still here (its renewals failed meanwhile, or the clock
                // jumped) comes back in a claim: the item is running or waiting already, and the lease is ours again.
                items.RemoveAll(item => _inFlight.ContainsKey(item.Id) || _ahead.Exists(waiting => waiting.Id == item.Id));
                foreach (var item in items)
                {
                    item.Heartbeat.Hold(item.Id);
                }

                _ahead.AddRange(items);
            }

            StartAhead();
            claimed += items.Count;
        }

        return (claimed, room);
    }

    // Items held (running or claimed ahead) at most: the slots, and as many again waiting for one.
    private static int LookAhead(int slots) => 2 * slots;

    // What each tenant holds now (running or claimed ahead): a claim gives it at most the rest of twice its PerTenantConcurrency.
    // A tenant held back by its own invocation limit (SlotsOf) counts the look-ahead that limit withholds as held too, so
    // once it holds anything, claims keep it to twice its own slots instead of leasing passes that would only wait here.
    private Dictionary<string, int> Held()
    {
        lock (_gate)
        {
            var held = new Dictionary<string, int>(_perTenant, StringComparer.Ordinal);
            foreach (var item in _ahead)
            {
                held[item.TenantId] = held.GetValueOrDefault(item.TenantId) + 1;
            }

            foreach (var tenantId in held.Keys.ToList())
            {
                held[tenantId] += LookAhead(_options.PerTenantConcurrency) - LookAhead(SlotsOf(tenantId));
            }

            return held;
        }
    }

    private DeliveryItem ToItem(StoredEvent e) => new(e.EventId, e.TenantId, e.Attempts, e.Failures, e.TraceParent, "event", "delivery", $"pass {e.PassId}",
        _store, _heartbeat, (attempt, token) => _runtime.DeliverAsync(e.ToHookEvent(attempt), token));

    private DeliveryItem ToItem(StoredEmail e) => new(e.EmailId, e.TenantId, e.Attempts, e.Failures, e.TraceParent, "email", "email", $"template {e.EmailTemplate}",
        _emails, _emailHeartbeat, (_, token) => _runtime.SendEmailAsync(e.ToRequest(), token));

    /// <summary>Starts the items claimed ahead, in claim order, while a slot is free and their tenant is below its cap.</summary>
    private void StartAhead()
    {
        List<Task<Task>>? starting = null;
        lock (_gate)
        {
            for (var i = 0; i < _ahead.Count && _busySlots < _options.Concurrency && !_stopping;)
            {
                var item = _ahead[i];
                if (_perTenant.GetValueOrDefault(item.TenantId) >= SlotsOf(item.TenantId))
                {
                    i++;
                    continue;
                }

                _ahead.RemoveAt(i);
                _perTenant[item.TenantId] = _perTenant.GetValueOrDefault(item.TenantId) + 1;
                _busySlots++;

                // The delivery's own task is in flight before the lock is let go, started after: a stop that takes the
                // tasks in flight meanwhile waits for it (a placeholder put here first let a stop miss it).
                var run = new Task<Task>(() => DeliverAsync(item));
                _inFlight[item.Id] = run.Unwrap();
                (starting ??= []).Add(run);
            }
        }

        foreach (var run in starting ?? [])
        {
            run.Start(TaskScheduler.Default);
        }
    }

    /// <summary>
    /// How many of a tenant's deliveries may run at once: <see cref="DeliveryOptions.PerTenantConcurrency"/>, and at most the
    /// deliveries' share of the tenant's own invocation limit, so a tenant that lowers it keeps room for its Fill calls and
    /// its deliveries wait here for a slot instead of being started and rejected by the engine, one claim and completion each.
    /// </summary>
    private int SlotsOf(string tenantId) =>
        Math.Min(_options.PerTenantConcurrency, DeliveryOptions.DeliveryShareOf(_runtime.Limits(tenantId)?.ConcurrentInvocations ?? int.MaxValue));

    // Stopping: what was claimed ahead and never started goes back to its queue now, not when its lease ends.
    private async Task ReleaseUnstartedAsync(List<DeliveryItem> unstarted)
    {
        foreach (var queue in unstarted.GroupBy(item => item.Queue))
        {
            var ids = queue.Select(item => item.Id).ToList();
            foreach (var item in queue)
            {
                item.Heartbeat.Drop(item.Id);
            }

            try
            {
                await queue.Key.ReleaseAsync(Owner, ids, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                LogReleaseFailed(exception, ids.Count);
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(_options.PollInterval, _time, wait.Token);
        var wake = _signal.WaitAsync(wait.Token);
        await Task.WhenAny(poll, wake).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
    }

    private async Task DeliverAsync(DeliveryItem item)
    {
        var slot = new DeliverySlot(() => ReleaseSlot(item.TenantId));
        try
        {
            await _attempt.RunAsync(item, slot, _hardStop.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease expires and another claim retries the item: at-least-once holds even here.
            LogDeliveryCrashed(exception, item.Kind, item.Id, item.TenantId);
        }
        finally
        {
            item.Heartbeat.Drop(item.Id);
            slot.Release();
            lock (_gate)
            {
                // Tracked until its outcome is durable: a graceful stop waits for it.
                _inFlight.Remove(item.Id);
            }
        }
    }

    private void ReleaseSlot(string tenantId)
    {
        lock (_gate)
        {
            _busySlots--;
            if (--_perTenant[tenantId] == 0)
            {
                _perTenant.Remove(tenantId);
            }
        }

        StartAhead();
        _signal.Notify();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery worker {Owner} started")]
    private partial void LogStarted(string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery worker {Owner} stopped")]
    private partial void LogStopped(string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: cancelled deliveries did not release their leases within 5 s; they expire after LeaseDuration")]
    private partial void LogReleaseTimedOut();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: releasing {Count} item(s) claimed ahead failed; they are claimable again after LeaseDuration")]
    private partial void LogReleaseFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: waiting for {Count} in-flight deliveries")]
    private partial void LogDraining(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming events or emails failed; retrying at the next poll")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {Kind} {Id} of tenant {TenantId} failed in the host; its lease will expire and it is retried")]
    private partial void LogDeliveryCrashed(Exception exception, string kind, string id, string tenantId);

}
