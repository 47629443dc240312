using System.Text.Json;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Testing.Tests.Samples;

/// <summary>The mailer sample renders the tenant's Liquid templates and delivers the email through the partner's API.</summary>
public sealed class MailerTests : IDisposable
{
    private readonly ConnectorTestHost _host;

    public MailerTests()
    {
        _host = ConnectorTestHost.Load(Path.Combine(RepositoryPaths.SampleTenants, "mailer"));
        _host.SetSecret("MAIL-API-KEY", "mail-key");
        _host.Answer("POST", "https://mail.example/v1/send", 202, """{"id":"m-1"}""", new Dictionary<string, string> { ["Content-Type"] = "application/json" });
    }

    [Fact]
    public async Task SendEmail_delivers_the_rendered_template_through_the_partner()
    {
        var result = await _host.SendEmailAsync("ada@example.com", "welcome", new { firstName = "Ada", points = 10, perks = new[] { "Free coffee" } });

        Assert.True(result.Succeeded, result.Error);
        var sent = Assert.Single(result.Requests);
        Assert.Equal("https://mail.example/v1/send", sent.Url);
        Assert.Equal("mail-key", sent.Headers["X-API-KEY"]);
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("ada@example.com", body.RootElement.GetProperty("to").GetString());
        Assert.Equal("Welcome to Acme Rewards, Ada!", body.RootElement.GetProperty("subject").GetString());
        Assert.Contains("<li>Free coffee</li>", body.RootElement.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Contains("Sent 'Welcome to Acme Rewards, Ada!' to ada@example.com: 202", result.Log);
    }

    [Fact]
    public async Task SendEmail_renders_the_first_culture_that_has_a_template()
    {
        var result = await _host.SendEmailAsync("ada@example.com", "welcome", new { firstName = "Ada", points = 10, perks = Array.Empty<string>() }, ["fr-CA", "en"]);

        Assert.True(result.Succeeded, result.Error);
        using var body = JsonDocument.Parse(Assert.Single(result.Requests).Body);
        Assert.Equal("Bienvenue chez Acme Rewards, Ada !", body.RootElement.GetProperty("subject").GetString());
        Assert.Contains("Sent 'Bienvenue chez Acme Rewards, Ada !' to ada@example.com: 202", result.Log);
    }

    public void Dispose() => _host.Dispose();
}
