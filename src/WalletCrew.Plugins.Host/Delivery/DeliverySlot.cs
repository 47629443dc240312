namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>One delivery's share of the host's and its tenant's slots: given back once, which wakes the claim loop.</summary>
internal sealed class DeliverySlot(Action release)
{
    private int _released;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}
