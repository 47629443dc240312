using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Sandbox;

/// <summary>
/// <c>/health/ready</c> names what bounds each sandboxed worker beside its namespaces (seccomp, CPU cap, memory group, limit
/// on threads and processes, an unprivileged user outside the namespaces) and why a layer is missing, so an operator's monitoring sees a host whose workers run with
/// less than they should (no cgroup it may write, no libseccomp), not only its start-up log.
/// </summary>
public sealed class SandboxReadinessTests
{
    [Fact]
    public async Task ReadinessNamesEveryLayerThatBoundsTheWorkers()
    {
        var sandbox = await SandboxLayersAsync(new() { ["WalletCrew:Engine:Isolation"] = "sandbox" });

        sandbox!["seccomp"]!.GetValue<bool>().Should().BeTrue();
        sandbox["cpuCap"]!.GetValue<bool>().Should().BeTrue();
        sandbox["memoryGroup"]!.GetValue<bool>().Should().BeTrue("this test runs where the host may write its cgroups (CI runs as root)");
        sandbox["taskLimit"]!.GetValue<bool>().Should().BeTrue();
        sandbox["unprivileged"]!.GetValue<bool>().Should().BeTrue("a root host's workers run as nobody outside their namespaces");
        sandbox["warnings"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task ALayerTheOperatorTurnedOffIsShownOff()
    {
        var sandbox = await SandboxLayersAsync(new() { ["WalletCrew:Engine:Isolation"] = "sandbox", ["WalletCrew:Engine:WorkerCpuCores"] = "0" });

        sandbox!["cpuCap"]!.GetValue<bool>().Should().BeFalse();
        sandbox["memoryGroup"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task InProcessThereIsNoSandboxToDescribe()
    {
        var sandbox = await SandboxLayersAsync(new() { ["WalletCrew:Engine:Isolation"] = "in-process" });

        sandbox.Should().BeNull();
    }

    private static async Task<JsonNode?> SandboxLayersAsync(Dictionary<string, string?> configuration)
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, configuration);
        return (await host.GetJsonAsync("health/ready"))["sandbox"];
    }
}
