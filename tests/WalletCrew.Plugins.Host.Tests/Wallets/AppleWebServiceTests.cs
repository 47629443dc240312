using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Wallets;

/// <summary>The Apple Wallet web service over real HTTP: the conformance cases on each store, the store-down case, the source and the log's limit.</summary>
public sealed class AppleWebServiceTests
{
    private const string Token = "0123456789abcdef0123";
    private static readonly Dictionary<string, string?> s_ok = new() { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" };

    [Fact]
    public async Task TheHostOnSqlitePassesEveryConformanceCase()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);

        await new AppleWebServiceConformance(host.BaseAddress, "acme", HostHarness.ApiKey).RunAsync();
    }

    [Fact]
    public async Task TheHostOnPostgresPassesEveryConformanceCase()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok, store: database.Store);

        await new AppleWebServiceConformance(host.BaseAddress, "acme", HostHarness.ApiKey).RunAsync();
    }

    [Fact]
    public async Task TheConformanceWalkFailsAgainstAServerThatAnswersEverythingWith200()
    {
        // Negative control of the walk itself: a server that accepts anything must not pass.
        await using var everythingOk = await WalletCrew.Plugins.Engine.Tests.Support.PartnerStub.StartAsync();

        var walk = () => new AppleWebServiceConformance(new Uri(everythingOk.BaseAddress + "/"), "acme", HostHarness.ApiKey).RunAsync();

        (await walk.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("case 1");
    }

    [Fact]
    public async Task ARegistrationTheSqliteStoreCannotCommitAnswers503AndTheDevicesRetryGets201AndOneEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        var store = new FlakyStore(new SqliteEventStore(new SqliteStoreOptions(root.DatabasePath, "FULL")));
        await using var host = await HostHarness.StartAsync(root, s_ok, services: s => s.AddSingleton<IEventStore>(store));
        await PutPassAsync(host, "P1", "S1");

        store.FailIngest = true;
        using var failed = await RegisterAsync(host, "S1", "device-1");
        store.FailIngest = false;
        using var retried = await RegisterAsync(host, "S1", "device-1");

        failed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "case 17: the device retries a 503");
        failed.Headers.RetryAfter.Should().NotBeNull();
        retried.StatusCode.Should().Be(HttpStatusCode.Created, "the failed call left no registration behind");
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count == 1, TimeSpan.FromSeconds(30), "the registration's event ran");
        (await host.DeliveredAsync("acme")).Select(d => (d.Installed, d.Active, d.Total)).Should().Equal((true, 1, 1));
    }

    [Fact]
    public async Task ARegistrationWhilePostgresIsUnreachableAnswers503AndTheRetryAfterwardsGets201()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok, store: database.Store);
        await PutPassAsync(host, "P1", "S1");

        await database.SetReachableAsync(false);
        using var during = await RegisterAsync(host, "S1", "device-1");
        await database.SetReachableAsync(true);
        var after = HttpStatusCode.ServiceUnavailable;
        await HostHarness.WaitUntilAsync(async () =>
        {
            using var response = await RegisterAsync(host, "S1", "device-1");
            after = response.StatusCode;
            return after != HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), "the store is back");

        during.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "case 17: the device retries a 503");
        after.Should().Be(HttpStatusCode.Created, "nothing of the refused registration was stored");
    }

    [Fact]
    public async Task ReadsWhilePostgresIsUnreachableAnswer503WithRetryAfterNot500()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok, store: database.Store);
        await PutPassAsync(host, "P1", "S1");
        using (var before = await host.Client.GetAsync("api/tenants/acme/passes/P1"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK, "control: the same read answers while the store is up");
        }

        await database.SetReachableAsync(false);
        using var pass = await host.Client.GetAsync("api/tenants/acme/passes/P1");
        using var deliveries = await host.Client.GetAsync("api/admin/deliveries?tenantId=acme");
        await database.SetReachableAsync(true);

        foreach (var response in new[] { pass, deliveries })
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage!.RequestUri} cannot reach the store");
            response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
            (await response.Content.ReadAsStringAsync()).Should().Contain("The event store is unavailable");
        }
    }

    [Fact]
    public async Task TheRegistrationSourceIsWhatThePlatformPutOnThePassAndTheDevicesUserAgent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);
        await PutPassAsync(host, "P1", "S1");

        using var response = await RegisterAsync(host, "S1", "iphone");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var stored = (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme&passId=P1")).AsArray().Single()!;
        stored["source"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("store-42");
        stored["source"]!["medium"]!.GetValue<string>().Should().Be("email");
        stored["source"]!["origin"]!.GetValue<string>().Should().Be("newsletter");
        stored["source"]!["userAgent"]!.GetValue<string>().Should().Be("Passbook/1.0 (iPhone)");
        stored["identifiers"]!["customerId"]!.GetValue<string>().Should().Be("C-P1");
        stored["passType"]!.GetValue<string>().Should().Be("loyalty");
    }

    [Fact]
    public async Task AWrongTokenIsTold401WithTheApplePassChallengeAndABadBodyWhatIsMissing()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, s_ok);
        await PutPassAsync(host, "P1", "S1");

        using var wrong = await SendAsync(host, HttpMethod.Post, "S1", "iphone", Token + "x", """{"pushToken":"push"}""");
        using var noToken = await SendAsync(host, HttpMethod.Post, "S1", "iphone", Token, """{"other":1}""");
        var noLogs = await host.PostRawAsync("api/tenants/acme/passes/apple/v1/log", """{"logs":[]}""");

        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrong.Headers.WwwAuthenticate.ToString().Should().Be("ApplePass");
        System.Text.Json.Nodes.JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Be(
            "Send the pass's authenticationToken as 'Authorization: ApplePass <token>' for a pass this tenant has registered.");
        noToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        System.Text.Json.Nodes.JsonNode.Parse(await noToken.Content.ReadAsStringAsync())!["errors"]!["pushToken"]![0]!.GetValue<string>().Should().Be("'pushToken' is required.");
        noLogs.Status.Should().Be(HttpStatusCode.BadRequest);
        noLogs.Body["errors"]!["logs"]![0]!.GetValue<string>().Should().Be("'logs' is required: a non-empty array of messages, as in {\"logs\":[\"…\"]}.");
    }

    /// <summary>
    /// The pass's token is in every copy of the pass, so whoever holds one could register devices without end, each an
    /// installation event for the tenant's hooks. Past WalletCrew:Wallets:MaxDevicesPerPass a device gets 403 naming the
    /// setting, and nothing is written; a registered device's repeat and another pass are not refused (controls).
    /// </summary>
    [Fact]
    public async Task APassTakesNoMoreDevicesThanTheBound()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>(s_ok) { ["WalletCrew:Wallets:MaxDevicesPerPass"] = "2" });
        await PutPassAsync(host, "P1", "S1");
        await PutPassAsync(host, "P2", "S2");

        var statuses = new List<HttpStatusCode>();
        foreach (var (serial, device) in new[] { ("S1", "d1"), ("S1", "d2"), ("S1", "d3"), ("S1", "d1"), ("S2", "d3") })
        {
            using var response = await RegisterAsync(host, serial, device);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Be(
                    "Pass 'P1' already has 2 registered devices, the most one pass may have (WalletCrew:Wallets:MaxDevicesPerPass).");
            }
        }

        statuses.Should().Equal(HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Created);
        (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme&passId=P1")).AsArray().Should().HaveCount(2, "the refused device made no event");
        (await host.GetJsonAsync("api/admin/tenants/acme/passes/P1/registrations")).AsArray().Select(r => r!["deviceId"]!.GetValue<string>())
            .Should().BeEquivalentTo(["d1", "d2"]);
    }

    [Fact]
    public async Task TheLogRouteIsRateLimitedPerTenant()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook).WriteScript("other", Scripts.RecordingHook);
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Wallets:LogRequestsPerMinute"] = "3" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await host.PostRawAsync("api/tenants/acme/passes/apple/v1/log", """{"logs":["m"]}""")).Status);
        }

        var other = await host.PostRawAsync("api/tenants/other/passes/apple/v1/log", """{"logs":["m"]}""");

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        other.Status.Should().Be(HttpStatusCode.OK, "another tenant has its own window");
        (await host.GetJsonAsync("api/admin/tenants/acme/device-logs")).AsArray().Should().HaveCount(3, "a refused request stores nothing");
    }

    internal static async Task PutPassAsync(HostHarness host, string passId, string serial)
    {
        using var response = await host.Client.PutAsJsonAsync($"api/tenants/acme/passes/{passId}", new
        {
            passType = "loyalty",
            identifiers = new Dictionary<string, string> { ["customerId"] = "C-" + passId },
            registrationSource = new { tags = new[] { "store-42" }, medium = "email", origin = "newsletter" },
            apple = new { serialNumber = serial, passTypeIdentifier = "pass.io.walletcrew.test", authenticationToken = Token },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    internal static Task<HttpResponseMessage> RegisterAsync(HostHarness host, string serial, string device) =>
        SendAsync(host, HttpMethod.Post, serial, device, Token, """{"pushToken":"push"}""");

    private static async Task<HttpResponseMessage> SendAsync(HostHarness host, HttpMethod method, string serial, string device, string token, string? body = null)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(method, $"api/tenants/acme/passes/apple/v1/devices/{device}/registrations/pass.io.walletcrew.test/{serial}");
        request.Headers.TryAddWithoutValidation("Authorization", "ApplePass " + token);
        request.Headers.UserAgent.ParseAdd("Passbook/1.0 (iPhone)");
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
