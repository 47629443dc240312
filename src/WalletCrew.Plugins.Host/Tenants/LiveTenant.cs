using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// A tenant's connectors as the registry routes calls to them, with the stored version they were loaded from (null for a
/// tenant served from its folder). Calls enter and exit it; once retired it takes no new call, and the connectors are
/// disposed when the last call in flight has left (drain and swap, one level above the engine's own generations).
/// </summary>
internal sealed class LiveTenant(TenantConnectors connectors, long? version)
{
    private int _inFlight;
    private int _retired;
    private int _disposed;

    public TenantConnectors Connectors { get; } = connectors;

    /// <summary>Gets the stored tenant version these connectors were built from, or null for a folder tenant.</summary>
    public long? Version { get; } = version;

    /// <summary>Gets or sets the diagnostics of the last save in the tenant's folder that did not check (a stored tenant), or empty.</summary>
    public IReadOnlyList<ConnectorDiagnostic> FailedSave { get; set; } = [];

    /// <summary>Enters for one call; fails once retired.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) == 1)
        {
            DisposeConnectors();
        }
    }

    /// <summary>Takes no new call; the connectors are disposed once the calls in flight have finished.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0 && Volatile.Read(ref _inFlight) == 0)
        {
            DisposeConnectors();
        }
    }

    private void DisposeConnectors()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Connectors.Dispose();
        }
    }
}
