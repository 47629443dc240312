using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Host.Tests.Wallets;

/// <summary>
/// A black-box conformance check of a PassKit web service over HTTP: it knows only the host's base URL, a tenant and a key
/// that may put passes in the registry and read the admin API (to observe events). It walks the cases of the research notes
/// (A.5, cases 1–16) in order on a fresh pass and device; case 17 (store down → 503) needs a way to break the store and is
/// run by the tests beside it. Each assertion names its case.
/// </summary>
internal sealed class AppleWebServiceConformance(Uri baseUrl, string tenantId, string apiKey)
{
    private const string PassTypeIdentifier = "pass.io.walletcrew.conformance";

    private readonly string _passId = "conf-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _serial = "S" + Guid.NewGuid().ToString("N");
    private readonly string _device = "d" + Guid.NewGuid().ToString("N");
    private readonly string _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly byte[] _pkpass = RandomNumberGenerator.GetBytes(256);
    private readonly DateTimeOffset _modifiedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600);

    private string Service => $"api/tenants/{tenantId}/passes/apple/v1";

    private string Registration => $"{Service}/devices/{_device}/registrations/{PassTypeIdentifier}/{_serial}";

    public async Task RunAsync()
    {
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await PutPassAsync(client, _pkpass);

        // 1. Serials of an unknown device: 204.
        (await SendAsync(client, HttpMethod.Get, $"{Service}/devices/unknown-{_device}/registrations/{PassTypeIdentifier}")).Status.Should().Be(HttpStatusCode.NoContent, "case 1");

        // 2–4. Register without, with a wrong, or with another pass's credentials: 401, nothing written.
        (await RegisterAsync(client, token: null)).Should().Be(HttpStatusCode.Unauthorized, "case 2: no Authorization");
        (await RegisterAsync(client, token: _token + "x")).Should().Be(HttpStatusCode.Unauthorized, "case 3: a wrong token");
        (await RegisterAsync(client, token: _token, path: $"{Service}/devices/{_device}/registrations/{PassTypeIdentifier}/unknown-serial")).Should().Be(HttpStatusCode.Unauthorized, "case 4: an unknown serial");
        (await RegisterAsync(client, token: _token, path: $"{Service}/devices/{_device}/registrations/pass.io.unknown/{_serial}")).Should().Be(HttpStatusCode.Unauthorized, "case 4: an unknown pass type");
        (await RegisterAsync(client, token: apiKey, scheme: "Bearer")).Should().Be(HttpStatusCode.Unauthorized, "case 2: an API key is no ApplePass token");
        (await EventsAsync(client)).Should().BeEmpty("cases 2–4 write no event");
        (await RegistrationsAsync(client)).Should().BeEmpty("cases 2–4 write no registration");

        // 5. A missing, malformed or incomplete body: 400.
        (await RegisterAsync(client, _token, body: "")).Should().Be(HttpStatusCode.BadRequest, "case 5: no body");
        (await RegisterAsync(client, _token, body: "{\"pushToken\":")).Should().Be(HttpStatusCode.BadRequest, "case 5: not JSON");
        (await RegisterAsync(client, _token, body: "{}")).Should().Be(HttpStatusCode.BadRequest, "case 5: no pushToken");
        (await EventsAsync(client)).Should().BeEmpty("case 5 writes no event");

        // 6. Register: 201 and exactly one installation with counts (1, 1).
        (await RegisterAsync(client, _token, body: """{"pushToken":"push-1"}""")).Should().Be(HttpStatusCode.Created, "case 6");
        var events = await EventsAsync(client);
        events.Select(Counts).Should().Equal([(true, 1, 1)], "case 6: one installation event, active 1, total 1");
        events[0]!["device"]!.GetValue<string>().Should().Be("apple", "case 6");

        // 7. The same registration again: 200, no second event, the push token updated.
        (await RegisterAsync(client, _token, body: """{"pushToken":"push-2"}""")).Should().Be(HttpStatusCode.OK, "case 7");
        (await EventsAsync(client)).Should().HaveCount(1, "case 7: no second event");
        (await RegistrationsAsync(client)).Select(r => r!["pushToken"]!.GetValue<string>()).Should().Equal(["push-2"], "case 7: the push token is updated");

        // 8. Serials: all without a tag, none with that tag, the pass again once it changed, with a later tag.
        var serials = $"{Service}/devices/{_device}/registrations/{PassTypeIdentifier}";
        var first = await SendAsync(client, HttpMethod.Get, serials);
        first.Status.Should().Be(HttpStatusCode.OK, "case 8: no tag");
        first.Json!["serialNumbers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal([_serial], "case 8");
        var tag = first.Json["lastUpdated"]!.GetValue<string>();
        (await SendAsync(client, HttpMethod.Get, $"{serials}?passesUpdatedSince={tag}")).Status.Should().Be(HttpStatusCode.NoContent, "case 8: nothing changed since the tag");
        var future = (DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await SendAsync(client, HttpMethod.Get, $"{serials}?passesUpdatedSince={future}")).Status.Should().Be(HttpStatusCode.NoContent, "case 8: a tag in seconds is read as seconds");
        var legacy = (long.Parse(tag, System.Globalization.CultureInfo.InvariantCulture) / 1000 - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await SendAsync(client, HttpMethod.Get, $"{serials}?passesUpdatedSince={legacy}")).Status.Should().Be(HttpStatusCode.OK, "case 8: an older tag in seconds");
        var foreign = await SendAsync(client, HttpMethod.Get, $"{serials}?passesUpdatedSince=2024-05-01T10%3A00%3A00Z");
        foreign.Status.Should().Be(HttpStatusCode.OK, "case 8: a tag this service never gave (another server's) is read as none");
        foreign.Json!["serialNumbers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal([_serial], "case 8: every serial, and a tag of ours");
        var changed = RandomNumberGenerator.GetBytes(256);
        await PutPassAsync(client, changed);
        var second = await SendAsync(client, HttpMethod.Get, $"{serials}?passesUpdatedSince={tag}");
        second.Status.Should().Be(HttpStatusCode.OK, "case 8: the pass changed after the tag");
        second.Json!["serialNumbers"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal([_serial], "case 8");
        long.Parse(second.Json["lastUpdated"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeGreaterThan(long.Parse(tag, System.Globalization.CultureInfo.InvariantCulture), "case 8: the new tag is later");

        // 9–11. The latest pass: 200 with its type and Last-Modified; 304 when not modified since; 401 with a wrong token.
        // The changed bytes came with the first version's time (a platform re-signing its passes keeps it): Last-Modified
        // moves to the next second, so a device holding the first version, which asks "modified since" its time, gets them.
        var pass = $"{Service}/passes/{PassTypeIdentifier}/{_serial}";
        var secondModifiedAt = _modifiedAt.AddSeconds(1);
        using (var response = await SendRawAsync(client, HttpMethod.Get, pass, _token))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, "case 9");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.apple.pkpass", "case 9");
            response.Content.Headers.LastModified.Should().Be(secondModifiedAt, "case 9: new bytes at the previous time take the next second");
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(changed, "case 9: the latest pkpass");
        }

        using (var response = await SendRawAsync(client, HttpMethod.Get, pass, _token, ifModifiedSince: _modifiedAt))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, "case 10: a device holding the first version gets the second");
            (await response.Content.ReadAsByteArrayAsync()).Should().Equal(changed, "case 10");
        }

        await PutPassAsync(client, changed); // the same bytes again: Last-Modified stays
        using (var response = await SendRawAsync(client, HttpMethod.Get, pass, _token, ifModifiedSince: secondModifiedAt))
        {
            response.StatusCode.Should().Be(HttpStatusCode.NotModified, "case 10");
            (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty("case 10: a 304 has no body");
        }

        using (var response = await SendRawAsync(client, HttpMethod.Get, pass, _token + "x"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "case 11");
        }

        // 12–14. Unregister: 401 with a wrong token; 200 and one uninstallation (0, 1); again 200 and no second event.
        (await SendAsync(client, HttpMethod.Delete, Registration, _token + "x")).Status.Should().Be(HttpStatusCode.Unauthorized, "case 12");
        (await EventsAsync(client)).Should().HaveCount(1, "case 12 writes no event");
        (await SendAsync(client, HttpMethod.Delete, Registration, _token)).Status.Should().Be(HttpStatusCode.OK, "case 13");
        (await EventsAsync(client)).Select(Counts).Should().Equal([(true, 1, 1), (false, 0, 1)], "case 13: one uninstallation, active 0, total 1");
        (await SendAsync(client, HttpMethod.Delete, Registration, _token)).Status.Should().Be(HttpStatusCode.OK, "case 14: unregistering again answers 200");
        (await EventsAsync(client)).Should().HaveCount(2, "case 14: no second uninstallation");
        (await SendAsync(client, HttpMethod.Get, serials)).Status.Should().Be(HttpStatusCode.NoContent, "case 14: an unregistered pass is no longer listed");

        // 15. Register again: 201 and an installation with total 2.
        (await RegisterAsync(client, _token, body: """{"pushToken":"push-3"}""")).Should().Be(HttpStatusCode.Created, "case 15");
        (await EventsAsync(client)).Select(Counts).Should().Equal([(true, 1, 1), (false, 0, 1), (true, 1, 2)], "case 15");

        // 16. The log: 200 and kept under the tenant; empty or missing logs 400; never 5xx.
        var marker = Guid.NewGuid().ToString("N");
        (await SendAsync(client, HttpMethod.Post, $"{Service}/log", body: $$"""{"logs":["a {{marker}}","b {{marker}}"]}""")).Status.Should().Be(HttpStatusCode.OK, "case 16");
        var logs = await GetAsync(client, $"api/admin/tenants/{tenantId}/device-logs?limit=1000");
        logs.AsArray().Select(l => l!["message"]!.GetValue<string>()).Where(m => m.EndsWith(marker, StringComparison.Ordinal))
            .Should().BeEquivalentTo([$"a {marker}", $"b {marker}"], "case 16: kept under the tenant");
        foreach (var bad in new[] { """{"logs":[]}""", "{}", "", "[\"bare\"]", """{"logs":"a"}""" })
        {
            (await SendAsync(client, HttpMethod.Post, $"{Service}/log", body: bad)).Status.Should().Be(HttpStatusCode.BadRequest, $"case 16: body '{bad}'");
        }
    }

    private static (bool Installed, int Active, int Total) Counts(JsonNode? e) =>
        (e!["installed"]!.GetValue<bool>(), e["activeRegistrationCount"]!.GetValue<int>(), e["totalRegistrationCount"]!.GetValue<int>());

    private async Task PutPassAsync(HttpClient client, byte[] pkpass)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/tenants/{tenantId}/passes/{_passId}")
        {
            Content = JsonContent.Create(new
            {
                passType = "loyalty",
                identifiers = new Dictionary<string, string> { ["customerId"] = "C-" + _passId },
                registrationSource = new { tags = new[] { "conformance" }, medium = "email", origin = "test" },
                apple = new { serialNumber = _serial, passTypeIdentifier = PassTypeIdentifier, authenticationToken = _token, pkpass, pkpassModifiedAt = _modifiedAt },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.SendAsync(request);
        response.IsSuccessStatusCode.Should().BeTrue($"the pass registry takes the pass: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpStatusCode> RegisterAsync(HttpClient client, string? token, string? path = null, string body = """{"pushToken":"push-0"}""", string scheme = "ApplePass") =>
        (await SendAsync(client, HttpMethod.Post, path ?? Registration, token, body, scheme)).Status;

    /// <summary>The pass's stored events, oldest first, as the admin API lists them.</summary>
    private async Task<List<JsonNode?>> EventsAsync(HttpClient client) =>
        [.. (await GetAsync(client, $"api/admin/deliveries?tenantId={tenantId}&passId={_passId}&limit=1000")).AsArray().Reverse()];

    private async Task<List<JsonNode?>> RegistrationsAsync(HttpClient client) =>
        [.. (await GetAsync(client, $"api/admin/tenants/{tenantId}/passes/{_passId}/registrations")).AsArray()];

    private async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Json)> SendAsync(
        HttpClient client, HttpMethod method, string path, string? token = null, string? body = null, string scheme = "ApplePass")
    {
        using var response = await SendRawAsync(client, method, path, token, body: body, scheme: scheme);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().BeLessThan(500, $"{method} {path} never answers 5xx here: {text}");
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK && text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static Task<HttpResponseMessage> SendRawAsync(
        HttpClient client, HttpMethod method, string path, string? token, DateTimeOffset? ifModifiedSince = null, string? body = null, string scheme = "ApplePass")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        }

        request.Headers.IfModifiedSince = ifModifiedSince;
        request.Headers.UserAgent.ParseAdd("Passbook/1.0 (conformance)");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request);
    }
}
