using System.Runtime.CompilerServices;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>A plugin folder that changes is loaded again aside, swapped in, and its previous version is collected.</summary>
[Collection(UnloadCollection.Name)]
public sealed class PluginReloadTests
{
    [Fact]
    public async Task ChangedPluginFolderReplacesTheVersionAndTheOldContextIsCollected()
    {
        using var harness = new EngineHarness("acme");
        var folder = SamplePlugins.CopyInto(harness.Folder, SamplePlugins.AcmeLoyalty);
        using var tenant = harness.Load();
        var old = await InvokeAndCapture(tenant);

        // Any file of the folder takes part in its content hash: a deploy that adds or changes one reloads the plugin.
        File.WriteAllText(Path.Combine(folder, "release-notes.txt"), "v2");
        var reloaded = await tenant.ReloadAsync();
        var replacement = await InvokeAndCapture(tenant);

        reloaded.Should().BeTrue();
        tenant.Generation.Should().Be(2);
        replacement.Should().NotBeEmpty();
        (await Unloads.WaitForCollectionAsync(old)).Should().BeTrue("the previous plugin version was released");
        (await Unloads.WaitForCollectionAsync(replacement)).Should().BeFalse("the live version stays loaded (negative control)");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<IReadOnlyList<WeakReference>> InvokeAndCapture(TenantConnectors tenant)
    {
        // No secret is configured, so the sample's hook stops at getSecret, before any network: its error proves the plugin ran.
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);
        result.Error.Should().StartWith("KeyNotFoundException: Tenant 'acme' has no secret named 'PARTNER-API-SECRET'.");
        return tenant.LoadContexts;
    }
}
