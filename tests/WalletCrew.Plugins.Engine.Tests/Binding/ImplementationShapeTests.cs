using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Binding;

/// <summary>Each registration shape of SPEC §3.2 binds and runs, in the JavaScript style and in typed C#.</summary>
public sealed class ImplementationShapeTests
{
    private const string Hooks = """
        void onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device) =>
            console.log($"installed {passId} {device} {identifiers["customerId"]}");
        void onPassUninstalled(string passId) => console.log($"uninstalled {passId}");
        """;

    public static TheoryData<string, string> Shapes => new()
    {
        {
            "typed class",
            """
            context.register("runtime.wallet.passUpdater", new Sync());
            sealed class Sync : IPassUpdater
            {
                public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken ct) { Context_Log($"installed {e.PassId} {e.Device} {e.Identifiers["customerId"]}"); return Task.CompletedTask; }
                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken ct) { Context_Log($"uninstalled {e.PassId}"); return Task.CompletedTask; }
                private static void Context_Log(string m) => Log.LogInformation("{M}", m.Replace("Apple", "apple"));
            }
            """
        },
        { "Hooks map", Hooks + "\ncontext.register(\"runtime.wallet.passUpdater\", new Hooks { [\"OnPassInstalled\"] = onPassInstalled, [\"onpassuninstalled\"] = onPassUninstalled });" },
        { "anonymous object with Delegate casts", Hooks + "\ncontext.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (Delegate)onPassInstalled, OnPassUninstalled = (Delegate)onPassUninstalled });" },
        {
            "record of Funcs",
            Hooks + """

            context.register("runtime.wallet.passUpdater", new Members(onPassInstalled, onPassUninstalled));
            record Members(Action<string, string, IReadOnlyDictionary<string, string>, string> OnPassInstalled, Action<string> OnPassUninstalled);
            """
        },
        { "JavaScript shape", Hooks + "\ncontext.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = onPassInstalled, OnPassUninstalled = onPassUninstalled });" },
        { "JavaScript shape with lambdas", "context.register(\"runtime.wallet.passUpdater\", new { onPassInstalled = (string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device) => console.log($\"installed {passId} {device} {identifiers[\"customerId\"]}\"), OnPassUninstalled = async (string passId) => { await Task.Yield(); console.log($\"uninstalled {passId}\"); } });" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task ShapeBindsAndRunsBothHooks(string shape, string source)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(source);

        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty(shape);
        tenant.PassUpdaterCount.Should().Be(1);

        var installed = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        var uninstalled = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(installed: false, passId: "P2"), CancellationToken.None);

        installed.Log.Select(l => l.Message).Should().Equal("installed P1 apple C42");
        uninstalled.Log.Select(l => l.Message).Should().Equal("uninstalled P2");
    }

    [Fact]
    public async Task TwoParameterHookBinds()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId, string passType) { await Task.Yield(); console.log(passId, passType); }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("P1 loyalty");
    }

    [Fact]
    public async Task SynchronousHookBinds()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void onPassInstalled(string passId) => console.log("sync", passId);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Select(l => l.Message).Should().Equal("sync P1");
    }

    [Theory]
    [InlineData("async ValueTask<int> onPassInstalled(string passId) { await Task.Yield(); console.log(\"value task\", passId); return 1; }", "value task P1")]
    [InlineData("Task<string> onPassInstalled(string passId) { console.log(\"task of a value\", passId); return Task.FromResult(passId); }", "task of a value P1")]
    [InlineData("async ValueTask onPassInstalled(string passId, CancellationToken ct) { await Task.Delay(1, ct); console.log(\"value task\", passId); }", "value task P1")]
    public async Task HookReturningAnyTaskShapeIsAwaited(string function, string expected)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(function + "\ncontext.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = onPassInstalled });");

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(l => l.Message).Should().Equal(expected);
    }

    [Fact]
    public async Task HookThatThrowsBeforeReturningFailsWithItsOwnExceptionAndLine()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void onPassInstalled(string passId) =>
                throw new InvalidOperationException("no CRM account for " + passId);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be("InvalidOperationException: no CRM account for P1 (at server/script/connector.csx:line 2)");
    }

    [Theory]
    [InlineData("string device", "device=google")]
    [InlineData("Device device", "device=Google")]
    [InlineData("object device", "device=Google")]
    public async Task DeviceBindsAsStringOrEnum(string parameter, string expected)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            ValueTask onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, {{parameter}}) { console.log($"device={device}"); return ValueTask.CompletedTask; }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(device: Device.Google), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal(expected);
    }

    [Fact]
    public async Task FifthParameterCarriesRegistrationStatisticsAndTokenMayFollow()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation info, CancellationToken cancellationToken)
            {
                console.log(info.RegistrationInformation.ActiveRegistrationCount, info.RegistrationInformation.TotalRegistrationCount, cancellationToken.CanBeCanceled);
                return Task.CompletedTask;
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Log.Select(l => l.Message).Should().Equal("1 2 true");
    }

    [Fact]
    public async Task SeveralConnectorsOnOneKeyAreAllInvoked()
    {
        using var harness = new EngineHarness();
        harness.Folder.WriteScript("a.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => console.log(\"a\", passId) });");
        harness.Folder.WriteScript("sub/b.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => console.log(\"b\", passId) });");
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        tenant.PassUpdaterCount.Should().Be(2);
        result.Log.Select(l => l.Message).Should().Equal("a P1", "b P1");
    }

    [Fact]
    public async Task HookMissingFromTheMapIsANoOp()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => console.log(passId) });");

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(installed: false), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Should().BeEmpty();
    }
}
