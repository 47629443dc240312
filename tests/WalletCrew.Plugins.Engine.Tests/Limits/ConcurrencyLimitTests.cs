using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>A tenant runs at most its limit of invocations at once; one more is rejected at once, and other tenants are not affected.</summary>
public sealed class ConcurrencyLimitTests
{
    [Fact]
    public async Task ThirtyThirdConcurrentInvocationIsRejectedAtOnce()
    {
        var secrets = new GatedSecretSource("GATE");
        using var folder = new TenantFolder();
        folder.WriteScript("hook.csx", """
            async Task onPassInstalled(string passId) => console.log(await getSecret("GATE"));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { Secrets = secrets });
        using var tenant = engine.LoadTenant(folder.Directory);
        tenant.Diagnostics.Should().BeEmpty();

        var held = Enumerable.Range(0, 32).Select(_ => tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).ToList();
        await secrets.Entered;
        var extra = tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        extra.IsCompleted.Should().BeTrue("an overloaded tenant is answered without waiting");
        var rejected = await extra;
        rejected.Status.Should().Be(InvocationStatus.Rejected);
        rejected.Error.Should().Be(
            "Tenant 'test-tenant' is overloaded: 32 invocations are already running, the limit (limit: ConcurrentInvocations); "
            + "this one was rejected without running. Retry later, or raise `limits.concurrentInvocations` in tenant.json within the host's maximum.");
        held.Should().OnlyContain(t => !t.IsCompleted);

        secrets.Open();
        (await Task.WhenAll(held)).Should().OnlyContain(r => r.Status == InvocationStatus.Succeeded);
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded, "the slots are free again");
    }
}
