using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// A pass's registration counts are kept on its row, written with every registration change, so an ingest reads them in one
/// seek however long the pass's history: here, an older database's passes get their counts from their registrations on start.
/// </summary>
public abstract class RegistrationCountContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private int _ids;

    private protected IEventStore Events { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Events = await CreateStoreAsync();
        await Events.InitializeAsync(CancellationToken.None);
    }

    public abstract Task DisposeAsync();

    private protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>Runs SQL on the store's database; <c>{0}</c> is its table prefix.</summary>
    private protected abstract Task<object?> ExecuteAsync(string sql);

    [Fact]
    public async Task AVersion9DatabaseGetsEachPassesCountsFromItsRegistrationsOnStart()
    {
        (await IngestAsync("P1", "device-a", installed: true)).Should().Be((1, 1));
        (await IngestAsync("P1", "device-b", installed: true)).Should().Be((2, 2));
        (await IngestAsync("P1", "device-a", installed: false)).Should().Be((1, 2));
        (await IngestAsync("P2", "device-a", installed: true)).Should().Be((1, 1));

        // What version 9 left: no count columns on the passes.
        await ExecuteAsync("ALTER TABLE {0}passes DROP COLUMN active_count;");
        await ExecuteAsync("ALTER TABLE {0}passes DROP COLUMN total_count;");
        await ExecuteAsync("UPDATE {0}schema_info SET version = 9;");
        await Events.InitializeAsync(CancellationToken.None);

        (await IngestAsync("P1", "device-a", installed: true)).Should().Be((2, 3), "device b's registration and both of device a's count");
        (await IngestAsync("P1", "device-b", installed: true)).Should().Be((2, 3), "a repeat reads the same counts");
        (await IngestAsync("P2", "device-a", installed: false)).Should().Be((0, 1));
        (await IngestAsync("P3", "device-a", installed: true)).Should().Be((1, 1), "a pass first seen after the upgrade");
    }

    private async Task<(int Active, int Total)> IngestAsync(string passId, string deviceId, bool installed)
    {
        var outcome = await Events.IngestAsync(new IngestCommand($"evt_{++_ids}", "t", passId, "loyalty", Device.Apple, deviceId, installed,
            new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None);
        return (outcome.ActiveRegistrationCount, outcome.TotalRegistrationCount);
    }
}
