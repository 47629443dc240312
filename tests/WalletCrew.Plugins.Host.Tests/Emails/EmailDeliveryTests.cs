using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Emails;

public sealed class EmailDeliveryTests
{
    private static readonly object s_welcome = new
    {
        recipient = "ada@example.com",
        emailTemplate = "welcome",
        data = new { firstName = "Ada", points = 120 },
        cultures = new[] { "fr-FR", "en" },
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AcceptedEmailIsRenderedAndSentToThePartnerWithItsEmailId(string store)
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = MailerTenant(partner);
        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var host = await HostHarness.StartAsync(root, store: database?.Store);

        using var response = await host.Client.PostAsJsonAsync("api/tenants/mailer/emails", s_welcome);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var emailId = body["emailId"]!.GetValue<string>();
        emailId.Should().StartWith("eml_");
        body["created"]!.GetValue<bool>().Should().BeTrue();
        response.Headers.Location!.ToString().Should().Be($"/api/admin/emails/{emailId}");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync($"api/admin/emails/{emailId}"))["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(60), "the email is marked delivered");
        var sent = partner.Requests.Single();
        sent.Path.Should().Be("/mail");
        sent.Headers["Idempotency-Key"].Should().Be(emailId);
        var mail = JsonNode.Parse(sent.Body)!;
        mail["emailId"]!.GetValue<string>().Should().Be(emailId);
        mail["to"]!.GetValue<string>().Should().Be("ada@example.com");
        mail["subject"]!.GetValue<string>().Should().Be("Bienvenue, Ada !", "fr-FR falls back to the French template before 'en'");
        mail["html"]!.GetValue<string>().Should().Be("<p>Bonjour Ada, vous avez 120 points.</p>");
        var log = (await host.GetJsonAsync("api/admin/tenants/mailer/logs")).AsArray().Single()!;
        log["kind"]!.GetValue<string>().Should().Be("email");
        log["eventId"]!.GetValue<string>().Should().Be(emailId);
        log["status"]!.GetValue<string>().Should().Be("delivered");
        (await host.GetJsonAsync("api/admin/deliveries")).AsArray().Should().BeEmpty("an email is not an installation event");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FailingPartnerIsRetriedWithTheSameEmailIdThenDeadLetteredAndReplayDeliversIt(string store)
    {
        await using var partner = await PartnerStub.StartAsync();
        var failing = true;
        partner.Handler = context =>
        {
            context.Response.StatusCode = Volatile.Read(ref failing) ? 503 : 200;
            return Task.CompletedTask;
        };
        using var root = MailerTenant(partner);
        await using var database = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:00.200",
            ["WalletCrew:Delivery:RetrySchedule:1"] = "00:00:00.200",
        }, store: database?.Store);

        var (status, body) = await host.PostRawAsync("api/tenants/mailer/emails", System.Text.Json.JsonSerializer.Serialize(s_welcome));
        var emailId = body["emailId"]!.GetValue<string>();

