using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>A replaced or released script version is really gone from memory, for every script style; and the test can tell when it is not.</summary>
[Collection(UnloadCollection.Name)]
public sealed class ScriptUnloadTests
{
    private const long HeapGrowthAllowance = 4 * 1024 * 1024;

    public static TheoryData<string> Styles => ["js", "typed", "json", "refit"];

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task ReplacedVersionIsCollected(string style)
    {
        using var harness = new EngineHarness(httpHandler: Partner());
        using var tenant = harness.Load(Source(style, 1), "crm.csx");
        var old = await InvokeAndCaptureContexts(tenant, "v1 P1");

        harness.Folder.WriteScript("crm.csx", Source(style, 2));
        (await tenant.ReloadAsync()).Should().BeTrue();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("v2 P1");
        (await Unloads.WaitForCollectionAsync(old)).Should().BeTrue($"the {style} version 1 was replaced");
        harness.Engine.GetZombies(TimeSpan.Zero).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public async Task FiftyReloadCyclesReturnToTheBaseline(string style)
    {
        using var harness = new EngineHarness(httpHandler: Partner());
        await RunCycles(harness, style, 1, 2); // warm up what the first cycles load once per process
        var contexts = AssemblyLoadContext.All.Count();
        var assemblies = Unloads.CollectibleAssemblies();

        var growth = await Unloads.LeastHeapGrowthAsync(HeapGrowthAllowance, async batch =>
        {
            var released = await RunCycles(harness, style, 3 + (batch * 50), 52 + (batch * 50));

            (await Unloads.WaitForCollectionAsync(released)).Should().BeTrue();
            AssemblyLoadContext.All.Count().Should().BeLessThanOrEqualTo(contexts);
            Unloads.CollectibleAssemblies().Should().HaveCountLessThanOrEqualTo(assemblies.Count, "no connector assembly may stay loaded");
        });

        growth.Should().BeLessThan(HeapGrowthAllowance, "50 unloaded versions must not stay on the heap (a leak grows it in every batch of 50)");
    }

    [Fact]
    public async Task ConnectorKeepingATimerIsReportedAsAZombie()
    {
        // The policy forbids timers; widening it is what lets this negative control exist.
        using var harness = new EngineHarness(widenPolicy: allow => allow.Types("System.Threading", "Timer", "TimerCallback"));
        using var tenant = harness.Load("""
            Keeper.Timer = new System.Threading.Timer(_ => { }, null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => console.log(passId) });
            static class Keeper { public static System.Threading.Timer? Timer; }
            """, "crm.csx");
        tenant.Diagnostics.Should().BeEmpty();
        var old = await InvokeAndCaptureContexts(tenant, "P1");

        harness.Folder.WriteScript("crm.csx", Source("js", 2));
        await tenant.ReloadAsync();

        (await Unloads.WaitForCollectionAsync(old)).Should().BeFalse("a live timer roots the connector's code");
        harness.Engine.GetZombies(TimeSpan.Zero).Should().ContainSingle().Which.Path.Should().Be("server/script/crm.csx");
    }

    [Fact]
    public async Task ConnectorSubscribedToAHostStaticEventIsReportedAsAZombie()
    {
        using var harness = new EngineHarness(
            widenPolicy: allow => allow.Type(typeof(HostSignals).FullName!),
            references: [typeof(HostSignals).Assembly.Location]);
        harness.Folder.WriteScript("crm.csx", """
            WalletCrew.Plugins.Engine.Tests.Support.HostSignals.Changed += (sender, args) => console.log("changed");
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => console.log(passId) });
            """);
        using var tenant = harness.Load();
        var old = await InvokeAndCaptureContexts(tenant, "P1");

        harness.Folder.WriteScript("crm.csx", Source("js", 2));
        await tenant.ReloadAsync();

        (await Unloads.WaitForCollectionAsync(old)).Should().BeFalse("the host's static event holds the connector's handler");
        harness.Engine.GetZombies(TimeSpan.Zero).Should().ContainSingle().Which.TenantId.Should().Be("test-tenant");
    }

    [Fact]
    public async Task DisposedTenantIsCollected()
    {
        var old = await LoadInvokeDispose();

        (await Unloads.WaitForCollectionAsync(old)).Should().BeTrue();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<IReadOnlyList<WeakReference>> LoadInvokeDispose()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Source("typed", 1));
        return await InvokeAndCaptureContexts(tenant, "v1 P1");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<IReadOnlyList<WeakReference>> InvokeAndCaptureContexts(TenantConnectors tenant, string expectedLog)
    {
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Log.Select(l => l.Message).Should().Equal(expectedLog);
        return tenant.LoadContexts;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<List<WeakReference>> RunCycles(EngineHarness harness, string style, int first, int last)
    {
        var released = new List<WeakReference>();
        harness.Folder.WriteScript("crm.csx", Source(style, first));
        using var tenant = harness.Load();
        for (var version = first; version <= last; version++)
        {
            if (version > first)
            {
                harness.Folder.WriteScript("crm.csx", Source(style, version));
                await tenant.ReloadAsync();
            }

            released.AddRange(await InvokeAndCaptureContexts(tenant, $"v{version} P1"));
            var fill = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);
            fill.Status.Should().NotBe(InvocationStatus.Failed, fill.Error);
        }

        return released;
    }

    // The refit style's partner answers in process (as in PluginUnloadTests): a Kestrel stub would load assemblies in the
    // background during the count. RefitConnectorTests covers the real loopback path.
    private static StubHttpHandler Partner() => new("""{"points":120,"tier":"gold"}""");

    private static string Source(string style, int version) => style switch
    {
        "js" => $$"""
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device) => console.log("v{{version}}", passId);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """,
        "typed" => $$"""
            Context.Register(RegistrationKeys.PassUpdater, new Sync(Context));
            sealed class Sync(IConnectorContext context) : IPassUpdater
            {
                public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken ct) { context.Log.LogInformation("v{{version}} {PassId}", e.PassId); return Task.CompletedTask; }
                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken ct) => Task.CompletedTask;
            }
            """,
        "refit" => $$"""
            using Refit;
            using System.Text.Json.Serialization;
            var api = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("https://loyalty.example"), LoyaltyJson.Default);
            async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
            {
                var customer = await api.GetCustomerAsync(identifiers["customerId"]);
                console.log(customer.Tier == "gold" ? "v{{version}}" : "wrong tier", passId);
            }
            async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
            {
                var c = await api.GetCustomerAsync(identifiers["customerId"]);
                return new { points = c.Points, tier = c.Tier, version = {{version}} };
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            context.register("runtime.scriptable.customerProvider.crm", new { Fill = fill });
            public interface ILoyaltyApi { [Get("/customers/{id}")] Task<Customer> GetCustomerAsync(string id); }
            public sealed record Customer(int Points, string Tier);
            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            [JsonSerializable(typeof(Customer))]
            internal sealed partial class LoyaltyJson : JsonSerializerContext;
            """,
        _ => $$"""
            void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
            {
                var json = JsonSerializer.Serialize(new Payload(passId, device, {{version}}));
                var back = JsonSerializer.Deserialize<Payload>(json)!;
                console.log($"v{back.Version}", back.PassId);
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            context.register("runtime.scriptable.customerProvider.crm", new { Fill = (string passId) => new { passId, version = {{version}} } });
            record Payload(string PassId, string Device, int Version);
            """,
    };

    // Only collectible contexts hold connector code; a test running beside this one may load framework assemblies (Kestrel) into the default context.
    private static int CollectibleAssemblies() =>
        AppDomain.CurrentDomain.GetAssemblies().Count(a => AssemblyLoadContext.GetLoadContext(a)?.IsCollectible == true);
}
