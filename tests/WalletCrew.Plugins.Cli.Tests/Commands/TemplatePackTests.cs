using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// The <c>dotnet new</c> template pack, installed from its .nupkg into a hive of its own (the user's templates are left
/// alone), used as an author would: <c>dotnet new wcp-script</c> and <c>dotnet new wcp-plugin</c>, then <c>wcp check</c>.
/// </summary>
[Trait("Category", "SdkBuild")]
public sealed class TemplatePackTests
{
    [Fact]
    public async Task TheTemplatesCreateWhatWcpNewCreatesAndItPassesCheck()
    {
        using var tenant = new TenantFolder("templated");
        using var scaffolded = new TenantFolder("scaffolded");
        var work = Path.GetDirectoryName(tenant.Directory)!;
        var hive = Path.Combine(work, "hive");
        var project = Path.Combine(work, "src", "CrmPlugin");
        var feed = await LocalFeed.FolderAsync();
        var pack = Directory.GetFiles(feed, "WalletCrew.Plugins.Templates.*.nupkg").Single();

        var install = await DotnetProcess.RunAsync(TimeSpan.FromMinutes(2), "new", "install", pack, "--debug:custom-hive", hive);
        var script = await DotnetProcess.RunAsync(TimeSpan.FromMinutes(2), "new", "wcp-script", "-n", "crm-sync", "-o", tenant.Directory, "--debug:custom-hive", hive);
        var plugin = await DotnetProcess.RunAsync(TimeSpan.FromMinutes(2), "new", "wcp-plugin", "-n", "CrmPlugin", "-o", project, "--debug:custom-hive", hive);
        var build = await DotnetProcess.RunAsync(
            TimeSpan.FromMinutes(3),
            ["build", project, "-c", "Release", "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. LocalFeed.RestoreArguments(feed, Path.Combine(work, "packages"))]);
        var plugins = Path.Combine(tenant.Directory, "server", "plugins", "CrmPlugin");
        Directory.CreateDirectory(plugins);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(project, "bin", "Release", "net10.0")))
        {
            File.Copy(file, Path.Combine(plugins, Path.GetFileName(file)));
        }

        var check = await CliRun.RunAsync("check", tenant.Directory, "--cache", "off");
        var invoke = await CliRun.RunAsync("invoke", tenant.Directory, "installed", "--pass-id", "P7", "--pass-type", "loyalty", "--device", "google");
        await CliRun.RunAsync("new", "script", "crm-sync", "--tenant", scaffolded.Directory);
        await CliRun.RunAsync("new", "plugin", "CrmPlugin", "--output", Path.Combine(work, "wcp-new"));

        install.ExitCode.Should().Be(0, install.Output);
        script.ExitCode.Should().Be(0, script.Output);
        plugin.ExitCode.Should().Be(0, plugin.Output);
        build.ExitCode.Should().Be(0, build.Output);
        check.OutputLines.Should().Equal("templated: 0 error(s), 0 warning(s); 2 pass updater(s), 0 customer provider(s).");
        invoke.OutputLines.Should().BeEquivalentTo("Pass P7 installed on google", "Pass P7 installed on google");
        File.ReadAllText(Path.Combine(tenant.Directory, "server", "script", "crm-sync.csx"))
            .Should().Be(File.ReadAllText(Path.Combine(scaffolded.Directory, "server", "script", "crm-sync.csx")), "wcp new and dotnet new write the same script");
        foreach (var file in new[] { "CrmPlugin.csproj", "CrmPluginModule.cs", "InstallationLogger.cs" })
        {
            File.ReadAllText(Path.Combine(project, file)).TrimEnd()
                .Should().Be(File.ReadAllText(Path.Combine(work, "wcp-new", file)).TrimEnd(), $"wcp new and dotnet new write the same {file}");
        }
    }
}
