using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// Loads every tenant folder under the tenants root with the real engine, reloads a tenant when its files change
/// (a version with errors never replaces a working one), and routes calls to the live version.
/// </summary>
internal sealed partial class TenantRegistry : ITenantRuntime, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, LoadedTenant> _tenants = new(StringComparer.Ordinal);
    private readonly ConnectorEngine _engine;
    private readonly string _root;
    private readonly EngineSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantRegistry> _logger;
    private readonly TenantWatcher _watcher;

    public TenantRegistry(HostSettings host, IOptions<EngineSettings> settings, Engine.ISecretSource secrets, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _root = Path.GetFullPath(host.TenantsRoot);
        _settings = settings.Value;
        _time = time;
        _logger = loggerFactory.CreateLogger<TenantRegistry>();
        _engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = secrets,
            AllowLoopback = _settings.AllowLoopback || host.AllowLoopback,
            InvocationTimeout = _settings.InvocationTimeout,
            LoggerFactory = loggerFactory,
        });
        _watcher = new TenantWatcher(_root, Reload, _logger);
    }

    public bool Contains(string tenantId) => _tenants.ContainsKey(tenantId);

    public IReadOnlyList<TenantSnapshot> Describe() => [.. _tenants.Values.Select(t => t.Snapshot).OrderBy(s => s.TenantId, StringComparer.Ordinal)];

    public async Task<HookOutcome> DeliverAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        var tenant = Enter(e.TenantId);
        if (tenant is null)
        {
            return HookOutcome.UnknownTenant(e.TenantId);
        }

        try
        {
            if (tenant.Connectors.PassUpdaterCount == 0)
            {
                return tenant.Snapshot.HasErrors
                    ? new HookOutcome(HookStatus.Failed, NotLoading(tenant.Snapshot), [])
                    : new HookOutcome(HookStatus.NotRegistered, $"Tenant '{e.TenantId}' registers no pass updater ({RegistrationKeys.PassUpdater}).", []);
            }

            var result = await tenant.Connectors.InvokePassUpdatersAsync(e, cancellationToken).ConfigureAwait(false);
            return new HookOutcome(Map(result.Status), result.Error, result.Log);
        }
        finally
        {
            tenant.Exit();
        }
    }

    public async Task<HookOutcome> FillAsync(string tenantId, string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        var tenant = Enter(tenantId);
        if (tenant is null)
        {
            return HookOutcome.UnknownTenant(tenantId);
        }

        try
        {
            var result = await tenant.Connectors.FillAsync(providerName, request, cancellationToken).ConfigureAwait(false);
            var error = result.Status == InvocationStatus.NotFound && tenant.Snapshot.HasErrors
                ? $"{result.Error} {NotLoading(tenant.Snapshot)}"
                : result.Error;
            return new HookOutcome(Map(result.Status), error, result.Log, result.Data);
        }
        finally
        {
            tenant.Exit();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The tenants root '{_root}' does not exist: create it with one folder per tenant id, or pass --tenants <root>.");
        }

        foreach (var directory in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            Reload(Path.GetFileName(directory));
        }

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
            tenant.Retire();
        }

        _tenants.Clear();
        _engine.Dispose();
    }

    /// <summary>Loads one tenant folder and swaps it in, unless it has errors and a working version is live.</summary>
    internal void Reload(string tenantId)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            LogInvalidFolder(tenantId, TenantIds.Explain(tenantId));
            return;
        }

        var directory = Path.Combine(_root, tenantId);
        if (!Directory.Exists(directory))
        {
            if (_tenants.TryRemove(tenantId, out var removed))
            {
                removed.Retire();
                LogRemoved(tenantId);
            }

            return;
        }

        var started = Stopwatch.GetTimestamp();
        var version = TenantVersion.Compute(directory);
        var connectors = _engine.LoadTenant(directory);
        var snapshot = new TenantSnapshot(tenantId, version, _time.GetUtcNow(), connectors.PassUpdaterCount,
            [.. connectors.CustomerProviders.Order(StringComparer.Ordinal)], connectors.Diagnostics);
        foreach (var diagnostic in connectors.Diagnostics)
        {
            LogDiagnostic(tenantId, diagnostic.ToString());
        }

        if (_tenants.TryGetValue(tenantId, out var current) && connectors.HasErrors && !current.Snapshot.HasErrors)
        {
            connectors.Dispose();
            current.Snapshot = current.Snapshot with { RejectedVersion = version, RejectedDiagnostics = snapshot.Diagnostics };
            LogKeptWorking(tenantId, current.Snapshot.Version, version);
            return;
        }

        var next = new LoadedTenant(connectors, snapshot);
        _tenants.AddOrUpdate(tenantId, next, (_, _) => next);
        current?.Retire();
        LogLoaded(tenantId, version, connectors.PassUpdaterCount, connectors.CustomerProviders.Count, connectors.Diagnostics.Count(d => d.IsError),
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static HookStatus Map(InvocationStatus status) => status switch
    {
        InvocationStatus.Succeeded => HookStatus.Succeeded,
        InvocationStatus.TimedOut => HookStatus.TimedOut,
        InvocationStatus.NotFound => HookStatus.NotRegistered,
        _ => HookStatus.Failed,
    };

    private static string NotLoading(TenantSnapshot snapshot) =>
        $"Tenant '{snapshot.TenantId}' version {snapshot.Version} has {snapshot.Diagnostics.Count(d => d.IsError)} connector error(s); fix them (GET /api/admin/connectors lists them).";

    private LoadedTenant? Enter(string tenantId)
    {
        // Retry once: a reload may retire the version between the lookup and the enter.
        for (var i = 0; i < 3; i++)
        {
            if (!_tenants.TryGetValue(tenantId, out var tenant))
            {
                return null;
            }

            if (tenant.TryEnter())
            {
                return tenant;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded tenant {TenantId} version {Version}: {PassUpdaters} pass updater(s), {Providers} customer provider(s), {Errors} error(s) in {ElapsedMs:0} ms")]
    private partial void LogLoaded(string tenantId, string version, int passUpdaters, int providers, int errors, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} tenant(s) from {Root}")]
    private partial void LogLoadedAll(int count, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Diagnostic}")]
    private partial void LogDiagnostic(string tenantId, string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} keeps working version {Version}: the new version {Rejected} has errors")]
    private partial void LogKeptWorking(string tenantId, string version, string rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped folder {Folder} under the tenants root: {Reason}")]
    private partial void LogInvalidFolder(string folder, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded tenant {TenantId}: its folder was removed")]
    private partial void LogRemoved(string tenantId);
}
