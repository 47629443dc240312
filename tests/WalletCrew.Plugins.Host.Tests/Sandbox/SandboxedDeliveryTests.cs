using System.Diagnostics;
using System.Net;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Sandbox;

/// <summary>The host with every tenant in a sandboxed worker: a worker killed mid-delivery costs one attempt, never the host or another tenant.</summary>
public sealed class SandboxedDeliveryTests
{
    /// <summary>Tells the partner stub it started, then hangs while the tenant secret MODE is <c>slow</c>, else logs <c>delivered …</c>.</summary>
    private static string Hook(string stub) => $$"""
        Context.Register(RegistrationKeys.PassUpdater, new Hook(Context));

        sealed class Hook(IConnectorContext context) : IPassUpdater
        {
            public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                await context.FetchAsync("{{stub}}/started/" + e.PassId, null, cancellationToken);
                if (await context.GetSecretAsync("MODE", cancellationToken) == "slow")
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                }

                var info = e.AdditionalInformation.RegistrationInformation;
                context.Log.LogInformation("delivered {EventId} {PassId} {Installed} {Device} {Active} {Total} {Attempt}",
                    e.EventId, e.PassId, e.Installed, e.Device.ToString().ToLowerInvariant(), info.ActiveRegistrationCount, info.TotalRegistrationCount, e.Attempt);
            }

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task AWorkerKilledMidDeliveryIsRetriedAndDeliveredWhileAnotherTenantKeepsFlowing()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("victim", Hook(partner.BaseAddress)).WriteScript("bystander", Hook(partner.BaseAddress));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:Isolation"] = "sandbox",
            ["WalletCrew:Engine:InvocationTimeout"] = "00:01:00",
            ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:01",
            ["WalletCrew:Tenants:victim:Secrets:MODE"] = "slow",
            ["WalletCrew:Tenants:bystander:Secrets:MODE"] = "ok",
        });
        (await host.GetJsonAsync("health/ready"))["isolation"]!.GetValue<string>().Should().Be("sandbox");

        var (status, body) = await host.IngestAsync("victim", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(() => partner.Requests.Any(r => r.Path == "/started/P1"), TimeSpan.FromSeconds(30), "the victim's hook started");
        // Killed first, fixed after: a hook that had not read MODE yet must not see the fix in this attempt.
        var killed = WorkerOf("victim");
        var running = await WorkerViewAsync(host, "victim");
        if (Environment.IsPrivilegedProcess)
        {
            // A root host's workers (CI's) run as uids of their own from 0x70000000 up (operations.md, "The workers' user"), one each.
            var owners = new[] { killed, WorkerOf("bystander") }.Select(ProcFiles.Owner).ToList();
            owners.Should().OnlyContain(uid => uid >= 0x7000_0000).And.OnlyHaveUniqueItems();
        }

        Process.GetProcessById(killed).Kill(entireProcessTree: true);
        host.SetSecret("victim", "MODE", "ok"); // the fix, for the retry a second later

        for (var i = 0; i < 5; i++)
        {
            (await host.IngestAsync("bystander", $"B{i}")).Status.Should().Be(HttpStatusCode.Accepted);
        }

        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("victim")).Count == 1, TimeSpan.FromSeconds(60), "the killed attempt was retried");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("bystander")).Count == 5, TimeSpan.FromSeconds(60), "the other tenant's events were delivered");
        var delivered = (await host.DeliveredAsync("victim")).Single();
        delivered.EventId.Should().Be(eventId);
        delivered.Attempt.Should().Be(2, "the first attempt died with its worker");
        (await host.GetJsonAsync($"api/admin/deliveries/{eventId}")).ToJsonString().Should().Contain("delivered");
        (await host.Client.GetAsync("health")).StatusCode.Should().Be(HttpStatusCode.OK);

        // What an operator sees: the worker that ran the hook, then a fresh one and why the first one ended.
        running["state"]!.GetValue<string>().Should().Be("running");
        running["processId"]!.GetValue<int>().Should().Be(killed);
        running["inFlight"]!.GetValue<int>().Should().Be(1);
        var replaced = await WorkerViewAsync(host, "victim");
        replaced["state"]!.GetValue<string>().Should().Be("running");
        replaced["processId"]!.GetValue<int>().Should().NotBe(killed);
        replaced["lastStop"]!.GetValue<string>().Should().Contain("signal 9");
        (await WorkerViewAsync(host, "bystander"))["lastStop"].Should().BeNull("the other tenant's worker never stopped");
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> WorkerViewAsync(HostHarness host, string tenantId)
    {
        var connectors = (await host.GetJsonAsync("api/admin/connectors")).AsArray();
        return connectors.Single(c => c!["tenantId"]!.GetValue<string>() == tenantId)!["worker"]!.AsObject();
    }

    /// <summary>Finds the bubblewrap process of a tenant's worker among this process's children.</summary>
    private static int WorkerOf(string tenantId)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            // The outermost bwrap of the tenant's sandbox: a child of this process whose worker sees /tenants/<id>
            // (a worker started for the tenant binds its folder there; a spare it claimed has it copied there).
            foreach (var pid in ProcFiles.SandboxesOf(Environment.ProcessId))
            {
                if (Directory.Exists($"/proc/{ProcFiles.Innermost(pid)}/root/tenants/{tenantId}"))
                {
                    return pid;
                }
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException($"No worker of tenant '{tenantId}' was found.");
    }
}
