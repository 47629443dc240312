using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Keeps the number of running workers near <see cref="SandboxOptions.MaxWorkers"/> and stops idle ones: before a worker
/// starts, the least recently used idle worker of another tenant is stopped when the pool is full; a sweep stops workers
/// idle for longer than <see cref="SandboxOptions.WorkerIdleTimeout"/>. A busy worker is never stopped to make room, so the
/// cap is soft: a tenant's event never waits for another tenant's work.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly HashSet<SandboxedTenant> _tenants = [];
    private readonly Lock _gate = new();
    private readonly SandboxOptions _options;
    private readonly ITimer _sweep;

    public WorkerPool(SandboxOptions options, TimeProvider time)
    {
        _options = options;
        Launcher = new WorkerLauncher(options);
        var period = options.WorkerIdleTimeout / 4 < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.WorkerIdleTimeout / 4;
        _sweep = time.CreateTimer(_ => StopIdle(), null, period, period);
    }

    public WorkerLauncher Launcher { get; }

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

    public void Add(SandboxedTenant tenant)
    {
        lock (_gate)
        {
            _tenants.Add(tenant);
        }
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

    public void Dispose() => _sweep.Dispose();

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
