using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// What the wallet routes rely on from each store: a wallet message's nonce deduplicated in the transaction of its
/// registration, push tokens kept on repeats, the pass registry's update tags, and the version 3 tables added to an older
/// database on start.
/// </summary>
public abstract class WalletStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private int _ids;

    private protected IEventStore Events { get; private set; } = null!;

    private protected IWalletStore Wallets { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Events, Wallets) = await CreateStoresAsync();
        await Events.InitializeAsync(CancellationToken.None);
    }

    public abstract Task DisposeAsync();

    private protected abstract Task<(IEventStore Events, IWalletStore Wallets)> CreateStoresAsync();

    /// <summary>Runs SQL on the store's database; <c>{0}</c> is its table prefix.</summary>
    private protected abstract Task<object?> ExecuteAsync(string sql);

    [Fact]
    public async Task ARepeatedNonceChangesNothingAndAnotherTenantsSameNonceIsItsOwn()
    {
        var first = await Events.IngestAsync(Google("t", "P1", installed: true, "n-1"), CancellationToken.None);
        var repeat = await Events.IngestAsync(Google("t", "P1", installed: false, "n-1"), CancellationToken.None);
        var otherTenant = await Events.IngestAsync(Google("u", "P1", installed: true, "n-1"), CancellationToken.None);
        var sameStateNewNonce = await Events.IngestAsync(Google("t", "P1", installed: true, "n-2"), CancellationToken.None);
        var thatNonceAgain = await Events.IngestAsync(Google("t", "P1", installed: false, "n-2"), CancellationToken.None);
        var uninstall = await Events.IngestAsync(Google("t", "P1", installed: false, "n-3"), CancellationToken.None);

        first.Created.Should().BeTrue();
        repeat.RepeatedNonce.Should().BeTrue();
        repeat.Created.Should().BeFalse("a repeated nonce is no uninstallation, though its message says so");
        otherTenant.Created.Should().BeTrue("nonces are per tenant");
        sameStateNewNonce.Should().Match<IngestOutcome>(o => !o.Created && !o.RepeatedNonce, "a new nonce of no transition is recorded, with no event");
        thatNonceAgain.RepeatedNonce.Should().BeTrue("the nonce of a message that made no event is recorded too");
        uninstall.Created.Should().BeTrue("a new nonce with a transition makes its event (control)");
        (await Events.ListAsync(new DeliveryQuery("t", null, "P1", 10), CancellationToken.None)).Select(e => e.Installed).Should().Equal(false, true);
    }

    [Fact]
    public async Task OfConcurrentMessagesWithOneNonceExactlyOneMakesAnEvent()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Events.IngestAsync(Google("t", "P1", installed: true, "same", deviceId: $"account-{i}"), CancellationToken.None))));

        outcomes.Count(o => o.Created).Should().Be(1);
        outcomes.Count(o => o.RepeatedNonce).Should().Be(7);
        (await Events.ListAsync(new DeliveryQuery("t", null, "P1", 10), CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task ARepeatedAppleRegistrationUpdatesThePushTokenWithoutAnEvent()
    {
        await Wallets.PutPassAsync(Pass("P1", "S1", pkpass: [1]), CancellationToken.None);

        var first = await Events.IngestAsync(Apple("P1", "iphone", new ApplePushToken("pass.x", "token-1")), CancellationToken.None);
        var again = await Events.IngestAsync(Apple("P1", "iphone", new ApplePushToken("pass.x", "token-2")), CancellationToken.None);

        first.Created.Should().BeTrue();
        again.Created.Should().BeFalse();
        (await Wallets.ListRegistrationsAsync("t", "P1", CancellationToken.None)).Should().ContainSingle()
            .Which.Should().Match<PassRegistration>(r => r.PushToken == "token-2" && r.Device == "apple" && r.DeviceId == "iphone" && r.UnregisteredAt == null);
    }

    [Fact]
    public async Task APassesUpdateTagMovesForwardOnlyWhenItsPkpassChangesAndItsSerialsFollowIt()
    {
        (await Wallets.PutPassAsync(Pass("P1", "S1", pkpass: [1]), CancellationToken.None)).Should().Be(PutPassResult.Created);
        await Events.IngestAsync(Apple("P1", "iphone", new ApplePushToken("pass.x", "t")), CancellationToken.None);
        var created = (await Wallets.GetPassAsync("t", "P1", CancellationToken.None))!.UpdatedAt;

        (await Wallets.PutPassAsync(Pass("P1", "S1", pkpass: [1]) with { PassType = "coupon" }, CancellationToken.None)).Should().Be(PutPassResult.Updated);
        var unchanged = (await Wallets.GetPassAsync("t", "P1", CancellationToken.None))!;
        await Wallets.PutPassAsync(Pass("P1", "S1", pkpass: [2]), CancellationToken.None);
        var changed = (await Wallets.GetPassAsync("t", "P1", CancellationToken.None))!;

        unchanged.PassType.Should().Be("coupon");
        unchanged.UpdatedAt.Should().Be(created, "the same pkpass is no update for the devices");
        changed.UpdatedAt.Should().BeAfter(created, "a new pkpass moves the tag forward, even put at the same instant");
        (await Wallets.ListUpdatedSerialsAsync("t", "iphone", "pass.x", null, CancellationToken.None))!.SerialNumbers.Should().Equal("S1");
        (await Wallets.ListUpdatedSerialsAsync("t", "iphone", "pass.x", created, CancellationToken.None))!.LastUpdated.Should().Be(changed.UpdatedAt);
        (await Wallets.ListUpdatedSerialsAsync("t", "iphone", "pass.x", changed.UpdatedAt, CancellationToken.None)).Should().BeNull();
        (await Wallets.ListUpdatedSerialsAsync("t", "ipad", "pass.x", null, CancellationToken.None)).Should().BeNull("another device registered nothing");
        (await Wallets.FindApplePassAsync("t", "pass.x", "S1", CancellationToken.None))!.Pkpass.Should().Equal(2);
        (await Wallets.FindApplePassAsync("u", "pass.x", "S1", CancellationToken.None)).Should().BeNull("passes are per tenant");
    }

    [Fact]
    public async Task ATenantsPassesCannotShareWalletIds()
    {
        (await Wallets.PutPassAsync(Pass("P1", "S1"), CancellationToken.None)).Should().Be(PutPassResult.Created);

        (await Wallets.PutPassAsync(Pass("P2", "S1"), CancellationToken.None)).Should().Be(PutPassResult.Conflict);
        (await Wallets.PutPassAsync(Pass("P1", "S1") with { TenantId = "u" }, CancellationToken.None)).Should().Be(PutPassResult.Created);
        (await Wallets.DeletePassAsync("t", "P1", CancellationToken.None)).Should().BeTrue();
        (await Wallets.PutPassAsync(Pass("P2", "S1"), CancellationToken.None)).Should().Be(PutPassResult.Created, "the serial is free once its pass is deleted");
    }

    [Fact]
    public async Task DeviceLogsAreKeptPerTenantNewestFirst()
    {
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["a", "b"], Keep, CancellationToken.None);
        await Wallets.AppendDeviceLogsAsync("u", s_now, ["c"], Keep, CancellationToken.None);

        (await Wallets.ReadDeviceLogsAsync("t", 10, CancellationToken.None)).Select(l => l.Message).Should().Equal("b", "a");
        (await Wallets.ReadDeviceLogsAsync("t", 1, CancellationToken.None)).Should().ContainSingle();
    }

    /// <summary>
    /// Each post keeps the tenant's newest messages only: the route needs no credential, so without a bound anyone could fill
    /// the store at its rate limit for the whole retention period. Control: another tenant's messages are not touched.
    /// </summary>
    [Fact]
    public async Task APostKeepsOnlyTheTenantsNewestDeviceLogs()
    {
        await Wallets.AppendDeviceLogsAsync("u", s_now, ["other"], 3, CancellationToken.None);
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["a", "b"], 3, CancellationToken.None);
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["c", "d", "e"], 3, CancellationToken.None);
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["f"], 3, CancellationToken.None);

        (await Wallets.ReadDeviceLogsAsync("t", 10, CancellationToken.None)).Select(l => l.Message).Should().Equal("f", "e", "d");
        (await Wallets.ReadDeviceLogsAsync("u", 10, CancellationToken.None)).Select(l => l.Message).Should().Equal("other");
    }

    [Fact]
    public async Task RetentionDeletesDeviceLogsAndNoncesOlderThanItsCutoff()
    {
        await Wallets.AppendDeviceLogsAsync("t", s_now.AddDays(-40), ["old"], Keep, CancellationToken.None);
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["new"], Keep, CancellationToken.None);
        await Events.IngestAsync(Google("t", "P1", installed: true, "old-nonce") with { ReceivedAt = s_now.AddDays(-40) }, CancellationToken.None);
        await Events.IngestAsync(Google("t", "P2", installed: true, "new-nonce"), CancellationToken.None);

        var pruned = await Events.PruneAsync(s_now.AddDays(-30), 100, CancellationToken.None);

        pruned.WalletEntries.Should().Be(2, "one device log message and one nonce were older than the cutoff");
        (await Wallets.ReadDeviceLogsAsync("t", 10, CancellationToken.None)).Select(l => l.Message).Should().Equal("new");
        (await Events.IngestAsync(Google("t", "P1", installed: false, "old-nonce"), CancellationToken.None)).RepeatedNonce.Should().BeFalse("its nonce was pruned");
        (await Events.IngestAsync(Google("t", "P2", installed: false, "new-nonce"), CancellationToken.None)).RepeatedNonce.Should().BeTrue("a recent nonce is kept (control)");
    }

    /// <summary>A nonce outlives the retention's cutoff by the longest a callback is accepted for, so a message still valid
    /// cannot come back once its nonce is pruned, however short the retention. Control: one older than both is pruned.</summary>
    [Fact]
    public async Task ANonceIsKeptPastTheCutoffForAsLongAsACallbackMayLive()
    {
        await Events.IngestAsync(Google("t", "P1", installed: true, "past-cutoff") with { ReceivedAt = s_now.AddDays(-3) }, CancellationToken.None);
        await Events.IngestAsync(Google("t", "P2", installed: true, "past-lifetime") with { ReceivedAt = s_now.AddDays(-9) }, CancellationToken.None);

        var pruned = await Events.PruneAsync(s_now.AddDays(-1), 100, CancellationToken.None);

        pruned.WalletEntries.Should().Be(1);
        (await Events.IngestAsync(Google("t", "P1", installed: false, "past-cutoff"), CancellationToken.None)).RepeatedNonce.Should().BeTrue("received within the cutoff less a callback's lifetime");
        (await Events.IngestAsync(Google("t", "P2", installed: false, "past-lifetime"), CancellationToken.None)).RepeatedNonce.Should().BeFalse("older than both (control)");
    }

    [Fact]
    public async Task AVersion2DatabaseGetsTheWalletTablesOnStart()
    {
        await Wallets.PutPassAsync(Pass("P1", "S1"), CancellationToken.None);
        foreach (var table in new[] { "wallet_passes", "apple_push_tokens", "wallet_nonces", "device_logs" })
        {
            await ExecuteAsync($"DROP TABLE {{0}}{table};");
        }

        await ExecuteAsync("UPDATE {0}schema_info SET version = 2;");

        await Events.InitializeAsync(CancellationToken.None);

        Convert.ToInt32(await ExecuteAsync("SELECT version FROM {0}schema_info;"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(PostgresSchema.Version, "the newest version");
        (await Wallets.PutPassAsync(Pass("P1", "S1"), CancellationToken.None)).Should().Be(PutPassResult.Created, "the dropped table is back, empty");
        await Wallets.AppendDeviceLogsAsync("t", s_now, ["a"], Keep, CancellationToken.None);
        (await Events.IngestAsync(Google("t", "P1", installed: true, "n"), CancellationToken.None)).Created.Should().BeTrue();
    }

    private const int Keep = 10_000;

    private static WalletPass Pass(string passId, string serial, byte[]? pkpass = null) => new(
        "t", passId, "loyalty", new Dictionary<string, string>(), null, serial, "pass.x", [1, 2, 3], "3388.c", "3388." + passId + serial,
        pkpass, pkpass is null ? null : s_now, s_now);

    private IngestCommand Google(string tenantId, string passId, bool installed, string nonce, string deviceId = "google") =>
        new($"evt_{Interlocked.Increment(ref _ids):0000}", tenantId, passId, "loyalty", Device.Google, deviceId, installed,
            new Dictionary<string, string>(), null, s_now, s_now, Nonce: nonce);

    private IngestCommand Apple(string passId, string deviceId, ApplePushToken token) =>
        new($"evt_{Interlocked.Increment(ref _ids):0000}", "t", passId, "loyalty", Device.Apple, deviceId, true,
            new Dictionary<string, string>(), null, s_now, s_now, PushToken: token);
}
