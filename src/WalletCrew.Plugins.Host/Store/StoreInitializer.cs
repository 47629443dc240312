using System.Data.Common;
using Microsoft.Extensions.Hosting;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Creates or upgrades the schema before the host accepts requests or delivers; a store that cannot be reached stops the start.</summary>
internal sealed class StoreInitializer(IStoreMaintenance store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw new InvalidOperationException($"The event store could not be opened: {exception.Message} Check --store and that the database is reachable.", exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
