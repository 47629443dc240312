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

    /// <summary>An install past the pass's bound writes nothing and says so; the bound counts active registrations only, a
    /// repeat of an active device is no install, and a device that left makes room. Control: without a bound the same
    /// install is recorded.</summary>
    [Fact]
    public async Task AnInstallPastThePassesBoundWritesNothing()
    {
        (await BoundedAsync("a", true, 2)).Should().Be((true, false, 1, 1));
        (await BoundedAsync("b", true, 2)).Should().Be((true, false, 2, 2));
        (await BoundedAsync("c", true, 2)).Should().Be((false, true, 2, 2), "a third device is past the bound");
        (await BoundedAsync("a", true, 2)).Should().Be((false, false, 2, 2), "a device registered already is no install");
        (await BoundedAsync("a", false, 2)).Should().Be((true, false, 1, 2));
        (await BoundedAsync("c", true, 2)).Should().Be((true, false, 2, 3), "a device that left made room");
        (await BoundedAsync("d", true, null)).Should().Be((true, false, 3, 4), "without a bound (control)");
    }

    private async Task<(bool Created, bool TooMany, int Active, int Total)> BoundedAsync(string deviceId, bool installed, int? max)
    {
        var outcome = await Events.IngestAsync(new IngestCommand($"evt_{++_ids}", "t", "P1", "loyalty", Device.Apple, deviceId, installed,
            new Dictionary<string, string>(), null, s_now, s_now, MaxActiveRegistrations: max), CancellationToken.None);
        return (outcome.Created, outcome.TooManyRegistrations, outcome.ActiveRegistrationCount, outcome.TotalRegistrationCount);
    }

    private async Task<(int Active, int Total)> IngestAsync(string passId, string deviceId, bool installed)
    {
        var outcome = await Events.IngestAsync(new IngestCommand($"evt_{++_ids}", "t", passId, "loyalty", Device.Apple, deviceId, installed,
            new Dictionary<string, string>(), null, s_now, s_now), CancellationToken.None);
        return (outcome.ActiveRegistrationCount, outcome.TotalRegistrationCount);
    }
}
