namespace WalletCrew.Plugins.Host.Store;

/// <summary>Where an event is in its delivery to the tenant's hooks.</summary>
internal enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt or a retry.</summary>
    Pending,

    /// <summary>Every hook completed.</summary>
    Delivered,

    /// <summary>Retries are exhausted or the failure is permanent; waits for a replay.</summary>
    Dead,

    /// <summary>The tenant registers no pass updater, so nothing was called.</summary>
    Skipped,
}
