using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Security;

public sealed class AuthenticationTests(SharedHost shared) : IClassFixture<SharedHost>
{
    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "POST", "api/tenants/acme/passes/P1/installations" },
        { "POST", "api/tenants/acme/customer-providers/points/fill" },
        { "GET", "api/admin/connectors" },
        { "GET", "api/admin/deliveries" },
        { "GET", "api/admin/dead-letters" },
        { "POST", "api/admin/replay" },
        { "GET", "api/admin/tenants/acme/logs" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task MissingKeyGets401WithProblemDetails(string method, string path)
    {
        using var client = new HttpClient { BaseAddress = shared.Host.BaseAddress };

        using var response = await client.SendAsync(Request(method, path));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["status"]!.GetValue<int>().Should().Be(401);
        problem["detail"]!.GetValue<string>().Should().Be("Send a configured API key as 'Authorization: Bearer <key>'.");
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task WrongKeyGets401(string method, string path)
    {
        using var client = new HttpClient { BaseAddress = shared.Host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey + "x");

        using var response = await client.SendAsync(Request(method, path));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task NonBearerSchemeGets401()
    {
        using var client = new HttpClient { BaseAddress = shared.Host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", HostHarness.ApiKey);

        using var response = await client.GetAsync("api/admin/connectors");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RightKeyPassesAndHealthNeedsNoKey()
    {
        using var anonymous = new HttpClient { BaseAddress = shared.Host.BaseAddress };

        using var health = await anonymous.GetAsync("health");
        using var admin = await shared.Host.Client.GetAsync("api/admin/connectors");

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        admin.StatusCode.Should().Be(HttpStatusCode.OK, "the configured key is accepted (control for the 401 tests)");
    }

    [Fact]
    public async Task HostRefusesToStartWithoutAnApiKey()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:ApiKeys:0"] = null });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Be(
            "No API key is configured. Set WalletCrew:ApiKeys:0:Key (environment: WalletCrew__ApiKeys__0__Key) to a random secret of at least 16 characters, e.g. the output of `openssl rand -hex 32`, and WalletCrew:ApiKeys:0:Scopes:0 to what it may do: platform, admin, tenant:{tenantId} or tenant-files:{tenantId}; callers send it as 'Authorization: Bearer <key>'.");
    }

    [Fact]
    public async Task HostRefusesAShortApiKey()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:ApiKeys:0"] = "short" });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Be("WalletCrew:ApiKeys:0 is 5 characters long; use at least 16.");
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { }) : null,
    };
}
