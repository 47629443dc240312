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

    /// <summary>The folder's name is the tenant's id: a folder check would refuse is named when the script is created.
    /// Control: a valid folder name gets no warning.</summary>
    [Theory]
    [InlineData("My_Tenant", true)]
    [InlineData("my-tenant", false)]
    public async Task NewScriptWarnsWhenItsFolderIsNoTenantId(string folderName, bool warned)
    {
        var root = Directory.CreateTempSubdirectory("wcp-new-").FullName;
        try
        {
            var folder = Path.Combine(root, folderName);
            var created = await CliRun.RunAsync("new", "script", "crm", "--tenant", folder);

            created.ExitCode.Should().Be(0, "the script is written either way");
            File.Exists(Path.Combine(folder, "server", "script", "crm.csx")).Should().BeTrue();
            created.Error.Contains($"warning: the tenant folder's name is its id, and '{folderName}' is not a valid tenant id", StringComparison.Ordinal).Should().Be(warned, created.Error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task NewScriptRefusesAnInvalidName()
    {
        var run = await CliRun.RunAsync("new", "script", "../escape");

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be("'../escape' is not a valid connector name: use letters, digits, '-' or '_'.");
    }
}
