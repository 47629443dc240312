using Microsoft.CodeAnalysis;
using Mono.Cecil;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>
/// Every file a plugin's context can load is judged, and nothing else loads: a dependency with another extension case, in
/// a subfolder, in a culture folder, named by .deps.json outside the folder, or reached through a type forwarder.
/// </summary>
/// <remarks>
/// Before the loader read every file and loaded only what it judged, the Helper.DLL, culture-folder and forwarder cases
/// loaded unjudged (McMaster's context resolved .deps.json and culture folders; the check read only *.dll and ignored
/// forwarders), so these tests failed; the lib/Helper.bin and outside-the-folder cases failed to load then, but no check
/// named them. Each has a control: the same layout with harmless code loads and runs.
/// </remarks>
public sealed class PluginFileTests : IDisposable
{
    private const string Main = """
        namespace Main;

        public sealed class Sync : WalletCrew.Plugins.IPassUpdater
        {
            public Sync() => Seen = Helper.Probe.Run();

            public static string Seen { get; private set; } = "";

            public Task OnPassInstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task OnPassUninstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    private readonly EngineHarness _harness = new();
    private readonly string _sentinel = Path.Combine(Path.GetTempPath(), "wcp-tests", "ran-" + Guid.NewGuid().ToString("N"));

    private string PluginFolder => SamplePlugins.PluginFolder(_harness.Folder, "Main");

    [Theory]
    [InlineData("Helper.DLL", "")]
    [InlineData("lib/Helper.bin", "")]
    [InlineData("de/Helper.dll", "de")]
    public void ADependencyTheContextCanLoadIsJudgedWhateverItsFileName(string file, string culture)
    {
        Deploy(file, culture, hostile: true);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Contain(
            $"server/plugins/Main/{file}: error WCP0310: The plugin file {file} uses 'System.IO.File.WriteAllText', which is not allowed in connectors: "
            + "file system access is forbidden. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
        tenant.PassUpdaterCount.Should().Be(0);
        File.Exists(_sentinel).Should().BeFalse("the hostile dependency must not have run");
    }

    [Theory]
    [InlineData("Helper.DLL", "")]
    [InlineData("lib/Helper.bin", "")]
    [InlineData("de/Helper.dll", "de")]
    public void TheSameLayoutWithHarmlessCodeLoadsAndRuns(string file, string culture)
    {
        Deploy(file, culture, hostile: false);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1, "the main assembly found its dependency by name, wherever the file is");
    }

    [Fact]
    public void DepsJsonNamingAFileOutsideThePluginFolderIsRefused()
    {
        var outside = Path.Combine(_harness.Folder.Directory, "outside", "Helper.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        var helper = PluginCompiler.Compile("Helper", HelperSource(hostile: true), []);
        File.WriteAllBytes(outside, helper);
        WriteMain(helper);
        WriteDepsJson(outside);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"server/plugins/Main/Main.deps.json: error WCP0312: The plugin file Main.deps.json is refused: it names '{outside}', outside the plugin folder; "
            + "a plugin loads only the files in its own folder. Nothing from the plugin was loaded; ship the plugin's build output as it is, in its own folder.");
        File.Exists(_sentinel).Should().BeFalse();
    }

    [Theory]
    [InlineData("System.IO.File", "WriteAllText", "'System.IO.File'")]
    [InlineData("System.Environment", "SetEnvironmentVariable", "'System.Environment.SetEnvironmentVariable'")]
    public void ATypeForwarderIsFollowedToItsTargetAndJudgedAsIt(string type, string member, string refused)
    {
        DeployForwarded(type, member, chained: false);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Should().Contain(d => d.Path == "server/plugins/Main/Main.dll" && d.Code == "WCP0310"
            && d.Message.StartsWith($"The plugin Main uses {refused}, which is not allowed in connectors", StringComparison.Ordinal));
        tenant.PassUpdaterCount.Should().Be(0);
        File.Exists(_sentinel).Should().BeFalse();
    }

    [Fact]
    public void AChainOfForwardersIsFollowedToo()
    {
        DeployForwarded("System.IO.File", "WriteAllText", chained: true);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP0310" && d.Message.StartsWith("The plugin Main uses 'System.IO.File'", StringComparison.Ordinal));
        File.Exists(_sentinel).Should().BeFalse();
    }

    [Fact]
    public void AForwarderToAnAllowedMemberLoadsAndRuns()
    {
        // Control: forwarding as such is fine; what the forwarder leads to is judged.
        DeployForwarded("System.Text.StringBuilder", "Append", chained: true);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void ASymbolicLinkInThePluginFolderIsRefusedBeforeAnythingIsRead()
    {
        // A link could lead anywhere (another tenant's files, /dev/zero); the folder must hold its own files.
        var outside = Path.Combine(_harness.Folder.Directory, "outside", "Helper.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        var helper = PluginCompiler.Compile("Helper", HelperSource(hostile: false), []);
        File.WriteAllBytes(outside, helper);
        WriteMain(helper);
        File.CreateSymbolicLink(Path.Combine(PluginFolder, "Helper.dll"), outside);

        using var tenant = _harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/Main/Helper.dll: error WCP0312: The plugin file Helper.dll is refused: it is a symbolic link; a plugin folder holds its own files. "
            + "Nothing from the plugin was loaded; ship the plugin's build output as it is, in its own folder.");
    }

    [Fact]
    public void AnOversizedPluginFolderIsRefusedBeforeAnythingIsRead()
    {
        Deploy("Helper.dll", "", hostile: false);
        using (var padding = File.Create(Path.Combine(PluginFolder, "padding.bin")))
        {
            padding.SetLength(300L * 1024 * 1024); // sparse: nothing is written
        }

        using var tenant = _harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/plugins/Main: error WCP0312: The plugin folder is refused: it holds 300 MiB, more than the 256 MiB a plugin may ship. "
            + "Nothing from the plugin was loaded; ship the plugin's build output as it is, in its own folder.");
    }

    public void Dispose()
    {
        _harness.Dispose();
        File.Delete(_sentinel);
    }

    private string HelperSource(bool hostile) => $$"""
        namespace Helper;

