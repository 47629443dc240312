using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Engine;

/// <summary>
/// One tenant's live connectors: what they registered, their diagnostics, and the calls into them, wherever they run (in
/// this process or in the tenant's sandboxed worker). A reload builds the next generation aside and swaps it in atomically;
/// calls in flight finish on the version they started on.
/// </summary>
public sealed class TenantConnectors : IDisposable
{
    private readonly TenantRuntime _runtime;
    private readonly IReadOnlyList<ConnectorDiagnostic> _fixedDiagnostics;
    private FolderWatcher? _watcher;
    private int _disposed;

    internal TenantConnectors(string tenantId, string directory, TenantRuntime runtime, IReadOnlyList<ConnectorDiagnostic> fixedDiagnostics)
    {
        TenantId = tenantId;
        Directory = directory;
        _runtime = runtime;
        _fixedDiagnostics = fixedDiagnostics;
    }

    /// <summary>Raised after a reload put a new generation live, with its diagnostics.</summary>
    public event EventHandler<TenantReloadedEventArgs>? Reloaded;

    /// <summary>Gets the tenant's id.</summary>
    public string TenantId { get; }

    /// <summary>Gets the tenant's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the number of the live generation; it grows by one with every reload that changed something.</summary>
    public long Generation => _runtime.Generation;

    /// <summary>Gets every problem found while compiling, checking and binding the tenant's connectors, including saves that failed to replace a working version.</summary>
    public IReadOnlyList<ConnectorDiagnostic> Diagnostics => [.. _fixedDiagnostics, .. _runtime.Diagnostics];

    /// <summary>Gets a value indicating whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Gets what the live connectors' top-level code wrote to the tenant log while loading.</summary>
    public IReadOnlyList<TenantLogEntry> LoadLog => _runtime.LoadLog;

    /// <summary>Gets the live connectors with their versions and diagnostics.</summary>
    public IReadOnlyList<ConnectorInfo> Connectors => _runtime.Connectors;

    /// <summary>Gets the number of pass updaters registered.</summary>
    public int PassUpdaterCount => _runtime.PassUpdaterCount;

    /// <summary>Gets the names of the customer providers registered.</summary>
    public IReadOnlyCollection<string> CustomerProviders => _runtime.CustomerProviders;

    /// <summary>Gets a value indicating whether the tenant registered an email sender (<c>runtime.scriptable.emailEngine</c>).</summary>
    public bool HasEmailSender => _runtime.HasEmailSender;

    /// <summary>Gets weak handles on the live versions' load contexts in this process (tests prove unloads with them).</summary>
    internal IReadOnlyList<WeakReference> LoadContexts => _runtime.LoadContexts;

    /// <summary>
    /// Gets how many of the tenant's invocations may run at once now: its <c>limits.concurrentInvocations</c> (tenant.json,
    /// within the host's maximum) or the host's default. An invocation beyond it is rejected without running.
    /// </summary>
    public int ConcurrentInvocations => _runtime.Limits.ConcurrentInvocations;

    /// <summary>Gets the limits the tenant's invocations run under now (tenant.json's within the host's maxima, else the host's).</summary>
    internal Limits.InvocationLimits Limits => _runtime.Limits;

    /// <summary>Gets the state of the tenant's sandboxed worker, or <see langword="null"/> when its code runs in this process.</summary>
    public WorkerStatus? Worker => _runtime is Sandbox.SandboxedTenant sandboxed ? sandboxed.WorkerStatus : null;

    internal TenantRuntime Runtime => _runtime;

    /// <summary>Invokes every registered pass updater for the event, <c>OnPassInstalled</c> or <c>OnPassUninstalled</c> as the event says.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the tenant log of the invocation.</returns>
    public Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _runtime.InvokePassUpdatersAsync(e, cancellationToken);
    }

    /// <summary>Invokes the named customer provider.</summary>
    /// <param name="providerName">The provider's name, the last part of its registration key.</param>
    /// <param name="request">The pass to fill.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the data to merge when it succeeded.</returns>
    public Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _runtime.FillAsync(providerName, request, cancellationToken);
    }

    /// <summary>
    /// Invokes the tenant's email sender (<c>SendEmail</c>) once, under the same limits and isolation as every hook; its
    /// <c>buildEmail</c> renders the tenant's templates (<c>server/email/&lt;template&gt;[.&lt;culture&gt;].liquid</c>).
    /// </summary>
    /// <param name="request">The email to send; the engine binds its templates.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the tenant log of the invocation.</returns>
    public Task<InvocationResult> SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _runtime.SendEmailAsync(request, cancellationToken);
    }

    /// <summary>Rescans the tenant folder and puts changed connectors live; a connector whose new version fails keeps its previous one.</summary>
    /// <param name="cancellationToken">Cancels waiting for another reload in progress.</param>
    /// <returns><see langword="true"/> when a new generation went live.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 1 || !await _runtime.ReloadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Reloaded?.Invoke(this, new TenantReloadedEventArgs(_runtime.Generation, _runtime.Diagnostics));
        return true;
    }

    /// <summary>Starts watching the tenant folder: saved files go live after a short quiet period.</summary>
    internal void Watch(ConnectorEngineOptions options)
    {
        // The reload compares content hashes, so which files changed does not matter.
        _watcher = new FolderWatcher(Directory, FolderWatchScope.Files, options.ReloadDebounce, options.ReloadPollingInterval, (_, ct) => ReloadAsync(ct),
            options.TimeProvider, options.LoggerFactory.CreateLogger("WalletCrew.Plugins.Engine.Reload"));
    }

    /// <summary>Stops watching and unloads the tenant's connectors once the calls in flight have finished.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _watcher?.Dispose();
        _runtime.Dispose();
    }
}
