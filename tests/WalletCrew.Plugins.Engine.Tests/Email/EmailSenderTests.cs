using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Email;

/// <summary>runtime.scriptable.emailEngine in process: both styles bound and invoked, buildEmail rendering the tenant's templates.</summary>
public sealed class EmailSenderTests
{
    internal const string Welcome = "Welcome, {{ firstName }}!\nHello {{ firstName }}, you have {{ points }} points.\n";

    internal const string WelcomeFr = "Bienvenue, {{ firstName }} !\nBonjour {{ firstName }}, vous avez {{ points }} points.\n";

    /// <summary>A JavaScript-style sender that logs what buildEmail rendered.</summary>
    internal const string LoggingSender = """
        async Task sendEmail(string recipient, string emailTemplate, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyList<string> cultures, Func<string, Task<EmailContent>> buildEmail)
        {
            var email = await buildEmail(emailTemplate);
            console.log($"to {recipient}: {email.Subject} | {email.Body.Trim()}");
        }
        context.register("runtime.scriptable.emailEngine", new { SendEmail = sendEmail });
        """;

    [Fact]
    public async Task JavaScriptStyleSenderRendersTheTemplateWithTheRequestsData()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "welcome.liquid", Welcome);
        using var tenant = harness.Load(LoggingSender);

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        tenant.HasEmailSender.Should().BeTrue();
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Should().ContainSingle().Which.Message.Should().Be("to ada@example.com: Welcome, Ada! | Hello Ada, you have 120 points.");
    }

    [Fact]
    public async Task CulturesFallBackInTheGivenOrderThroughParentCulturesToTheNeutralTemplate()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "welcome.liquid", Welcome);
        WriteTemplate(harness, "welcome.fr.liquid", WelcomeFr);
        using var tenant = harness.Load(LoggingSender);

        var french = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["de", "fr-CA", "en"]), CancellationToken.None);
        var neutral = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["de"]), CancellationToken.None);

        french.Log.Single().Message.Should().StartWith("to ada@example.com: Bienvenue, Ada !", "fr-CA has no template, its parent fr has");
        neutral.Log.Single().Message.Should().StartWith("to ada@example.com: Welcome, Ada!", "negative control: no culture matches, so the neutral file");
    }

    [Fact]
    public async Task TypedSenderBuildsTheEmailThroughTheRequest()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "welcome.FR.liquid", WelcomeFr);
        using var tenant = harness.Load("""
            Context.Register(RegistrationKeys.EmailEngine, new Sender(Context));
            sealed class Sender(IConnectorContext context) : IEmailSender
            {
                public async Task SendEmailAsync(EmailRequest request, CancellationToken cancellationToken)
                {
                    var email = await request.BuildEmailAsync(request.EmailTemplate, cancellationToken);
                    context.Log.LogInformation("{Id} {Subject}", request.EmailId, email.Subject);
                }
            }
            """);

        var result = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["fr"]), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Should().ContainSingle().Which.Message.Should().Be("email-1 Bienvenue, Ada !", "culture names match the files case-insensitively");
    }

    [Fact]
    public async Task AnyPrefixOfTheParametersBinds()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            context.register("runtime.scriptable.emailEngine", new { SendEmail = (Action<string, string>)((recipient, emailTemplate) => console.log(recipient + " " + emailTemplate)) });
            """);

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        result.Log.Single().Message.Should().Be("ada@example.com welcome");
    }

    [Fact]
    public async Task AMissingTemplateFailsTheSendNamingEveryFileLookedFor()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "other.liquid", Welcome);
        using var tenant = harness.Load(LoggingSender);

        var result = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["fr-CA", "en"]), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith(
            "EmailTemplateException: No email template 'welcome' for cultures fr-CA, en: looked for server/email/welcome.fr-CA.liquid, " +
            "server/email/welcome.fr.liquid, server/email/welcome.en.liquid, server/email/welcome.liquid.");
        result.Error.Should().EndWith("(at server/script/connector.csx:line 3)");
    }

    [Fact]
    public async Task ATemplateSyntaxErrorNamesTheFileLineAndColumn()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "welcome.liquid", "Welcome\nline two\n  {% if points %} no end");
        using var tenant = harness.Load(LoggingSender);

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().StartWith("EmailTemplateException: server/email/welcome.liquid:3:");
        result.Error.Should().Contain("'{% endif %}' was expected");
    }

    [Fact]
    public async Task ATemplateCannotIncludeFilesAndARunawayLoopStopsAtTheStepLimit()
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "include.liquid", "Subject\n{% include 'welcome' %}");
        WriteTemplate(harness, "loop.liquid", "Subject\n{% for i in (1..50000) %}{% for j in (1..50000) %}x{% endfor %}{% endfor %}");
        using var tenant = harness.Load(LoggingSender);

        var include = await tenant.SendEmailAsync(TestEvents.Email("include"), CancellationToken.None);
        var loop = await tenant.SendEmailAsync(TestEvents.Email("loop"), CancellationToken.None);

        include.Status.Should().Be(InvocationStatus.Failed);
        include.Error.Should().StartWith("EmailTemplateException: server/email/include.liquid: the template failed to render:");
        loop.Status.Should().Be(InvocationStatus.Failed);
        loop.Error.Should().StartWith("EmailTemplateException: server/email/loop.liquid: the template failed to render:");
    }

    [Fact]
    public async Task ATemplateThatIsALinkIsNotRead()
    {
        using var harness = new EngineHarness();
        var outside = Path.Combine(Path.GetTempPath(), $"wcp-outside-{Guid.NewGuid():N}.liquid");
        File.WriteAllText(outside, "Host secret\nnot the tenant's");
        try
        {
            WriteTemplate(harness, "welcome.fr.liquid", WelcomeFr);
            File.CreateSymbolicLink(Path.Combine(harness.Folder.Directory, "server", "email", "welcome.liquid"), outside);
            using var tenant = harness.Load(LoggingSender);

            var linked = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);
            var real = await tenant.SendEmailAsync(TestEvents.Email(cultures: ["fr"]), CancellationToken.None);

            linked.Status.Should().Be(InvocationStatus.Failed);
            linked.Error.Should().StartWith("EmailTemplateException: No email template 'welcome' for no culture: looked for server/email/welcome.liquid.");
            real.Status.Should().Be(InvocationStatus.Succeeded, "negative control: the regular file beside the link renders");
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Theory]
    [InlineData("Ada\\r\\nBcc: eve@example.com", "Welcome, Ada  Bcc: eve@example.com!")]
    [InlineData("Ada\\u2028Bcc: eve@example.com\\u0085\\t", "Welcome, Ada Bcc: eve@example.com  !")]
    [InlineData("Ada", "Welcome, Ada!")]
    public async Task TheSubjectIsOneLineWhateverTheDataHolds(string firstName, string subject)
    {
        using var harness = new EngineHarness();
        WriteTemplate(harness, "welcome.liquid", Welcome);
        using var tenant = harness.Load(LoggingSender);

        var result = await tenant.SendEmailAsync(TestEvents.Email(dataJson: $$"""{"firstName":"{{firstName}}","points":1}"""), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().StartWith($"to ada@example.com: {subject} | Hello ");
    }

    [Fact]
    public async Task ATenantWithoutASenderAnswersNotFound()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => { } });");

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        tenant.HasEmailSender.Should().BeFalse();
        result.Status.Should().Be(InvocationStatus.NotFound);
        result.Error.Should().Be("Tenant 'test-tenant' has no email sender registered (runtime.scriptable.emailEngine).");
    }

    [Fact]
    public async Task ASenderRunsUnderTheInvocationTimeLimit()
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromMilliseconds(300));
        using var tenant = harness.Load("""
            context.register("runtime.scriptable.emailEngine", new { SendEmail = (Action<string>)(recipient => { var n = 0L; while (true) { n++; } }) });
            """);

        var result = await tenant.SendEmailAsync(TestEvents.Email(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
    }

    /// <summary>
    /// A render well within the step limit that still takes about an hour: each of its 100,000 steps replaces every
    /// character of a string of a million.
    /// </summary>
    internal const string SlowTemplate = "Slow\n{% assign s = 'xxxxxxxxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}"
        + "{% for i in (1..100000) %}{% assign t = s | replace: 'x', 'yy' %}{% endfor %}{{ t.size }}";

    internal static void WriteTemplate(EngineHarness harness, string name, string text)
    {
        var folder = Path.Combine(harness.Folder.Directory, "server", "email");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), text);
    }
}