        public static class Probe
        {
            public static string Run() { {{(hostile ? $"System.IO.File.WriteAllText(@\"{_sentinel}\", \"ran\");" : "")}} return "helper"; }
        }
        """;

    private void Deploy(string file, string culture, bool hostile)
    {
        var cultureAttribute = culture.Length == 0 ? "" : $"[assembly: System.Reflection.AssemblyCulture(\"{culture}\")]\n";
        var helper = PluginCompiler.Compile("Helper", cultureAttribute + HelperSource(hostile), []);
        var path = Path.Combine(PluginFolder, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, helper);
        WriteMain(helper);
        if (culture.Length == 0)
        {
            WriteDepsJson(file); // how a plugin's build output names a dependency
        }
    }

    private void WriteMain(byte[] helper)
    {
        Directory.CreateDirectory(PluginFolder);
        File.WriteAllBytes(Path.Combine(PluginFolder, "Main.dll"),
            PluginCompiler.Compile("Main", Main, [.. PluginCompiler.HostAbstractions, MetadataReference.CreateFromImage(helper)]));
    }

    private void WriteDepsJson(string helperAsset) => File.WriteAllText(Path.Combine(PluginFolder, "Main.deps.json"), $$"""
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0", "signature": "" },
          "targets": {
            ".NETCoreApp,Version=v10.0": {
              "Main/1.0.0": { "dependencies": { "Helper": "1.0.0" }, "runtime": { "Main.dll": {} } },
              "Helper/1.0.0": { "runtime": { "{{helperAsset}}": {} } }
            }
          },
          "libraries": {
            "Main/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Helper/1.0.0": { "type": "project", "serviceable": false, "sha512": "" }
          }
        }
        """);

    /// <summary>
    /// The main assembly calls <paramref name="type"/>.<paramref name="member"/> through a reference into the plugin's own
    /// Shim assembly, which forwards the type to the framework (through Shim2 when chained). C# never writes such a
    /// reference, so the compiled references are retargeted with Cecil.
    /// </summary>
    private void DeployForwarded(string type, string member, bool chained)
    {
        var call = type switch
        {
            "System.IO.File" => $"System.IO.File.{member}(@\"{_sentinel}\", \"ran\")",
            "System.Environment" => $"System.Environment.{member}(\"WCP_TEST_{Guid.NewGuid():N}\", \"ran\")",
            _ => $"new System.Text.StringBuilder().{member}(1)",
        };
        Directory.CreateDirectory(PluginFolder);
        var main = PluginCompiler.Compile("Main", Main.Replace("Seen = Helper.Probe.Run();", $"{call};", StringComparison.Ordinal), PluginCompiler.HostAbstractions);
        File.WriteAllBytes(Path.Combine(PluginFolder, "Main.dll"), Retarget(main, module =>
        {
            var shim = new AssemblyNameReference("Shim", new Version(0, 0, 0, 0));
            module.AssemblyReferences.Add(shim);
            foreach (var reference in module.GetTypeReferences().Where(t => t.FullName == type))
            {
                reference.Scope = shim;
            }
        }));

        var forwarder = PluginCompiler.Compile("Shim", $"[assembly: System.Runtime.CompilerServices.TypeForwardedTo(typeof({type}))]", []);
        File.WriteAllBytes(Path.Combine(PluginFolder, "Shim2.dll"), Retarget(forwarder, module => module.Assembly.Name.Name = "Shim2"));
        File.WriteAllBytes(Path.Combine(PluginFolder, "Shim.dll"), !chained ? forwarder : Retarget(forwarder, module =>
        {
            var next = new AssemblyNameReference("Shim2", new Version(0, 0, 0, 0));
            module.AssemblyReferences.Add(next);
            foreach (var exported in module.ExportedTypes.Where(e => e.DeclaringType is null))
            {
                exported.Scope = next;
            }
        }));
    }

    private static byte[] Retarget(byte[] image, Action<ModuleDefinition> change)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        change(module);
        using var output = new MemoryStream();
        module.Write(output);
        return output.ToArray();
    }
}
