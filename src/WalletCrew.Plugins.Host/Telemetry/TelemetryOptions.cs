using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>Metrics sampling: section <c>WalletCrew:Telemetry</c> (the exporter's endpoint is read where OpenTelemetry is set up).</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "WalletCrew:Telemetry";

    /// <summary>Gets or sets how often the queue gauges are sampled from the store.</summary>
    /// <value>The default is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
