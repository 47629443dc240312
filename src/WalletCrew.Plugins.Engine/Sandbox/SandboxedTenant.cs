using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Plugins;
using WalletCrew.Plugins.Engine.Reload;
using WalletCrew.Plugins.Engine.Tenants;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// A tenant whose connectors run in a sandboxed worker process of its own. The host compiles and weaves (the compiler
/// never runs in a worker); the worker loads those images, runs the connectors' top-level code and every invocation, and
/// calls back for <c>fetch</c> and secrets. The host enforces the deadline (killing the worker past it plus a grace), the
/// outbound-call count and the egress rules, and starts a fresh worker on the next call after a kill or crash.
/// </summary>
internal sealed class SandboxedTenant : TenantRuntime
{
    /// <summary>The most secrets that travel with each call; others are asked for when the code reads them.</summary>
    private const int MaxSecretsSent = 32;

    /// <summary>How long a worker may take to start its runtime, on top of the connectors' own load limit.</summary>
    private static readonly TimeSpan StartAllowance = TimeSpan.FromSeconds(20);

    private readonly string _tenantId;
    private readonly string _directory;
    private readonly string _cacheDirectory;
    private readonly string _buildKey;
    private readonly CachedScriptCompiler _compiler;
    private readonly TenantSettingsSource _settings;
    private readonly WorkerPool _pool;
    private readonly ConnectorEngineOptions _options;
    private readonly HostCallBounds _callBounds;
    private readonly ILogger _tenantLog;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<long, SandboxInvocation> _invocations = new();
    private readonly ConcurrentDictionary<string, bool> _secretNames = new(StringComparer.Ordinal);
    private WorkerProcess? _worker;
    private (string Reason, DateTimeOffset At)? _lastStop;
    private WorkerProcess? _starting;
    private TenantState _state;
    private string _fingerprint;
    private long _generation = 1;
    private long _workerHeapBytes;
    private volatile bool _disposed;

