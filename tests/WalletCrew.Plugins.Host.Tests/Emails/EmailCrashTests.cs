using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;
using Xunit.Abstractions;

namespace WalletCrew.Plugins.Host.Tests.Emails;

public sealed class EmailCrashTests(ITestOutputHelper output)
{
    private const int Emails = 400;
    private const int KillAfterAnswered = 200;
    private const int Posters = 8;

    // Two minutes' lease: the email the dead host held can run again within the bound only because the restart gives it back.
    private static readonly string[] s_config = ["--WalletCrew:Delivery:LeaseDuration=00:02:00"];

    [Theory]
    [InlineData("in-process")]
    [InlineData("sandbox")]
    public async Task EveryAcknowledgedEmailIsDeliveredAfterASigkillAndARestart(string isolation)
    {
        await using var partner = await PartnerStub.StartAsync();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = PartnerStub.Respond(200, "{}");
        partner.Handler = async context =>
        {
            // Tenant "held"'s partner answers only after the kill, so the dead host surely holds its email's lease then.
            if (context.Request.Path == "/held")
            {
                await held.Task.WaitAsync(context.RequestAborted);
            }
            else
            {
                // A partner that takes a moment, so acknowledged emails are surely still waiting at the kill (the control):
                // an instant one let a fast host send every email before it, and the test then proved nothing.
                await Task.Delay(50, context.RequestAborted);
            }

            await answer(context);
        };
        using var root = EmailDeliveryTests.MailerTenant(partner);
        root.WriteScript("held", Scripts.PostingEmailSender(partner.BaseAddress + "/held")).WriteFile("held", "server/email/welcome.liquid", "Hi\n<p>Hi</p>");
        string[] config = [.. s_config, $"--WalletCrew:Engine:Isolation={isolation}"];
        var host = await HostProcess.StartAsync(root, config);
        var heldId = await PostAsync(host.BaseAddress, "held", CancellationToken.None);
        await HostHarness.WaitUntilAsync(() => partner.Requests.Any(r => r.Path == "/held"), TimeSpan.FromSeconds(60), "tenant held's email is in flight");

        var acknowledged = new ConcurrentBag<string>();
        var next = 0;
        using var killed = new CancellationTokenSource();
        var posters = Enumerable.Range(0, Posters).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= Emails && !killed.IsCancellationRequested)
            {
                try
                {
                    acknowledged.Add((await PostAsync(host.BaseAddress, "mailer", killed.Token))!);
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    // The host died with this request unanswered: not acknowledged, so not owed.
                }
            }
        })).ToList();
        await HostHarness.WaitUntilAsync(() => acknowledged.Count >= KillAfterAnswered, TimeSpan.FromSeconds(120), $"{KillAfterAnswered} emails were acknowledged");
        host.Kill();
        await killed.CancelAsync();
        held.SetResult();
        await Task.WhenAll(posters);
        var owed = acknowledged.ToHashSet();
        var sentBeforeKill = SentIds(partner).Count;
        host.Dispose();

        // The restarted host logs each delivery attempt, so a timeout below shows what the attempts did (HostProcess.WatchAsync).
        using var restarted = await HostProcess.StartAsync(root, [.. config, "--Logging:LogLevel:WalletCrew.Plugins.Host.Delivery=Information"]);

        await restarted.WatchAsync(() => HostHarness.WaitUntilAsync(() => owed.IsSubsetOf(SentIds(partner)), TimeSpan.FromSeconds(180), "every acknowledged email reached the partner"));
        output.WriteLine($"{isolation}: {owed.Count} acknowledged, {sentBeforeKill} sent before the kill");
        sentBeforeKill.Should().BeLessThan(owed.Count, "acknowledged emails were still waiting at the kill (control)");
        await HostHarness.WaitUntilAsync(() => partner.Requests.Count(r => r.Path == "/held") > 1, TimeSpan.FromSeconds(60),
            "tenant held's email, leased by the dead host for two minutes, ran again soon after the restart");
        partner.Requests.Where(r => r.Path == "/held").Select(r => r.Headers["Idempotency-Key"]).Should().AllBe(heldId, "a retry carries the same EmailId");
        using var client = Client(restarted.BaseAddress);
        await restarted.WatchAsync(() => HostHarness.WaitUntilAsync(async () =>
        {
            var delivered = JsonNode.Parse(await client.GetStringAsync("api/admin/emails?status=delivered&tenantId=mailer&limit=1000"))!.AsArray();
            return owed.IsSubsetOf(delivered.Select(e => e!["emailId"]!.GetValue<string>()));
        }, TimeSpan.FromSeconds(60), "every acknowledged email is marked delivered"));
    }

    private static HashSet<string> SentIds(PartnerStub partner) => [.. partner.Requests.Where(r => r.Path == "/mail").Select(r => r.Headers["Idempotency-Key"])];

    private static async Task<string?> PostAsync(Uri host, string tenantId, CancellationToken cancellationToken)
    {
        using var client = Client(host);
        using var response = await client.PostAsJsonAsync($"api/tenants/{tenantId}/emails",
            new { recipient = "ada@example.com", emailTemplate = "welcome", data = new { firstName = "Ada", points = 1 } }, cancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!["emailId"]!.GetValue<string>();
    }

    private static HttpClient Client(Uri host)
    {
        var client = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
        return client;
    }
}
