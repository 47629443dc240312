using Microsoft.CodeAnalysis;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

public sealed class PluginRefusalTests
{
    private static readonly string s_host = typeof(IPassUpdater).Assembly.GetName().Version!.ToString(3);

    [Fact]
    public void PluginBuiltAgainstAnotherAbstractionsMajorVersionIsRefusedBeforeLoading()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "OldMajorPlugin", "public sealed class Old : WalletCrew.Plugins.IPassUpdater { }", [FakeAbstractions("9.0.0.0")]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/OldMajorPlugin/OldMajorPlugin.dll: error WCP0301: The plugin was built against WalletCrew.Plugins.Abstractions 9.0.0, "
            + $"but this host provides WalletCrew.Plugins.Abstractions {s_host}; major versions must match. "
            + $"Rebuild the plugin against WalletCrew.Plugins.Abstractions {s_host.Split('.')[0]}.x (this host's {s_host}).");
        AppDomain.CurrentDomain.GetAssemblies().Should().NotContain(a => a.GetName().Name == "OldMajorPlugin");
    }

    [Fact]
    public void PluginBuiltAgainstNewerAbstractionsOfTheSameMajorIsRefused()
    {
        using var harness = new EngineHarness();
        var newer = new Version(int.Parse(s_host.Split('.')[0]), 99, 0, 0);
        PluginCompiler.CompileInto(harness.Folder, "NewerPlugin", "public sealed class Newer : WalletCrew.Plugins.IPassUpdater { }", [FakeAbstractions(newer.ToString())]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"server/plugins/NewerPlugin/NewerPlugin.dll: error WCP0302: The plugin was built against WalletCrew.Plugins.Abstractions {newer.ToString(3)}, "
            + $"newer than this host's {s_host}, so members it uses may not exist here. Rebuild the plugin against WalletCrew.Plugins.Abstractions {s_host}, or upgrade the host.");
    }

    /// <summary>
    /// The checkpoints are the engine's: a plugin that calls ConnectorCheckpoint itself could reset the LINQ depth it records or
    /// record one on an object every tenant shares. Control: the same plugin without the call loads.
    /// </summary>
    [Theory]
    [InlineData("WalletCrew.Plugins.ConnectorCheckpoint.Query(\"acme\", System.Array.Empty<int>(), null);", true)]
    [InlineData("WalletCrew.Plugins.ConnectorCheckpoint.Tick();", true)]
    [InlineData("", false)]
    public void APluginThatCallsTheCheckpointsItselfIsRefused(string call, bool refused)
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Poison", $$"""
            public sealed class Poison : WalletCrew.Plugins.IPassUpdater
            {
                public System.Threading.Tasks.Task OnPassInstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, System.Threading.CancellationToken cancellationToken) { {{call}} return System.Threading.Tasks.Task.CompletedTask; }
                public System.Threading.Tasks.Task OnPassUninstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, System.Threading.CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;
            }
            """);

        using var tenant = harness.Load();

        tenant.PassUpdaterCount.Should().Be(refused ? 0 : 1);
        if (refused)
        {
            tenant.Diagnostics.Should().ContainSingle().Which.Message.Should().Contain("it calls WalletCrew.Plugins.ConnectorCheckpoint.").And.Contain("itself, which only the engine's weaving may");
        }
    }

    [Fact]
    public void AssemblyWithoutTheAbstractionsIsNotAConnector()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Unrelated", "public static class Helper { public static int Two() => 2; }", []);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/Unrelated/Unrelated.dll: error WCP0303: The assembly does not reference WalletCrew.Plugins.Abstractions, so it is not a connector. "
            + "Reference WalletCrew.Plugins.Abstractions (Private=false) and implement IConnectorModule, IPassUpdater or ICustomerProvider.");
    }

    [Fact]
    public void FileThatIsNotAnAssemblyIsRefused()
    {
        using var harness = new EngineHarness();
        var folder = SamplePlugins.PluginFolder(harness.Folder, "Garbage");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Garbage.dll"), "not a PE file");

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().ContainSingle().Which.Should().Match<ConnectorDiagnostic>(d =>
            d.Path == "server/plugins/Garbage/Garbage.dll" && d.Code == "WCP0304" && d.Message.StartsWith("The file is not a .NET assembly ("));
    }

    [Fact]
    public void PluginFolderWithoutItsAssemblyIsReported()
    {
        using var harness = new EngineHarness();
        Directory.CreateDirectory(SamplePlugins.PluginFolder(harness.Folder, "Empty"));

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/Empty/Empty.dll: error WCP0305: The plugin folder has no Empty.dll. A plugin folder server/plugins/<Name>/ must contain <Name>.dll: "
            + "copy the plugin's build output into it, or rename the folder after its assembly.");
    }

    [Fact]
    public void PluginMissingADependencyGivesALoadDiagnostic()
    {
        using var harness = new EngineHarness();
        var dependency = MetadataReference.CreateFromImage(PluginCompiler.Compile("CrmClient", "namespace CrmClient; public abstract class ClientBase { }", []));
        PluginCompiler.CompileInto(harness.Folder, "Needy", """
            namespace Needy;

            public sealed class Sync : CrmClient.ClientBase, WalletCrew.Plugins.IPassUpdater
            {
                public Task OnPassInstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task OnPassUninstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """, [.. PluginCompiler.HostAbstractions, dependency]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().ContainSingle().Which.Should().Match<ConnectorDiagnostic>(d =>
            d.Path == "server/plugins/Needy/Needy.dll" && d.Code == "WCP0306"
            && d.Message.StartsWith("The plugin could not be loaded: FileNotFoundException: Could not load file or assembly 'CrmClient,")
            && d.Message.EndsWith("Copy all of the plugin's build output (its dependencies and .deps.json) into its folder."));
    }

    [Fact]
    public void ThrowingModuleGivesADiagnosticAndTheTenantsOtherConnectorsStillLoad()
    {
        using var harness = new EngineHarness("minimal");
        harness.Folder.CopySample("minimal");
        PluginCompiler.CompileInto(harness.Folder, "ThrowingPlugin", """
            namespace ThrowingPlugin;

            public sealed class BrokenModule : WalletCrew.Plugins.IConnectorModule
            {
                public void Register(WalletCrew.Plugins.IConnectorContext context) => throw new InvalidOperationException("CRM configuration missing.");
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/ThrowingPlugin/ThrowingPlugin.dll: error WCP0308: ThrowingPlugin.BrokenModule.Register failed: InvalidOperationException: CRM configuration missing.");
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void ThrowingConstructorGivesADiagnostic()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "FragilePlugin", """
            namespace FragilePlugin;

            public sealed class Fragile : WalletCrew.Plugins.IPassUpdater
            {
                public Fragile(WalletCrew.Plugins.IConnectorContext context) => throw new ArgumentException("No tenant settings.");

                public Task OnPassInstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task OnPassUninstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/FragilePlugin/FragilePlugin.dll: error WCP0307: Creating FragilePlugin.Fragile failed: ArgumentException: No tenant settings.");
    }

    [Fact]
    public void PluginWithoutPublicConnectorTypesIsReported()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Hidden", """
            namespace Hidden;

            internal sealed class Module : WalletCrew.Plugins.IConnectorModule
            {
                public void Register(WalletCrew.Plugins.IConnectorContext context) { }
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/Hidden/Hidden.dll: error WCP0309: The plugin has no public, non-abstract type implementing IConnectorModule, IPassUpdater, ICustomerProvider or IEmailSender: make your connector class public.");
    }

    [Fact]
    public void BindingProblemsOfAPluginNameItsAssembly()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Misspelled", """
            namespace Misspelled;

            public sealed class Module : WalletCrew.Plugins.IConnectorModule
            {
                public void Register(WalletCrew.Plugins.IConnectorContext context) =>
                    context.Register("runtime.wallet.passUpdatr", new WalletCrew.Plugins.Hooks { ["OnPassInstalled"] = () => { } });
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().ContainSingle().Which.Should().Match<ConnectorDiagnostic>(d =>
            d.Path == "server/plugins/Misspelled/Misspelled.dll" && d.Code == "WCP0101" && d.Message.Contains("Did you mean 'runtime.wallet.passUpdater'?"));
    }

    // A stand-in for another release of the abstractions: same name, another version, just enough of the contract.
    private static MetadataReference FakeAbstractions(string version) =>
        MetadataReference.CreateFromImage(PluginCompiler.Compile("WalletCrew.Plugins.Abstractions", $$"""
            [assembly: System.Reflection.AssemblyVersion("{{version}}")]

            namespace WalletCrew.Plugins;

            public interface IPassUpdater { }
            """, []));
}
