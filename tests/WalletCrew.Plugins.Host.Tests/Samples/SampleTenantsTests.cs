using System.Net;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Samples;

public sealed class SampleTenantsTests
{
    [Fact]
    public async Task TheHostServesTheSampleTenantsAndTheMinimalHookRunsOnIngest()
    {
        using var root = new TenantsRoot();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SampleTenants, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root.Directory, Path.GetRelativePath(RepositoryPaths.SampleTenants, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        await using var host = await HostHarness.StartAsync(root);

        var connectors = await host.GetJsonAsync("api/admin/connectors");
        connectors.AsArray().Select(c => c!["tenantId"]!.GetValue<string>()).Should().Contain(["acme-crm", "acme-typed", "loyalty", "minimal"]);
        connectors.AsArray().Should().OnlyContain(c => !c!["hasErrors"]!.GetValue<bool>(), "the samples compile in the host as with wcp check");
        connectors.AsArray().Should().OnlyContain(c => c!["worker"] == null, "in-process tenants have no worker to show");
        var (status, _) = await host.IngestAsync("minimal", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/minimal/logs")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the minimal hook ran");
        (await host.GetJsonAsync("api/admin/tenants/minimal/logs"))[0]!["entries"]![0]!["message"]!.GetValue<string>().Should().Be("Pass P1 installed on apple");
    }
}
