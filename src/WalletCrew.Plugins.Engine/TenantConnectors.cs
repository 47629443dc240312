using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine;

/// <summary>One tenant's loaded connectors: what they registered, their diagnostics, and the calls into them.</summary>
public sealed class TenantConnectors : IDisposable
{
    private readonly ConnectorInvoker _invoker;
    private readonly RegistrationTable _registrations;
    private readonly IReadOnlyList<IDisposable> _versions;

    internal TenantConnectors(
        string tenantId,
        string directory,
        IReadOnlyList<ConnectorDiagnostic> diagnostics,
        IReadOnlyList<TenantLogEntry> loadLog,
        RegistrationTable registrations,
        ConnectorInvoker invoker,
        IReadOnlyList<IDisposable> versions)
    {
        TenantId = tenantId;
        Directory = directory;
        Diagnostics = diagnostics;
        LoadLog = loadLog;
        _registrations = registrations;
        _invoker = invoker;
        _versions = versions;
    }

    /// <summary>Gets the tenant's id.</summary>
    public string TenantId { get; }

    /// <summary>Gets the tenant's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets every problem found while compiling, checking and binding the tenant's connectors.</summary>
    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    /// <summary>Gets a value indicating whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Gets what the connectors' top-level code wrote to the tenant log while loading.</summary>
    public IReadOnlyList<TenantLogEntry> LoadLog { get; }

    /// <summary>Gets the number of pass updaters registered.</summary>
    public int PassUpdaterCount => _registrations.PassUpdaters.Count;

    /// <summary>Gets the names of the customer providers registered.</summary>
    public IReadOnlyCollection<string> CustomerProviders => _registrations.CustomerProviders.Keys;

    /// <summary>Invokes every registered pass updater for the event, <c>OnPassInstalled</c> or <c>OnPassUninstalled</c> as the event says.</summary>
    /// <param name="e">The event.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the tenant log of the invocation.</returns>
    public Task<InvocationResult> InvokePassUpdatersAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _invoker.InvokePassUpdatersAsync(_registrations.PassUpdaters, e, cancellationToken);
    }

    /// <summary>Invokes the named customer provider.</summary>
    /// <param name="providerName">The provider's name, the last part of its registration key.</param>
    /// <param name="request">The pass to fill.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The outcome, with the data to merge when it succeeded.</returns>
    public Task<InvocationResult> FillAsync(string providerName, FillRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _registrations.CustomerProviders.TryGetValue(providerName, out var provider)
            ? _invoker.FillAsync(provider, request, cancellationToken)
            : Task.FromResult(_invoker.NotFound($"Tenant '{TenantId}' has no customer provider named '{providerName}'."));
    }

    /// <summary>Unloads the tenant's connectors.</summary>
    public void Dispose()
    {
        foreach (var version in _versions)
        {
            version.Dispose();
        }
    }
}
