using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>
/// What a call leaves behind (a Fill result, a thrown exception) is turned into inert data inside the invocation, under its
/// budget: the host never runs connector code afterwards. Each test failed before the invoker did this (noted per test).
/// </summary>
public sealed class TenantCodeAfterTheCallTests
{
    private const string Provider = """context.register("runtime.scriptable.customerProvider.crm", new { Fill = fill });""";
    private const string Updater = """context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });""";

    // Before: Data held a JsonValue over the connector's object, so every ToJsonString on the host ran its getter again ({"N":2}).
    [Fact]
    public async Task FillResultWrappingAConnectorObjectIsCopiedOnceInsideTheInvocation()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            JsonObject fill(string passId) => new JsonObject { ["x"] = JsonValue.Create(new Counter()) };
            {{Provider}}
            sealed class Counter { static int s_calls; public int N => ++s_calls; }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Data!.ToJsonString().Should().Be("""{"x":{"N":1}}""");
        result.Data!.ToJsonString().Should().Be("""{"x":{"N":1}}""", "the host's copy runs no connector getter");
        result.Data!["x"].Should().BeOfType<System.Text.Json.Nodes.JsonObject>();
    }

    // Before: a converter on the connector's type ran on the host's thread whenever the host serialized the result.
    [Fact]
    public async Task FillResultWithAConnectorConverterRunsTheConverterOnlyInsideTheInvocation()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            FillResult fill(string passId) => new FillResult(new JsonObject { ["points"] = JsonValue.Create(new Points()) });
            {{Provider}}
            [System.Text.Json.Serialization.JsonConverter(typeof(PointsConverter))]
            sealed class Points { }
            sealed class PointsConverter : System.Text.Json.Serialization.JsonConverter<Points>
            {
                static int s_writes;
                public override Points Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) => new();
                public override void Write(Utf8JsonWriter writer, Points value, JsonSerializerOptions options) => writer.WriteNumberValue(++s_writes);
            }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Data!.ToJsonString().Should().Be("""{"points":1}""");
        result.Data!.ToJsonString().Should().Be("""{"points":1}""");
    }

    // Before: the Fill "succeeded" and the getter threw later, on the host, when the result was serialized.
    [Fact]
    public async Task FillResultWhoseGetterThrowsFailsTheInvocation()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            object fill(string passId) => new JsonObject { ["x"] = JsonValue.Create(new Bomb()) };
            {{Provider}}
            sealed class Bomb { public int N => throw new InvalidOperationException("boom"); }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be("InvalidOperationException: boom (at server/script/connector.csx:line 3)");
        result.Data.Should().BeNull();
    }

    // Before: Succeeded, with a result whose serialization on the host would never end.
    [Fact]
    public async Task FillResultWhoseGetterNeverReturnsTimesOut()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(300));
        using var tenant = harness.Load($$"""
            object fill(string passId) => new JsonObject { ["x"] = JsonValue.Create(new Spinner()) };
            {{Provider}}
            sealed class Spinner { public int N { get { var i = 0; while (true) { i++; } } } }
            """);

        var result = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Data.Should().BeNull();
    }

    // Before: the invoker read Message in its catch block, on the host's thread, and the getter's exception escaped the invoker.
    [Theory]
    [InlineData("throw new Bad();")]
    [InlineData("throw new AggregateException(new Bad());")]
    [InlineData("await Task.WhenAll(Task.FromException(new Bad()));")]
    public async Task ExceptionWhoseMessageThrowsIsACleanFailure(string throwing)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                {{throwing}}
            }
            {{Updater}}
            sealed class Bad : Exception { public override string Message => throw new InvalidOperationException("no message"); }
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("Bad: (the exception's message could not be read: its getter threw InvalidOperationException)");
    }

    // Before: the loop ran in the invoker's catch block; its checkpoint threw there and the exception escaped the invoker.
    [Fact]
    public async Task ExceptionWhoseMessageNeverReturnsTimesOut()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(300));
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => throw new Spin();
            {{Updater}}
            sealed class Spin : Exception { public override string Message { get { var i = 0; while (true) { i++; } } } }
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 0.3 s (limit: InvocationTimeout).");
    }

    // Passed before too: the engine reads the stack from the runtime, never through the overridable members.
    [Fact]
    public async Task ExceptionWhoseStackTraceAndToStringNeverReturnIsDescribedWithoutThem()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(300));
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => throw new Spin();
            {{Updater}}
            sealed class Spin : Exception
            {
                public override string Message => "spin";
                public override string StackTrace { get { var i = 0; while (true) { i++; } } }
                public override string ToString() => throw new InvalidOperationException("no text");
            }
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be("Spin: spin (at server/script/connector.csx:line 1)");
    }

    // Before: the invoker's catch filter let OutOfMemoryException through to the host.
    [Theory]
    [InlineData("var s = new string('x', int.MaxValue);")]
    [InlineData("var a = new int[int.MaxValue];")]
    [InlineData("var s = \"x\".PadLeft(int.MaxValue);")]
    public async Task OutOfMemoryFromConnectorCodeIsACleanFailure(string allocation)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId)
            {
                {{allocation}}
            }
            {{Updater}}
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("OutOfMemoryException: ").And.EndWith("(at server/script/connector.csx:line 3)");
    }

    // Negative control: an ordinary exception still reads as before, so the tests above do see a difference.
    [Fact]
    public async Task OrdinaryExceptionIsDescribedWithItsMessageAndLine()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId) => throw new Good();
            {{Updater}}
            sealed class Good : Exception { public override string Message => "plain"; }
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Error.Should().Be("Good: plain (at server/script/connector.csx:line 1)");
    }
}