    public SandboxedTenant(string tenantId, string directory, CompileCache cache, CachedScriptCompiler compiler, TenantSettingsSource settings, WorkerPool pool, ConnectorEngineOptions options)
    {
        _tenantId = tenantId;
        _directory = directory;
        _cacheDirectory = cache.TenantDirectory(tenantId);
        _buildKey = cache.BuildKey;
        _compiler = compiler;
        _settings = settings;
        _pool = pool;
        _options = options;
        _callBounds = HostCallBounds.For(options.LimitMaxima);
        _tenantLog = options.LoggerFactory.CreateLogger("Tenant." + tenantId);
        _state = Empty([]);
        pool.Add(this);
        _fingerprint = Prepare();
        if (TenantStateFile.Read(_cacheDirectory, _fingerprint) is { } saved)
        {
            _state = saved; // the same files loaded before: the worker starts on the first call
            return;
        }

        Task.Run(async () =>
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await StartLockedAsync().ConfigureAwait(false);
            }
            catch (WorkerExitedException exception)
            {
                _state = Empty([Failure(exception.Message)]);
            }
            finally
            {
                _gate.Release();
            }
        }).GetAwaiter().GetResult();
    }

    public override long Generation => Volatile.Read(ref _generation);

    public override IReadOnlyList<ConnectorDiagnostic> Diagnostics => _state.Diagnostics;

    public override IReadOnlyList<TenantLogEntry> LoadLog => _state.LoadLog;

    public override IReadOnlyList<ConnectorInfo> Connectors => _state.Connectors;

    public override int PassUpdaterCount => _state.PassUpdaterCount;

    public override IReadOnlyCollection<string> CustomerProviders => _state.CustomerProviders;

    public override bool HasEmailSender => _state.HasEmailSender;

    public override InvocationLimits Limits => _settings.Limits;

    internal bool WorkerRunning => Volatile.Read(ref _worker) is { HasExited: false };

    internal bool WorkerIdle => Volatile.Read(ref _worker) is not { InFlight: > 0 };

    internal long WorkerLastUsed => Volatile.Read(ref _worker)?.LastUsedTimestamp ?? 0;

    /// <summary>Gets the worker's state for operators: running (since when, how busy) or not, and why the last one ended.</summary>
    public WorkerStatus WorkerStatus
    {
        get
        {
            var last = _lastStop;
            if (Volatile.Read(ref _worker) is { HasExited: false } worker)
            {
                return new WorkerStatus(WorkerState.Running, worker.ProcessId, worker.StartedAt, worker.InFlight, last?.Reason, last?.At);
            }

            return Volatile.Read(ref _starting) is { HasExited: false } starting
                ? new WorkerStatus(WorkerState.Starting, starting.ProcessId, starting.StartedAt, 0, last?.Reason, last?.At)
                : new WorkerStatus(last is null ? WorkerState.NotStarted : WorkerState.Stopped, null, null, 0, last?.Reason, last?.At);
        }
    }

    /// <summary>Gets whether the running worker sees copies of the tenant's folders: a spare this tenant claimed, or a slot of
    /// its own where the workers' user cannot reach them (tests).</summary>
    internal bool WorkerSeesCopies => Volatile.Read(ref _worker) is { HasExited: false, Slot: not null };

    /// <summary>Gets the running worker's outermost process id (tests and the admin view), or <see langword="null"/>.</summary>
    internal int? WorkerProcessId => Volatile.Read(ref _worker) is { HasExited: false } worker ? worker.ProcessId : null;

    public override Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        var wire = WireConversions.ToWire(e);
        return RunAsync(secrets => id => new InvokeMessage(id, wire, secrets), cancellationToken);
    }

    public override Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        var wire = WireConversions.ToWire(request);
        return RunAsync(secrets => id => new FillMessage(id, providerName, wire, secrets), cancellationToken);
    }

    public override Task<InvocationResult> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
    {
        var wire = WireConversions.ToWire(request);
        return RunAsync(secrets => id => new EmailMessage(id, wire, secrets), cancellationToken, TenantLayout.EmailTemplates);
    }

    public override async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        if (_disposed)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fingerprint = Prepare();
            FillSlot();
            if (_disposed || fingerprint == _fingerprint)
            {
                return false;
            }

            _fingerprint = fingerprint;
            var changed = true;
            if (Volatile.Read(ref _worker) is { HasExited: false } worker && _settings.Limits.WorkerHeapBytes == _workerHeapBytes)
            {
                var reply = await LoadingAsync(worker, id => new ReloadMessage(id)).ConfigureAwait(false);
                (changed, _state) = (reply.Changed, WorkerReplies.ToState(reply.State, _settings.Limits));
                TenantStateFile.Write(_cacheDirectory, _fingerprint, _state);
            }
            else
            {
                await StartLockedAsync().ConfigureAwait(false);
            }

            if (changed)
            {
                Interlocked.Increment(ref _generation);
            }

            return changed;
        }
        catch (WorkerExitedException exception)
        {
            _state = Empty([.. _state.Diagnostics, Failure(exception.Message)]);
            Interlocked.Increment(ref _generation);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills <paramref name="worker"/> and, if it is still this tenant's, forgets it, so the next call starts a fresh one.</summary>
    private void Retire(WorkerProcess worker, string reason)
    {
        Interlocked.CompareExchange(ref _worker, null, worker);
        worker.Kill(reason);
    }

    /// <summary>Stops the worker (idle, or to make room); the next call starts a fresh one.</summary>
    internal void StopWorker(string reason) => Interlocked.Exchange(ref _worker, null)?.Stop(reason);

    public override void Dispose()
    {
        _disposed = true;
        _pool.Remove(this);
        StopWorker(SandboxMessages.TenantUnloaded);
    }

    /// <param name="readsFolder">A folder of the tenant's the call reads as it runs (the email templates): a claimed spare's copy of it is brought up to date first.</param>
    private async Task<InvocationResult> RunAsync(Func<IReadOnlyDictionary<string, string?>?, Func<long, WorkerMessage>> request, CancellationToken cancellationToken, string? readsFolder = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var limits = _settings.Limits;
        var create = request(await SecretsAskedBeforeAsync().ConfigureAwait(false));
        WorkerProcess worker;
        try
        {
            worker = await EnsureWorkerAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (WorkerExitedException exception)
        {
            return new InvocationResult(InvocationStatus.Failed, [], SandboxMessages.Stopped(_tenantId, exception.Message), null);
        }

        if (readsFolder is not null && worker.Slot is { } slot)
        {
            try
            {
                slot.FillFolder(_tenantId, _directory, readsFolder);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Retire(worker, SandboxMessages.SpareFillFailed);
                return new InvocationResult(InvocationStatus.Failed, [], SandboxMessages.Stopped(_tenantId, SandboxMessages.SpareFillFailed), null);
            }
        }

        // The call runs on to the worker's answer or the deadline when its caller leaves: only the wait ends.
        return await CallWorkerAsync(worker, create, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One call in the worker, from its request to its answer or its deadline, whether or not its caller still waits. A caller
    /// that leaves cancels it in the worker, but its code runs until it sees that: its calls back are answered as its own
    /// meanwhile (never taken for forged ones), and code that never sees it (a spin past the policy) is still killed at the
    /// deadline plus the grace.
    /// </summary>
    private async Task<InvocationResult> CallWorkerAsync(WorkerProcess worker, Func<long, WorkerMessage> create, CancellationToken callerLeft)
    {
        var limits = _settings.Limits;
        var grace = _pool.Options.KillGrace;
        using var invocation = new SandboxInvocation(limits.OutboundCallsPerInvocation);
        using var deadline = new CancellationTokenSource(limits.InvocationTimeout + grace, _options.TimeProvider);
        long requestId = -1;
        var started = _options.TimeProvider.GetTimestamp();
        var answer = worker.RequestAsync<InvocationReply>(id =>
        {
            requestId = id;
            _invocations[id] = invocation;
            return create(id);
        }, deadline.Token);

        // The request's frame is queued already (RequestAsync creates it before it first waits), so a cancellation follows
        // it. Not awaited: a worker that stops reading would hold the caller up on a full pipe.
        using var cancel = callerLeft.UnsafeRegister(_ =>
        {
            invocation.CancelCalls();
            _ = worker.NotifyAsync(new CancelMessage(requestId));
        }, null);
        try
        {
            var reply = await answer.ConfigureAwait(false);

            // Nobody waits for a call its caller left; what it says is only that the engine is done with it.
            var cancelled = reply.Cancelled && callerLeft.IsCancellationRequested;
            var result = cancelled ? new InvocationResult(InvocationStatus.Failed, [], SandboxMessages.CancelledByHost, null) : WorkerReplies.ToResult(reply, limits);
            foreach (var entry in result.Log)
            {
                _tenantLog.Log(entry.Level, "{Message}", entry.Message);
            }

            // A timed-out call may still spin inside the framework, where no checkpoint sees it, and so may a cancelled one
            // the engine gave up on at the limit (it says so; and an answer at the limit is taken as that whatever it says,
            // though the worker's coarse timers may answer a few milliseconds early): the worker goes, not the core.
            var gaveUp = cancelled && (reply.Abandoned || _options.TimeProvider.GetElapsedTime(started) >= limits.InvocationTimeout);
            if (result.Status == InvocationStatus.TimedOut || reply.WorkerEnding || gaveUp)
            {
                Retire(worker, SandboxMessages.Recycled(limits.InvocationTimeout));
                if (result.Status == InvocationStatus.TimedOut)
                {
                    return new InvocationResult(result.Status, result.Log, $"{result.Error} {SandboxMessages.Recycled(limits.InvocationTimeout)}", result.Data)
                    {
                        RetryAfter = result.RetryAfter,
                    };
                }
            }

            return result;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Retire(worker, SandboxMessages.KilledPastDeadline(limits.InvocationTimeout, grace));
            return new InvocationResult(InvocationStatus.TimedOut, [], $"{LimitMessages.TimedOut(limits.InvocationTimeout)} {SandboxMessages.KilledPastDeadline(limits.InvocationTimeout, grace)}", null);
        }
        catch (WorkerExitedException exception)
        {
            return new InvocationResult(InvocationStatus.Failed, [], SandboxMessages.Stopped(_tenantId, exception.Message), null);
        }
        catch (InvalidDataException exception)
        {
            // Only the request's own frame can be refused here (what the worker sends ends it instead): nothing was written,
            // and the worker serves the next call.
            return new InvocationResult(InvocationStatus.Failed, [], SandboxMessages.RequestTooLarge(exception.Message), null);
        }
        finally
        {
            _invocations.TryRemove(requestId, out _);
        }
    }

    private async Task<WorkerProcess> EnsureWorkerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _worker) is { HasExited: false } running)
        {
            return running;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Volatile.Read(ref _worker) is { HasExited: false } started ? started : await StartLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<WorkerProcess> StartLockedAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _pool.MakeRoom(this);
        Interlocked.Exchange(ref _worker, null)?.Stop(SandboxMessages.Replaced);
        // The tenant's own heap limit (tenant.json limits.workerHeapMiB, within the host maximum) or the host's.
        _workerHeapBytes = _settings.Limits.WorkerHeapBytes;
        var worker = await ClaimSpareAsync().ConfigureAwait(false) ?? StartFresh();
        _ = worker.Exited.ContinueWith(
            ended => _lastStop = (ended.Result, _options.TimeProvider.GetUtcNow()),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        TenantStateReply reply;
        Volatile.Write(ref _starting, worker);
        try
        {
            reply = await LoadingAsync(worker, id => new LoadMessage(id, WorkerSettings())).ConfigureAwait(false);
            worker.CapCpu(); // from now on: its start ran on every core it got
        }
        catch
        {
            worker.Stop(SandboxMessages.LoadFailed); // not published yet, so nothing else would stop it
            throw;
        }
        finally
        {
            Volatile.Write(ref _starting, null);
        }

        _state = WorkerReplies.ToState(reply.State, _settings.Limits);
        TenantStateFile.Write(_cacheDirectory, _fingerprint, _state);

        // Published only now: a call that finds the worker (EnsureWorkerAsync reads it without the gate) must find it loaded,
        // or its request would reach the worker before the load. Exchange, not a plain write: it fences against Dispose, so
        // either Dispose stops this worker or the check below sees the tenant disposed.
        Interlocked.Exchange(ref _worker, worker);
        if (_disposed)
        {
            StopWorker(SandboxMessages.TenantUnloaded);
            throw new ObjectDisposedException(nameof(SandboxedTenant));
        }

        return worker;
    }

    /// <summary>Starts a worker for this tenant: with its folders bound, or, where the workers' user cannot reach them (a root
    /// host's tenants in a private folder, <see cref="WorkerUser"/>), in a slot of its own holding copies of them, which a
    /// reload brings up to date as a claimed spare's.</summary>
    private WorkerProcess StartFresh()
    {
        var launcher = _pool.Launcher;
        var slot = launcher.CanBind(_directory, _cacheDirectory) ? null : SpareSlot.Create();
        try
        {
            slot?.Fill(_tenantId, _directory, _cacheDirectory);
            var started = slot is null
                ? launcher.Start(_tenantId, _directory, _cacheDirectory, _workerHeapBytes)
                : launcher.StartInSlot(slot, _workerHeapBytes, spare: false);
            return new WorkerProcess(started, AnswerAsync, _callBounds, _options.TimeProvider, slot) { StartedAt = _options.TimeProvider.GetUtcNow() };
        }
        catch
        {
            slot?.Delete();
            throw;
        }
    }

    /// <summary>Takes a spare worker started before this tenant needed one, and fills its folders with this tenant's files
    /// and compiled images; <see langword="null"/> when there is none (or its folders could not be filled).</summary>
    private async Task<WorkerProcess?> ClaimSpareAsync()
    {
        if (await _pool.ClaimSpareAsync(_workerHeapBytes).ConfigureAwait(false) is not { } spare)
        {
            return null;
        }

        try
        {
            spare.Slot!.Fill(_tenantId, _directory, _cacheDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // It may have seen part of this tenant's files: it is never offered to anyone else.
            spare.Kill(SandboxMessages.SpareFillFailed);
            spare.Dispose();
            return null;
        }

        spare.Claim(AnswerAsync, _callBounds);
        return spare;
    }

    /// <summary>
    /// Brings a claimed spare's copy of the tenant's files up to date before a reload, so it sees saved files (the email
    /// templates included, which need no reload) as a worker with the tenant's folder bound does; a copy that fails ends
    /// the worker, and the next call starts a fresh one.
    /// </summary>
    private void FillSlot()
    {
        if (Volatile.Read(ref _worker) is { HasExited: false, Slot: { } slot } worker)
        {
            try
            {
                slot.Fill(_tenantId, _directory, _cacheDirectory);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Retire(worker, SandboxMessages.SpareFillFailed);
            }
        }
    }

    // Loading runs the connectors' top-level code, which may fetch: its calls name the load's request and count under it.
    private async Task<TenantStateReply> LoadingAsync(WorkerProcess worker, Func<long, WorkerMessage> create)
    {
        var limits = _settings.Limits;
        using var load = new SandboxInvocation(limits.OutboundCallsPerInvocation);
        using var deadline = new CancellationTokenSource(_options.LoadTimeout + _pool.Options.KillGrace + StartAllowance);
        long requestId = -1;
        try
        {
            return await worker.RequestAsync<TenantStateReply>(id =>
            {
                requestId = id;
                _invocations[id] = load;
                return create(id);
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var reason = $"it did not load the connectors within {(_options.LoadTimeout + StartAllowance).TotalSeconds:0} s (limit: LoadTimeout)";
            worker.Kill(reason);
            throw new WorkerExitedException(reason);
        }
        finally
        {
            _invocations.TryRemove(requestId, out _);
        }
    }

    private async Task<WorkerMessage> AnswerAsync(WorkerMessage call)
    {
        switch (call)
        {
            case SecretCall secret:
                try
                {
                    // The worker's tenant, never one the worker names: a worker can only ever read its own tenant's secrets.
                    var value = await _options.Secrets.GetSecretAsync(_tenantId, secret.Name, CancellationToken.None).ConfigureAwait(false);
                    Remember(secret.Name, value);
                    return new SecretReply(secret.Id, value);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    _tenantLog.LogWarning(exception, "The secret source failed for tenant {TenantId}", _tenantId);
                    return new SecretReply(secret.Id, null);
                }

            case FetchCall fetch when _invocations.TryGetValue(fetch.InvocationId, out var invocation):
                return await SandboxFetchRelay.SendAsync(fetch, _settings.Fetch, invocation).ConfigureAwait(false);
            default:
                // WorkerProcess admits a call only for a request it is waiting on, and every request is registered here
                // before its frame is written and removed after its wait ends: anything else is the host's own fault.
                throw new InvalidOperationException($"no request {((IHostCall)call).InvocationId} of the host's is recorded for it");
        }
    }

    /// <summary>
    /// Remembers a secret the tenant asked for, so it travels with the next calls: only one that exists (names are the
    /// tenant code's to choose, the secrets the operator's to configure) and at most <see cref="MaxSecretsSent"/> of them,
    /// so no code can grow what the host keeps and reads for every call.
    /// </summary>
    private void Remember(string name, string? value)
    {
        if (value is not null && _secretNames.Count < MaxSecretsSent)
        {
            _secretNames.TryAdd(name, true);
        }
    }

    // The secrets this tenant asked for before travel with each call, read now: one round trip less per secret, never stale.
    private async Task<IReadOnlyDictionary<string, string?>?> SecretsAskedBeforeAsync()
    {
        if (_secretNames.IsEmpty)
        {
            return null;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);

        // The dictionary's own enumerator takes no lock; its Keys would take every lock of it, on every call.
        foreach (var (name, _) in _secretNames)
        {
            try
            {
                if (await _options.Secrets.GetSecretAsync(_tenantId, name, CancellationToken.None).ConfigureAwait(false) is { } value)
                {
                    values[name] = value;
                }
                else
                {
                    // Removed since: no longer sent; the worker asks for it again if its code does.
                    _secretNames.TryRemove(name, out _);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Left out: the worker asks for it, and the failure is reported there.
            }
        }

        return values;
    }

    private WorkerSettings WorkerSettings() => new(
        $"{WorkerLauncher.TenantsMount}/{_tenantId}",
        WorkerLauncher.CacheMount,
        _buildKey,
        _options.Checkpoints,
        (long)_options.InvocationTimeout.TotalMilliseconds,
        (long)_options.LoadTimeout.TotalMilliseconds,
        _options.OutboundCallsPerInvocation,
        _options.ConcurrentInvocations,
        _options.LogEntriesPerInvocation,
        _options.LogBytesPerInvocation,
        _options.LimitMaxima);

    /// <summary>Compiles the tenant's scripts and weaves its plugins into the tenant's cache folder; returns a fingerprint of its files.</summary>
    private string Prepare()
    {
        _settings.Reload();
        Directory.CreateDirectory(_cacheDirectory);
        var fingerprint = new StringBuilder(_buildKey).Append('|').Append(_settings.Limits.ToString());
        foreach (var source in ConnectorSource.Find(_directory))
        {
            if (source.Read() is not { } read)
            {
                continue;
            }

            fingerprint.Append('|').Append(source.DisplayPath).Append(':').Append(read.Hash);
            if (!source.IsPlugin)
            {
                _compiler.Compile(new ScriptSource(_tenantId, source.DisplayPath, read.Text));
            }
            else if (_options.Checkpoints)
            {
                try
                {
                    WovenPluginFolder.Prepare(source.FullPath, Path.Combine(_cacheDirectory, "woven-plugins"));
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // The worker reports the plugin as not instrumentable when it finds no woven copy.
                }
            }
        }

        var settingsFile = Path.Combine(_directory, TenantSettingsReader.FileName);
        fingerprint.Append("|tenant.json:").Append(File.Exists(settingsFile) ? ContentDigest.Of(File.ReadAllBytes(settingsFile)) : "-");
        return fingerprint.ToString();
    }

    private ConnectorDiagnostic Failure(string reason) =>
        new(".", 0, 0, ConnectorDiagnosticSeverity.Error, LoadCodes.WorkerFailed, $"The tenant's sandboxed worker could not load the connectors: {reason}");

    private static TenantState Empty(IReadOnlyList<ConnectorDiagnostic> diagnostics) => new(0, diagnostics, [], [], 0, []);
}
