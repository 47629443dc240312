using System.Diagnostics;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>The host's trace source and meter name, <c>WalletCrew.Plugins.Host</c>, for OpenTelemetry to collect.</summary>
internal static class HostTelemetry
{
    public const string Name = "WalletCrew.Plugins.Host";

    public static readonly ActivitySource Source = new(Name);
}
