using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Samples;

public sealed class MinimalExampleTests
{
    [Fact]
    public async Task MinimalExamplePrintsPassInstalledOnApple()
    {
        using var harness = new EngineHarness("minimal");
        harness.Folder.CopySample("minimal");
        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "minimal"), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Select(l => l.Message).Should().Equal("Pass P1 installed on apple");
    }

    [Fact]
    public async Task MinimalExamplePrintsUninstalledFromGoogle()
    {
        using var harness = new EngineHarness("minimal");
        harness.Folder.CopySample("minimal");
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(installed: false, passId: "P9", device: Device.Google, tenantId: "minimal"), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("Pass P9 uninstalled from google");
    }
}
