using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>The host's traces and metrics, named <c>WalletCrew.Plugins.Host</c> for OpenTelemetry to collect.</summary>
internal static class HostTelemetry
{
    public const string Name = "WalletCrew.Plugins.Host";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> EventsIngested = Meter.CreateCounter<long>("wcp.events.ingested", description: "Installation events committed by ingest (state transitions only).");

    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("wcp.deliveries", description: "Delivery attempts by outcome (delivered, retry, dead, skipped, deferred).");

    public static readonly Histogram<double> InvocationDuration = Meter.CreateHistogram<double>("wcp.invocation.duration", unit: "ms", description: "Wall time of one hook or Fill invocation.");
}
