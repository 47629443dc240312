using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Binding;

public sealed class FillTests
{
    [Fact]
    public async Task JavaScriptStyleFillReturnsAnonymousObjectAsData()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, IReadOnlyDictionary<string, JsonElement> data)
            {
                await Task.Yield();
                return new { customer = identifiers["customerId"], points = 120, gold = true };
            }
            context.register("runtime.scriptable.customerProvider.crm", new { Fill = fill });
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Data!.ToJsonString().Should().Be("""{"customer":"C42","points":120,"gold":true}""");
    }

    [Fact]
    public async Task SynchronousFillReturningDictionaryBinds()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            Dictionary<string, object> fill(string passId) => new() { ["pass"] = passId };
            context.register("runtime.scriptable.customerProvider.crm", new { fill });
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Data!.ToJsonString().Should().Be("""{"pass":"P1"}""");
    }

    [Theory]
    [InlineData("async ValueTask<Dictionary<string, object>> fill(string passId) { await Task.Yield(); return new() { [\"pass\"] = passId }; }")]
    [InlineData("FillResult fill(string passId) => new(new JsonObject { [\"pass\"] = passId });")]
    [InlineData("ValueTask<JsonObject> fill(string passId) => ValueTask.FromResult(new JsonObject { [\"pass\"] = passId });")]
    public async Task FillReturningAValueTaskOrAResultBinds(string function)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(function + "\ncontext.register(\"runtime.scriptable.customerProvider.crm\", new { fill });");

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!.ToJsonString().Should().Be("""{"pass":"P1"}""");
    }

    [Fact]
    public async Task TypedCustomerProviderReturnsItsFillResult()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            Context.Register(RegistrationKeys.CustomerProvider("crm"), new Provider());
            sealed class Provider : ICustomerProvider
            {
                public Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken) =>
                    Task.FromResult(new FillResult(new JsonObject { ["tenant"] = request.TenantId, ["pass"] = request.PassId }));
            }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        tenant.CustomerProviders.Should().Equal("crm");
        result.Data!.ToJsonString().Should().Be("""{"tenant":"test-tenant","pass":"P1"}""");
    }

    /// <summary>
    /// A closed delegate (an extension method's group on a value) is called with the contract's arguments only: its bound
    /// first parameter was read as the pass id, so it loaded without a diagnostic and failed every call
    /// (TargetParameterCountException). Control: the same method as an open delegate.
    /// </summary>
    [Theory]
    [InlineData("(Func<string, Task<object>>)\"vip-\".Tagged", "vip-P1")]
    [InlineData("(Func<string, string, Task<object>>)Ext.Tagged", "P1loyalty")]
    public async Task AClosedDelegateBindsToTheContractsArguments(string function, string expected)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            context.register("runtime.scriptable.customerProvider.crm", new { Fill = {{function}} });
            static class Ext
            {
                public static async Task<object> Tagged(this string prefix, string passId) { await Task.Yield(); return new { id = prefix + passId }; }
            }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        tenant.Diagnostics.Should().BeEmpty();
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!["id"]!.GetValue<string>().Should().Be(expected);
    }

    /// <summary>
    /// A result holding a task is refused, naming it: writing it out read its Result, which blocked the caller's thread for
    /// good when the task never ended (no deadline reaches a thread blocked in the serializer). Control: the value itself.
    /// </summary>
    [Theory]
    [InlineData("new { points = new TaskCompletionSource<int>().Task }", "Fill returned data holding a Task<int>; await it and return its value")]
    [InlineData("(object)new TaskCompletionSource<object>().Task", "Fill returned data holding a Task<object>; await it and return its value")]
    [InlineData("new { points = 120 }", null)]
    public async Task AResultHoldingATaskIsRefusedWithoutWaitingForIt(string returned, string? error)
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(2));
        using var tenant = harness.Load($$"""
            async Task<object> fill(string passId) { await Task.Yield(); return {{returned}}; }
            context.register("runtime.scriptable.customerProvider.crm", new { fill });
            """);

        // Without the refusal the result is written out on a thread that then waits for good, and the call times out. On the
        // pool, as the host calls: under the test framework's synchronization context that thread would be one of its own.
        var result = await Task.Run(() => tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None));

        if (error is null)
        {
            result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        }
        else
        {
            result.Status.Should().Be(InvocationStatus.Failed);
            result.Error.Should().Contain(error);
        }
    }

    [Fact]
    public async Task UnknownProviderIsNotFound()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("context.register(\"runtime.scriptable.customerProvider.crm\", new { Fill = (string passId) => new { passId } });");

        var result = await tenant.FillAsync("other", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.NotFound);
        result.Error.Should().Be("Tenant 'test-tenant' has no customer provider named 'other'.");
    }

    [Fact]
    public async Task FillReturningAListFailsWithAClearError()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("context.register(\"runtime.scriptable.customerProvider.crm\", new { Fill = (string passId) => new List<string> { passId } });");

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("InvalidOperationException: Fill returned List<string>, which is not a JSON object; return a dictionary, an anonymous object, a JsonObject or a FillResult.");
    }
}
