using System.Net;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.Sandbox;

/// <summary>A tenant whose files come through the files API runs in its sandboxed worker like a folder tenant: every version, restores included.</summary>
public sealed class SandboxedStoredTenantTests
{
    [Fact]
    public async Task EachStoredVersionIsServedByTheTenantsSandboxedWorker()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Engine:Isolation"] = "sandbox" });

        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        var first = await WorkerViewAsync(host, "acme");
        first["state"]!.GetValue<string>().Should().Be("running", "the stored version's Fill ran in a worker");
        SandboxOf(first["processId"]!.GetValue<int>()).Should().Contain("\0--ro-bind\0");
        TenantsSeenBy(first["processId"]!.GetValue<int>()).Should().Equal(["acme"], "the worker is the tenant's bubblewrap sandbox (a spare it claimed, or one started for it)");

        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"))).Status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(host.Client, "acme")).Should().Be("v2");
        (await WorkerViewAsync(host, "acme"))["state"]!.GetValue<string>().Should().Be("running");

        var (restored, body) = await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/versions/1/restore"));
        restored.Should().Be(HttpStatusCode.Created, body.ToJsonString());
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        var last = await WorkerViewAsync(host, "acme");
        last["state"]!.GetValue<string>().Should().Be("running");
        SandboxOf(last["processId"]!.GetValue<int>()).Should().Contain("\0--unshare-all\0");
        (await host.GetJsonAsync("health/ready"))["isolation"]!.GetValue<string>().Should().Be("sandbox");
    }

    [Fact]
    public async Task InProcessAStoredTenantHasNoWorker()
    {
        // The control: the worker view above comes from the isolation mode, not from the files API.
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Engine:Isolation"] = "in-process" });

        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        var connector = (await host.GetJsonAsync("api/admin/connectors")).AsArray().Single(c => c!["tenantId"]!.GetValue<string>() == "acme")!;
        connector["worker"].Should().BeNull();
    }

    private static async Task<JsonObject> WorkerViewAsync(HostHarness host, string tenantId)
    {
        var connectors = (await host.GetJsonAsync("api/admin/connectors")).AsArray();
        return connectors.Single(c => c!["tenantId"]!.GetValue<string>() == tenantId)!["worker"]!.AsObject();
    }

    /// <summary>The tenant folders the sandbox shows its worker, listed from inside through the innermost process's root.</summary>
    private static List<string> TenantsSeenBy(int processId)
    {
        return [.. Directory.EnumerateFileSystemEntries($"/proc/{ProcFiles.Innermost(processId)}/root/tenants").Select(Path.GetFileName).OfType<string>()];
    }

    /// <summary>The command line of the worker's outermost process, which is bubblewrap's.</summary>
    private static string SandboxOf(int processId)
    {
        var command = File.ReadAllText($"/proc/{processId}/cmdline");
        Path.GetFileName(command[..command.IndexOf('\0', StringComparison.Ordinal)]).Should().Be("bwrap", "a sandboxed worker starts inside bubblewrap");
        return command;
    }
}
