using Microsoft.Extensions.Hosting;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Creates or upgrades the schema before the host accepts requests or delivers.</summary>
internal sealed class StoreInitializer(IEventStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
