using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Telemetry;

/// <summary>Samples queue depth, dead letters, circuits and zombies every <c>WalletCrew:Telemetry:SampleInterval</c> (default 15 s) for the gauges.</summary>
internal sealed partial class QueueMetricsSampler(
    IEventHistory store, ConnectorCircuits circuits, ITenantRuntime tenants, HostMetrics metrics, IConfiguration configuration, TimeProvider time, ILogger<QueueMetricsSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("WalletCrew:Telemetry:SampleInterval", TimeSpan.FromSeconds(15));
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
