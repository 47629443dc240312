using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>One loaded version of a tenant, counted while in use so a replaced version unloads only after its calls finish.</summary>
internal sealed class LoadedTenant(TenantConnectors connectors, TenantSnapshot snapshot)
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private bool _retired;
    private bool _disposed;

    public TenantConnectors Connectors { get; } = connectors;

    /// <summary>Gets or sets what the version offers; replaced when a newer version is refused.</summary>
    public TenantSnapshot Snapshot { get; set; } = snapshot;

    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
            DisposeIfIdle();
        }
    }

    /// <summary>Stops new calls; unloads once the in-flight ones are done.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            DisposeIfIdle();
        }
    }

    private void DisposeIfIdle()
    {
        if (_retired && _inFlight == 0 && !_disposed)
        {
            _disposed = true;
            Connectors.Dispose();
        }
    }
}
