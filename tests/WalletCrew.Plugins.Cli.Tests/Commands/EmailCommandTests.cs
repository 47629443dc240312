using System.Text.Json;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>wcp email on the sample mailer tenant, against a real partner on loopback.</summary>
public sealed class EmailCommandTests
{
    [Theory]
    [InlineData("auto")]
    [InlineData("in-process")]
    public async Task EmailRendersTheSampleTemplateInTheCultureAskedForAndPostsItToThePartner(string isolation)
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(202, """{"id":"m-1"}""");
        using var folder = Mailer(partner);

        var run = await CliRun.RunAsync(
            "email", folder.Directory, "--recipient", "ada@example.com", "--template", "welcome", "--culture", "fr-CA", "--culture", "en",
            "--data", "firstName=\"Ada\"", "--data", "points=120", "--data", "perks=[\"Free coffee\"]",
            "--secret", "MAIL-API-KEY=m-key", "--allow-loopback", "--isolation", isolation);

        run.ExitCode.Should().Be(0, run.Error);
        run.OutputLines.Should().ContainSingle().Which.Should().EndWith("Sent 'Bienvenue chez Acme Rewards, Ada !' to ada@example.com: 202");
        var request = partner.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1/send");
        request.Headers["X-API-KEY"].Should().Be("m-key");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("to").GetString().Should().Be("ada@example.com");
        body.RootElement.GetProperty("subject").GetString().Should().Be("Bienvenue chez Acme Rewards, Ada !");
        body.RootElement.GetProperty("html").GetString().Should().Be(
            "<p>Bonjour Ada,</p>\n<p>Votre carte est prête : vous commencez avec 120 points.</p>\n<ul><li>Free coffee</li></ul>\n");
    }

    [Fact]
    public async Task EmailExitsOneWhenThePartnerFails()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(500, """{"error":"down"}""");
        using var folder = Mailer(partner);

        var run = await CliRun.RunAsync(
            "email", folder.Directory, "--recipient", "ada@example.com", "--template", "welcome",
            "--data", "firstName=\"Ada\"", "--data", "points=1", "--secret", "MAIL-API-KEY=m-key", "--allow-loopback");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("Failed: FetchException: POST").And.Contain("answered 500");
        partner.Requests.Should().ContainSingle("the email was rendered and handed to the partner, which refused it");
    }

    [Fact]
    public async Task EmailExitsOneNamingTheTemplateFilesWhenNoneMatches()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var folder = Mailer(partner);

        var run = await CliRun.RunAsync(
            "email", folder.Directory, "--recipient", "ada@example.com", "--template", "goodbye", "--culture", "de",
            "--secret", "MAIL-API-KEY=m-key", "--allow-loopback");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("No email template 'goodbye' for cultures de: looked for server/email/goodbye.de.liquid, server/email/goodbye.liquid.");
        partner.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task MalformedDataIsAUsageError()
    {
        var run = await CliRun.RunAsync(
            "email", Path.Combine(RepositoryPaths.SampleTenants, "mailer"), "--recipient", "ada@example.com", "--template", "welcome", "--data", "firstName=Ada");

        run.ExitCode.Should().Be(2);
        run.Error.Should().StartWith("--data firstName: 'Ada' is not a JSON value");
    }

    private static TenantFolder Mailer(PartnerStub partner)
    {
        var folder = new TenantFolder("mailer").CopySample("mailer");
        folder.Replace("server/script/emailSender.csx", "https://mail.example", partner.BaseAddress);
        return folder;
    }
}
