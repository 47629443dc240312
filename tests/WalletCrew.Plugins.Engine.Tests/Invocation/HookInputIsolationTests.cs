using System.Text.Json;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>
/// Hooks get read-only copies of their inputs, never the host's collections: a cast to the concrete type or to a writable
/// interface cannot change what the host or the next hook sees. Each hostile spelling succeeded before the copies.
/// </summary>
public sealed class HookInputIsolationTests
{
    [Theory]
    [InlineData("((Dictionary<string, string>)identifiers)[\"customerId\"] = \"C666\";", "InvalidCastException")]
    [InlineData("((IDictionary<string, string>)identifiers)[\"customerId\"] = \"C666\";", "NotSupportedException")]
    [InlineData("((ICollection<KeyValuePair<string, string>>)identifiers).Clear();", "NotSupportedException")]
    public async Task HookCannotChangeTheHostsIdentifiers(string tampering, string refusal)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
            {
                {{tampering}}
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        var hosts = new Dictionary<string, string> { ["customerId"] = "C42" };

        var result = await tenant.InvokePassUpdatersAsync(Installation(hosts, null), CancellationToken.None);

        hosts.Should().Equal(new Dictionary<string, string> { ["customerId"] = "C42" });
        result.Error.Should().StartWith(refusal);
    }

    [Theory]
    [InlineData("((List<string>)info.RegistrationSource!.Tags).Add(\"forged\");", "InvalidCastException")]
    [InlineData("((IList<string>)info.RegistrationSource!.Tags)[0] = \"forged\";", "NotSupportedException")]
    [InlineData("((string[])info.RegistrationSource!.Tags)[0] = \"forged\";", "InvalidCastException")] // refused before too: the host passes a List
    public async Task HookCannotChangeTheHostsTags(string tampering, string refusal)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation info)
            {
                {{tampering}}
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        var tags = new List<string> { "web" };

        var result = await tenant.InvokePassUpdatersAsync(Installation(new Dictionary<string, string>(), tags), CancellationToken.None);

        tags.Should().Equal("web");
        result.Error.Should().StartWith(refusal);
    }

    [Fact]
    public async Task NextHookSeesTheIdentifiersTheFirstOneWasGiven()
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("a.csx", """
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
            {
                try { ((IDictionary<string, string>)identifiers)["customerId"] = "C666"; } catch (NotSupportedException) { }
                console.log("a", identifiers["customerId"]);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        harness.Folder.WriteScript("b.csx", """
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers) => console.log("b", identifiers["customerId"]);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Select(l => l.Message).Should().BeEquivalentTo("a C42", "b C42");
    }

    [Theory]
    [InlineData("((Dictionary<string, string>)request.Identifiers)[\"customerId\"] = \"C666\";", "InvalidCastException")]
    [InlineData("((IDictionary<string, JsonElement>)request.Data).Remove(\"points\");", "NotSupportedException")]
    public async Task FillCannotChangeTheHostsRequest(string tampering, string refusal)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            JsonObject fill(FillRequest request)
            {
                {{tampering}}
                return new JsonObject();
            }
            context.register("runtime.scriptable.customerProvider.crm", new { Fill = fill });
            """);
        var identifiers = new Dictionary<string, string> { ["customerId"] = "C42" };
        var data = new Dictionary<string, JsonElement> { ["points"] = JsonSerializer.SerializeToElement(120) };

        var result = await tenant.FillAsync("crm", ConnectorInputs.Fill("test-tenant", "P1", "loyalty", identifiers, data), CancellationToken.None);

        identifiers.Should().ContainKey("customerId").WhoseValue.Should().Be("C42");
        data.Should().ContainKey("points");
        result.Error.Should().StartWith(refusal);
    }

    // Negative control: reading through the interfaces still works, so the refusals above are about writing.
    [Fact]
    public async Task HookReadsItsInputsAsBefore()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation info) =>
                console.log(identifiers["customerId"], identifiers.Count, string.Join(",", info.RegistrationSource!.Tags));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(Installation(new Dictionary<string, string> { ["customerId"] = "C42" }, ["web", "qr"]), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("C42 1 web,qr");
    }

    private static PassInstallationEvent Installation(Dictionary<string, string> identifiers, List<string>? tags) => ConnectorInputs.InstallationEvent(new EventData(
        "evt-1", "test-tenant", "P1", "loyalty", identifiers, Device.Apple, Installed: true, ActiveRegistrationCount: 1, TotalRegistrationCount: 1,
        tags, null, null, null, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), 1));
}
