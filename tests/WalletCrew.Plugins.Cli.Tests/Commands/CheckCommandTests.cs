using System.Text.Json;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

public sealed class CheckCommandTests
{
    [Theory]
    [InlineData("acme-crm")]
    [InlineData("minimal")]
    [InlineData("loyalty")]
    [InlineData("acme-typed")]
    [InlineData("loyalty-refit")]
    [InlineData("mailer")]
    public async Task EverySampleTenantPassesCheck(string tenant)
    {
        var run = await CliRun.RunAsync("check", Path.Combine(RepositoryPaths.SampleTenants, tenant));

        run.ExitCode.Should().Be(0, run.Output);
        run.OutputLines.Should().ContainSingle().Which.Should().StartWith($"{tenant}: 0 error(s), 0 warning(s);");
    }

    [Fact]
    public async Task BrokenConnectorExitsOneWithMsBuildStyleDiagnostics()
    {
        using var folder = new TenantFolder("broken");
        folder.WriteScript("crm.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstaled = (string passId) => { } });");

        var run = await CliRun.RunAsync("check", folder.Directory);

        run.ExitCode.Should().Be(1);
        run.OutputLines.Should().Equal(
            $"{folder.Directory}/server/script/crm.csx(1,54): error WCP0103: 'OnPassInstaled' is not a member of 'runtime.wallet.passUpdater'. Did you mean 'OnPassInstalled'? Members: OnPassInstalled, OnPassUninstalled.",
            "broken: 1 error(s), 0 warning(s); 0 pass updater(s), 0 customer provider(s).");
    }

    [Fact]
    public async Task TypesDeclaredBeforeAndBetweenStatementsCheckClean()
    {
        using var folder = new TenantFolder("ordered");
        folder.WriteScript("crm.csx", """
            record Payload(string Id);

            Task onPassInstalled(string passId)
            {
                Log.LogInformation("{Id}", Tiers.Describe(new Payload(passId)));
                return Task.CompletedTask;
            }

            static class Tiers
            {
                public static string Describe(Payload payload) => "payload " + payload.Id;
            }

            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var run = await CliRun.RunAsync("check", folder.Directory);

        run.ExitCode.Should().Be(0, run.Output);
        run.OutputLines.Should().Equal("ordered: 0 error(s), 0 warning(s); 1 pass updater(s), 0 customer provider(s).");
    }

    [Fact]
    public async Task JsonFormatListsDiagnosticsWithTheirPositions()
    {
        using var folder = new TenantFolder("broken");
        folder.WriteScript("crm.csx", "console.log(\"x\")");

        var run = await CliRun.RunAsync("check", folder.Directory, "--format", "json");

        run.ExitCode.Should().Be(1);
        using var report = JsonDocument.Parse(run.Output);
        report.RootElement.GetProperty("success").GetBoolean().Should().BeFalse();
        var diagnostic = report.RootElement.GetProperty("diagnostics")[0];
        diagnostic.GetProperty("path").GetString().Should().Be("server/script/crm.csx");
        diagnostic.GetProperty("line").GetInt32().Should().Be(1);
        diagnostic.GetProperty("column").GetInt32().Should().Be(17);
        diagnostic.GetProperty("severity").GetString().Should().Be("error");
        diagnostic.GetProperty("code").GetString().Should().Be("CS1002");
    }

    [Fact]
    public async Task UnknownFormatIsAUsageError()
    {
        var run = await CliRun.RunAsync("check", RepositoryPaths.SampleTenants, "--format", "xml");

        run.ExitCode.Should().NotBe(0);
        run.Error.Should().Contain("xml");
    }
}
