using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

public sealed class PluginLoadingTests
{
    private const string PluginPath = "server/plugins/AcmeLoyaltyPlugin/AcmeLoyaltyPlugin.dll";

    [Fact]
    public void SamplePluginRegistersItsPassUpdaterAndCustomerProvider()
    {
        using var harness = new EngineHarness("acme");
        SamplePlugins.CopyInto(harness.Folder, SamplePlugins.AcmeLoyalty);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
        tenant.CustomerProviders.Should().Equal("customProvider");
    }

    [Fact]
    public async Task SamplePluginHookRunsThePluginsCode()
    {
        using var harness = new EngineHarness("acme");
        SamplePlugins.CopyInto(harness.Folder, SamplePlugins.AcmeLoyalty);
        using var tenant = harness.Load();

        // CrmSync's first step reads the tenant's secret through the context: the error proves the plugin's code ran,
        // and names the plugin's own source line from its PDB.
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Be(
            "KeyNotFoundException: Tenant 'acme' has no secret named 'PARTNER-API-SECRET'. Configure it for this tenant (wcp: --secret PARTNER-API-SECRET=VALUE). (at CrmSync.cs:line 14)");
    }

    [Fact]
    public async Task PluginFilesCanBeOverwrittenAndDeletedWhileLoaded()
    {
        using var harness = new EngineHarness("acme");
        var folder = SamplePlugins.CopyInto(harness.Folder, SamplePlugins.AcmeLoyalty);
        using var tenant = harness.Load();
        var dll = Path.Combine(folder, "AcmeLoyaltyPlugin.dll");
        var pdb = Path.Combine(folder, "AcmeLoyaltyPlugin.pdb");

        var overwrite = () => File.WriteAllBytes(dll, [0x4d, 0x5a, 0, 0]);
        var delete = () =>
        {
            File.Delete(dll);
            File.Delete(pdb);
        };

        overwrite.Should().NotThrow();
        delete.Should().NotThrow();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme"), CancellationToken.None);
        result.Error.Should().StartWith("KeyNotFoundException: Tenant 'acme' has no secret named 'PARTNER-API-SECRET'.");
    }

    [Fact]
    public async Task ScriptsAndPluginsOfOneTenantAreInvokedTogether()
    {
        using var harness = new EngineHarness("minimal");
        harness.Folder.CopySample("minimal");
        PluginCompiler.CompileInto(harness.Folder, "Greeter", """
            using Microsoft.Extensions.Logging;
            using WalletCrew.Plugins;

            namespace Greeter;

            public sealed class Greeting(IConnectorContext context) : IPassUpdater
            {
                public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    context.Log.LogInformation("Plugin greets pass {PassId}", e.PassId);
                    return Task.CompletedTask;
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "minimal"), CancellationToken.None);

        tenant.Diagnostics.Should().BeEmpty();
        result.Status.Should().Be(InvocationStatus.Succeeded);
        result.Log.Select(l => l.Message).Should().Equal("Pass P1 installed on apple", "Plugin greets pass P1");
    }

    [Fact]
    public async Task CustomerProviderImplementedWithoutModuleIsNamedAfterItsClass()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Points", """
            using System.Text.Json.Nodes;
            using WalletCrew.Plugins;

            namespace Points;

            public sealed class PointsProvider : ICustomerProvider
            {
                public Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken) =>
                    Task.FromResult(new FillResult(new JsonObject { ["points"] = request.Identifiers["customerId"].Length }));
            }
            """);
        using var tenant = harness.Load();

        var result = await tenant.FillAsync("PointsProvider", TestEvents.Fill(customerId: "C4242"), CancellationToken.None);

        tenant.Diagnostics.Should().BeEmpty();
        tenant.CustomerProviders.Should().Equal("PointsProvider");
        result.Data!.ToJsonString().Should().Be("""{"points":5}""");
    }

    /// <summary>An email sender is a contract like the others: a plugin whose one connector implements it loads and sends,
    /// and a class implementing two contracts is registered under both.</summary>
    [Theory]
    [InlineData("IEmailSender", 0)]
    [InlineData("IEmailSender, IPassUpdater", 1)]
    public async Task EmailSenderImplementedWithoutModuleIsTheTenantsSender(string contracts, int passUpdaters)
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Mailer", $$"""
            using Microsoft.Extensions.Logging;
            using WalletCrew.Plugins;

            namespace Mailer;

            public sealed class Sender(IConnectorContext context) : {{contracts}}
            {
                public Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
                {
                    context.Log.LogInformation("to {Recipient}: {Template}", request.Recipient, request.EmailTemplate);
                    return Task.CompletedTask;
                }

                public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
        using var tenant = harness.Load();

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        tenant.Diagnostics.Should().BeEmpty();
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Should().ContainSingle().Which.Message.Should().StartWith("to ");
        tenant.PassUpdaterCount.Should().Be(passUpdaters);
    }

    [Fact]
    public void ModuleTakesOverRegistrationFromContractClasses()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Modular", """
            using WalletCrew.Plugins;

            namespace Modular;

            public sealed class Module : IConnectorModule
            {
                public void Register(IConnectorContext context) => context.Register(RegistrationKeys.CustomerProvider("chosen"), new Provider());
            }

            public sealed class Provider : ICustomerProvider
            {
                public Task<FillResult> FillAsync(FillRequest request, CancellationToken cancellationToken) => Task.FromResult(new FillResult(new()));
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.CustomerProviders.Should().Equal("chosen");
    }

    [Fact]
    public void PluginDiagnosticsNameThePluginAssembly()
    {
        using var harness = new EngineHarness("acme");
        SamplePlugins.CopyInto(harness.Folder, SamplePlugins.AcmeLoyalty);
        harness.Folder.WriteScript("typed.csx", File.ReadAllText(Path.Combine(RepositoryPaths.SampleTenants, "acme-typed", "server", "script", "CrmSync.csx")));

        using var tenant = harness.Load();

        // The script and the plugin both register customProvider: the plugin, loaded second, is the duplicate.
        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{PluginPath}: error WCP0107: Customer provider 'customProvider' is already registered by server/script/typed.csx; each provider name is registered once per tenant.");
    }
}
