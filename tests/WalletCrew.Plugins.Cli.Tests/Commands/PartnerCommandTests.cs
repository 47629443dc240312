using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>wcp invoke and wcp fill on the sample tenants, against a real partner on loopback.</summary>
public sealed class PartnerCommandTests
{
    [Fact]
    public async Task FillPrintsTheDataTheSampleProviderMappedFromThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold","name":"Ada"}""");
        using var folder = new TenantFolder("loyalty").CopySample("loyalty");
        folder.Replace("server/script/customProvider.csx", "https://loyalty.example", partner.BaseAddress);

        var run = await CliRun.RunAsync(
            "fill", folder.Directory, "customProvider", "--identifier", "customerId=C42", "--secret", "LOYALTY-API-KEY=l-456", "--allow-loopback");

        run.ExitCode.Should().Be(0, run.Error);
        run.Output.ReplaceLineEndings("\n").Should().Be("{\n  \"points\": 120,\n  \"tier\": \"gold\"\n}\n");
        partner.Requests.Should().ContainSingle().Which.Headers["X-API-KEY"].Should().Be("l-456");
    }

    [Fact]
    public async Task InvokePostsTheSeedExamplesFormToThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var folder = new TenantFolder("acme-crm").CopySample("acme-crm");
        folder.Replace("server/script/passInstallation.csx", "https://partner.example", partner.BaseAddress);

        var run = await CliRun.RunAsync(
            "invoke", folder.Directory, "uninstalled", "--pass-id", "P1", "--pass-type", "loyalty", "--device", "google",
            "--identifier", "customerId=C7", "--secret", "PARTNER-API-SECRET=k-1", "--allow-loopback");

        run.ExitCode.Should().Be(0, run.Error);
        var request = partner.Requests.Should().ContainSingle().Subject;
        request.Body.Should().Be("customerId=C7&isInstalled=false&device=google");
        request.Headers["X-API-KEY"].Should().Be("k-1");
    }

    [Fact]
    public async Task WithoutAllowLoopbackThePartnerOnLoopbackIsDenied()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var folder = new TenantFolder("acme-crm").CopySample("acme-crm");
        folder.Replace("server/script/passInstallation.csx", "https://partner.example", partner.BaseAddress);

        var run = await CliRun.RunAsync(
            "invoke", folder.Directory, "installed", "--pass-id", "P1", "--pass-type", "loyalty", "--device", "apple",
            "--identifier", "customerId=C7", "--secret", "PARTNER-API-SECRET=k-1");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("EgressDeniedException: Egress to 127.0.0.1:");
        partner.Requests.Should().BeEmpty();
    }
}
