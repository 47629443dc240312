using Microsoft.Data.Sqlite;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;
using Xunit.Abstractions;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Passes = 100;
    private const int EventsPerPass = 20;
    private const int KillAfterAnswered = 800;
    // The target is 10 s (measured and printed: quiet, the slowest pass resumes 2–8 s after the restart); the assertion
    // leaves headroom for a busy CI machine, where 101 passes took up to 13 s to all get an attempt. A regression is far
    // beyond it: on SQLite a held lease has more than 80 s left at the restart, on PostgreSQL it never ends.
    private static readonly TimeSpan s_resumeBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(5);
    // Tenant "held"'s call waits for the kill, however long the load before it takes on a busy machine: its invocation must not time out first.
    private static readonly string[] s_config = [$"--WalletCrew:Delivery:LeaseDuration={s_lease}", "--WalletCrew:Engine:InvocationTimeout=00:03:00"];

    // Two minutes' lease, renewed every 40 s: a pass the dead host held can resume within the bound only because the restart gives it back.
    private static readonly string[] s_sqliteConfig = ["--WalletCrew:Delivery:LeaseDuration=00:02:00"];

    [Theory]
    [InlineData("in-process")]
    [InlineData("sandbox")]
    public async Task EveryAcknowledgedEventIsDeliveredInPassOrderAndStalledPassesResumeWithinSecondsOfARestartAfterASigkill(string isolation)
    {
        await using var partner = await PartnerStub.StartAsync();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldHeldTenantsCalls(partner, held.Task);
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"))
            .WriteScript("held", Scripts.PostingHook(partner.BaseAddress + "/held"));
        string[] config = [.. s_sqliteConfig, $"--WalletCrew:Engine:Isolation={isolation}"];
        var host = await HostProcess.StartAsync(root, config);
        var baseAddress = host.BaseAddress;
        var load = new AcknowledgedLoad(Passes, EventsPerPass, KillAfterAnswered);

        // Tenant "held"'s partner answers only after the kill, so the dead host surely holds a lease then.
        await host.InstallAsync("held", "H1");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Any(r => r.Path == "/held"), TimeSpan.FromSeconds(60), "tenant held's hook is in flight");
        var ingest = load.RunAsync(_ => Volatile.Read(ref baseAddress));
        await Task.WhenAny(load.SignalReached, ingest);
        host.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        held.SetResult();
        var answeredBeforeKill = load.Answered;
        var deliveredBeforeKill = partner.Requests.Count(r => r.Path == "/hook");
        ingest.IsCompleted.Should().BeFalse("the kill must hit while ingest is still running");
        host.Dispose();
        using var file = new SqliteConnection($"Data Source={root.DatabasePath};Pooling=False");
        var (stalled, heldLeases) = StalledPasses.Read(file, "", DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60));

        using var restarted = await HostProcess.StartAsync(root, config);
        var restartedAt = DateTimeOffset.UtcNow;
        Volatile.Write(ref baseAddress, restarted.BaseAddress);
        await ingest;

        await restarted.WatchAsync(() => load.VerifyDeliveredAsync(partner, TimeSpan.FromSeconds(120)));
        deliveredBeforeKill.Should().BeGreaterThan(0, "the kill hit while deliveries were flowing");
        deliveredBeforeKill.Should().BeLessThan(answeredBeforeKill, "acknowledged events were still waiting for delivery at the kill");
        await restarted.WatchAsync(() => HostHarness.WaitUntilAsync(() => partner.Requests.Count(r => r.Path == "/held") > 1, TimeSpan.FromSeconds(120), "tenant held's event ran again"));

        // A stalled pass resumes when the restarted host starts an attempt of one of its waiting events (per-pass order
        // makes that its head), as the tenant log records it: the lease question, whatever the attempt's own outcome.
        var resumedAfter = (await StalledPasses.WaitForFirstAttemptsAsync(file, "", stalled, killedAt, TimeSpan.FromSeconds(30)))
            .ToDictionary(p => p.Key, p => p.Value - restartedAt);
        var slowest = resumedAfter.MaxBy(p => p.Value);
        output.WriteLine($"{isolation}: restarted {(restartedAt - killedAt).TotalSeconds:0.00} s after the kill; {stalled.Values.Distinct().Count()} stalled passes, " +
            $"{heldLeases} lease(s) of the dead host held past restart + 60 s; resumed after the restart: " +
            $"median {resumedAfter.Values.Order().ElementAt(resumedAfter.Count / 2).TotalSeconds:0.00} s, slowest {slowest.Key} {slowest.Value.TotalSeconds:0.00} s");
        heldLeases.Should().BePositive("the dead host held leases that would otherwise stall their passes for more than a minute (control)");
        resumedAfter.Keys.Should().BeEquivalentTo(stalled.Values.Distinct(), "every stalled pass ran again");
        resumedAfter.Should().ContainKey("held/H1").And.OnlyContain(p => p.Value <= s_resumeBound, "every stalled pass resumes within seconds of the restart");
    }

    [Fact]
    public async Task WhenOneOfTwoHostsOnPostgresIsKilledTheOtherDeliversEveryAcknowledgedEventInPassOrderAndTakesOverWithinSecondsOfTheLeasesEnd()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var partner = await PartnerStub.StartAsync();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldHeldTenantsCalls(partner, held.Task);
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"))
            .WriteScript("held", Scripts.PostingHook(partner.BaseAddress + "/held"));
        var doomed = await HostProcess.StartAsync(root, database.Store, s_config);
        var doomedId = doomed.ProcessId;
        // Tenant "held"'s event is leased by the doomed host before the survivor starts, and its partner answers only after the kill.
        await doomed.InstallAsync("held", "H1");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Any(r => r.Path == "/held"), TimeSpan.FromSeconds(60), "tenant held's hook is in flight");
        using var survivor = await HostProcess.StartAsync(root, database.Store, s_config);
        var doomedAlive = true;
        var load = new AcknowledgedLoad(Passes, EventsPerPass, KillAfterAnswered);

        // Passes alternate between the hosts while both live, so both ingest and both deliver; then all go to the survivor.
        var ingest = load.RunAsync(passId => Volatile.Read(ref doomedAlive) && passId[^1] % 2 == 0 ? doomed.BaseAddress : survivor.BaseAddress);
        await Task.WhenAny(load.SignalReached, ingest);
        doomed.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        held.SetResult();
        Volatile.Write(ref doomedAlive, false);
        var deliveredBeforeKill = partner.Requests.Count(r => r.Path == "/hook");
        var answeredBeforeKill = load.Answered;
        ingest.IsCompleted.Should().BeFalse("the kill must hit while ingest is still running");
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        var heldBy = StalledPasses.LeaseOwner(connection, "wcp_", "held", "H1");
        var (stalled, _) = StalledPasses.Read(connection, "wcp_", killedAt);
        doomed.Dispose();
        await ingest;

        // The killed host's leases run out (5 s) and the survivor takes its events over, with no restart.
        await survivor.WatchAsync(() => load.VerifyDeliveredAsync(partner, TimeSpan.FromSeconds(120)));
        deliveredBeforeKill.Should().BeGreaterThan(0, "the kill hit while deliveries were flowing");
        deliveredBeforeKill.Should().BeLessThan(answeredBeforeKill, "acknowledged events were still waiting for delivery at the kill");
        await survivor.WatchAsync(() => HostHarness.WaitUntilAsync(() => partner.Requests.Count(r => r.Path == "/held") > 1, TimeSpan.FromSeconds(120), "tenant held's event ran again"));

        var resumedAfter = (await StalledPasses.WaitForFirstAttemptsAsync(connection, "wcp_", stalled, killedAt, TimeSpan.FromSeconds(30)))
            .ToDictionary(p => p.Key, p => p.Value - killedAt);
        var slowest = resumedAfter.MaxBy(p => p.Value);
        output.WriteLine($"postgres: {stalled.Values.Distinct().Count()} stalled passes; resumed after the kill: median " +
            $"{resumedAfter.Values.Order().ElementAt(resumedAfter.Count / 2).TotalSeconds:0.00} s, slowest {slowest.Key} {slowest.Value.TotalSeconds:0.00} s (lease 5 s)");
        heldBy.Should().Contain($"/{doomedId}/", "the doomed host held tenant held's lease at the kill (control)");
        resumedAfter.Keys.Should().BeEquivalentTo(stalled.Values.Distinct(), "every stalled pass ran again");
        resumedAfter.Should().ContainKey("held/H1").And.OnlyContain(p => p.Value <= s_lease + s_resumeBound, "every stalled pass resumes within seconds of the lease's end");
    }

    // Tenant "held"'s partner calls wait for the gate; the others are answered at once.
    private static void HoldHeldTenantsCalls(PartnerStub partner, Task gate)
    {
        var answer = PartnerStub.Respond(200, "{}");
        partner.Handler = async context =>
        {
            if (context.Request.Path == "/held")
            {
                await gate.WaitAsync(context.RequestAborted);
            }

            await answer(context);
        };
    }
}
