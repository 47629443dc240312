using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

public sealed class HotReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static string Connector(string version, string body = "") => $$"""
        async Task onPassInstalled(string passId)
        {
            {{body}}
            console.log("{{version}}", passId);
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    [Fact]
    public async Task SavedScriptGoesLiveWhileACallInFlightFinishesOnTheOldVersion()
    {
        var secrets = new GatedSecretSource("GATE");
        using var folder = new TenantFolder();
        folder.WriteScript("crm.csx", Connector("v1", "await getSecret(\"GATE\");"));
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { Secrets = secrets, HotReload = true, ReloadDebounce = TimeSpan.FromMilliseconds(50) });
        using var tenant = engine.LoadTenant(folder.Directory);
        var reloaded = WhenReloaded(tenant);

        var inFlight = tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "slow"), CancellationToken.None);
        await secrets.Entered.WaitAsync(Patience);
        folder.WriteScript("crm.csx", Connector("v2"));
        await reloaded.WaitAsync(Patience);

        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "next"), CancellationToken.None);
        secrets.Open();
        var slow = await inFlight.WaitAsync(Patience);

        next.Log.Select(l => l.Message).Should().Equal("v2 next");
        slow.Status.Should().Be(InvocationStatus.Succeeded);
        slow.Log.Select(l => l.Message).Should().Equal("v1 slow");
        tenant.Generation.Should().Be(2);
    }

    [Fact]
    public async Task BrokenSaveKeepsTheWorkingVersionServingAndReportsItsDiagnostics()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Connector("v1"), "crm.csx");

        harness.Folder.WriteScript("crm.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => console.log(\"v2\") }"); // missing ');'
        var reloaded = await tenant.ReloadAsync();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        reloaded.Should().BeTrue();
        result.Log.Select(l => l.Message).Should().Equal("v1 P1");
        tenant.Diagnostics.Select(d => $"{d.Path}({d.Line},{d.Column}): {d.Code}").Should().Equal(
            "server/script/crm.csx(1,110): CS1026",
            "server/script/crm.csx(1,110): CS1002",
            "server/script/crm.csx(0,0): WCP0401");
        tenant.Diagnostics.Last().Message.Should().StartWith("The new version failed to load; the version loaded at ");
    }

    [Fact]
    public async Task FixingTheBrokenSaveClearsItsDiagnostics()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Connector("v1"), "crm.csx");
        harness.Folder.WriteScript("crm.csx", "broken(");
        await tenant.ReloadAsync();

        harness.Folder.WriteScript("crm.csx", Connector("v3"));
        await tenant.ReloadAsync();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        tenant.Diagnostics.Should().BeEmpty();
        result.Log.Select(l => l.Message).Should().Equal("v3 P1");
    }

    [Fact]
    public async Task RewritingTheSameContentDoesNotReload()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Connector("v1"), "crm.csx");
        var before = tenant.Connectors.Single();

        harness.Folder.WriteScript("crm.csx", Connector("v1"));
        var reloaded = await tenant.ReloadAsync();

        reloaded.Should().BeFalse();
        tenant.Generation.Should().Be(1);
        tenant.Connectors.Single().Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task DeletedScriptStopsServingAndAddedScriptStarts()
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("a.csx", Connector("a"));
        using var tenant = harness.Load();

        File.Delete(Path.Combine(harness.Folder.Directory, "server", "script", "a.csx"));
        harness.Folder.WriteScript("nested/b.csx", Connector("b"));
        await tenant.ReloadAsync();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        tenant.Connectors.Select(c => c.Path).Should().Equal("server/script/nested/b.csx");
        result.Log.Select(l => l.Message).Should().Equal("b P1");
    }

    [Fact]
    public async Task PollingPicksUpChangesWithoutFileEvents()
    {
        using var folder = new TenantFolder();
        folder.WriteScript("crm.csx", Connector("v1"));
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { HotReload = true, ReloadPollingInterval = TimeSpan.FromMilliseconds(100) });
        using var tenant = engine.LoadTenant(folder.Directory);
        var reloaded = WhenReloaded(tenant);

        folder.WriteScript("crm.csx", Connector("v2"));
        await reloaded.WaitAsync(Patience);
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("v2 P1");
    }

    private static Task WhenReloaded(TenantConnectors tenant)
    {
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tenant.Reloaded += (_, _) => reloaded.TrySetResult();
        return reloaded.Task;
    }
}
