namespace WalletCrew.Plugins.Host.Store;

/// <summary>One generation of a device's registration of a pass, as the admin API lists it (an Apple device with its current push token).</summary>
internal sealed record PassRegistration(
    string Device,
    string DeviceId,
    long Generation,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? UnregisteredAt,
    string InstallEventId,
    string? UninstallEventId,
    string? PushToken);
