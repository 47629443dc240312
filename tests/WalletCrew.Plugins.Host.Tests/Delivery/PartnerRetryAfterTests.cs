using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Delivery;

/// <summary>A partner that answers 429 or 503 with <c>Retry-After</c> gets at least that long before the retry (clamped to <c>MaxRetryAfter</c>).</summary>
public sealed class PartnerRetryAfterTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(429, "600", 600)]
    [InlineData(503, "120", 120)]
    [InlineData(429, "86400", 3600)]
    [InlineData(429, "{in 30 min}", 1800)]
    public async Task TheRetryWaitsAsLongAsThePartnerAsked(int status, string retryAfter, int expectedSeconds)
    {
        // A date is read against the engine's clock (real time here; the host's delivery clock is a fake one).
        retryAfter = retryAfter == "{in 30 min}" ? DateTimeOffset.UtcNow.AddMinutes(30).ToString("r", CultureInfo.InvariantCulture) : retryAfter;

        var wait = await FirstRetryWaitAsync(status, retryAfter);

        wait.Should().BeCloseTo(TimeSpan.FromSeconds(expectedSeconds), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(429, null)]
    [InlineData(500, "600")]
    [InlineData(429, "1")]
    public async Task NegativeControl_WithoutAUsableRetryAfterTheLadderDecides(int status, string? retryAfter)
    {
        var wait = await FirstRetryWaitAsync(status, retryAfter);

        wait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(4)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(6), "the ladder's first wait is 5 s ± 20 %");
    }

    private static async Task<TimeSpan> FirstRetryWaitAsync(int status, string? retryAfter)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = async context =>
        {
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            await context.Response.WriteAsync("{}");
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Delivery:PollInterval"] = "00:00:01" }, time);

        var (accepted, body) = await host.IngestAsync("acme", "P1");
        accepted.Should().Be(HttpStatusCode.Accepted);
        var eventId = body["eventId"]!.GetValue<string>();
        await time.AdvanceToAsync(time.GetUtcNow(),
            async () => (await host.GetJsonAsync($"api/admin/deliveries/{eventId}"))["attempts"]!.GetValue<int>() == 1, s_poll, "attempt 1 ran");

        var e = await host.GetJsonAsync($"api/admin/deliveries/{eventId}");
        e["lastError"]!.GetValue<string>().Should().Contain($"answered {status}");
        var attemptedAt = (await host.GetJsonAsync("api/admin/tenants/acme/logs?limit=1"))[0]!["at"]!.GetValue<DateTimeOffset>();
        return e["nextAttemptAt"]!.GetValue<DateTimeOffset>() - attemptedAt;
    }
}
