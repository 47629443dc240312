using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.Store;

/// <summary>
/// What every event store promises the delivery worker, run against each store: leases that never overlap and hold while
/// renewed, per-pass order, fair claims, conditional writes, and an ingest transaction that stays consistent under
/// concurrency. Stores take the time from each request, so these tests control the clock completely.
/// </summary>
public abstract class EventStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(2);

    private IEventStore _store = null!;
    private int _ids;

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
    }

    public abstract Task DisposeAsync();

    private protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>Opens the database of <see cref="CreateStoreAsync"/> again, as a second host would; disposed with the first.</summary>
    private protected abstract Task<IEventStore> CreatePeerStoreAsync();

    /// <summary>Gets the write transactions the store has committed so far, where it counts them (null: not counted).</summary>
    private protected virtual Task<long?> TransactionsAsync() => Task.FromResult<long?>(null);

    [Fact]
    public async Task OnlyTheOldestPendingEventOfAPassIsClaimable()
    {
        var first = await IngestAsync("t", "P1", installed: true);
        await IngestAsync("t", "P1", installed: false);

        var claimed = await ClaimAsync("owner-a");
        var second = await ClaimAsync("owner-b");

        claimed.Select(e => e.EventId).Should().Equal(first);
        second.Should().BeEmpty("the next event of the pass waits while the first is leased");
    }

    [Fact]
    public async Task TwoOwnersNeverLeaseTheSameEvent()
    {
        for (var p = 0; p < 50; p++)
        {
            await IngestAsync("t", $"P{p}", installed: true);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(o => Task.Run(() => ClaimAsync($"owner-{o}", max: 20, perTenant: 20))));

        var ids = results.SelectMany(r => r).Select(e => e.EventId).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().HaveCount(50);
    }

    [Fact]
    public async Task OwnersClaimingAtOnceTakeEveryTenantsPassesBetweenThemAndNeverOneTwice()
    {
        // A claim that locked more heads than it leases (each tenant's whole share, say) would hide them from the owners
        // claiming beside it: they would come back short although the heads were free.
        for (var p = 0; p < 60; p++)
        {
            await IngestAsync($"t{p % 3}", $"P{p}", installed: true);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(o => Task.Run(() => ClaimAsync($"owner-{o}", max: 20, perTenant: 20))));

        var ids = results.SelectMany(r => r).Select(e => e.EventId).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().HaveCount(60);
    }

    [Fact]
    public async Task AnExpiredLeaseIsClaimedAgainAndTheOldOwnerCannotCompleteIt()
    {
        var eventId = await IngestAsync("t", "P1", installed: true);
        await ClaimAsync("crashed-owner");

        (await ClaimAsync("owner-b", at: s_now + s_lease - TimeSpan.FromSeconds(1))).Should().BeEmpty("the lease still holds (control)");
        var reclaimed = await ClaimAsync("owner-b", at: s_now + s_lease);
        var lateWrite = await _store.CompleteAsync(new DeliveryOutcome(eventId, "crashed-owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);

        reclaimed.Select(e => e.EventId).Should().Equal(eventId);
        lateWrite.Should().BeFalse();
        (await _store.GetAsync(eventId, CancellationToken.None))!.Status.Should().Be(DeliveryStatus.Pending);
    }

    [Fact]
    public async Task ARenewedLeaseIsNotClaimableUntilTheRenewalRunsOutWhileAnUnrenewedOneIsClaimableAtExpiry()
    {
        var renewed = await IngestAsync("t", "P1", installed: true);
        var unrenewed = await IngestAsync("t", "P2", installed: true);
        await ClaimAsync("owner-a");

        var held = await _store.RenewAsync("owner-a", [renewed], s_now + s_lease + s_lease, CancellationToken.None);
        var atExpiry = await ClaimAsync("owner-b", at: s_now + s_lease);
        var beforeRenewalEnds = await ClaimAsync("owner-b", at: s_now + s_lease + s_lease - TimeSpan.FromMilliseconds(1));
        var atRenewalEnd = await ClaimAsync("owner-b", at: s_now + s_lease + s_lease);

        held.Should().Equal(renewed);
        atExpiry.Select(e => e.EventId).Should().Equal([unrenewed], "the unrenewed lease ran out (control); the renewed one holds");
        beforeRenewalEnds.Should().BeEmpty();
        atRenewalEnd.Select(e => e.EventId).Should().Contain(renewed, "an owner that stops renewing loses the lease when the renewal runs out");
    }

    [Fact]
    public async Task ALeaseTakenOverByAnotherOwnerIsNotRenewedByTheOldOne()
    {
        var eventId = await IngestAsync("t", "P1", installed: true);
        await ClaimAsync("stalled-owner");
        await ClaimAsync("owner-b", at: s_now + s_lease);

        var renewed = await _store.RenewAsync("stalled-owner", [eventId], s_now + (4 * s_lease), CancellationToken.None);

        renewed.Should().BeEmpty();
        (await ClaimAsync("owner-c", at: s_now + s_lease + s_lease)).Select(e => e.EventId).Should().Equal([eventId],
            "owner-b's lease was not extended by the stalled owner's renewal");
    }

    [Fact]
    public async Task ACompletedEventIsNotRenewed()
    {
        var eventId = await IngestAsync("t", "P1", installed: true);
        await ClaimAsync("owner");
        await _store.CompleteAsync(new DeliveryOutcome(eventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);

        (await _store.RenewAsync("owner", [eventId], s_now + s_lease, CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task ClaimsTakeTurnsAcrossTenants()
    {
        for (var p = 0; p < 30; p++)
        {
            await IngestAsync("busy", $"P{p}", installed: true);
        }

        await IngestAsync("quiet", "Q1", installed: true);

        var claimed = await ClaimAsync("owner", max: 4, perTenant: 3);

        claimed.Select(e => e.TenantId).Should().Contain("quiet", "a tenant with one event is served beside a backlog");
        claimed.Count(e => e.TenantId == "busy").Should().Be(3);
    }

    [Fact]
    public async Task ATenantGetsOnlyTheRestOfItsShareBesideWhatItAlreadyRuns()
    {
        for (var p = 0; p < 6; p++)
        {
            await IngestAsync("partly-busy", $"P{p}", installed: true);
            await IngestAsync("full", $"P{p}", installed: true);
            await IngestAsync("idle", $"P{p}", installed: true);
        }

        var running = new Dictionary<string, int> { ["partly-busy"] = 2, ["full"] = 3 };
        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, s_lease, 20, 3, [], running), CancellationToken.None);

        claimed.Count(e => e.TenantId == "partly-busy").Should().Be(1, "3 per tenant, 2 already running");
        claimed.Count(e => e.TenantId == "full").Should().Be(0);
        claimed.Count(e => e.TenantId == "idle").Should().Be(3, "the control: a tenant running nothing gets its whole share");
    }

    [Fact]
    public async Task ExcludedTenantsAreNotClaimed()
    {
        await IngestAsync("open", "P1", installed: true);
        await IngestAsync("broken", "P1", installed: true);

        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, s_lease, 10, 10, ["broken"]), CancellationToken.None);

        claimed.Select(e => e.TenantId).Should().Equal("open");
    }

    [Fact]
    public async Task ARetryIsNotClaimedBeforeItIsDueAndBlocksItsPass()
    {
        var first = await IngestAsync("t", "P1", installed: true);
        await IngestAsync("t", "P1", installed: false);
        await ClaimAsync("owner");
        await _store.CompleteAsync(new DeliveryOutcome(first, "owner", DeliveryStatus.Pending, s_now, s_now + TimeSpan.FromMinutes(5), "boom", true, null), CancellationToken.None);

        (await ClaimAsync("owner", at: s_now + TimeSpan.FromMinutes(4))).Should().BeEmpty();
        (await ClaimAsync("owner", at: s_now + TimeSpan.FromMinutes(5))).Select(e => e.EventId).Should().Equal(first);
    }

    [Fact]
    public async Task ADeadLetterNoLongerBlocksItsPass()
    {
        var first = await IngestAsync("t", "P1", installed: true);
        var second = await IngestAsync("t", "P1", installed: false);
        await ClaimAsync("owner");
        await _store.CompleteAsync(new DeliveryOutcome(first, "owner", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None);

        (await ClaimAsync("owner")).Select(e => e.EventId).Should().Equal(second);
    }

    /// <summary>
    /// A dead letter replayed while a later event of its pass is running becomes the head, but is not claimable until that
    /// delivery ends: the two would run at once otherwise (the head was ready at its own due time). Control: once the
    /// running event completes, the replayed one is claimed.
    /// </summary>
    [Fact]
    public async Task AReplayedEventWaitsForTheLaterEventOfItsPassThatIsRunning()
    {
        var first = await IngestAsync("t", "P1", installed: true);
        var second = await IngestAsync("t", "P1", installed: false);
        await ClaimAsync("owner-a");
        await _store.CompleteAsync(new DeliveryOutcome(first, "owner-a", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None);
        (await ClaimAsync("owner-a")).Select(e => e.EventId).Should().Equal(second);

        (await _store.ReplayAsync(first, s_now, CancellationToken.None)).Should().Be(ReplayResult.Replayed);

        (await ClaimAsync("owner-b")).Should().BeEmpty("the pass's later event is still running");
        (await _store.CompleteAsync(new DeliveryOutcome(second, "owner-a", DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None)).Should().BeTrue();
        (await ClaimAsync("owner-b")).Select(e => e.EventId).Should().Equal(first);
    }

    [Fact]
    public async Task ReleasedEventsAreClaimableAtOnce()
    {
        var eventId = await IngestAsync("t", "P1", installed: true);
        await ClaimAsync("stopping-owner");

        await _store.ReleaseAsync("stopping-owner", [eventId], CancellationToken.None);

        (await ClaimAsync("owner-b")).Select(e => e.EventId).Should().Equal(eventId);
    }

    [Fact]
    public async Task ConcurrentIngestsOfOnePassGetConsecutiveSequencesAndCountSnapshots()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(d => Task.Run(() =>
            _store.IngestAsync(Command("t", "P1", installed: true, deviceId: $"device-{d}"), CancellationToken.None))));

        outcomes.Should().OnlyContain(o => o.Created);
        outcomes.Select(o => o.ActiveRegistrationCount).Should().BeEquivalentTo(Enumerable.Range(1, 24), "each transaction counts the registrations before it");
        var stored = await _store.ListAsync(new DeliveryQuery("t", null, "P1", 100), CancellationToken.None);
        stored.Select(e => e.Seq).Should().BeEquivalentTo(Enumerable.Range(1, 24).Select(i => (long)i));
        stored.Should().OnlyContain(e => e.ActiveRegistrationCount == e.Seq, "the sequence and the count snapshot come from one transaction");
    }

    [Fact]
    public async Task ARepeatedInstallIsAcknowledgedWithTheFirstEventAndNoSecondOne()
    {
        var first = await IngestAsync("t", "P1", installed: true);

        var repeat = await _store.IngestAsync(Command("t", "P1", installed: true), CancellationToken.None);

        repeat.Should().Be(new IngestOutcome(first, false, 1, 1));
        (await _store.ListAsync(new DeliveryQuery("t", null, null, 10), CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task TheStoredEventReadsBackAsIngested()
    {
        var source = new RegistrationSourceData(["store", "qr"], "qr", "https://shop.example", "Wallet/1.0");
        var command = Command("t", "P1", installed: true) with
        {
            Identifiers = new Dictionary<string, string> { ["customerId"] = "C42" },
            Source = source,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };
        await _store.IngestAsync(command, CancellationToken.None);

        var stored = await _store.GetAsync(command.NewEventId, CancellationToken.None);

        stored.Should().NotBeNull();
        stored!.Identifiers.Should().Equal(command.Identifiers);
        stored.Source.Should().BeEquivalentTo(source);
        stored.TraceParent.Should().Be(command.TraceParent);
        (stored.Installed, stored.IsReplay, stored.Status, stored.OccurredAt).Should().Be((true, false, DeliveryStatus.Pending, s_now));
    }

    [Fact]
    public async Task ADeadLetterReplaysWithItsEventIdAndARangeReplaysOnlyItsTenantAndStatus()
    {
        var dead = await IngestAsync("t", "P1", installed: true);
        var otherTenant = await IngestAsync("u", "P1", installed: true);
        foreach (var id in new[] { dead, otherTenant })
        {
            await ClaimAsync("owner");
            await _store.CompleteAsync(new DeliveryOutcome(id, "owner", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None);
        }

        (await _store.ReplayAsync(dead, s_now, CancellationToken.None)).Should().Be(ReplayResult.Replayed);
        (await _store.ReplayAsync(dead, s_now, CancellationToken.None)).Should().Be(ReplayResult.AlreadyPending);
        (await _store.ReplayAsync("evt_missing", s_now, CancellationToken.None)).Should().Be(ReplayResult.NotFound);
        var replayed = await _store.GetAsync(dead, CancellationToken.None);
        (replayed!.Status, replayed.IsReplay, replayed.Failures, replayed.Attempts).Should().Be((DeliveryStatus.Pending, true, 0, 1));

        var range = new ReplayRange("u", s_now, s_now + TimeSpan.FromSeconds(1), DeliveryStatus.Dead);
        (await _store.ReplayAsync(range, s_now, CancellationToken.None)).Should().Be(1);
        (await _store.ReplayAsync(range with { TenantId = null }, s_now, CancellationToken.None)).Should().Be(0, "nothing is dead any more");
    }

    [Fact]
    public async Task AReplayRangeLargerThanOneBatchReplaysEveryMatchingEventBatchByBatch()
    {
        var count = (2 * ReplayRange.Batch) + 10;
        await Task.WhenAll(Enumerable.Range(0, count).Select(p => _store.IngestAsync(Command("t", $"P{p}", installed: true), CancellationToken.None)));
        var claimed = await ClaimAsync("owner", max: count, perTenant: count);
        await Task.WhenAll(claimed.Select(e => _store.CompleteAsync(new DeliveryOutcome(e.EventId, "owner", DeliveryStatus.Dead, s_now, null, "gave up", true, null), CancellationToken.None)));
        var transactionsBefore = await TransactionsAsync();

        var replayed = await _store.ReplayAsync(new ReplayRange("t", s_now.AddHours(-1), s_now.AddHours(1), DeliveryStatus.Dead), s_now, CancellationToken.None);
        var transactions = await TransactionsAsync() - transactionsBefore;

        claimed.Should().HaveCount(count);
        replayed.Should().Be(count);
        (await _store.GetQueueStatsAsync(CancellationToken.None)).Should().Equal(new TenantQueueStats("t", count, 0, s_now));
        (await ClaimAsync("owner", max: count, perTenant: count)).Should().HaveCount(count, "every replayed event heads its pass again");
        if (transactions is { } committed)
        {
            committed.Should().Be(3, "a replay commits one batch at a time (in one transaction for the range it would commit 1), so other writers go on between its batches");
        }
    }

    [Fact]
    public async Task QueueStatsCountPendingAndDeadPerTenant()
    {
        var dead = await IngestAsync("t", "P1", installed: true);
        await IngestAsync("t", "P2", installed: true);
        await IngestAsync("u", "P1", installed: true);
        var claimed = await _store.ClaimAsync(new ClaimRequest("owner", s_now, s_lease, 10, 10, ["u"]), CancellationToken.None);
        foreach (var e in claimed)
        {
            await _store.CompleteAsync(new DeliveryOutcome(e.EventId, "owner", e.EventId == dead ? DeliveryStatus.Dead : DeliveryStatus.Delivered, s_now, null, null, true, null), CancellationToken.None);
        }

        var stats = await _store.GetQueueStatsAsync(CancellationToken.None);

        stats.Should().Equal(new TenantQueueStats("t", 0, 1, null), new TenantQueueStats("u", 1, 0, s_now));
    }

    [Fact]
    public async Task TheTenantLogReadsBackNewestFirstAndOnlyForItsTenant()
    {
        var eventId = await IngestAsync("t", "P1", installed: true);
        await ClaimAsync("owner");
        var delivery = new TenantLogRecord("t", s_now, "delivery", eventId, 1, "ok", 12, null, [new TenantLogLine("info", "sent")]);
        await _store.CompleteAsync(new DeliveryOutcome(eventId, "owner", DeliveryStatus.Delivered, s_now, null, null, true, delivery), CancellationToken.None);
        var fill = new TenantLogRecord("t", s_now, "fill", null, null, "error", 3, "boom", []);
        await _store.AppendLogAsync(fill, CancellationToken.None);
        await _store.AppendLogAsync(fill with { TenantId = "u" }, CancellationToken.None);

        var log = await _store.ReadLogAsync("t", 10, CancellationToken.None);

        log.Should().BeEquivalentTo([fill, delivery], options => options.WithStrictOrdering());
    }

    /// <summary>Completions that arrive together (one batch, where the store batches them) each apply to their own event with
    /// their own fields, and log in order; a second outcome of an event already completed, or one by an owner without the
    /// lease, does not apply.</summary>
    [Fact]
    public async Task CompletionsArrivingTogetherEachApplyToTheirOwnEventOnlyOnce()
    {
        DeliveryStatus[] statuses = [DeliveryStatus.Delivered, DeliveryStatus.Pending, DeliveryStatus.Dead, DeliveryStatus.Skipped];
        var ids = new List<string>();
        for (var p = 0; p < 12; p++)
        {
            ids.Add(await IngestAsync("t", $"P{p}", installed: true));
        }

        (await ClaimAsync("owner", max: 12, perTenant: 12)).Should().HaveCount(12);
        var log = new TenantLogRecord("t", s_now, "delivery", null, 1, "ok", 1, null, []);
        List<DeliveryOutcome> outcomes = [.. ids.Select((id, i) => new DeliveryOutcome(id, "owner", statuses[i % 4], s_now,
            statuses[i % 4] == DeliveryStatus.Pending ? s_now.AddMinutes(5) : null, i % 4 == 0 ? null : $"error {i}", CountsAsAttempt: i % 3 != 0,
            log with { EventId = id, Attempt = i }))];
        outcomes.Add(new DeliveryOutcome(ids[0], "owner", DeliveryStatus.Dead, s_now, null, "second outcome", true, null));
        outcomes.Add(new DeliveryOutcome(ids[1], "stranger", DeliveryStatus.Delivered, s_now, null, null, true, null));

        var applied = await Task.WhenAll(outcomes.Select(o => _store.CompleteAsync(o, CancellationToken.None)));

        applied.Take(12).Should().AllSatisfy(a => a.Should().BeTrue());
        applied[12].Should().BeFalse("the event's first outcome applied and ended its lease");
        applied[13].Should().BeFalse("the stranger holds no lease");
        for (var i = 0; i < 12; i++)
        {
            var stored = (await _store.GetAsync(ids[i], CancellationToken.None))!;
            stored.Status.Should().Be(statuses[i % 4], ids[i]);
            stored.LastError.Should().Be(i % 4 == 0 ? null : $"error {i}");
            stored.Attempts.Should().Be(i % 3 != 0 ? 1 : 0);
            stored.Failures.Should().Be(i % 3 != 0 && statuses[i % 4] is DeliveryStatus.Pending or DeliveryStatus.Dead ? 1 : 0);
        }

        (await _store.ReadLogAsync("t", 50, CancellationToken.None)).Select(r => r.Attempt).Should().Equal(Enumerable.Range(0, 12).Reverse().Cast<int?>(),
            "each outcome's entry is logged, newest first, in the order the outcomes came");
    }

    [Fact]
    public async Task PruningDeletesOnlyCompletedEventsAndLogEntriesOlderThanTheCutoffInBatches()
    {
        var delivered = await IngestAsync("t", "P1", installed: true);
        var skipped = await IngestAsync("t", "P2", installed: true);
        var dead = await IngestAsync("t", "P3", installed: true);
        var pending = await IngestAsync("t", "P4", installed: true);
        await _store.ClaimAsync(new ClaimRequest("owner", s_now, s_lease, 3, 3, []), CancellationToken.None);
        var log = new TenantLogRecord("t", s_now, "delivery", null, 1, "ok", 1, null, []);
        foreach (var (id, status) in new[] { (delivered, DeliveryStatus.Delivered), (skipped, DeliveryStatus.Skipped), (dead, DeliveryStatus.Dead) })
        {
            await _store.CompleteAsync(new DeliveryOutcome(id, "owner", status, s_now, null, null, true, log with { EventId = id }), CancellationToken.None);
        }

        var tooEarly = await _store.PruneAsync(s_now, 10, CancellationToken.None);
        var first = await _store.PruneAsync(s_now + TimeSpan.FromMilliseconds(1), 1, CancellationToken.None);
        var rest = await _store.PruneAsync(s_now + TimeSpan.FromMilliseconds(1), 10, CancellationToken.None);

        tooEarly.Should().Be(new PruneResult(0, 0), "nothing completed before the cutoff");
        first.Should().Be(new PruneResult(1, 1), "one batch takes at most the batch size");
        rest.Should().Be(new PruneResult(1, 2));
        var left = await _store.ListAsync(new DeliveryQuery("t", null, null, 10), CancellationToken.None);
        left.Select(e => e.EventId).Should().BeEquivalentTo([dead, pending], "dead letters wait for a replay and pending events for delivery");
        (await _store.ReadLogAsync("t", 10, CancellationToken.None)).Should().BeEmpty();
        (await _store.IngestAsync(Command("t", "P1", installed: true), CancellationToken.None)).Should().Match<IngestOutcome>(
            o => !o.Created && o.EventId == delivered, "registrations are kept, so a repeat is still recognised");
    }

    [Fact]
    public async Task OwnersOnTwoHostsClaimingAndCompletingManyPassesAtOnceNeverHoldTwoEventsOfAPassAndDeliverEachPassInOrder()
    {
        const int passes = 30, perPass = 4;
        for (var round = 0; round < perPass; round++)
        {
            for (var p = 0; p < passes; p++)
            {
                await IngestAsync($"t{p % 3}", $"P{p}", installed: round % 2 == 0);
            }
        }

        // Two stores on one database are two hosts: owners 0 and 2 claim through this one, 1 and 3 through the other.
        var peer = await CreatePeerStoreAsync();
        await peer.InitializeAsync(CancellationToken.None);
        IEventStore[] hosts = [_store, peer];
        var delivered = new System.Collections.Concurrent.ConcurrentQueue<StoredEvent>();
        var held = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var overlaps = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(o => Task.Run(async () =>
        {
            var store = hosts[o % 2];
            for (var idle = 0; delivered.Count < passes * perPass && idle < 200;)
            {
                var claimed = await store.ClaimAsync(new ClaimRequest($"owner-{o}", s_now, s_lease, 16, 4, []), CancellationToken.None);
                idle = claimed.Count == 0 ? idle + 1 : 0;
                await Task.WhenAll(claimed.Select(async e =>
                {
                    if (!held.TryAdd(e.PassId, e.EventId))
                    {
                        overlaps.Enqueue($"{e.EventId} of {e.PassId} while {held[e.PassId]} was leased");
                    }

                    delivered.Enqueue(e);
                    held.TryRemove(e.PassId, out _);
                    (await store.CompleteAsync(new DeliveryOutcome(e.EventId, $"owner-{o}", DeliveryStatus.Delivered, s_now, null, null, true, null),
                        CancellationToken.None)).Should().BeTrue();
                }));
            }
        })));

        overlaps.Should().BeEmpty("a pass's next event is claimable only once its head is completed");
        delivered.Should().HaveCount(passes * perPass);
        delivered.Select(e => e.EventId).Should().OnlyHaveUniqueItems();
        foreach (var pass in delivered.GroupBy(e => e.PassId))
        {
            pass.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, perPass).Select(i => (long)i), $"{pass.Key} is delivered in order");
        }
    }

    [Fact]
    public async Task KeysetPagesListEveryMatchingEventOnceInTheListingOrder()
    {
        // Three receive times, so several events share one: the event id breaks the tie and the cursor must carry it.
        for (var i = 0; i < 9; i++)
        {
            await _store.IngestAsync(Command("t", $"P{i}", installed: true) with { ReceivedAt = s_now.AddMinutes(i % 3) }, CancellationToken.None);
        }

        var delivered = await ClaimAsync("owner-a", at: s_now.AddMinutes(5), max: 4, perTenant: 4);
        foreach (var e in delivered)
        {
            await _store.CompleteAsync(new DeliveryOutcome(e.EventId, "owner-a", DeliveryStatus.Delivered, s_now.AddMinutes(5), null, null, true, null), CancellationToken.None);
        }

        await _store.IngestAsync(Command("u", "P0", installed: true), CancellationToken.None);

        var all = await _store.ListAsync(new DeliveryQuery("t", null, null, 100), CancellationToken.None);
        var paged = new List<StoredEvent>();
        DeliveryCursor? after = null;
        while (true)
        {
            var page = await _store.ListAsync(new DeliveryQuery("t", [DeliveryStatus.Pending, DeliveryStatus.Delivered], null, 2) { After = after }, CancellationToken.None);
            paged.AddRange(page);
            if (page.Count < 2)
            {
                break;
            }

            after = DeliveryCursor.Of(page[^1]);
        }

        all.Should().HaveCount(9).And.OnlyContain(e => e.TenantId == "t");
        all.Select(e => (e.ReceivedAt, e.EventId)).Should().BeInDescendingOrder(Comparer<(DateTimeOffset, string)>.Create((a, b) =>
            a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2)));
        paged.Select(e => e.EventId).Should().Equal(all.Select(e => e.EventId), "the pages together are the listing, each event once");
        (await _store.ListAsync(new DeliveryQuery("t", [DeliveryStatus.Delivered], null, 100), CancellationToken.None))
            .Select(e => e.EventId).Should().BeEquivalentTo(delivered.Select(e => e.EventId));
        (await _store.ListAsync(new DeliveryQuery(null, [DeliveryStatus.Dead], null, 100), CancellationToken.None)).Should().BeEmpty();
        (await _store.ListAsync(new DeliveryQuery("t", null, null, 100) { ReceivedFrom = s_now.AddMinutes(1), ReceivedBefore = s_now.AddMinutes(2) }, CancellationToken.None))
            .Should().HaveCount(3).And.OnlyContain(e => e.ReceivedAt == s_now.AddMinutes(1));
        (await _store.ListAsync(new DeliveryQuery(null, null, null, 100), CancellationToken.None)).Should().HaveCount(10);
    }

    [Fact]
    public async Task AReplayRangeOfOnePassLeavesTheOtherPasses()
    {
        foreach (var pass in new[] { "P1", "P2" })
        {
            await IngestAsync("t", pass, installed: true);
        }

        foreach (var e in await ClaimAsync("owner-a"))
        {
            await _store.CompleteAsync(new DeliveryOutcome(e.EventId, "owner-a", DeliveryStatus.Dead, s_now, null, "gone", true, null), CancellationToken.None);
        }

        var replayed = await _store.ReplayAsync(new ReplayRange("t", s_now.AddHours(-1), s_now.AddHours(1), DeliveryStatus.Dead) { PassId = "P1" }, s_now, CancellationToken.None);

        replayed.Should().Be(1);
        var events = await _store.ListAsync(new DeliveryQuery("t", null, null, 10), CancellationToken.None);
        events.Single(e => e.PassId == "P1").Status.Should().Be(DeliveryStatus.Pending);
        events.Single(e => e.PassId == "P2").Status.Should().Be(DeliveryStatus.Dead, "the range named only P1");
    }

    private async Task<string> IngestAsync(string tenantId, string passId, bool installed)
    {
        var command = Command(tenantId, passId, installed);
        var outcome = await _store.IngestAsync(command, CancellationToken.None);
        outcome.Created.Should().BeTrue();
        return command.NewEventId;
    }

    private IngestCommand Command(string tenantId, string passId, bool installed, string deviceId = "apple") =>
        new($"evt_{Interlocked.Increment(ref _ids):0000}", tenantId, passId, "loyalty", Device.Apple, deviceId, installed,
            new Dictionary<string, string>(), null, s_now, s_now);

    private Task<IReadOnlyList<StoredEvent>> ClaimAsync(string owner, DateTimeOffset? at = null, int max = 10, int perTenant = 10) =>
        _store.ClaimAsync(new ClaimRequest(owner, at ?? s_now, s_lease, max, perTenant, []), CancellationToken.None);
}
