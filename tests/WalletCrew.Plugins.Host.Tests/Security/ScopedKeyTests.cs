using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Security;

public sealed class ScopedKeyTests(ScopedHost shared) : IClassFixture<ScopedHost>
{
    /// <summary>
    /// One request per admin route, about the tenant given (its event, its logs, or a <c>tenantId</c> filter), and whether that
    /// tenant's own key may call it. A route the host maps but this table lacks fails <see cref="EveryAdminRouteHasACase"/>.
    /// </summary>
    private static readonly Dictionary<string, (bool TenantMayCall, Func<string, string, string, HttpRequestMessage> Request)> AdminCases = new()
    {
        ["GET /api/admin/connectors"] = (true, (tenant, _, _) => Get($"api/admin/connectors?tenantId={tenant}")),
        ["GET /api/admin/deliveries"] = (true, (tenant, _, _) => Get($"api/admin/deliveries?tenantId={tenant}")),
        ["GET /api/admin/dead-letters"] = (true, (tenant, _, _) => Get($"api/admin/dead-letters?tenantId={tenant}")),
        ["GET /api/admin/deliveries/{eventId}"] = (true, (_, eventId, _) => Get($"api/admin/deliveries/{eventId}")),
        ["GET /api/admin/queues"] = (true, (tenant, _, _) => Get($"api/admin/queues?tenantId={tenant}")),
        ["GET /api/admin/tenants/{tenantId}/logs"] = (true, (tenant, _, _) => Get($"api/admin/tenants/{tenant}/logs")),
        ["GET /api/admin/tenants/{tenantId}/passes/{passId}/registrations"] = (true, (tenant, _, _) => Get($"api/admin/tenants/{tenant}/passes/P-{tenant}/registrations")),
        ["GET /api/admin/tenants/{tenantId}/device-logs"] = (true, (tenant, _, _) => Get($"api/admin/tenants/{tenant}/device-logs")),
        ["GET /api/admin/zombies"] = (false, (tenant, _, _) => Get($"api/admin/zombies?tenantId={tenant}")),
        ["POST /api/admin/deliveries/{eventId}/replay"] = (false, (_, eventId, _) => Post($"api/admin/deliveries/{eventId}/replay", new { })),
        ["POST /api/admin/replay"] = (false, (tenant, _, _) => Post("api/admin/replay", new { from = "2000-01-01T00:00:00Z", tenantId = tenant })),
        ["GET /api/admin/emails"] = (true, (tenant, _, _) => Get($"api/admin/emails?tenantId={tenant}")),
        ["GET /api/admin/emails/{emailId}"] = (true, (_, _, emailId) => Get($"api/admin/emails/{emailId}")),
        ["POST /api/admin/emails/{emailId}/replay"] = (false, (_, _, emailId) => Post($"api/admin/emails/{emailId}/replay", new { })),
        ["POST /api/admin/emails/replay"] = (false, (tenant, _, _) => Post($"api/admin/emails/replay?tenantId={tenant}", new { })),
    };

    [Fact]
    public void EveryAdminRouteHasACase()
    {
        var admin = AdminRoutes();

        // Negative control: the enumeration sees the routes we know of, so an empty or broken list cannot pass.
        admin.Should().Contain(["GET /api/admin/deliveries", "GET /api/admin/tenants/{tenantId}/logs", "POST /api/admin/replay"]);
        admin.Should().BeEquivalentTo(AdminCases.Keys, "every admin route must be checked against every scope; add the new route to AdminCases");
    }

    [Fact]
    public async Task EveryAdminRouteAnswers403ToAPlatformKey()
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        var answers = await CallEveryAdminRouteAsync(platform, "acme");

