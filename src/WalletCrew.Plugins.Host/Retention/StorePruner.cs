using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Retention;

/// <summary>
/// Deletes delivered and skipped events, delivered emails, tenant log entries, Apple device log messages and Google nonces older than
/// <see cref="RetentionOptions.KeepFor"/>, in small batches, every <see cref="RetentionOptions.Interval"/>. Pending events and
/// emails, dead letters and registrations (which the registration counts are made of) are never deleted. Several hosts may prune
/// one database at once.
/// </summary>
internal sealed partial class StorePruner(IStoreMaintenance store, IEmailStore emailStore, IOptions<RetentionOptions> options, TimeProvider time, ILogger<StorePruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(settings, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogPruneFailed(exception);
            }

            try
            {
                await Task.Delay(settings.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PruneAsync(RetentionOptions settings, CancellationToken stoppingToken)
    {
        var before = time.GetUtcNow() - settings.KeepFor;
        int events = 0, emails = 0, logEntries = 0, walletEntries = 0;
        PruneResult batch;
        int emailBatch;
        do
        {
            batch = await store.PruneAsync(before, settings.BatchSize, stoppingToken).ConfigureAwait(false);
            emailBatch = await emailStore.PruneAsync(before, settings.BatchSize, stoppingToken).ConfigureAwait(false);
            events += batch.Events;
            emails += emailBatch;
            logEntries += batch.LogEntries;
            walletEntries += batch.WalletEntries;
        }
        while (batch.Events == settings.BatchSize || emailBatch == settings.BatchSize || batch.LogEntries == settings.BatchSize || batch.WalletEntries >= settings.BatchSize);

        if (events + emails + logEntries + walletEntries > 0)
        {
            LogPruned(events, emails, logEntries, walletEntries, before);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Events} delivered events, {Emails} delivered emails, {LogEntries} tenant log entries and {WalletEntries} device log messages and wallet nonces older than {Before}")]
    private partial void LogPruned(int events, int emails, int logEntries, int walletEntries, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting old events and logs failed; retrying at the next interval")]
    private partial void LogPruneFailed(Exception exception);
}
