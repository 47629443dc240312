using WalletCrew.Plugins.Engine.Binding;
using WalletCrew.Plugins.Engine.Loading;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// An immutable snapshot of a tenant's live connector versions and what they registered. Invocations enter it and
/// exit it; once replaced it accepts no new calls, and when the last call in flight leaves it releases its versions
/// (a version unloads when no generation holds it any more).
/// </summary>
internal sealed class TenantGeneration
{
    private int _inFlight;
    private int _released;
    private int _drained;

    public TenantGeneration(long number, IReadOnlyDictionary<string, ConnectorSlot> slots, RegistrationTable table, IReadOnlyList<ConnectorDiagnostic> diagnostics)
    {
        Number = number;
        Slots = slots;
        Table = table;
        Diagnostics = diagnostics;
        foreach (var slot in slots.Values)
        {
            slot.Version.AddRef();
        }
    }

    public long Number { get; }

    /// <summary>Gets the live version of each connector, by its path relative to the tenant folder.</summary>
    public IReadOnlyDictionary<string, ConnectorSlot> Slots { get; }

    public RegistrationTable Table { get; }

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    /// <summary>Enters the generation for one call; fails once it has been replaced.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _released) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _released) == 1)
        {
            Drain();
        }
    }

    /// <summary>Stops new calls; the versions are released when the calls in flight have finished.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0 && Volatile.Read(ref _inFlight) == 0)
        {
            Drain();
        }
    }

    private void Drain()
    {
        if (Interlocked.Exchange(ref _drained, 1) == 1)
        {
            return;
        }

        foreach (var slot in Slots.Values)
        {
            slot.Version.Release();
        }
    }
}