        answers.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.Forbidden, a.Route));
    }

    [Fact]
    public async Task EveryAdminRouteAnswers403ToAnotherTenantsKey()
    {
        using var globex = shared.ClientWith(ScopedHost.GlobexKey);

        var answers = await CallEveryAdminRouteAsync(globex, "acme");

        answers.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.Forbidden, a.Route));
    }

    /// <summary>
    /// A tenant key naming its own tenant in the query does not reach another tenant's event or email by id: every tenant the
    /// request is about must be the key's (the query was read first, so the event's owner was never looked at). The refusal
    /// does not say whose the event is. Control: the same requests for the key's own event and email are answered.
    /// </summary>
    [Theory]
    [InlineData("globex", HttpStatusCode.Forbidden)]
    [InlineData("acme", HttpStatusCode.OK)]
    public async Task AQueryNamingTheKeysTenantDoesNotOpenAnotherTenantsEventOrEmail(string owner, HttpStatusCode expected)
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);

        foreach (var path in new[] { $"api/admin/deliveries/{shared.EventIds[owner]}", $"api/admin/emails/{shared.EmailIds[owner]}" })
        {
            foreach (var query in new[] { "?tenantId=acme", "?tenantId=acme&tenantId=acme", "" })
            {
                using var response = await acme.GetAsync(path + query);
                response.StatusCode.Should().Be(expected, path + query);
                if (expected == HttpStatusCode.Forbidden)
                {
                    (await response.Content.ReadAsStringAsync()).Should().NotContain("globex", "a refusal does not say whose it is");
                }
            }
        }
    }

    [Fact]
    public async Task TenantKeyReadsItsOwnTenantAndChangesNothing()
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);

        var answers = await CallEveryAdminRouteAsync(acme, "acme");

        answers.Should().AllSatisfy(a => a.Status.Should().Be(
            AdminCases[a.Route].TenantMayCall ? HttpStatusCode.OK : HttpStatusCode.Forbidden, a.Route));
    }

    [Fact]
    public async Task EveryAdminRouteAnswersAnAdminKey()
    {
        using var admin = shared.ClientWith(ScopedHost.AdminKey);

        var answers = await CallEveryAdminRouteAsync(admin, "globex");

        answers.Should().AllSatisfy(a => ((int)a.Status).Should().BeInRange(200, 299, a.Route));
    }

    [Fact]
    public async Task NoRouteThatChangesStateAcceptsATenantKey()
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);
        var values = new Dictionary<string, string> { ["tenantId"] = "acme", ["passId"] = "P-acme", ["name"] = "points", ["eventId"] = shared.EventIds["acme"], ["emailId"] = shared.EmailIds["acme"] };
        var writes = AppRoutes.Of(shared.Host.Services).Where(r => r.Method is not ("GET" or "HEAD") && !r.Anonymous).ToList();
        writes.Select(r => r.ToString()).Should().Contain(["POST /api/tenants/{tenantId}/passes/{passId}/installations", "POST /api/admin/replay", "POST /console/replay"]);
        var before = await shared.Host.GetJsonAsync("api/admin/deliveries?tenantId=acme");

        // The console's forms take the key through sign-in: there the tenant key posts with its session's valid form token.
        using var console = new ConsoleClient(shared.Host.BaseAddress);
        (await console.SignInAsync(ScopedHost.AcmeKey)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        foreach (var route in writes.Where(r => r.Pattern != "/console/sign-out"))
        {
            using var response = route.Pattern.StartsWith("/console/", StringComparison.Ordinal)
                ? await console.PostFromAsync("console", route.Path(values))
                : await acme.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), route.Path(values)) { Content = JsonContent.Create(new { }) });
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, route.ToString());
        }

        (await shared.Host.GetJsonAsync("api/admin/deliveries?tenantId=acme")).ToJsonString().Should().Be(before.ToJsonString());
    }

    [Fact]
    public async Task IngestAnswers403NamingThePlatformScopeToATenantKey()
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);

        using var response = await acme.PostAsJsonAsync("api/tenants/acme/passes/P-new/installations", new { device = "apple", installed = true, passType = "loyalty" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["title"]!.GetValue<string>().Should().Be("The key lacks the scope this route needs");
        problem["detail"]!.GetValue<string>().Should().Be(
            "POST /api/tenants/acme/passes/P-new/installations needs a key with the scope 'platform'; this key has 'tenant:acme'.");
        problem["requiredScopes"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("platform");
    }

    [Fact]
    public async Task AdminKeyCannotIngestOrFill()
    {
        using var admin = shared.ClientWith(ScopedHost.AdminKey);

        using var ingest = await admin.PostAsJsonAsync("api/tenants/acme/passes/P-new/installations", new { device = "apple", installed = true, passType = "loyalty" });
        using var fill = await admin.PostAsJsonAsync("api/tenants/acme/customer-providers/points/fill", new { passId = "P1" });

        ingest.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        fill.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OnlyAPlatformKeyMaySendAnEmail()
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);
        using var admin = shared.ClientWith(ScopedHost.AdminKey);
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);
        using var anonymous = new HttpClient { BaseAddress = shared.Host.BaseAddress };

        using var byTenant = await acme.PostAsJsonAsync("api/tenants/acme/emails", new { recipient = "ada@example.com", emailTemplate = "welcome" });
        using var byAdmin = await admin.PostAsJsonAsync("api/tenants/acme/emails", new { recipient = "ada@example.com", emailTemplate = "welcome" });
        using var byNobody = await anonymous.PostAsJsonAsync("api/tenants/acme/emails", new { recipient = "ada@example.com", emailTemplate = "welcome" });
        // Control: the platform key gets past authorization (to validation, so nothing is stored).
        using var byPlatform = await platform.PostAsJsonAsync("api/tenants/acme/emails", new { recipient = "not an address", emailTemplate = "welcome" });

        byTenant.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        JsonNode.Parse(await byTenant.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Be(
            "POST /api/tenants/acme/emails needs a key with the scope 'platform'; this key has 'tenant:acme'.");
        byAdmin.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        byNobody.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        byPlatform.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PlatformKeyOnATenantReadRouteIsToldWhichScopesWouldDo()
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        using var response = await platform.GetAsync("api/admin/tenants/acme/logs");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Be(
            "GET /api/admin/tenants/acme/logs needs a key with the scope 'admin' or 'tenant:acme'; this key has 'platform'.");
    }

    [Fact]
    public async Task TenantKeySeesOnlyItsOwnTenantInListsWithoutAFilter()
    {
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);

        var deliveries = JsonNode.Parse(await acme.GetStringAsync("api/admin/deliveries"))!.AsArray();
        var connectors = JsonNode.Parse(await acme.GetStringAsync("api/admin/connectors"))!.AsArray();
        var queues = JsonNode.Parse(await acme.GetStringAsync("api/admin/queues"))!.AsArray();
        var all = (await shared.Host.GetJsonAsync("api/admin/connectors")).AsArray();

        deliveries.Select(d => d!["tenantId"]!.GetValue<string>()).Should().NotBeEmpty().And.AllBe("acme");
        connectors.Select(c => c!["tenantId"]!.GetValue<string>()).Should().Equal("acme");
        queues.Select(q => q!["tenantId"]!.GetValue<string>()).Should().AllBe("acme");
        all.Select(c => c!["tenantId"]!.GetValue<string>()).Should().BeEquivalentTo(["acme", "globex"], "an admin key sees every tenant (control)");
    }

    [Fact]
    public async Task UnknownKeyIs401()
    {
        using var unknown = shared.ClientWith(ScopedHost.AcmeKey + "x");

        using var response = await unknown.GetAsync("api/admin/tenants/acme/logs");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private List<string> AdminRoutes() =>
        [.. AppRoutes.Of(shared.Host.Services).Where(r => r.Pattern.StartsWith("/api/admin/", StringComparison.Ordinal)).Select(r => r.ToString())];

    private async Task<List<(string Route, HttpStatusCode Status)>> CallEveryAdminRouteAsync(HttpClient client, string tenant)
    {
        var routes = AdminRoutes();
        routes.Should().NotBeEmpty().And.BeSubsetOf(AdminCases.Keys);
        var answers = new List<(string, HttpStatusCode)>();
        foreach (var route in routes)
        {
            using var response = await client.SendAsync(AdminCases[route].Request(tenant, shared.EventIds[tenant], shared.EmailIds[tenant]));
            answers.Add((route, response.StatusCode));
        }

        return answers;
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, object body) => new(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
}
