using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WalletCrew.Plugins.Engine;
using WalletCrew.Plugins.Engine.Reload;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// Keeps this host on every tenant's newest stored version: loads them all before the host serves (start; then, with
/// <see cref="TenantFileOptions.ImportFolders"/>, stores the tenants folder's new and changed tenants, <see cref="TenantVersions.ImportFoldersAsync"/>),
/// then on each PostgreSQL notification of a stored version (unless <see cref="TenantFileOptions.Notifications"/> is off) and on a poll
/// (<see cref="TenantFileOptions.PollInterval"/>) in case a notification was lost while the listening connection was down. With SQLite (one host) the API activates a change
/// itself and the poll only catches what another process wrote to the file. With <see cref="TenantFileOptions.ImportFolders"/> and hot reload on, it also
/// watches the tenants root and stores each save in a stored tenant's folder (<see cref="TenantVersions.SaveFolderAsync"/>).
/// </summary>
internal sealed partial class TenantFileSync(
    TenantVersions versions, TenantRegistry registry, IServiceProvider services, IOptions<TenantFileOptions> options, IOptions<EngineSettings> engine, ILogger<TenantFileSync> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private FolderWatcher? _folders;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before anything is delivered: a host starts on the newest stored versions, never on a folder the store overrides.
        await versions.SyncAsync(cancellationToken).ConfigureAwait(false);
        if (options.Value.ImportFolders)
        {
            // Watching first: a save made while the folders are imported is not missed (changes of one tenant queue up).
            if (engine.Value.HotReload)
            {
                _folders = new FolderWatcher(registry.Root, FolderWatchScope.Files, EngineDefaults.ReloadDebounce, polling: null, SaveFoldersAsync, TimeProvider.System, logger);
            }

            await versions.ImportFoldersAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _folders?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _folders?.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    /// <param name="tenantIds">The folders saved in; <see langword="null"/> when the watcher lost events: every folder.</param>
    private async Task SaveFoldersAsync(IReadOnlySet<string>? tenantIds, CancellationToken cancellationToken)
    {
        foreach (var tenantId in tenantIds?.Where(TenantIds.IsValid) ?? registry.FolderIds())
        {
            await versions.SaveFolderAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = options.Value.Notifications && services.GetService<NpgsqlDataSource>() is { } dataSource ? ListenAsync(dataSource, stoppingToken) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
                await versions.SyncAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogSyncFailed(exception);
            }
        }

        await listener.ConfigureAwait(false);
    }

    // The pool does not reset connections (PostgresDataSources): a healthy one goes back to it listening to nothing.
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // A broken connection is not given back to the pool.
        }
    }

    private async Task ListenAsync(NpgsqlDataSource dataSource, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {TenantFileSql.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                // Whatever was stored while not listening.
                Wake();
                try
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await UnlistenAsync(connection).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogListenFailed(exception);
                try
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Comparing this host's tenant versions with the store failed; retrying on the next poll")]
    private partial void LogSyncFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for stored tenant versions failed; polling until the connection is back")]
    private partial void LogListenFailed(Exception exception);
}
