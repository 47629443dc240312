using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// A wrong command line exits 2, whichever part notices (the parser's choices and unknown options exited 1, the same code
/// as connectors with errors, so a script could not tell a typo from a failed check); a file system problem is one line
/// naming it, not a stack trace. Controls: the same commands, right, exit 0.
/// </summary>
public sealed class UsageErrorTests
{
    private const string Key = "usage-key-0123456789abcdef";

    [Theory]
    [InlineData("--format", "yaml")]
    [InlineData("--fromat", "json")]
    public async Task AnOptionTheParserRefusesExitsTwo(string option, string value)
    {
        using var folder = new TenantFolder();
        folder.WriteScript("hook.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (Action<string>)(p => { }) });");

        var wrong = await CliRun.RunAsync("check", folder.Directory, option, value);
        var right = await CliRun.RunAsync("check", folder.Directory, "--format", "json");

        wrong.ExitCode.Should().Be(2, wrong.Error);
        wrong.Error.Should().Contain(option == "--format" ? "yaml" : "--fromat");
        right.ExitCode.Should().Be(0, right.Error);
    }

    [Theory]
    [InlineData("127.0.0.1:18944")]
    [InlineData("http://127.0.0.1:1;bogus")]
    public async Task AnAddressKestrelCannotListenOnIsAUsageError(string urls)
    {
        var run = await CliRun.RunAsync("serve", "--tenants", RepositoryPaths.SampleTenants, "--api-key", Key, "--urls", urls);

        run.ExitCode.Should().Be(2, run.Output + run.Error);
        run.Error.Should().Contain("--urls: '").And.Contain("' is not an address to listen on; use scheme://host:port").And.NotContain("   at ");
    }

    [Fact]
    public async Task AFileSystemProblemIsOneLineNotAStackTrace()
    {
        using var folder = new TenantFolder();
        var file = Path.Combine(folder.Directory, "notes.txt");
        File.WriteAllText(file, "not a folder");

        var intoAFile = await CliRun.RunAsync("new", "script", "crm", "--tenant", file);
        var intoAFolder = await CliRun.RunAsync("new", "script", "crm", "--tenant", folder.Directory);

        intoAFile.ExitCode.Should().Be(1);
        intoAFile.Error.Should().StartWith("wcp: ").And.Contain("notes.txt").And.NotContain("   at ");
        intoAFolder.ExitCode.Should().Be(0, intoAFolder.Error);
    }
}
