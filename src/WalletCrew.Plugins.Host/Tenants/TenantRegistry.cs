using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// Loads every tenant folder under the tenants root with the real engine and routes calls to it. The engine reloads
/// a tenant's saved files itself (keeping a working version over a broken save); this registry adds and removes
/// whole tenants when their folders appear or disappear.
/// </summary>
internal sealed partial class TenantRegistry : ITenantRuntime, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, TenantConnectors> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ConnectorEngine _engine;
    private readonly string _root;
    private readonly EngineSettings _settings;
    private readonly ILogger<TenantRegistry> _logger;
    private readonly TenantWatcher _watcher;

    public TenantRegistry(HostSettings host, IOptions<EngineSettings> settings, Engine.ISecretSource secrets, ILoggerFactory loggerFactory)
    {
        _root = Path.GetFullPath(host.TenantsRoot);
        _settings = settings.Value;
        _logger = loggerFactory.CreateLogger<TenantRegistry>();
        _engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = secrets,
            AllowLoopback = _settings.AllowLoopback || host.AllowLoopback,
            PrivateNetworks = _settings.ParsedPrivateNetworks(),
            InvocationTimeout = _settings.InvocationTimeout,
            LoadTimeout = _settings.LoadTimeout,
            CompileTimeout = _settings.CompileTimeout,
            CompileMemoryLimitBytes = _settings.CompileMemoryLimitMiB * 1024L * 1024,
            LoggerFactory = loggerFactory,
            HotReload = _settings.HotReload,
            CompileCacheDirectory = _settings.EffectiveCompileCacheDirectory(),
            Isolation = _settings.EffectiveIsolation(),
            Sandbox = _settings.SandboxOptions(),
        });
        _watcher = new TenantWatcher(_root, Refresh, _logger);
    }

    public bool Contains(string tenantId) => _tenants.ContainsKey(tenantId);

    public IsolationMode Isolation => _engine.Isolation;

    public string? IsolationWarning => _engine.IsolationWarning;

    public int RunningWorkers => _engine.RunningWorkers;

    public IReadOnlyList<TenantSnapshot> Describe() => [.. _tenants.Values.Select(TenantSnapshot.Of).OrderBy(s => s.TenantId, StringComparer.Ordinal)];

    public IReadOnlyList<ZombieConnector> Zombies() => _engine.GetZombies();

    public async Task<HookOutcome> DeliverAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(e.TenantId, out var tenant))
        {
            return HookOutcome.UnknownTenant(e.TenantId);
        }

        if (tenant.PassUpdaterCount == 0)
        {
            // A tenant whose connectors do not compile must not have its events skipped: retry until it is fixed.
            return tenant.HasErrors
                ? new HookOutcome(HookStatus.Failed, NotLoading(tenant), [])
                : new HookOutcome(HookStatus.NotRegistered, $"Tenant '{e.TenantId}' registers no pass updater ({RegistrationKeys.PassUpdater}).", []);
        }

        var result = await tenant.InvokePassUpdatersAsync(e, cancellationToken).ConfigureAwait(false);
        return new HookOutcome(Map(result.Status), result.Error, result.Log, RetryAfter: result.RetryAfter);
    }

    public async Task<HookOutcome> FillAsync(string tenantId, string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return HookOutcome.UnknownTenant(tenantId);
        }

        var result = await tenant.FillAsync(providerName, request, cancellationToken).ConfigureAwait(false);
        var error = result.Status == InvocationStatus.NotFound && tenant.HasErrors ? $"{result.Error} {NotLoading(tenant)}" : result.Error;
        return new HookOutcome(Map(result.Status), error, result.Log, result.Data);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The tenants root '{_root}' does not exist: create it with one folder per tenant id, or pass --tenants <root>.");
        }

        Refresh();
        LogLoadedAll(_tenants.Count, _root);
        if (_settings.HotReload)
        {
            _watcher.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher.Dispose();
        foreach (var tenant in _tenants.Values)
        {
            tenant.Dispose();
        }

        _tenants.Clear();
        _engine.Dispose();
    }

    /// <summary>Loads tenant folders that appeared and unloads those whose folder is gone.</summary>
    internal void Refresh()
    {
        lock (_gate)
        {
            var present = Directory.Exists(_root)
                ? Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
                : [];
            foreach (var tenantId in present.Where(id => !_tenants.ContainsKey(id)))
            {
                if (!TenantIds.IsValid(tenantId))
                {
                    LogInvalidFolder(tenantId, TenantIds.Explain(tenantId));
                    continue;
                }

                Load(tenantId);
            }

            foreach (var tenantId in _tenants.Keys.Except(present, StringComparer.Ordinal).ToList())
            {
                if (_tenants.TryRemove(tenantId, out var removed))
                {
                    removed.Dispose();
                    LogRemoved(tenantId);
                }
            }
        }
    }

    private void Load(string tenantId)
    {
        var started = Stopwatch.GetTimestamp();
        var tenant = _engine.LoadTenant(Path.Combine(_root, tenantId));
        foreach (var diagnostic in tenant.Diagnostics)
        {
            LogDiagnostic(tenantId, diagnostic.ToString());
        }

        tenant.Reloaded += (_, e) => LogReloaded(tenantId, e.Generation, e.Diagnostics.Count(d => d.IsError));
        _tenants[tenantId] = tenant;
        LogLoaded(tenantId, tenant.PassUpdaterCount, tenant.CustomerProviders.Count, tenant.Diagnostics.Count(d => d.IsError),
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static HookStatus Map(InvocationStatus status) => status switch
    {
        InvocationStatus.Succeeded => HookStatus.Succeeded,
        InvocationStatus.TimedOut => HookStatus.TimedOut,
        InvocationStatus.NotFound => HookStatus.NotRegistered,
        InvocationStatus.Rejected => HookStatus.Rejected,
        _ => HookStatus.Failed,
    };

    private static string NotLoading(TenantConnectors tenant) =>
        $"Tenant '{tenant.TenantId}' has {tenant.Diagnostics.Count(d => d.IsError)} connector error(s); fix them (GET /api/admin/connectors lists them).";

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded tenant {TenantId}: {PassUpdaters} pass updater(s), {Providers} customer provider(s), {Errors} error(s) in {ElapsedMs:0} ms")]
    private partial void LogLoaded(string tenantId, int passUpdaters, int providers, int errors, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} generation {Generation} is live ({Errors} error(s))")]
    private partial void LogReloaded(string tenantId, long generation, int errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} tenant(s) from {Root}")]
    private partial void LogLoadedAll(int count, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Diagnostic}")]
    private partial void LogDiagnostic(string tenantId, string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped folder {Folder} under the tenants root: {Reason}")]
    private partial void LogInvalidFolder(string folder, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded tenant {TenantId}: its folder was removed")]
    private partial void LogRemoved(string tenantId);
}
