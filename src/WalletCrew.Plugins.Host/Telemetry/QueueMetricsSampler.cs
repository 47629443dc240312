using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>Samples queue depth, dead letters, circuits and zombies every <see cref="TelemetryOptions.SampleInterval"/> for the gauges.</summary>
internal sealed partial class QueueMetricsSampler(
    IEventHistory store, ConnectorCircuits circuits, ITenantRuntime tenants, HostMetrics metrics, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<QueueMetricsSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SampleInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var stats = await store.GetQueueStatsAsync(stoppingToken).ConfigureAwait(false);
                metrics.Update(stats, circuits.States(), tenants.Zombies().Count, time.GetUtcNow());
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSampleFailed(exception);
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling queue metrics failed; retrying at the next interval")]
    private partial void LogSampleFailed(Exception exception);
}
