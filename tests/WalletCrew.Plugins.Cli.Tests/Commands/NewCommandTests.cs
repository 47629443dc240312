using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

public sealed class NewCommandTests
{
    [Fact]
    public async Task NewScriptPassesCheckAndRuns()
    {
        using var folder = new TenantFolder("fresh");

        var created = await CliRun.RunAsync("new", "script", "crm-sync", "--tenant", folder.Directory);
        var check = await CliRun.RunAsync("check", folder.Directory);
        var invoke = await CliRun.RunAsync("invoke", folder.Directory, "installed", "--pass-id", "P7", "--pass-type", "loyalty", "--device", "google");

        created.ExitCode.Should().Be(0, created.Error);
        File.Exists(Path.Combine(folder.Directory, "server", "script", "crm-sync.csx")).Should().BeTrue();
        check.ExitCode.Should().Be(0, check.Output);
        invoke.OutputLines.Should().Equal("Pass P7 installed on google");
    }

    [Fact]
    public async Task NewScriptRefusesToOverwrite()
    {
        using var folder = new TenantFolder("fresh");
        await CliRun.RunAsync("new", "script", "crm", "--tenant", folder.Directory);

        var again = await CliRun.RunAsync("new", "script", "crm", "--tenant", folder.Directory);

        again.ExitCode.Should().Be(1);
        again.Error.Should().Contain("already exists");
    }

    [Fact]
    public async Task NewScriptRefusesAnInvalidName()
    {
        var run = await CliRun.RunAsync("new", "script", "../escape");

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be("'../escape' is not a valid connector name: use letters, digits, '-' or '_'.");
    }
}
