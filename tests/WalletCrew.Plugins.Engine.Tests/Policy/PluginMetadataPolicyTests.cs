using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>A plugin assembly is checked on its metadata against the scripts' allow-list before anything of it loads.</summary>
public sealed class PluginMetadataPolicyTests
{
    private const string Hook = """
        public sealed class Sync : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Fact]
    public void ForbiddenApiIsNamedAndNothingLoads()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "FilePlugin", "using WalletCrew.Plugins;\n" + Hook + """

            public static class Leak { public static string Read() => System.IO.File.ReadAllText("/etc/passwd"); }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/FilePlugin/FilePlugin.dll: error WCP0310: The plugin FilePlugin uses 'System.IO.File', which is not allowed in connectors: "
            + "file system access is forbidden. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.",
            "server/plugins/FilePlugin/FilePlugin.dll: error WCP0310: The plugin FilePlugin uses 'System.IO.File.ReadAllText', which is not allowed in connectors: "
            + "file system access is forbidden. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
        tenant.PassUpdaterCount.Should().Be(0);
        AppDomain.CurrentDomain.GetAssemblies().Should().NotContain(a => a.GetName().Name == "FilePlugin");
    }

    [Fact]
    public void WideningTheAllowListLetsTheSamePluginLoad()
    {
        // Negative control: the allow-list, not something else, is what refused it.
        using var harness = new EngineHarness(widenPolicy: allow => allow.Types("System.IO", "File"));
        PluginCompiler.CompileInto(harness.Folder, "FilePlugin", "using WalletCrew.Plugins;\n" + Hook + """

            public static class Leak { public static string Read() => System.IO.File.ReadAllText("/etc/passwd"); }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void PInvokeAndModuleInitializerAreRefused()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "NativePlugin", "using WalletCrew.Plugins;\n" + Hook + """

            public static class Native
            {
                [System.Runtime.InteropServices.DllImport("libc")] public static extern int getpid();
                [System.Runtime.CompilerServices.ModuleInitializer] public static void Init() { }
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Equal(
            "The plugin NativePlugin uses 'System.Runtime.CompilerServices.ModuleInitializerAttribute', which is not allowed in connectors: it is not on the connectors' allow-list. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.",
            "The plugin NativePlugin uses 'System.Runtime.CompilerServices.ModuleInitializerAttribute..ctor', which is not allowed in connectors: it is not on the connectors' allow-list. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.",
            "The plugin NativePlugin uses 'module initializer', which is not allowed in connectors: it runs when the plugin loads, before any limit applies. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.",
            "The plugin NativePlugin uses 'Native.getpid', which is not allowed in connectors: native code (P/Invoke) cannot be checked. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");

    }

    [Fact]
    public void EverydayCompiledCodeIsAllowed()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "EverydayPlugin", """
            using System.Text.Json;
            using Microsoft.Extensions.Logging;
            using WalletCrew.Plugins;

            public sealed record Points(string Customer, int Value);

            public sealed class Sync(IConnectorContext context) : IPassUpdater
            {
                private static readonly int[] Tiers = [100, 500, 1000];

                public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    var points = new Points(e.Identifiers["customerId"], Tiers.Where(t => t > 50).Sum());
                    var (name, value) = (points.Customer, points.Value);
                    await Task.Yield();
                    context.Log.LogInformation("{Text}", $"{name} {value} {typeof(Points) == typeof(int)} {JsonSerializer.Serialize(points)} {points}");
                    foreach (var item in Numbers()) { value += item; }
                    await foreach (var item in NumbersAsync()) { value += item; }
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                private static IEnumerable<int> Numbers() { yield return 1; }

                private static async IAsyncEnumerable<int> NumbersAsync() { await Task.Delay(1); yield return 2; }
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Theory]
    [InlineData("typeof(System.IO.FileInfo)", "System.IO.FileInfo", "file system access is forbidden")]
    [InlineData("typeof(List<System.Diagnostics.Process>)", "System.Diagnostics.Process", "starting or inspecting processes is forbidden")]
    [InlineData("typeof(System.Net.Sockets.Socket[])", "System.Net.Sockets.Socket", "network access outside fetch is forbidden")]
    public void TypesNamedInAttributeArgumentsAreJudged(string argument, string type, string reason)
    {
        // typeof in an attribute is stored as a name, not a reference, and System.Text.Json creates what [JsonConverter] names.
        // Before attribute arguments were read, each of these plugins loaded.
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "NamingPlugin", "using WalletCrew.Plugins;\n" + Hook + $$"""

            [System.Text.Json.Serialization.JsonConverter({{argument}})]
            public sealed class Shape { }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Equal(
            $"The plugin NamingPlugin uses '{type}', which is not allowed in connectors: {reason}. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Fact]
    public void AllowedTypesNamedInAttributeArgumentsLoad()
    {
        // Control: the same attribute naming an allowed converter, and the plugin's own types and enums in attribute arguments.
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "NamingPlugin", "using WalletCrew.Plugins;\n" + Hook + """

            public enum Shade : byte { Light, Dark }
            public sealed class ShadeAttribute(Shade shade, Type? related = null) : Attribute { public Shade Value => shade; public Type? Related => related; }

            [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter))]
            [Shade(Shade.Dark, typeof(Dictionary<string, Shape>))]
            public sealed class Shape { [System.Diagnostics.DebuggerBrowsable(System.Diagnostics.DebuggerBrowsableState.Never)] public int Hidden; }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void PluginNamedLikeAFriendOfTheAbstractionsIsRefused()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "WalletCrew.Plugins.Engine", "using WalletCrew.Plugins;\n" + Hook);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Equal(
            "The plugin WalletCrew.Plugins.Engine uses 'assembly name 'WalletCrew.Plugins.Engine'', which is not allowed in connectors: the name is reserved for the platform's own assemblies, "
            + "which see the abstractions' internals; rename the assembly. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }
}
