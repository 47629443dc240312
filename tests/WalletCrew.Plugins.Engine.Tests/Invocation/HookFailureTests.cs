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

    /// <summary>
    /// A secret with a line break (a PEM key) is redacted from the error too: errors are escaped (one line) before they are
    /// redacted, so only its escaped form was there to find, and the key appeared whole. Control: a one-line secret.
    /// </summary>
    [Theory]
    [InlineData("-----BEGIN KEY-----\nMIIB0123456789\n-----END KEY-----")]
    [InlineData("one-line-s3cr3t")]
    public async Task ASecretInAnErrorIsRedactedWhateverItHolds(string secret)
    {
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "KEY", secret);
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId) => throw new InvalidOperationException("partner refused " + await getSecret("KEY"));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("InvalidOperationException: partner refused ***").And.NotContain("MIIB").And.NotContain("s3cr3t");
    }

    /// <summary>
    /// An exception logged with aggregates nested far past what anyone reads is named, not read: AggregateException.Message
    /// reads its inner ones' messages recursively, and the engine reading it for the tenant log overflowed the host's stack.
    /// Control: a shallow aggregate's message is logged whole.
    /// </summary>
    [Theory]
    [InlineData(100_000, "boom AggregateException: (aggregate exceptions nested more than 32 deep; the message is not read)")]
    [InlineData(2, "boom AggregateException: One or more errors occurred. (One or more errors occurred. (deep))")]
    public async Task AnExceptionLoggedWithAggregatesNestedDeepIsNamedNotRead(int depth, string logged)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId)
            {
                Exception e = new InvalidOperationException("deep");
                for (var i = 0; i < {{depth}}; i++) { e = new AggregateException(e); }
                Log.LogError(e, "boom");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(l => l.Message).Should().Equal(logged);
    }

    /// <summary>
    /// A secret read by top-level code and used by a hook is redacted from that hook's log and errors: only values read in
    /// the invocation itself were, so an API key captured at load and put in a URL appeared whole in a partner's 401, in
    /// the event's last error and the host's log. In the sandbox as in process: the worker runs the same invoker.
    /// </summary>
    [Theory]
    [InlineData(IsolationMode.InProcess)]
    [InlineData(IsolationMode.Sandbox)]
    public async Task ASecretReadAtLoadIsRedactedFromEveryInvocation(IsolationMode isolation)
    {
        using var harness = new EngineHarness(isolation: isolation);
        harness.Secrets.Set("test-tenant", "KEY", "load-time-s3cr3t");
        using var tenant = harness.Load("""
            var key = await getSecret("KEY");
            async Task onPassInstalled(string passId)
            {
                console.log("calling with " + key);
                throw new InvalidOperationException("https://partner.example/v1?key=" + key + " answered 401");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Log.Select(l => l.Message).Should().Equal("calling with ***");
        result.Error.Should().StartWith("InvalidOperationException: https://partner.example/v1?key=*** answered 401").And.NotContain("s3cr3t");
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
