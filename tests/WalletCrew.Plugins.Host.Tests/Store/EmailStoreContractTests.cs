using System.Text.Json;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// What every email store promises the delivery worker, run against each store: leases that never overlap, conditional
/// writes, claims that take turns across tenants, and one email per idempotency key. The clock comes from each request.
/// </summary>
public abstract class EmailStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(2);

    private IEmailStore _store = null!;
    private int _ids;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public abstract Task DisposeAsync();

    /// <summary>Creates the store on a fresh, initialized database (its event store creates the table).</summary>
    private protected abstract Task<IEmailStore> CreateStoreAsync();

    /// <summary>Runs the event store's start again, as a restarted host would.</summary>
    private protected abstract Task InitializeEventStoreAsync();

    /// <summary>Runs one statement on the database (<c>{0}</c> is the table prefix) and returns its scalar.</summary>
    private protected abstract Task<object?> ExecuteAsync(string sql);

    /// <summary>
    /// Runs the store's claim (owner "measure", <paramref name="max"/> emails, <paramref name="perTenant"/> each, at
    /// <paramref name="now"/>) and then <paramref name="control"/> in a transaction it rolls back, and returns how many the
    /// claim leased and the work each statement did, as the database counts it.
    /// </summary>
    private protected abstract Task<(int Claimed, long ClaimWork, long ControlWork)> MeasureClaimAsync(string control, DateTimeOffset now, int max, int perTenant);

    /// <summary>What an earlier claim did, as the control: rank every due email of every tenant.</summary>
    private protected const string RankEveryDueEmail = """
        SELECT email_id FROM (
            SELECT email_id, next_attempt_at, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY next_attempt_at, received_at) AS rn
            FROM {0}emails
            WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at <= @now)) ranked
        WHERE rn <= @perTenant ORDER BY rn, next_attempt_at LIMIT @max
        """;

    [Fact]
    public async Task AClaimsWorkFollowsWhatItHandsOutNotHowManyEmailsWait()
    {
        await AddManyAsync(40);
        var few = await MeasureClaimAsync(RankEveryDueEmail, s_now, max: 4, perTenant: 1);
        await AddManyAsync(1_960);
        var many = await MeasureClaimAsync(RankEveryDueEmail, s_now, max: 4, perTenant: 1);

        few.Claimed.Should().Be(4);
        many.Claimed.Should().Be(4);
        ((double)many.ClaimWork / few.ClaimWork).Should().BeLessThan(1.5, "a claim of 4 looks at 4 tenants' first emails, however many wait");
        ((double)many.ControlWork / few.ControlWork).Should().BeGreaterThan(20, "the control ranks every due email, so the test can tell the two apart");
    }

    [Fact]
    public async Task AVersion4DatabaseGetsTheEmailTableOnStart()
    {
        await ExecuteAsync("DROP TABLE {0}emails;");
        await ExecuteAsync("UPDATE {0}schema_info SET version = 4;");

        await InitializeEventStoreAsync();

        Convert.ToInt32(await ExecuteAsync("SELECT version FROM {0}schema_info;"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(PostgresSchema.Version, "the newest version");
        var emailId = await AddAsync("t");
        (await ClaimAsync("owner")).Select(e => e.EmailId).Should().Equal(emailId);
    }

    [Fact]
    public async Task TwoOwnersNeverLeaseTheSameEmail()
    {
        for (var i = 0; i < 60; i++)
        {
            await AddAsync($"t{i % 3}");
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(o => Task.Run(() => ClaimAsync($"owner-{o}", max: 20, perTenant: 20))));

        var ids = results.SelectMany(r => r).Select(e => e.EmailId).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().HaveCount(60);
    }

    [Fact]
    public async Task AnExpiredLeaseIsClaimedAgainAndTheOldOwnerCannotCompleteIt()
    {
        var emailId = await AddAsync("t");
        (await ClaimAsync("crashed-owner")).Select(e => e.EmailId).Should().Equal(emailId);
        (await ClaimAsync("other-owner")).Should().BeEmpty("the lease holds");

        var taken = await ClaimAsync("new-owner", at: s_now + s_lease + TimeSpan.FromSeconds(1));
        var lateWrite = await _store.CompleteAsync(new DeliveryOutcome(emailId, "crashed-owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);
        var ownWrite = await _store.CompleteAsync(new DeliveryOutcome(emailId, "new-owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);

        taken.Select(e => e.EmailId).Should().Equal(emailId);
        lateWrite.Should().BeFalse("the crashed owner no longer holds the lease");
        ownWrite.Should().BeTrue("the lease holder writes (control)");
        var stored = await _store.GetAsync(emailId, CancellationToken.None);
        stored!.Status.Should().Be(DeliveryStatus.Delivered);
        stored.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task ATenantGetsOnlyTheRestOfItsShareBesideWhatItAlreadyRuns()
    {
        for (var i = 0; i < 6; i++)
        {
            await AddAsync("partly-busy");
            await AddAsync("full");
            await AddAsync("idle");
        }

        var running = new Dictionary<string, int> { ["partly-busy"] = 2, ["full"] = 3 };
        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, s_lease, 20, 3, [], running), CancellationToken.None);

        claimed.Count(e => e.TenantId == "partly-busy").Should().Be(1, "3 per tenant, 2 already running");
        claimed.Count(e => e.TenantId == "full").Should().Be(0);
        claimed.Count(e => e.TenantId == "idle").Should().Be(3, "the control: a tenant running nothing gets its whole share");
    }

    [Fact]
    public async Task ClaimsTakeTurnsAcrossTenantsAndTakeAtMostThePerTenantLimit()
    {
        for (var i = 0; i < 10; i++)
        {
            await AddAsync("busy");
        }

        var quiet = await AddAsync("quiet");

        var claimed = await ClaimAsync("owner", max: 4, perTenant: 2);

        claimed.Select(e => e.EmailId).Should().Contain(quiet, "a tenant with one email is not starved by a backlog");
        claimed.Count(e => e.TenantId == "busy").Should().Be(2);
    }

    [Fact]
    public async Task ARetryWaitsForItsTimeAndReplayMakesADeadEmailPendingWithTheSameId()
    {
        var emailId = await AddAsync("t");
        await ClaimAsync("owner");
        await _store.CompleteAsync(new DeliveryOutcome(emailId, "owner", DeliveryStatus.Pending, s_now, s_now + TimeSpan.FromMinutes(5), "boom", true, null), CancellationToken.None);
        (await ClaimAsync("owner", at: s_now + TimeSpan.FromMinutes(4))).Should().BeEmpty("the retry is not due yet");
        (await ClaimAsync("owner", at: s_now + TimeSpan.FromMinutes(5))).Select(e => e.EmailId).Should().Equal(emailId);
        await _store.CompleteAsync(new DeliveryOutcome(emailId, "owner", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None);

        (await _store.ReplayAsync(emailId, s_now, CancellationToken.None)).Should().Be(ReplayResult.Replayed);
        (await _store.ReplayAsync(emailId, s_now, CancellationToken.None)).Should().Be(ReplayResult.AlreadyPending);
        (await _store.ReplayAsync("eml_unknown", s_now, CancellationToken.None)).Should().Be(ReplayResult.NotFound);
        var replayed = (await ClaimAsync("owner")).Single();
        replayed.EmailId.Should().Be(emailId);
        replayed.IsReplay.Should().BeTrue();
        replayed.Failures.Should().Be(0, "a replay starts a fresh ladder");
        replayed.Attempts.Should().Be(2);
        replayed.LastError.Should().Be("gave up");
    }

    [Fact]
    public async Task ReplayingMoreDeadEmailsThanOneBatchReplaysThemAllAndOnlyThoseOfTheTenant()
    {
        var count = (2 * ReplayRange.Batch) + 10;
        await AddManyAsync(count);
        var claimed = await ClaimAsync("owner", max: count, perTenant: count);
        await Task.WhenAll(claimed.Select(e => _store.CompleteAsync(new DeliveryOutcome(e.EmailId, "owner", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None)));

        var replayed = await _store.ReplayDeadAsync("t1", s_now, CancellationToken.None);
        var rest = await _store.ReplayDeadAsync(null, s_now, CancellationToken.None);

        claimed.Should().HaveCount(count);
        replayed.Should().Be(claimed.Count(e => e.TenantId == "t1"));
        rest.Should().Be(count - replayed, "the other tenants' dead emails were left for the replay of every tenant");
        (await ClaimAsync("owner", max: count, perTenant: count)).Should().HaveCount(count);
    }

    [Fact]
    public async Task OneIdempotencyKeyStoresOneEmailPerTenant()
    {
        var first = await _store.AddAsync(Email("t", "key-1"), CancellationToken.None);
        var again = await _store.AddAsync(Email("t", "key-1"), CancellationToken.None);
        var otherTenant = await _store.AddAsync(Email("u", "key-1"), CancellationToken.None);
        var noKey = await _store.AddAsync(Email("t", null), CancellationToken.None);
        var noKeyAgain = await _store.AddAsync(Email("t", null), CancellationToken.None);

        first.Created.Should().BeTrue();
        again.Should().Be(new EmailAdded(first.EmailId, false));
        otherTenant.Created.Should().BeTrue("a key belongs to one tenant");
        noKey.Created.Should().BeTrue();
        noKeyAgain.Created.Should().BeTrue("without a key every request is a new email (control)");
        (await _store.ListAsync("t", null, 10, CancellationToken.None)).Should().HaveCount(3);
    }

    [Fact]
    public async Task AnEmailReadsBackAsStored()
    {
        var email = Email("t", "k") with { Cultures = ["fr-CA", "en"] };

        await _store.AddAsync(email, CancellationToken.None);

        var stored = await _store.GetAsync(email.EmailId, CancellationToken.None);
        stored!.Recipient.Should().Be("ada@example.com");
        stored.EmailTemplate.Should().Be("welcome");
        stored.Cultures.Should().Equal("fr-CA", "en");
        stored.Data["points"].GetInt32().Should().Be(120);
        stored.Status.Should().Be(DeliveryStatus.Pending);
        stored.ToRequest().EmailId.Should().Be(email.EmailId);
    }

    private async Task AddManyAsync(int count)
    {
        for (var i = 0; i < count; i += 50)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(50, count - i)).Select(n => _store.AddAsync(Email($"t{n % 4}", null), CancellationToken.None)));
        }
    }

    private async Task<string> AddAsync(string tenantId)
    {
        var added = await _store.AddAsync(Email(tenantId, null), CancellationToken.None);
        added.Created.Should().BeTrue();
        return added.EmailId;
    }

    private StoredEmail Email(string tenantId, string? key) => new(
        $"eml_{Interlocked.Increment(ref _ids):D4}", tenantId, "ada@example.com", "welcome",
        new Dictionary<string, JsonElement> { ["points"] = JsonSerializer.SerializeToElement(120) }, [], key,
        s_now, DeliveryStatus.Pending, 0, 0, s_now, null, null, false);

    private Task<IReadOnlyList<StoredEmail>> ClaimAsync(string owner, int max = 16, int perTenant = 4, DateTimeOffset? at = null) =>
        _store.ClaimAsync(new ClaimRequest(owner, at ?? s_now, s_lease, max, perTenant, []), CancellationToken.None);
}
