using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Sandbox;

/// <summary>
/// A production host runs as a user of its own, not as root. bubblewrap needs no privilege, so its tenants still run
/// sandboxed; but such a user may write no cgroup v1 folder (nor a v2 group not delegated to it), so the workers run
/// without what their groups give (CPU cap, memory group, thread and process limit), and an operator must see that.
/// </summary>
public sealed class UnprivilegedHostTests
{
    private const string CgroupSetting = "WalletCrew:Engine:WorkerCgroup";

    [Fact]
    public async Task AHostWithoutPrivilegeDeliversThroughSandboxedWorkersAndNamesEveryLayerItCannotGive()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        using var host = await HostProcess.StartUnprivilegedAsync(root, "--WalletCrew:Engine:Isolation=sandbox");

        var ready = await host.GetJsonAsync("health/ready");
        await host.InstallAsync("acme", "P1");
        await host.WatchAsync(() => HostHarness.WaitUntilAsync(() => partner.Requests.Any(r => r.Path == "/hook"), TimeSpan.FromSeconds(60), "the event was delivered"));

        ProcFiles.Owner(host.ProcessId).Should().NotBe(0, "the host runs unprivileged");
        ProcFiles.SandboxesOf(host.ProcessId).Should().NotBeEmpty().And.OnlyContain(worker => ProcFiles.Owner(worker) == ProcFiles.Owner(host.ProcessId), "its workers run as its user, below it");
        ready["isolation"]!.GetValue<string>().Should().Be("sandbox");
        var sandbox = ready["sandbox"]!;
        sandbox["seccomp"]!.GetValue<bool>().Should().BeTrue("seccomp needs no privilege");
        sandbox["unprivileged"]!.GetValue<bool>().Should().BeTrue("its workers are its own user's");
        var warnings = sandbox["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        foreach (var layer in new[] { "cpuCap", "memoryGroup", "taskLimit" })
        {
            // Each group-given layer is there, or a warning says why not and which setting gives it back.
            (sandbox[layer]!.GetValue<bool>() || warnings.Count > 0).Should().BeTrue(layer);
        }

        warnings.Should().OnlyContain(w => w.Contains(CgroupSetting, StringComparison.Ordinal), "each names the setting that gives the layer back");
        if (Directory.Exists("/sys/fs/cgroup/cpu") && Environment.IsPrivilegedProcess)
        {
            // Here (CI): cgroup v1, whose folders only root may write, and a host switched to nobody.
            new[] { "cpuCap", "memoryGroup", "taskLimit" }.Select(layer => sandbox[layer]!.GetValue<bool>()).Should().AllBeEquivalentTo(false);
            warnings.Should().HaveCount(3);
        }

        if (!sandbox["taskLimit"]!.GetValue<bool>())
        {
            // Without pids groups each worker starts with a bound on its user's threads and processes, the host's own with
            // all workers' (RLIMIT_NPROC), below the host's own limit: the kernel refuses a worker's fork or thread past it.
            var hostLimit = ProcFiles.ProcessLimit(host.ProcessId);
            foreach (var worker in ProcFiles.SandboxesOf(host.ProcessId))
            {
                ProcFiles.ProcessLimit(worker).Should().BeLessThan(hostLimit, "the rest stays the host's").And.BePositive();
            }

            warnings.Should().Contain(w => w.Contains("RLIMIT_NPROC", StringComparison.Ordinal));
        }
    }
}
