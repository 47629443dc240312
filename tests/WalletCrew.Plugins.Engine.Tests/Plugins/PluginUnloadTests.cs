using WalletCrew.Plugins.Engine.Plugins;
using WalletCrew.Plugins.Engine.Policy;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>
/// Proves plugin unloads the way research §5 prescribes: load, invoke and dispose inside a non-inlined helper, then a GC
/// loop over a weak reference to the plugin's load context, the one the engine keeps on its <see cref="ConnectorVersion"/>.
/// </summary>
[Collection(UnloadCollection.Name)]
public sealed class PluginUnloadTests : IDisposable
{
    private const string TenantId = "acme";
    private const int Cycles = 50;

    private readonly TenantFolder _tenant = new(TenantId);
    private readonly InMemorySecretSource _secrets = new();
    private readonly ConnectorEngineOptions _options;
    private readonly FetchClient _fetch;

    public PluginUnloadTests()
    {
        _secrets.Set(TenantId, "PARTNER-API-SECRET", "partner-secret");
        _secrets.Set(TenantId, "LOYALTY-API-KEY", "loyalty-secret");
        // The policy forbids timers (and GC); widening it is what lets the timer negative control load at all.
        _options = new ConnectorEngineOptions
        {
            Secrets = _secrets,
            HttpHandler = new StubHttpHandler("""{"points":12,"tier":"gold"}"""),
            Policy = ApiPolicy.Create(allow => allow.Types("System.Threading", "Timer", "TimerCallback").Types("System", "GC")),
        };
        _fetch = new FetchClient(new FetchClientOptions { Handler = _options.HttpHandler });
    }

    [Fact]
    public void SamplePluginContextIsCollectedAfterDispose()
    {
        var folder = SamplePlugins.CopyInto(_tenant, SamplePlugins.AcmeLoyalty);

        var context = LoadInvokeDispose(folder);

        WaitForCollection(context).Should().BeTrue("the sample plugin holds nothing the host keeps");
    }

    [Fact]
    public void DisposingTheTenantLetsItsPluginContextBeCollected()
    {
        SamplePlugins.CopyInto(_tenant, SamplePlugins.AcmeLoyalty);

        var context = LoadTenantAndDispose();

        WaitForCollection(context).Should().BeTrue();
    }

    [Fact]
    public async Task FiftyLoadInvokeUnloadCyclesReturnToTheBaseline()
    {
        var folder = SamplePlugins.CopyInto(_tenant, SamplePlugins.AcmeLoyalty);
        WaitForCollection(LoadInvokeDispose(folder)).Should().BeTrue("the warm-up cycle loads what the host keeps for good");
        var contexts = AssemblyLoadContext.All.Count();
        var assemblies = Unloads.CollectibleAssemblies().Count;

        // The heap is the whole process's: work another test left running may hold memory for a moment, a leak holds it for good.
        var growth = await Unloads.LeastHeapGrowthAsync(HeapGrowthAllowance, _ =>
        {
            var collected = 0;
            for (var i = 0; i < Cycles; i++)
            {
                collected += WaitForCollection(LoadInvokeDispose(folder)) ? 1 : 0;
            }

            collected.Should().Be(Cycles);
            AssemblyLoadContext.All.Count().Should().BeLessThanOrEqualTo(contexts);
            Unloads.CollectibleAssemblies().Should().HaveCountLessThanOrEqualTo(assemblies); // an earlier test's context may be collected meanwhile
            return Task.CompletedTask;
        });

        growth.Should().BeLessThan(HeapGrowthAllowance, "50 unloaded versions leave no heap behind (a leak grows it in every batch of 50)");
    }

    [Fact]
    public void PluginKeepingATimerInAStaticIsReportedNotCollected()
    {
        var folder = Path.GetDirectoryName(PluginCompiler.CompileInto(_tenant, "TickingPlugin", TickingPluginSource))!;

        var context = LoadInvokeDispose(folder);

        WaitForCollection(context).Should().BeFalse("a timer in a plugin static roots the context from the runtime's timer queue");
        StopTimer(context);
        WaitForCollection(context).Should().BeTrue("once the timer is gone nothing else holds the context");
    }

    public void Dispose()
    {
        _fetch.Dispose();
        _tenant.Dispose();
    }

    // Measured growth over 50 clean cycles is a few KiB; 50 leaked versions (images, contexts, bound adapters) are far more.
    // A single leak is caught by the context and assembly counts, not by the heap.
    private const long HeapGrowthAllowance = 256 * 1024;

    private const string TickingPluginSource = """
        using WalletCrew.Plugins;

        namespace TickingPlugin;

        public sealed class TickingModule : IConnectorModule
        {
            private static Timer? s_timer;

            public static void Stop() => s_timer?.Dispose();

            public void Register(IConnectorContext context)
            {
                s_timer = new Timer(_ => GC.KeepAlive(this), null, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
                context.Register(RegistrationKeys.PassUpdater, new Hooks { ["OnPassInstalled"] = (string passId) => { } });
            }
        }
        """;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference LoadInvokeDispose(string pluginFolder)
    {
        var version = new PluginConnectorLoader(_fetch, _options).Load(TenantId, _tenant.Directory, pluginFolder);
        version.Diagnostics.Should().BeEmpty();
        var invoker = new ConnectorInvoker(_options);

        // A fresh flow, as the host invokes: nothing the call sets in the ExecutionContext comes back to this thread.
        var installed = Task.Run(() => invoker.InvokePassUpdatersAsync(version.PassUpdaters, TestEvents.Installation(tenantId: TenantId), CancellationToken.None)).GetAwaiter().GetResult();
        installed.Status.Should().NotBe(InvocationStatus.NotFound);
        foreach (var provider in version.CustomerProviders)
        {
            var filled = Task.Run(() => invoker.FillAsync(provider, TestEvents.Fill(tenantId: TenantId), CancellationToken.None)).GetAwaiter().GetResult();
            filled.Status.Should().NotBe(InvocationStatus.NotFound);
        }

        var context = version.LoadContext!;
        version.Dispose();
        return context;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference LoadTenantAndDispose()
    {
        var before = AssemblyLoadContext.All.ToHashSet();
        using var engine = new ConnectorEngine(_options);
        var tenant = engine.LoadTenant(_tenant.Directory);
        tenant.Diagnostics.Should().BeEmpty();
        var context = new WeakReference(AssemblyLoadContext.All.Except(before).Single(c => c.Assemblies.Any(a => a.GetName().Name == SamplePlugins.AcmeLoyalty)));
        before.Clear();
        tenant.Dispose();
        return context;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StopTimer(WeakReference context)
    {
        var assembly = ((AssemblyLoadContext)context.Target!).Assemblies.Single();
        assembly.GetType("TickingPlugin.TickingModule")!.GetMethod("Stop", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null);
    }

    private static bool WaitForCollection(WeakReference context, int maxPasses = 20)
    {
        for (var i = 0; context.IsAlive && i < maxPasses; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !context.IsAlive;
    }
}
