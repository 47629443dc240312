using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Engine;

/// <summary>
/// One tenant's live connectors: what they registered, their diagnostics, and the calls into them. A reload builds the
/// next generation aside and swaps it in atomically; calls in flight finish on the version they started on.
/// </summary>
public sealed class TenantConnectors : IDisposable
{
    private readonly ConnectorInvoker _invoker;
    private readonly TenantBuilder? _builder;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly IReadOnlyList<ConnectorDiagnostic> _fixedDiagnostics;
    private TenantWatcher? _watcher;
    private TenantGeneration _current;
    private int _disposed;

    internal TenantConnectors(string tenantId, string directory, TenantBuilder? builder, ConnectorInvoker invoker, IReadOnlyList<ConnectorDiagnostic> fixedDiagnostics)
    {
        TenantId = tenantId;
        Directory = directory;
        _builder = builder;
        _invoker = invoker;
        _fixedDiagnostics = fixedDiagnostics;
        _current = builder?.Build(null, 1) ?? Empty(1);
    }

    /// <summary>Raised after a reload put a new generation live, with its diagnostics.</summary>
    public event EventHandler<TenantReloadedEventArgs>? Reloaded;

    /// <summary>Gets the tenant's id.</summary>
    public string TenantId { get; }

    /// <summary>Gets the tenant's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the number of the live generation; it grows by one with every reload that changed something.</summary>
    public long Generation => Volatile.Read(ref _current).Number;

    /// <summary>Gets every problem found while compiling, checking and binding the tenant's connectors, including saves that failed to replace a working version.</summary>
    public IReadOnlyList<ConnectorDiagnostic> Diagnostics => [.. _fixedDiagnostics, .. Volatile.Read(ref _current).Diagnostics];

    /// <summary>Gets a value indicating whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Gets what the live connectors' top-level code wrote to the tenant log while loading.</summary>
    public IReadOnlyList<TenantLogEntry> LoadLog => [.. Volatile.Read(ref _current).Slots.Values.SelectMany(s => s.Version.Value.LoadLog)];

    /// <summary>Gets the live connectors with their versions and diagnostics.</summary>
    public IReadOnlyList<ConnectorInfo> Connectors => [.. Volatile.Read(ref _current).Slots.Select(s => ConnectorInfo.From(s.Key, s.Value))];

    /// <summary>Gets the number of pass updaters registered.</summary>
    public int PassUpdaterCount => Volatile.Read(ref _current).Table.PassUpdaters.Count;

    /// <summary>Gets the names of the customer providers registered.</summary>
    public IReadOnlyCollection<string> CustomerProviders => Volatile.Read(ref _current).Table.CustomerProviders.Keys;

    /// <summary>Gets weak handles on the live versions' load contexts (tests prove unloads with them).</summary>
    internal IReadOnlyList<WeakReference> LoadContexts =>
        [.. Volatile.Read(ref _current).Slots.Values.Select(s => s.Version.Value.LoadContext).OfType<WeakReference>()];

    /// <summary>Invokes every registered pass updater for the event, <c>OnPassInstalled</c> or <c>OnPassUninstalled</c> as the event says.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the tenant log of the invocation.</returns>
    public async Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var generation = Enter();
        try
        {
            return await _invoker.InvokePassUpdatersAsync(generation.Table.PassUpdaters, e, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            generation.Exit();
            generation = null!; // see ConnectorInvoker: completed state machines must not hold connector code
        }
    }

    /// <summary>Invokes the named customer provider.</summary>
    /// <param name="providerName">The provider's name, the last part of its registration key.</param>
    /// <param name="request">The pass to fill.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the data to merge when it succeeded.</returns>
    public async Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var generation = Enter();
        try
        {
            return generation.Table.CustomerProviders.TryGetValue(providerName, out var provider)
                ? await _invoker.FillAsync(provider, request, cancellationToken).ConfigureAwait(false)
                : _invoker.NotFound($"Tenant '{TenantId}' has no customer provider named '{providerName}'.");
        }
        finally
        {
            generation.Exit();
            generation = null!;
        }
    }

    /// <summary>Rescans the tenant folder and puts changed connectors live; a connector whose new version fails keeps its previous one.</summary>
    /// <param name="cancellationToken">Cancels waiting for another reload in progress.</param>
    /// <returns><see langword="true"/> when a new generation went live.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        if (_builder is null || Volatile.Read(ref _disposed) == 1)
        {
            return false;
        }

        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _current);
            if (Volatile.Read(ref _disposed) == 1 || !_builder.HasChanges(current))
            {
                return false;
            }

            var next = await Task.Run(() => _builder.Build(current, current.Number + 1), CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _current, next);
            current.Release();
            Reloaded?.Invoke(this, new TenantReloadedEventArgs(next.Number, next.Diagnostics));
            current = next = null!;
            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Starts watching the tenant folder: saved files go live after a short quiet period.</summary>
    internal void Watch(ConnectorEngineOptions options)
    {
        _watcher = new TenantWatcher(Directory, options, ct => ReloadAsync(ct));
    }

    /// <summary>Stops watching and unloads the tenant's connectors once the calls in flight have finished.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _watcher?.Dispose();
        _reloadGate.Wait();
        try
        {
            // Drop the generation, not just release it: whoever still holds this object must not hold the connectors' code.
            Interlocked.Exchange(ref _current, Empty(0)).Release();
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private static TenantGeneration Empty(long number) => new(number, new Dictionary<string, ConnectorSlot>(), new RegistrationTable(), []);

    private TenantGeneration Enter()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            var generation = Volatile.Read(ref _current);
            if (generation.TryEnter())
            {
                return generation;
            }

            // Replaced between the read and the enter: take the live one.
        }
    }
}
