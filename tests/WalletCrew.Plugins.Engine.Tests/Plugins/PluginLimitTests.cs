using System.Diagnostics;
using WalletCrew.Plugins.Engine.Tests.Limits;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>
/// Plugin assemblies are woven with the same checkpoints as scripts when they load, so a plugin's tight loop or runaway
/// recursion ends at the limit and gives its thread back, instead of spinning on a pool thread for good.
/// </summary>
public sealed class PluginLimitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(500);

    public static TheoryData<string> Loops =>
    [
        "while (Spin.Running) { Spin.Step(); }",
        "while (Spin.Running) { try { while (Spin.Running) { Spin.Step(); } } catch { } }",
        "try { await Task.Yield(); } finally { while (Spin.Running) Spin.Step(); }",
        "for (var i = 0; Spin.Running; i++) { if (i % 2 == 0) { Spin.Step(); } else { Spin.Step(); } }",
    ];

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task APluginsTightLoopEndsAtTheLimitAndItsThreadStops(string loop)
    {
        using var harness = new EngineHarness("acme", invocationTimeout: Limit);
        PluginCompiler.CompileInto(harness.Folder, "Spinner", Spinner(loop));
        using var tenant = harness.Load();
        tenant.Diagnostics.Should().BeEmpty();

        try
        {
            var started = Stopwatch.StartNew();
            var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);
            started.Elapsed.Should().BeLessThan(Deadlines.Stopped(Limit), "the limit stops it");
            result.Status.Should().Be(InvocationStatus.TimedOut);

            await Task.Delay(50);
            var first = await CountAsync(tenant);
            await Task.Delay(200);
            (await CountAsync(tenant)).Should().Be(first, "the loop's thread was stopped by a checkpoint");
        }
        finally
        {
            await tenant.FillAsync("stop", TestEvents.Fill(), CancellationToken.None);
        }
    }

    [Fact]
    public async Task NegativeControl_WithoutWeavingThePluginsLoopKeepsSpinningAfterTheTimeout()
    {
        using var harness = new EngineHarness("acme", invocationTimeout: Limit, checkpoints: false);
        PluginCompiler.CompileInto(harness.Folder, "Spinner", Spinner("while (Spin.Running) { Spin.Step(); }"));
        using var tenant = harness.Load();
        try
        {
            var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);
            result.Status.Should().Be(InvocationStatus.TimedOut);

            var first = await CountAsync(tenant);
            await Task.Delay(200);
            (await CountAsync(tenant)).Should().BeGreaterThan(first, "nothing stops a plugin's tight loop but the woven checkpoints");
        }
        finally
        {
            (await tenant.FillAsync("stop", TestEvents.Fill(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        }
    }

    [Fact]
    public async Task APluginsUnboundedRecursionEndsWithANamedErrorAndTheProcessLives()
    {
        // Generous: the error unwinds through every frame down to the stack margin, which takes seconds on a loaded machine.
        using var harness = new EngineHarness("acme", invocationTimeout: TimeSpan.FromSeconds(30));
        PluginCompiler.CompileInto(harness.Folder, "Deep", """
            using WalletCrew.Plugins;

            namespace Deep;

            public sealed class Recurse : IPassUpdater
            {
                public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    F(0);
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                private static int F(int n) => F(n + 1) + 1;
            }
            """);
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("ExecutionLimitExceededException: The connector nested calls ");
    }

    [Fact]
    public void APluginWhoseRegistrationNeverEndsIsReportedAtTheLoadLimit()
    {
        using var harness = new EngineHarness("acme", loadTimeout: Limit);
        PluginCompiler.CompileInto(harness.Folder, "Stuck", """
            using WalletCrew.Plugins;

            namespace Stuck;

            public sealed class Module : IConnectorModule
            {
                public static long Count;

                public void Register(IConnectorContext context)
                {
                    while (true) { Count++; }
                }
            }
            """);

        using var tenant = harness.Load();

        // The woven checkpoint stops the loop at the limit (ExecutionLimitExceededException); on a loaded machine the load's
        // own wait, which ends at the same limit, may report it first. Either names the limit (that the loop's thread is
        // stopped is the Loops tests' concern).
        tenant.Diagnostics.Should().ContainSingle().Which.ToString().Should().Contain("(limit: LoadTimeout)")
            .And.ContainAny("ExecutionLimitExceededException", "did not finish within 0.5 s");
    }

    /// <summary>A plugin's <c>Register</c> runs under the tenant's own limits (tenant.json), as a script's top-level code does;
    /// it used to get the engine's defaults whatever the tenant set.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APluginsRegistrationIsHeldToTheTenantsLimitsAsAScriptsTopLevelCodeIs(bool tenantLimit)
    {
        using var harness = new EngineHarness("acme");
        if (tenantLimit)
        {
            File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), """{ "limits": { "logEntriesPerInvocation": 2 } }""");
        }

        PluginCompiler.CompileInto(harness.Folder, "Chatty", """
            using Microsoft.Extensions.Logging;
            using WalletCrew.Plugins;

            namespace Chatty;

            public sealed class Module : IConnectorModule
            {
                public void Register(IConnectorContext context)
                {
                    for (var i = 0; i < 5; i++)
                    {
                        context.Log.LogInformation("plugin {I}", i);
                    }
                }
            }
            """);
        harness.Folder.WriteScript("chatty.csx", "for (var i = 0; i < 5; i++) { console.log($\"script {i}\"); }");

        using var tenant = harness.Load();

        // The negative control (no tenant.json): all five lines of each are kept, so the limit is what cuts them.
        var kept = tenantLimit ? 2 : 5;
        tenant.LoadLog.Count(e => e.Message.StartsWith("plugin ", StringComparison.Ordinal)).Should().Be(kept);
        tenant.LoadLog.Count(e => e.Message.StartsWith("script ", StringComparison.Ordinal)).Should().Be(kept);
        tenant.LoadLog.Count(e => e.Message.Contains("(limit: LogEntriesPerInvocation)", StringComparison.Ordinal)).Should().Be(tenantLimit ? 2 : 0);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WithTheCacheOffWovenCopiesGoToAnOwnerOnlyFolderOfTheProcess()
    {
        using var harness = new EngineHarness("acme");
        PluginCompiler.CompileInto(harness.Folder, "Spinner", Spinner("Spin.Step();"));

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        var folders = Directory.GetDirectories(Path.GetTempPath(), "wcp-woven-*")
            .Where(f => Directory.GetDirectories(f).Length > 0)
            .ToList();
        folders.Should().NotBeEmpty("the engine without a compile cache weaves into a temp folder of its own");
        folders.Select(File.GetUnixFileMode).Should().Contain(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            "no other user may plant a woven copy there");
    }

    // The probe runs under the same tight limit as the loop: on a loaded machine it may itself time out, which says nothing
    // about the loop (a loop still spinning shows as a count that grows), so a timed-out probe is asked again.
    private static async Task<long> CountAsync(TenantConnectors tenant)
    {
        var probe = await tenant.FillAsync("probe", TestEvents.Fill(), CancellationToken.None);
        for (var attempt = 1; attempt < 5 && probe.Status == InvocationStatus.TimedOut; attempt++)
        {
            probe = await tenant.FillAsync("probe", TestEvents.Fill(), CancellationToken.None);
        }

        probe.Status.Should().Be(InvocationStatus.Succeeded, probe.Error);
        return probe.Data!["count"]!.GetValue<long>();
    }

    private static string Spinner(string loop) => $$"""
        using System.Text.Json.Nodes;
        using WalletCrew.Plugins;

        namespace Spinner;

        public sealed class Module : IConnectorModule
        {
            public void Register(IConnectorContext context)
            {
                context.Register(RegistrationKeys.PassUpdater, new Loop());
                context.Register("runtime.scriptable.customerProvider.probe", new Provider(() => new JsonObject { ["count"] = Spin.Count }));
                context.Register("runtime.scriptable.customerProvider.stop", new Provider(() => new JsonObject { ["stopped"] = Spin.Stop() }));
            }
        }

        public sealed class Loop : IPassUpdater
        {
            public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
            {
                await Task.Yield();
                {{loop}}
            }

            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public sealed class Provider(Func<JsonObject> answer) : ICustomerProvider
        {
            public Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken) => Task.FromResult(new FillResult(answer()));
        }

        {{SpinningScripts.SpinType}}
        """;
}
