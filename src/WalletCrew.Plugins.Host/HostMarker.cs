namespace WalletCrew.Plugins.Host;

/// <summary>Placeholder until the host service lands.</summary>
internal static class HostMarker
{
}
