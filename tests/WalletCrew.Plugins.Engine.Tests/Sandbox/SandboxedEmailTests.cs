using WalletCrew.Plugins.Engine.Tests.Email;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>SendEmail runs in the tenant's worker exactly like Fill: buildEmail renders there from the tenant's read-only files, fetch goes through the host.</summary>
public sealed class SandboxedEmailTests
{
    [Fact]
    public async Task AJavaScriptStyleSenderInAWorkerRendersItsTemplateAndPostsToThePartner()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        harness.Secrets.Set("test-tenant", "MAIL-API-KEY", "m-1");
        EmailSenderTests.WriteTemplate(harness, "welcome.liquid", EmailSenderTests.Welcome);
        EmailSenderTests.WriteTemplate(harness, "welcome.fr.liquid", EmailSenderTests.WelcomeFr);
        using var tenant = harness.Load($$"""
            async Task sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, string[] cultures, Func<string, Task<EmailContent>> buildEmail)
            {
                var email = await buildEmail(emailTemplate);
                await fetch("{{partner.BaseAddress}}/send", new
                {
                    Method = "POST",
                    Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-API-KEY"] = await getSecret("MAIL-API-KEY") },
                    Body = new { to = recipient, subject = email.Subject, html = email.Body },
                    ThrowOnError = true,
                });
                console.log("sent " + email.Subject);
            }
            context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
            """);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["fr-CA"]), CancellationToken.None);

        tenant.Worker.Should().NotBeNull("the tenant runs in a sandboxed worker");
        tenant.HasEmailSender.Should().BeTrue();
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Should().ContainSingle().Which.Message.Should().Be("sent Bienvenue, Ada !");
        var request = partner.Requests.Should().ContainSingle().Subject;
        request.Headers["X-API-KEY"].Should().Be("m-1");
        request.Body.Should().Be("""{"to":"ada@example.com","subject":"Bienvenue, Ada !","html":"Bonjour Ada, vous avez 120 points.\n"}""");
    }

    [Fact]
    public async Task ATypedSenderInAWorkerSeesTheRequestAndAMissingTemplateFailsNamingTheFile()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        EmailSenderTests.WriteTemplate(harness, "welcome.liquid", EmailSenderTests.Welcome);
        using var tenant = harness.Load("""
            Context.Register(RegistrationKeys.EmailEngine, new Sender(Context));
            sealed class Sender(IConnectorContext context) : IEmailSender
            {
                public async Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
                {
                    var email = await request.BuildEmailAsync(request.EmailTemplate, cancellationToken);
                    context.Log.LogInformation("{Id} {To} {Subject}", request.EmailId, request.Recipient, email.Subject);
                }
            }
            """);

        var sent = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);
        var missing = await tenant.SendEmailAsync(TestEvents.Email("reminder", cultures: ["en"]), CancellationToken.None);

        sent.Status.Should().Be(InvocationStatus.Succeeded, sent.Error);
        sent.Log.Should().ContainSingle().Which.Message.Should().Be("email-1 ada@example.com Welcome, Ada!");
        missing.Status.Should().Be(InvocationStatus.Failed);
        missing.Error.Should().StartWith("EmailTemplateException: No email template 'reminder' for cultures en: looked for server/email/reminder.en.liquid, server/email/reminder.liquid.");
    }

    [Fact]
    public async Task AnEditedTemplateIsUsedByTheNextSendWithoutAReload()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        EmailSenderTests.WriteTemplate(harness, "welcome.liquid", EmailSenderTests.Welcome);
        using var tenant = harness.Load(EmailSenderTests.LoggingSender);

        var first = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);
        EmailSenderTests.WriteTemplate(harness, "welcome.liquid", "Hi {{ firstName }}\nv2");
        var second = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        first.Log.Single().Message.Should().StartWith("to ada@example.com: Welcome, Ada!");
        second.Log.Single().Message.Should().Be("to ada@example.com: Hi Ada | v2");
    }
}