        status.Should().Be(HttpStatusCode.Accepted);
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync($"api/admin/emails/{emailId}"))["status"]!.GetValue<string>() == "dead",
            TimeSpan.FromSeconds(60), "the email is dead after the ladder");
        var dead = await host.GetJsonAsync($"api/admin/emails/{emailId}");
        dead["attempts"]!.GetValue<int>().Should().Be(3, "the first attempt and two retries on the ladder");
        dead["lastError"]!.GetValue<string>().Should().Contain("503");
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).Should().Equal(emailId, emailId, emailId);
        (await host.GetJsonAsync("api/admin/emails?status=dead")).AsArray().Select(e => e!["emailId"]!.GetValue<string>()).Should().Equal(emailId);
        (await host.GetJsonAsync("api/admin/emails?status=delivered")).AsArray().Should().BeEmpty();
        var logs = (await host.GetJsonAsync("api/admin/tenants/mailer/logs")).AsArray();
        logs.Select(l => l!["status"]!.GetValue<string>()).Should().Equal("dead", "retry", "retry");
        logs.Should().AllSatisfy(l => l!["kind"]!.GetValue<string>().Should().Be("email"));

        Volatile.Write(ref failing, false);
        using var replay = await host.Client.PostAsync($"api/admin/emails/{emailId}/replay", null);

        replay.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync($"api/admin/emails/{emailId}"))["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(60), "the replayed email is delivered");
        var delivered = await host.GetJsonAsync($"api/admin/emails/{emailId}");
        delivered["isReplay"]!.GetValue<bool>().Should().BeTrue();
        delivered["attempts"]!.GetValue<int>().Should().Be(4);
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).Should().Equal(emailId, emailId, emailId, emailId);
        using var again = await host.Client.PostAsync("api/admin/emails/eml_unknown/replay", null);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ReplayingEveryDeadEmailOfATenantSendsThemAgain()
    {
        await using var partner = await PartnerStub.StartAsync();
        var failing = true;
        partner.Handler = context =>
        {
            context.Response.StatusCode = Volatile.Read(ref failing) ? 500 : 200;
            return Task.CompletedTask;
        };
        using var root = MailerTenant(partner);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:00.100" });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await host.PostRawAsync("api/tenants/mailer/emails", System.Text.Json.JsonSerializer.Serialize(s_welcome))).Body["emailId"]!.GetValue<string>());
        }

        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/emails?status=dead")).AsArray().Count == 3,
            TimeSpan.FromSeconds(60), "the three emails are dead");
        Volatile.Write(ref failing, false);

        var (status, body) = await host.PostRawAsync("api/admin/emails/replay?tenantId=mailer", "");

        status.Should().Be(HttpStatusCode.OK);
        body["replayed"]!.GetValue<int>().Should().Be(3);
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/emails?status=delivered")).AsArray().Count == 3,
            TimeSpan.FromSeconds(60), "the three emails are delivered");
        // Two attempts each before the replay (the first and one retry), then one each.
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).GroupBy(k => k).Should().HaveCount(3).And.AllSatisfy(g => g.Count().Should().Be(3));
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).Distinct().Should().BeEquivalentTo(ids);
    }

    [Fact]
    public async Task TheSameIdempotencyKeyGivesBackTheSameEmailAndSendsItOnce()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var root = MailerTenant(partner);
        await using var host = await HostHarness.StartAsync(root);

        var first = await PostWithKeyAsync(host, "order-42");
        var second = await PostWithKeyAsync(host, "order-42");
        var other = await PostWithKeyAsync(host, "order-43");

        first["created"]!.GetValue<bool>().Should().BeTrue();
        second["created"]!.GetValue<bool>().Should().BeFalse();
        second["emailId"]!.GetValue<string>().Should().Be(first["emailId"]!.GetValue<string>());
        other["emailId"]!.GetValue<string>().Should().NotBe(first["emailId"]!.GetValue<string>(), "another key is another email (control)");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/emails?status=delivered")).AsArray().Count == 2,
            TimeSpan.FromSeconds(60), "both emails are delivered");
        partner.Requests.Select(r => r.Headers["Idempotency-Key"]).Should().BeEquivalentTo([first["emailId"]!.GetValue<string>(), other["emailId"]!.GetValue<string>()]);
    }

    [Fact]
    public async Task BadFieldsAreAnswered400NamingEveryField()
    {
        using var root = MailerTenant(null);
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await host.PostRawAsync("api/tenants/mailer/emails",
            """{"recipient":"Ada <ada@example.com>","emailTemplate":"../secret","cultures":["fr_FR","en"],"data":{}}""");
        var (missingStatus, missing) = await host.PostRawAsync("api/tenants/mailer/emails", "{}");
        var (unknownStatus, unknown) = await host.PostRawAsync("api/tenants/mailer/emails", """{"recipient":"ada@example.com","emailTemplate":"welcome","culture":"fr"}""");

        status.Should().Be(HttpStatusCode.BadRequest);
        body["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo(["recipient", "emailTemplate", "cultures[0]"]);
        body["errors"]!["cultures[0]"]![0]!.GetValue<string>().Should().Be("'fr_FR' is not a culture name (such as 'fr' or 'fr-CA').");
        missingStatus.Should().Be(HttpStatusCode.BadRequest);
        missing["errors"]!["recipient"]![0]!.GetValue<string>().Should().Be("'recipient' is required: the address to send to, such as 'ada@example.com'.");
        missing["errors"]!["emailTemplate"]![0]!.GetValue<string>().Should().Be("'emailTemplate' is required: the name of a template in server/email/<template>[.<culture>].liquid.");
        unknownStatus.Should().Be(HttpStatusCode.BadRequest);
        unknown["errors"]!.AsObject().Select(e => e.Key).Should().Equal("culture");
        (await host.GetJsonAsync("api/admin/emails")).AsArray().Should().BeEmpty("nothing invalid is stored");
    }

    [Fact]
    public async Task UnknownTenantIs404AndATenantWithoutAnEmailSenderIs422()
    {
        using var root = new TenantsRoot().WriteScript("hooks", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root);

        var (unknownStatus, unknown) = await host.PostRawAsync("api/tenants/nobody/emails", System.Text.Json.JsonSerializer.Serialize(s_welcome));
        var (senderlessStatus, senderless) = await host.PostRawAsync("api/tenants/hooks/emails", System.Text.Json.JsonSerializer.Serialize(s_welcome));

        unknownStatus.Should().Be(HttpStatusCode.NotFound);
        unknown["detail"]!.GetValue<string>().Should().Be("No tenant 'nobody' is loaded: its folder must exist under the tenants root.");
        senderlessStatus.Should().Be((HttpStatusCode)422);
        senderless["detail"]!.GetValue<string>().Should().Be(
            "Tenant 'hooks' registers no email sender (runtime.scriptable.emailEngine), or its connectors do not load (GET /api/admin/connectors lists their errors); nothing was stored.");
        (await host.GetJsonAsync("api/admin/emails")).AsArray().Should().BeEmpty();
    }

    /// <summary>A tenant <c>mailer</c> whose typed sender posts to the partner's <c>/mail</c>, with a neutral and a French <c>welcome</c> template.</summary>
    internal static TenantsRoot MailerTenant(PartnerStub? partner, TenantsRoot? root = null) => (root ?? new TenantsRoot())
        .WriteScript("mailer", Scripts.PostingEmailSender((partner?.BaseAddress ?? "http://127.0.0.1:9") + "/mail"))
        .WriteFile("mailer", "server/email/welcome.liquid", "Welcome, {{ firstName }}!\n<p>Hello {{ firstName }}, you have {{ points }} points.</p>")
        .WriteFile("mailer", "server/email/welcome.fr.liquid", "Bienvenue, {{ firstName }} !\n<p>Bonjour {{ firstName }}, vous avez {{ points }} points.</p>");

    private static async Task<JsonObject> PostWithKeyAsync(HostHarness host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/tenants/mailer/emails") { Content = JsonContent.Create(s_welcome) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
