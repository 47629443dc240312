using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

public sealed class InvokeCommandTests
{
    /// <summary>The device is read in any case, as the ingest API reads it.</summary>
    [Theory]
    [InlineData("apple")]
    [InlineData("Apple")]
    [InlineData("APPLE")]
    public async Task MinimalSamplePrintsTheTenantLog(string device)
    {
        var run = await CliRun.RunAsync(
            "invoke", Path.Combine(RepositoryPaths.SampleTenants, "minimal"), "installed",
            "--pass-id", "P1", "--pass-type", "loyalty", "--device", device);

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputLines.Should().Equal("Pass P1 installed on apple");
    }

    [Fact]
    public async Task FailingHookExitsOneAndNamesTheScriptLine()
    {
        using var folder = new TenantFolder("failing");
        folder.WriteScript("crm.csx", """
            void onPassUninstalled(string passId)
            {
                throw new InvalidOperationException("CRM is down");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassUninstalled = onPassUninstalled });
            """);

        var run = await CliRun.RunAsync("invoke", folder.Directory, "uninstalled", "--pass-id", "P1", "--pass-type", "loyalty", "--device", "google");

        run.ExitCode.Should().Be(1);
        run.Error.Trim().Should().Be("Failed: InvalidOperationException: CRM is down (at server/script/crm.csx:line 3)");
    }

    [Fact]
    public async Task MalformedIdentifierIsAUsageError()
    {
        var run = await CliRun.RunAsync(
            "invoke", Path.Combine(RepositoryPaths.SampleTenants, "minimal"), "installed",
            "--pass-id", "P1", "--pass-type", "loyalty", "--device", "apple", "--identifier", "customerId");

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be("--identifier 'customerId' is not of the form key=value.");
    }

    [Fact]
    public async Task UnknownDeviceIsRefused()
    {
        var run = await CliRun.RunAsync(
            "invoke", Path.Combine(RepositoryPaths.SampleTenants, "minimal"), "installed",
            "--pass-id", "P1", "--pass-type", "loyalty", "--device", "windows");

        run.ExitCode.Should().NotBe(0);
        run.Error.Should().Contain("windows");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("invoke")]
    [InlineData("fill")]
    [InlineData("serve")]
    [InlineData("new")]
    public async Task EveryCommandHasHelp(string command)
    {
        var run = await CliRun.RunAsync(command, "--help");

        run.ExitCode.Should().Be(0);
        run.Output.Should().Contain("Usage:").And.Contain(command);
    }
}
