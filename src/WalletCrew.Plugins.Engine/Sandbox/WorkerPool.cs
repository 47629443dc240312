using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Keeps the number of running workers near <see cref="SandboxOptions.MaxWorkers"/> and stops idle ones: before a worker
/// starts, the least recently used idle worker of another tenant is stopped when the pool is full; a sweep stops workers
/// idle for longer than <see cref="SandboxOptions.WorkerIdleTimeout"/>. A busy worker is never stopped to make room, so the
/// cap is soft: a tenant's event never waits for another tenant's work.
/// It also keeps <see cref="SandboxOptions.SpareWorkers"/> spare workers started, for no tenant, from the first sandboxed
/// tenant's load on: a tenant whose worker starts claims one (it is that tenant's from then on, never another's) and the
/// pool starts its replacement in the background. Spares are not counted in <see cref="SandboxOptions.MaxWorkers"/>.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly HashSet<SandboxedTenant> _tenants = [];
    private readonly Lock _gate = new();
    private readonly SandboxOptions _options;
    private readonly ITimer _sweep;
    private readonly List<WorkerProcess> _spares = [];
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private bool _sparesWanted;
    private bool _disposed;
    private int _sparesStarting;
    private int _spareDeathLogged;
    private TaskCompletionSource _spareStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a claim waits for a spare whose process is being started (bubblewrap's fork and exec, not the runtime's start).</summary>
    private static readonly TimeSpan SpareStartPatience = TimeSpan.FromSeconds(5);

    public WorkerPool(SandboxOptions options, TimeProvider time, ILogger log)
    {
        _options = options;
        _time = time;
        _log = log;
        Launcher = new WorkerLauncher(options);
        foreach (var warning in Launcher.Layers.Warnings)
        {
            _log.LogWarning("{Warning}", warning);
        }

        var period = options.WorkerIdleTimeout / 4 < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.WorkerIdleTimeout / 4;
        _sweep = time.CreateTimer(_ => StopIdle(), null, period, period);
    }

    public WorkerLauncher Launcher { get; }

    /// <summary>Gets what bounds each worker beside the namespaces, and why a layer is missing.</summary>
    public SandboxLayers Layers => Launcher.Layers;

    public SandboxOptions Options => _options;

    /// <summary>Gets how many workers are running now.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _tenants.Count(t => t.WorkerRunning);
            }
        }
    }

    /// <summary>Gets the spare workers started and not yet claimed (tests and the benchmarks).</summary>
    internal IReadOnlyList<WorkerProcess> Spares
    {
        get
        {
            lock (_gate)
            {
                return [.. _spares];
            }
        }
    }

    public void Add(SandboxedTenant tenant)
    {
        bool first;
        lock (_gate)
        {
            _tenants.Add(tenant);
            first = !_sparesWanted;
            _sparesWanted = true;
        }

        // Spares from the first sandboxed tenant on: an engine that never runs one (a check, a host with no tenants yet) starts none.
        if (first)
        {
            Refill();
        }
    }

    /// <summary>
    /// Takes a spare worker for a tenant whose worker needs a heap limit of <paramref name="heapLimitBytes"/>, and starts
    /// its replacement in the background; <see langword="null"/> when there is none to take (the caller starts a fresh worker).
    /// A spare whose process is being started is waited for: a fresh start would do the same, later.
    /// </summary>
    public async Task<WorkerProcess?> ClaimSpareAsync(long heapLimitBytes)
    {
        if (heapLimitBytes != _options.WorkerHeapLimitBytes)
        {
            return null; // spares start with the host's limit; a tenant's own limit needs a worker started with it
        }

        var spare = Take(out var starting);
        if (spare is null && starting is not null && await Task.WhenAny(starting, Task.Delay(SpareStartPatience)).ConfigureAwait(false) == starting)
        {
            spare = Take(out _);
        }

        Refill();
        return spare;
    }

    public void Remove(SandboxedTenant tenant)
    {
        lock (_gate)
        {
            _tenants.Remove(tenant);
        }
    }

    /// <summary>Called before <paramref name="starting"/> starts its worker: stops the least recently used idle worker while the pool is full.</summary>
    public void MakeRoom(SandboxedTenant starting)
    {
        SandboxedTenant? victim;
        lock (_gate)
        {
            var running = _tenants.Where(t => t != starting && t.WorkerRunning).ToList();
            if (running.Count < _options.MaxWorkers)
            {
                return;
            }

            victim = running.Where(t => t.WorkerIdle).OrderBy(t => t.WorkerLastUsed).FirstOrDefault();
        }

        victim?.StopWorker(SandboxMessages.MadeRoom(_options.MaxWorkers));
    }

    public void Dispose()
    {
        _sweep.Dispose();
        List<WorkerProcess> spares;
        lock (_gate)
        {
            _disposed = true;
            spares = [.. _spares];
            _spares.Clear();
        }

        foreach (var spare in spares)
        {
            spare.Dispose();
        }

        Launcher.Dispose();
    }

    /// <summary>Takes the first live spare; dead ones met on the way are dropped (and the first death logged).</summary>
    /// <param name="starting">When none was taken and one is being started: completes when it is.</param>
    private WorkerProcess? Take(out Task? starting)
    {
        WorkerProcess? spare = null;
        List<WorkerProcess> dead = [];
        lock (_gate)
        {
            while (spare is null && _spares.Count > 0)
            {
                var next = _spares[0];
                _spares.RemoveAt(0);
                if (next.HasExited)
                {
                    dead.Add(next);
                }
                else
                {
                    spare = next;
                }
            }

            starting = spare is null && _sparesStarting > 0 ? _spareStarted.Task : null;
        }

        foreach (var worker in dead)
        {
            if (Interlocked.Exchange(ref _spareDeathLogged, 1) == 0)
            {
                _log.LogWarning("{Message}", SandboxMessages.SpareDied(worker.Exited.Result));
            }

            worker.Dispose();
        }

        return spare;
    }

    /// <summary>Starts, off the caller's path, as many spares as are missing (dead ones are dropped).</summary>
    private void Refill()
    {
        int missing;
        List<WorkerProcess> dead;
        lock (_gate)
        {
            if (_disposed || !_sparesWanted)
            {
                return;
            }

            dead = [.. _spares.Where(s => s.HasExited)];
            _spares.RemoveAll(dead.Contains);
            missing = _options.SpareWorkers - _spares.Count - _sparesStarting;
            _sparesStarting += Math.Max(missing, 0);
        }

        foreach (var worker in dead)
        {
            worker.Dispose();
        }

        for (var i = 0; i < missing; i++)
        {
            _ = Task.Run(StartSpare);
        }
    }

    private void StartSpare()
    {
        WorkerProcess? spare = null;
        try
        {
            if (Volatile.Read(ref _disposed))
            {
                return; // the engine was disposed before this start ran: start nothing (the finally still counts it done)
            }

            var slot = SpareSlot.Create();
            try
            {
                spare = new WorkerProcess(Launcher.StartInSlot(slot, _options.WorkerHeapLimitBytes, spare: true), NoTenant, HostCallBounds.None, _time, slot)
                {
                    StartedAt = _time.GetUtcNow(),
                };
            }
            catch
            {
                slot.Delete();
                throw;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception)
        {
            _log.LogWarning(exception, "{Message}", SandboxMessages.SpareFailed);
        }
        finally
        {
            TaskCompletionSource started;
            lock (_gate)
            {
                _sparesStarting--;
                if (spare is not null && !_disposed)
                {
                    _spares.Add(spare);
                    spare = null;
                }

                (started, _spareStarted) = (_spareStarted, new(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            started.TrySetResult();
            spare?.Dispose(); // the engine was disposed while it started
        }
    }

    // A spare runs no tenant code, so it has nothing to call back for: one that does is killed.
    private static Task<WorkerMessage> NoTenant(WorkerMessage call) => throw new InvalidOperationException("a spare worker has no tenant");

    private void StopIdle()
    {
        List<SandboxedTenant> idle;
        var cutoff = Stopwatch.GetTimestamp() - (long)(_options.WorkerIdleTimeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            idle = [.. _tenants.Where(t => t.WorkerRunning && t.WorkerIdle && t.WorkerLastUsed < cutoff)];
        }

        foreach (var tenant in idle)
        {
            tenant.StopWorker(SandboxMessages.StoppedIdle(_options.WorkerIdleTimeout));
        }
    }
}
