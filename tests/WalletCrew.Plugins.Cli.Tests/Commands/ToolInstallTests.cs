using System.Reflection.PortableExecutable;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// The README's install path on a clean tool folder: <c>dotnet pack src/WalletCrew.Plugins.Cli -c Release -o &lt;feed&gt;</c>, then
/// <c>dotnet tool install --tool-path &lt;folder&gt; --add-source &lt;feed&gt; WalletCrew.Plugins.Cli</c>, and the installed wcp
/// checks a sample. eng/test.sh packs once after the build and names the feed in WCP_TEST_TOOL_FEED; without it the test packs.
/// </summary>
[Trait("Category", "SdkBuild")]
public sealed class ToolInstallTests
{
    private const string FeedVariable = "WCP_TEST_TOOL_FEED";

    [Fact]
    public async Task TheInstalledToolIsReadyToRunCarriesItsWorkerAndChecksASample()
    {
        using var tenant = new TenantFolder("minimal").CopySample("minimal");
        var work = Path.GetDirectoryName(tenant.Directory)!;
        var feed = Environment.GetEnvironmentVariable(FeedVariable) is { Length: > 0 } packed ? packed : await PackAsync(Path.Combine(work, "nupkg"));
        var tools = Path.Combine(work, "tools");
        // The feed is the only package source: the install needs no network and cannot pick up another copy.
        File.WriteAllText(Path.Combine(work, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");

        var install = await DotnetProcess.RunInAsync(work, TimeSpan.FromMinutes(3), "tool", "install", "--tool-path", tools, "--add-source", feed, "WalletCrew.Plugins.Cli");
        var wcp = Path.Combine(tools, OperatingSystem.IsWindows() ? "wcp.exe" : "wcp");
        var version = await DotnetProcess.RunProgramAsync(wcp, work, TimeSpan.FromMinutes(1), "--version");
        var check = await DotnetProcess.RunProgramAsync(wcp, work, TimeSpan.FromMinutes(2), "check", tenant.Directory, "--cache", "off");

        install.ExitCode.Should().Be(0, install.Output);
        version.ExitCode.Should().Be(0, version.Output);
        version.Output.Trim().Should().StartWith(ConnectorTemplatesVersion);
        check.ExitCode.Should().Be(0, check.Output);
        check.Output.Trim().Should().Be("minimal: 0 error(s), 0 warning(s); 1 pass updater(s), 0 customer provider(s).");
        var files = Path.GetDirectoryName(Directory.GetFiles(Path.Combine(tools, ".store"), "wcp.dll", SearchOption.AllDirectories).Single())!;
        files.Should().Contain("walletcrew.plugins.cli.linux-x64", "the RID-specific package is the one installed on this machine");
        File.Exists(Path.Combine(files, "worker", "WalletCrew.Plugins.Worker.dll")).Should().BeTrue("the tool carries the compiler and sandbox worker");
        IsReadyToRun(Path.Combine(files, "wcp.dll")).Should().BeTrue();
        IsReadyToRun(Path.Combine(files, "Microsoft.CodeAnalysis.CSharp.dll")).Should().BeTrue();
        IsReadyToRun(Path.Combine(files, "worker", "Microsoft.CodeAnalysis.CSharp.dll")).Should().BeTrue("a cold check compiles in the worker's compile mode");
        IsReadyToRun(Path.Combine(AppContext.BaseDirectory, "worker", "Microsoft.CodeAnalysis.CSharp.dll"))
            .Should().BeFalse("the everyday build leaves the compiler to the JIT: the check above tells the two apart");
    }

    private static string ConnectorTemplatesVersion => typeof(IPassUpdater).Assembly.GetName().Version!.ToString(3);

    // The README's pack command, into a folder of the test's.
    private static async Task<string> PackAsync(string feed)
    {
        var pack = await DotnetProcess.RunAsync(
            TimeSpan.FromMinutes(10), "pack", Path.Combine(RepositoryPaths.Root, "src", "WalletCrew.Plugins.Cli"), "-c", LocalFeed.Configuration, "-o", feed, "-nologo");
        pack.ExitCode.Should().Be(0, pack.Output);
        return feed;
    }

    // A ReadyToRun image carries precompiled native code, announced by the ManagedNativeHeader of its CLI header.
    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }
}
