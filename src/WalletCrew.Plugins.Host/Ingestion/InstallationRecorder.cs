using System.Diagnostics;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Telemetry;

namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>
/// Commits an installation change for every route that makes one (the JSON ingest route and the wallet routes): in the store's
/// ingest transaction, traced, counted, and the delivery worker woken. A store failure is logged and answered with null, the
/// response already carrying <c>Retry-After</c>, so the route answers 503 and the caller retries.
/// </summary>
internal sealed partial class InstallationRecorder(IEventIngest store, DeliverySignal signal, HostMetrics metrics, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("WalletCrew.Plugins.Host.Ingestion");

    public async Task<IngestOutcome?> RecordAsync(IngestCommand command, HttpResponse response, CancellationToken cancellationToken)
    {
        using var activity = HostTelemetry.Source.StartActivity("wcp.ingest");
        activity?.SetTag("wcp.tenant_id", command.TenantId).SetTag("wcp.pass_id", command.PassId);
        // The delivery continues this trace: ingest → hook → partner call.
        command = command with { TraceParent = Activity.Current?.Id };
        IngestOutcome outcome;
        try
        {
            outcome = await store.IngestAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStoreFailed(_logger, exception, command.TenantId, command.PassId);
            response.Headers.RetryAfter = "1";
            return null;
        }

        if (outcome.Created)
        {
            metrics.EventIngested(command.TenantId);
            signal.Notify();
        }

        activity?.SetTag("wcp.event_id", outcome.EventId).SetTag("wcp.created", outcome.Created);
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest for tenant {TenantId} pass {PassId} could not be stored; answered 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string tenantId, string passId);
}
