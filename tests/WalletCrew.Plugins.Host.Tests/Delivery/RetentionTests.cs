using System.Net;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

public sealed class RetentionTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ADeliveredEventAndItsLogAreDeletedOnceOlderThanKeepFor()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config(enabled: true), time);
        var eventId = await DeliverOneAsync(host, time);

        await time.AdvanceToAsync(time.GetUtcNow() + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1),
            async () => await StatusOfAsync(host, $"api/admin/deliveries/{eventId}") == HttpStatusCode.NotFound, s_poll, "the delivered event was pruned");

        (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task NegativeControl_WithRetentionOffTheSameEventStays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, Config(enabled: false), time);
        var eventId = await DeliverOneAsync(host, time);

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(25);
        }

        (await StatusOfAsync(host, $"api/admin/deliveries/{eventId}")).Should().Be(HttpStatusCode.OK);
        (await host.DeliveredAsync("acme")).Should().ContainSingle();
    }

    [Fact]
    public async Task ADeliveredEmailIsDeletedOnceOlderThanKeepForWhileADeadOneStays()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var partner = await Engine.Tests.Support.PartnerStub.StartAsync();
        string? failing = null;
        partner.Handler = context =>
        {
            // The first email the partner sees fails on every attempt; the others go through.
            var key = context.Request.Headers["Idempotency-Key"].ToString();
            context.Response.StatusCode = (Interlocked.CompareExchange(ref failing, key, null) ?? key) == key ? 500 : 200;
            return Task.CompletedTask;
        };
        using var root = Emails.EmailDeliveryTests.MailerTenant(partner);
        var config = Config(enabled: true);
        config["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:01";
        await using var host = await HostHarness.StartAsync(root, config, time);
        var dead = (await host.PostRawAsync("api/tenants/mailer/emails", """{"recipient":"bad@example.com","emailTemplate":"welcome"}""")).Body["emailId"]!.GetValue<string>();
        await time.AdvanceToAsync(time.GetUtcNow(), () => Task.FromResult(Volatile.Read(ref failing) == dead), s_poll, "the first email reached the partner");
        var delivered = (await host.PostRawAsync("api/tenants/mailer/emails", """{"recipient":"ada@example.com","emailTemplate":"welcome"}""")).Body["emailId"]!.GetValue<string>();
        await time.AdvanceToAsync(time.GetUtcNow() + TimeSpan.FromSeconds(5), async () =>
            (await host.GetJsonAsync($"api/admin/emails/{dead}"))["status"]!.GetValue<string>() == "dead"
            && (await host.GetJsonAsync($"api/admin/emails/{delivered}"))["status"]!.GetValue<string>() == "delivered", s_poll, "one email is dead, the other delivered");

        await time.AdvanceToAsync(time.GetUtcNow() + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1),
            async () => await StatusOfAsync(host, $"api/admin/emails/{delivered}") == HttpStatusCode.NotFound, s_poll, "the delivered email was pruned");

        (await StatusOfAsync(host, $"api/admin/emails/{dead}")).Should().Be(HttpStatusCode.OK, "a dead letter is never pruned (control)");
    }

    private static async Task<string> DeliverOneAsync(HostHarness host, FakeTimeProvider time)
    {
        var (status, body) = await host.IngestAsync("acme", "P1");
        status.Should().Be(HttpStatusCode.Accepted);
        await time.AdvanceToAsync(time.GetUtcNow(), async () => (await host.DeliveredAsync("acme")).Count == 1, s_poll, "the event was delivered");
        return body["eventId"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HostHarness host, string path)
    {
        using var response = await host.Client.GetAsync(path);
        return response.StatusCode;
    }

    private static Dictionary<string, string?> Config(bool enabled) => new()
    {
        ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok",
        ["WalletCrew:Retention:Enabled"] = enabled ? "true" : "false",
        ["WalletCrew:Retention:KeepFor"] = "01:00:00",
        ["WalletCrew:Retention:Interval"] = "00:01:00",
    };
}
