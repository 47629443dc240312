namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The pass registry and the Apple device logs, in the same database as the events. Registrations themselves are written
/// by <see cref="IEventIngest.IngestAsync"/>, in the transaction of their event.
/// </summary>
internal interface IWalletStore
{
    /// <summary>Creates or replaces a pass; its update time moves forward only when it is new or its <c>.pkpass</c> changed.</summary>
    Task<PutPassResult> PutPassAsync(WalletPass pass, CancellationToken cancellationToken);

    /// <summary>Returns a pass by its id, or null.</summary>
    Task<WalletPass?> GetPassAsync(string tenantId, string passId, CancellationToken cancellationToken);

    /// <summary>Returns the tenant's pass with this Apple pass type identifier and serial number, or null.</summary>
    Task<WalletPass?> FindApplePassAsync(string tenantId, string passTypeIdentifier, string serialNumber, CancellationToken cancellationToken);

    /// <summary>Returns the tenant's pass with this Google Wallet object id, or null.</summary>
    Task<WalletPass?> FindGooglePassAsync(string tenantId, string objectId, CancellationToken cancellationToken);

    /// <summary>Deletes a pass from the registry (its registrations and events stay); false when there was none.</summary>
    Task<bool> DeletePassAsync(string tenantId, string passId, CancellationToken cancellationToken);

    /// <summary>
    /// The serial numbers of the passes of <paramref name="passTypeIdentifier"/> the Apple device has registered now, changed
    /// after <paramref name="since"/> (every one when null); null when none.
    /// </summary>
    Task<UpdatedSerials?> ListUpdatedSerialsAsync(string tenantId, string deviceId, string passTypeIdentifier, DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>Lists every generation of every device's registration of a pass, oldest first.</summary>
    Task<IReadOnlyList<PassRegistration>> ListRegistrationsAsync(string tenantId, string passId, CancellationToken cancellationToken);

    /// <summary>Appends messages an Apple device posted for the tenant, then deletes the tenant's oldest past its newest <paramref name="keep"/>.</summary>
    Task AppendDeviceLogsAsync(string tenantId, DateTimeOffset at, IReadOnlyList<string> messages, int keep, CancellationToken cancellationToken);

    /// <summary>Returns the tenant's newest device log messages, newest first.</summary>
    Task<IReadOnlyList<DeviceLogEntry>> ReadDeviceLogsAsync(string tenantId, int limit, CancellationToken cancellationToken);
}
