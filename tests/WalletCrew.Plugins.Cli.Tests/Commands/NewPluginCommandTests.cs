using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

public sealed class NewPluginCommandTests
{
    [Fact]
    public async Task NewPluginBuildsAndItsOutputPassesCheckAndRuns()
    {
        using var tenant = new TenantFolder("fresh");
        var project = Path.Combine(Path.GetDirectoryName(tenant.Directory)!, "src", "CrmPlugin");

        var feed = await LocalFeed.FolderAsync();

        var created = await CliRun.RunAsync("new", "plugin", "CrmPlugin", "--output", project);
        var build = await DotnetProcess.RunAsync(
            TimeSpan.FromMinutes(3),
            ["build", project, "-c", "Release", "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. LocalFeed.RestoreArguments(feed, Path.Combine(project, "packages"))]);
        var plugins = Path.Combine(tenant.Directory, "server", "plugins", "CrmPlugin");
        Directory.CreateDirectory(plugins);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(project, "bin", "Release", "net10.0")))
        {
            File.Copy(file, Path.Combine(plugins, Path.GetFileName(file)));
        }

        var check = await CliRun.RunAsync("check", tenant.Directory);
        var invoke = await CliRun.RunAsync("invoke", tenant.Directory, "installed", "--pass-id", "P7", "--pass-type", "loyalty", "--device", "google");

        created.ExitCode.Should().Be(0, created.Error);
        File.ReadAllText(Path.Combine(project, "CrmPlugin.csproj")).Should().Contain(
            $"<PackageReference Include=\"WalletCrew.Plugins.Abstractions\" Version=\"{typeof(IPassUpdater).Assembly.GetName().Version!.ToString(3)}\" ExcludeAssets=\"runtime\" PrivateAssets=\"all\" />");
        build.ExitCode.Should().Be(0, build.Output);
        File.Exists(Path.Combine(plugins, "WalletCrew.Plugins.Abstractions.dll")).Should().BeFalse("the host provides the abstractions");
        check.ExitCode.Should().Be(0, check.Output);
        check.OutputLines.Should().Equal("fresh: 0 error(s), 0 warning(s); 1 pass updater(s), 0 customer provider(s).");
        invoke.OutputLines.Should().Equal("Pass P7 installed on google");
    }

    [Fact]
    public async Task WithoutTheAbstractionsPackageOnAFeedThePluginDoesNotRestore()
    {
        using var tenant = new TenantFolder("fresh");
        var work = Path.GetDirectoryName(tenant.Directory)!;
        var project = Path.Combine(work, "src", "CrmPlugin");
        var emptyFeed = Directory.CreateDirectory(Path.Combine(work, "empty-feed")).FullName;
        await CliRun.RunAsync("new", "plugin", "CrmPlugin", "--output", project);

        var build = await DotnetProcess.RunAsync(
            TimeSpan.FromMinutes(3),
            ["build", project, "-c", "Release", "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. LocalFeed.RestoreArguments(emptyFeed, Path.Combine(work, "packages"))]);

        build.ExitCode.Should().NotBe(0);
        build.Output.Should().Contain("NU1101", "the plugin references the package, not a file of this build").And.Contain("WalletCrew.Plugins.Abstractions");
    }

    [Fact]
    public async Task NewPluginRefusesToOverwriteAProject()
    {
        using var tenant = new TenantFolder("fresh");
        var project = Path.Combine(tenant.Directory, "CrmPlugin");
        await CliRun.RunAsync("new", "plugin", "CrmPlugin", "--output", project);

        var again = await CliRun.RunAsync("new", "plugin", "CrmPlugin", "--output", project);

        again.ExitCode.Should().Be(1);
        again.Error.Trim().Should().Be($"{Path.Combine(project, "CrmPlugin.csproj")} already exists; choose another name or folder.");
    }

    [Fact]
    public async Task NewPluginRefusesANameThatCannotBeANamespace()
    {
        var run = await CliRun.RunAsync("new", "plugin", "crm-plugin");

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be("'crm-plugin' is not a valid plugin name: start with a letter and use letters, digits or '_' (it names the assembly, its folder and its namespace).");
    }
}
