using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// Loads every tenant folder under the tenants root with the real engine and routes calls to it. The engine reloads
/// a tenant's saved files itself (keeping a working version over a broken save); this registry adds and removes
/// whole tenants when their folders appear or disappear. Tenants whose files are in the store are activated here by
/// version (<see cref="Activate"/>): a stored tenant wins over a folder of the same id, and its version only goes forward.
/// </summary>
internal sealed partial class TenantRegistry : ITenantRuntime, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, LiveTenant> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ConnectorEngine _engine;
    private readonly string _root;
    private readonly EngineSettings _settings;
    private readonly ILogger<TenantRegistry> _logger;
    private FolderWatcher? _watcher;

    public TenantRegistry(HostSettings host, IOptions<EngineSettings> settings, Engine.ISecretSource secrets, ILoggerFactory loggerFactory)
    {
        _root = Path.GetFullPath(host.TenantsRoot);
        _settings = settings.Value;
        _logger = loggerFactory.CreateLogger<TenantRegistry>();
        _engine = new ConnectorEngine(Options(host, secrets, loggerFactory));
    }

    public bool Contains(string tenantId) => _tenants.ContainsKey(tenantId);

    /// <summary>Returns the stored version a tenant serves now, or null when it is not loaded from the store.</summary>
    public long? LiveVersion(string tenantId) => _tenants.TryGetValue(tenantId, out var live) ? live.Version : null;

    /// <summary>Returns whether the tenant is served from its folder under the tenants root.</summary>
    public bool IsFolderTenant(string tenantId) => _tenants.TryGetValue(tenantId, out var live) && live.Version is null;

    /// <summary>Lists the tenant ids that have a folder under the tenants root, served from it or from the store, in order.</summary>
    public IReadOnlyList<string> FolderIds() => [.. FolderNames().Where(TenantIds.IsValid)];

    /// <summary>Gets the tenants root (folder tenants, and the folders that feed the store).</summary>
    public string Root => _root;

    /// <summary>
    /// Records the diagnostics of a save in a stored tenant's folder that did not check, on the version it serves (as a folder
    /// tenant's failed save is kept among its diagnostics), until another version goes live.
    /// </summary>
    public void RecordFailedSave(string tenantId, long version, IReadOnlyList<ConnectorDiagnostic> diagnostics)
    {
        if (_tenants.TryGetValue(tenantId, out var live) && live.Version == version)
        {
            live.FailedSave = diagnostics;
        }
    }

    /// <summary>
    /// Loads a materialised tenant folder with the host's settings, not live: what a change is checked with, and what
    /// <see cref="Activate"/> then puts live unchanged. The caller disposes it when it does not activate it.
    /// </summary>
    /// <remarks>Same engine as the folder tenants (one worker pool, one compile cache, one zombie list); a materialised
    /// folder is never edited, so it is not watched.</remarks>
    public TenantConnectors LoadStored(string tenantDirectory) => _engine.LoadTenant(tenantDirectory, watch: false);

    /// <summary>
    /// Puts a stored version live: calls in flight finish on the version they started on, new calls go to this one. Returns
    /// false (and disposes <paramref name="connectors"/>) when the tenant already serves this version or a newer one, so a
    /// host never goes back to an older version than one it has served.
    /// </summary>
    public bool Activate(string tenantId, long version, TenantConnectors connectors)
    {
        LiveTenant? previous;
        lock (_gate)
        {
            if (_tenants.TryGetValue(tenantId, out previous) && previous.Version >= version)
            {
                connectors.Dispose();
                return false;
            }

            _tenants[tenantId] = new LiveTenant(connectors, version);
        }

        previous?.Retire();
        LogActivated(tenantId, version, connectors.PassUpdaterCount, connectors.CustomerProviders.Count);
        return true;
    }

    public IsolationMode Isolation => _engine.Isolation;

    public string? IsolationWarning => _engine.IsolationWarning;

    public int RunningWorkers => _engine.RunningWorkers;

    public Engine.SandboxLayers? SandboxLayers => _engine.SandboxLayers;

    public IReadOnlyList<TenantSnapshot> Describe() =>
        [.. _tenants.Values.Select(t => TenantSnapshot.Of(t.Connectors, t.Version, t.FailedSave)).OrderBy(s => s.TenantId, StringComparer.Ordinal)];

    public IReadOnlyList<ZombieConnector> Zombies() => _engine.GetZombies();

    public async Task<HookOutcome> DeliverAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        if (Enter(e.TenantId) is not { } live)
        {
            return HookOutcome.UnknownTenant(e.TenantId);
        }

        try
        {
            var tenant = live.Connectors;
            if (tenant.PassUpdaterCount == 0)
            {
                // A tenant whose connectors do not compile must not have its events skipped: retry until it is fixed.
                return tenant.HasErrors
                    ? new HookOutcome(HookStatus.Failed, NotLoading(tenant), [], TenantVersion: live.Version)
                    : new HookOutcome(HookStatus.NotRegistered, $"Tenant '{e.TenantId}' registers no pass updater ({RegistrationKeys.PassUpdater}).", [], TenantVersion: live.Version);
            }

            var result = await tenant.InvokePassUpdatersAsync(e, cancellationToken).ConfigureAwait(false);
            return new HookOutcome(Map(result.Status), result.Error, result.Log, RetryAfter: result.RetryAfter, TenantVersion: live.Version);
        }
        finally
        {
            live.Exit();
        }
    }

    public async Task<HookOutcome> FillAsync(string tenantId, string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        if (Enter(tenantId) is not { } live)
        {
            return HookOutcome.UnknownTenant(tenantId);
        }

        try
        {
            var tenant = live.Connectors;
            var result = await tenant.FillAsync(providerName, request, cancellationToken).ConfigureAwait(false);
            var error = result.Status == InvocationStatus.NotFound && tenant.HasErrors ? $"{result.Error} {NotLoading(tenant)}" : result.Error;
            return new HookOutcome(Map(result.Status), error, result.Log, result.Data, TenantVersion: live.Version);
        }
        finally
        {
            live.Exit();
        }
    }

    public InvocationLimits? Limits(string tenantId) => _tenants.TryGetValue(tenantId, out var live) ? live.Connectors.Limits : null;

    public bool HasEmailSender(string tenantId) => _tenants.TryGetValue(tenantId, out var live) && live.Connectors.HasEmailSender;

    public async Task<HookOutcome> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
    {
        if (Enter(request.TenantId) is not { } live)
        {
            return HookOutcome.UnknownTenant(request.TenantId);
        }

        try
        {
            var tenant = live.Connectors;
            var result = await tenant.SendEmailAsync(request, cancellationToken).ConfigureAwait(false);
            var error = result.Status == InvocationStatus.NotFound && tenant.HasErrors ? $"{result.Error} {NotLoading(tenant)}" : result.Error;
            var status = result.Status == InvocationStatus.NotFound ? HookStatus.Failed : Map(result.Status);
            return new HookOutcome(status, error, result.Log, RetryAfter: result.RetryAfter, TenantVersion: live.Version);
        }
        finally
        {
            live.Exit();
        }
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
            // The tenant list only: a folder tenant's engine watches its own files.
            _watcher = new FolderWatcher(_root, FolderWatchScope.Entries, EngineDefaults.ReloadDebounce, polling: null, (_, _) =>
            {
                Refresh();
                return Task.CompletedTask;
            }, TimeProvider.System, _logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        foreach (var tenant in _tenants.Values)
        {
            tenant.Connectors.Dispose();
        }

        _tenants.Clear();
        _engine.Dispose();
    }

    /// <summary>Loads tenant folders that appeared and unloads those whose folder is gone; stored tenants are left alone (the store wins).</summary>
    internal void Refresh()
    {
        lock (_gate)
        {
            var present = FolderNames();
            foreach (var tenantId in present.Where(id => !_tenants.ContainsKey(id)))
            {
                if (!TenantIds.IsValid(tenantId))
                {
                    LogInvalidFolder(tenantId, TenantIds.Explain(tenantId));
                    continue;
                }

                Load(tenantId);
            }

            foreach (var tenantId in _tenants.Where(t => t.Value.Version is null).Select(t => t.Key).Except(present, StringComparer.Ordinal).ToList())
            {
                if (_tenants.TryRemove(tenantId, out var removed))
                {
                    removed.Retire();
                    LogRemoved(tenantId);
                }
            }
        }
    }

    private List<string> FolderNames() => Directory.Exists(_root)
        ? [.. Directory.EnumerateDirectories(_root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
        : [];

    private LiveTenant? Enter(string tenantId)
    {
        // A swap between the read and the enter retires what was read: take the live one again.
        while (_tenants.TryGetValue(tenantId, out var live))
        {
            if (live.TryEnter())
            {
                return live;
            }
        }

        return null;
    }

    private ConnectorEngineOptions Options(HostSettings host, Engine.ISecretSource secrets, ILoggerFactory loggerFactory) => new()
    {
        Secrets = secrets,
        AllowLoopback = _settings.AllowLoopback || host.AllowLoopback,
        PrivateNetworks = _settings.ParsedPrivateNetworks(),
        InvocationTimeout = _settings.InvocationTimeout,
        LoadTimeout = _settings.LoadTimeout,
        OutboundCallsPerInvocation = _settings.OutboundCallsPerInvocation,
        ConcurrentInvocations = _settings.ConcurrentInvocations,
        LogEntriesPerInvocation = _settings.LogEntriesPerInvocation,
        LogBytesPerInvocation = _settings.LogBytesPerInvocation,
        CompileTimeout = _settings.CompileTimeout,
        CompileMemoryLimitBytes = _settings.CompileMemoryLimitMiB * 1024L * 1024,
        LoggerFactory = loggerFactory,
        HotReload = _settings.HotReload,
        CompileCacheDirectory = _settings.EffectiveCompileCacheDirectory(),
        Isolation = _settings.EffectiveIsolation(),
        Sandbox = _settings.SandboxOptions(),
    };

    private void Load(string tenantId)
    {
        var started = Stopwatch.GetTimestamp();
        var tenant = _engine.LoadTenant(Path.Combine(_root, tenantId));
        foreach (var diagnostic in tenant.Diagnostics)
        {
            LogDiagnostic(tenantId, diagnostic.ToString());
        }

        tenant.Reloaded += (_, e) => LogReloaded(tenantId, e.Generation, e.Diagnostics.Count(d => d.IsError));
        _tenants[tenantId] = new LiveTenant(tenant, null);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} version {Version} is live: {PassUpdaters} pass updater(s), {Providers} customer provider(s)")]
    private partial void LogActivated(string tenantId, long version, int passUpdaters, int providers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} tenant(s) from {Root}")]
    private partial void LogLoadedAll(int count, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}: {Diagnostic}")]
    private partial void LogDiagnostic(string tenantId, string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped folder {Folder} under the tenants root: {Reason}")]
    private partial void LogInvalidFolder(string folder, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded tenant {TenantId}: its folder was removed")]
    private partial void LogRemoved(string tenantId);
}
