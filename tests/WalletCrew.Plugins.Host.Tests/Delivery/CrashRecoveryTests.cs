using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class CrashRecoveryTests
{
    private const int Passes = 100;
    private const int EventsPerPass = 20;
    private const int KillAfterAnswered = 800;
    private static readonly string[] s_config = ["--WalletCrew:Delivery:LeaseDuration=00:00:05", "--WalletCrew:Engine:InvocationTimeout=00:00:02"];

    [Theory]
    [InlineData("in-process")]
    [InlineData("sandbox")]
    public async Task EveryAcknowledgedEventIsDeliveredInPassOrderAfterASigkillMidStream(string isolation)
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        string[] config = [.. s_config, $"--WalletCrew:Engine:Isolation={isolation}"];
        var host = await HostProcess.StartAsync(root, config);
        var baseAddress = host.BaseAddress;
        var load = new AcknowledgedLoad(Passes, EventsPerPass, KillAfterAnswered);

        var ingest = load.RunAsync(_ => Volatile.Read(ref baseAddress));
        await Task.WhenAny(load.SignalReached, ingest);
        host.Kill();
        var deliveredBeforeKill = partner.Requests.Count;
        var answeredBeforeKill = load.Answered;
        ingest.IsCompleted.Should().BeFalse("the kill must hit while ingest is still running");
        host.Dispose();

        using var restarted = await HostProcess.StartAsync(root, config);
        Volatile.Write(ref baseAddress, restarted.BaseAddress);
        await ingest;

        await load.VerifyDeliveredAsync(partner, TimeSpan.FromSeconds(120));
        deliveredBeforeKill.Should().BeGreaterThan(0, "the kill hit while deliveries were flowing");
        deliveredBeforeKill.Should().BeLessThan(answeredBeforeKill, "acknowledged events were still waiting for delivery at the kill");
    }

    [Fact]
    public async Task WhenOneOfTwoHostsOnPostgresIsKilledTheOtherDeliversEveryAcknowledgedEventInPassOrder()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        var doomed = await HostProcess.StartAsync(root, database.Store, s_config);
        using var survivor = await HostProcess.StartAsync(root, database.Store, s_config);
        var doomedAlive = true;
        var load = new AcknowledgedLoad(Passes, EventsPerPass, KillAfterAnswered);

        // Passes alternate between the hosts while both live, so both ingest and both deliver; then all go to the survivor.
        var ingest = load.RunAsync(passId => Volatile.Read(ref doomedAlive) && passId[^1] % 2 == 0 ? doomed.BaseAddress : survivor.BaseAddress);
        await Task.WhenAny(load.SignalReached, ingest);
        doomed.Kill();
        Volatile.Write(ref doomedAlive, false);
        var deliveredBeforeKill = partner.Requests.Count;
        var answeredBeforeKill = load.Answered;
        ingest.IsCompleted.Should().BeFalse("the kill must hit while ingest is still running");
        doomed.Dispose();
        await ingest;

        // The killed host's leases run out (5 s) and the survivor takes its events over, with no restart.
        await load.VerifyDeliveredAsync(partner, TimeSpan.FromSeconds(120));
        deliveredBeforeKill.Should().BeGreaterThan(0, "the kill hit while deliveries were flowing");
        deliveredBeforeKill.Should().BeLessThan(answeredBeforeKill, "acknowledged events were still waiting for delivery at the kill");
    }
}
