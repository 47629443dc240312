using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary><c>--private-network</c> is the operator's half of reaching a private partner from <c>wcp invoke</c>/<c>fill</c>.</summary>
public sealed class PrivateNetworkOptionTests
{
    [Theory]
    [InlineData("10.20.0.0/33")]
    [InlineData("crm.corp.example")]
    [InlineData("10.20.0.0")]
    public async Task MalformedNetworkIsAUsageError(string value)
    {
        var run = await CliRun.RunAsync(
            "invoke", Path.Combine(RepositoryPaths.SampleTenants, "minimal"), "installed",
            "--pass-id", "P1", "--pass-type", "loyalty", "--device", "apple", "--private-network", value);

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be($"--private-network '{value}' is not a network in CIDR form such as 10.20.0.0/16.");
    }

    [Fact]
    public async Task NegativeControlWellFormedNetworksRunTheHook()
    {
        var run = await CliRun.RunAsync(
            "invoke", Path.Combine(RepositoryPaths.SampleTenants, "minimal"), "installed",
            "--pass-id", "P1", "--pass-type", "loyalty", "--device", "apple",
            "--private-network", "10.20.0.0/16", "--private-network", "fd12:3456::/48");

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputLines.Should().Equal("Pass P1 installed on apple");
    }
}
