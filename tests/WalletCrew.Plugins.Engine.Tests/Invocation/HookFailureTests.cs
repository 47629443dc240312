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

    /// <summary>A secret's name is refused past its limit in either mode (a sandboxed worker's host kills a worker that sends
    /// one, so code within the policy must never); the control: a name at the limit is looked up, and is missing.</summary>
    [Theory]
    [InlineData(IsolationMode.InProcess, 0, "KeyNotFoundException: Tenant 'test-tenant' has no secret named")]
    [InlineData(IsolationMode.InProcess, 1, "ArgumentException: A secret's name is at most 1,024 characters; this one has 1,025.")]
    [InlineData(IsolationMode.Sandbox, 0, "KeyNotFoundException: Tenant 'test-tenant' has no secret named")]
    [InlineData(IsolationMode.Sandbox, 1, "ArgumentException: A secret's name is at most 1,024 characters; this one has 1,025.")]
    public async Task ASecretNamePastItsLimitIsRefusedNamingIt(IsolationMode isolation, int past, string error)
    {
        using var harness = new EngineHarness(isolation: isolation);
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId) => console.log(await getSecret(new string('k', {{EngineDefaults.SecretNameChars + past}})));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith(error);
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
