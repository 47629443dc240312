namespace WalletCrew.Plugins.Host.Store;

/// <summary>The serial numbers of a device's registered passes changed after a tag, and the newest change among them.</summary>
internal sealed record UpdatedSerials(IReadOnlyList<string> SerialNumbers, DateTimeOffset LastUpdated);
