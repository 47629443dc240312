using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

public sealed class HookFailureTests
{
    [Fact]
    public async Task ExceptionThrownByAHookNamesTheScriptAndLine()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                throw new InvalidOperationException($"CRM refused {passId}");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be("InvalidOperationException: CRM refused P1 (at server/script/connector.csx:line 4)");
    }

    [Fact]
    public async Task HookThatOutrunsTheWallTimeLimitTimesOut()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(300));
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation info, CancellationToken cancellationToken)
            {
                await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 0.3 s (limit: InvocationTimeout).");
    }

    [Fact]
    public async Task MissingSecretFailsWithTheTenantAndName()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId) => console.log(await getSecret("API-KEY"));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Error.Should().StartWith("KeyNotFoundException: Tenant 'test-tenant' has no secret named 'API-KEY'.");
    }

    [Fact]
    public async Task SecretValueIsRedactedFromTheTenantLog()
    {
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "API-KEY", "s3cr3t-value");
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId) => console.log("key is", await getSecret("API-KEY"));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("key is ***");
    }

    [Fact]
    public async Task TenantReadsOnlyItsOwnSecrets()
    {
        using var harness = new EngineHarness();
        harness.Secrets.Set("other-tenant", "API-KEY", "theirs");
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId) => console.log(await getSecret("API-KEY"));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Log.Should().BeEmpty();
    }
}
