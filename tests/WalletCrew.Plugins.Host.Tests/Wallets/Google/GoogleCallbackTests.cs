using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Wallets.Google;

/// <summary>The Google Wallet callback route over real HTTP, with callbacks signed at test time by keys the host is configured to trust.</summary>
public sealed class GoogleCallbackTests : IDisposable
{
    private const string Issuer = "3388000000012345678";
    private const string OtherIssuer = "3388000000099999999";
    private const string Route = "api/tenants/acme/passes/google";

    private readonly GoogleTestSigner _signer = new();
    private int _nonces;

    [Fact]
    public async Task ASignedSaveIsAnInstallationAndARepeatedNonceAnswers204WithoutAnEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await StartAsync(root);
        await PutPassAsync(host);

        var save = Callback("save", nonce: "n-1");
        var first = await host.PostRawAsync(Route, save);
        var repeat = await host.PostRawAsync(Route, save);
        var delete = await host.PostRawAsync(Route, Callback("del", nonce: "n-2"));

        first.Status.Should().Be(HttpStatusCode.OK);
        repeat.Status.Should().Be(HttpStatusCode.NoContent, "Google delivered the same message twice");
        delete.Status.Should().Be(HttpStatusCode.OK);
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 2, TimeSpan.FromSeconds(30), "two transitions ran");
        (await host.DeliveredAsync("acme")).Select(d => (d.Device, d.Installed, d.Active, d.Total)).Should().Equal(
            ("google", true, 1, 1),
            ("google", false, 0, 1));
    }

    [Fact]
    public async Task EveryCallbackThatDoesNotVerifyAnswers401AndMakesNoEvent()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await StartAsync(root);
        await PutPassAsync(host);
        var now = DateTimeOffset.UtcNow;
        using var otherRoot = new GoogleTestSigner();
        var refused = new Dictionary<string, string>
        {
            ["changed signedMessage"] = GoogleTestSigner.Tamper(Callback("save"), b => b["signedMessage"] = Message("save", objectId: $"{Issuer}.member-2")),
            ["changed signedKey"] = GoogleTestSigner.Tamper(Callback("save"), b => b["intermediateSigningKey"]!["signedKey"] =
                b["intermediateSigningKey"]!["signedKey"]!.GetValue<string>().Replace("\"keyExpiration\":\"", "\"keyExpiration\":\"9", StringComparison.Ordinal)),
            ["wrong sender"] = _signer.Sign(Message("save"), Issuer, now.AddDays(1), sender: "SomeoneElse"),
            ["wrong recipient"] = _signer.Sign(Message("save"), OtherIssuer, now.AddDays(1)),
            ["expired intermediate key"] = _signer.Sign(Message("save"), Issuer, now.AddMinutes(-1)),
            ["missing keyExpiration"] = _signer.Sign(Message("save"), Issuer, keyExpiration: null),
            ["expired expTimeMillis"] = _signer.Sign(Message("save", expires: now.AddMinutes(-1)), Issuer, now.AddDays(1)),
            ["another issuer's classId"] = _signer.Sign(Message("save", classId: $"{OtherIssuer}.loyalty"), Issuer, now.AddDays(1)),
            ["an untrusted root key"] = otherRoot.Sign(Message("save"), Issuer, now.AddDays(1)),
        };

        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var (name, body) in refused)
        {
            answers[name] = (await host.PostRawAsync(Route, body)).Status;
        }

        var control = await host.PostRawAsync(Route, Callback("save"));

        answers.Should().AllSatisfy(a => a.Value.Should().Be(HttpStatusCode.Unauthorized, a.Key));
        control.Status.Should().Be(HttpStatusCode.OK, "a well-signed callback is accepted (control)");
        var events = (await host.GetJsonAsync("api/admin/deliveries?tenantId=acme&passId=P1")).AsArray();
        events.Should().ContainSingle("only the control made an event");
    }

    [Fact]
    public async Task ACallbackForAnObjectNotInTheRegistryIs404AndATenantWithoutAnIssuerIsRefused()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook).WriteScript("globex", Scripts.RecordingHook);
        await using var host = await StartAsync(root);

        var unknown = await host.PostRawAsync(Route, Callback("save"));
        var noIssuer = await host.PostRawAsync("api/tenants/globex/passes/google", Callback("save"));

        unknown.Status.Should().Be(HttpStatusCode.NotFound);
        unknown.Body["detail"]!.GetValue<string>().Should().Be($"Tenant 'acme' has no pass with Google object id '{Issuer}.member-1' in the registry; put it first.");
        noIssuer.Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task InstallOnAppleThenGoogleThenUninstallOnAppleReachesTheHookInOrderWithTheCountsOfEachTransition()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await StartAsync(root);
        await PutPassAsync(host);
        using var apple = new HttpClient { BaseAddress = host.BaseAddress };
        const string Registration = "api/tenants/acme/passes/apple/v1/devices/iphone/registrations/pass.io.walletcrew.google/S1";

        using var installed = await SendAppleAsync(apple, HttpMethod.Post, Registration, """{"pushToken":"push"}""");
        var saved = await host.PostRawAsync(Route, Callback("save"));
        using var uninstalled = await SendAppleAsync(apple, HttpMethod.Delete, Registration, null);

        installed.StatusCode.Should().Be(HttpStatusCode.Created);
        saved.Status.Should().Be(HttpStatusCode.OK);
        uninstalled.StatusCode.Should().Be(HttpStatusCode.OK);
        await HostHarness.WaitUntilAsync(async () => (await host.DeliveredAsync("acme")).Count >= 3, TimeSpan.FromSeconds(30), "three transitions ran");
        (await host.DeliveredAsync("acme")).Select(d => (d.Device, d.Installed, d.Active, d.Total)).Should().Equal(
            ("apple", true, 1, 1),
            ("google", true, 2, 2),
            ("apple", false, 1, 2));
    }

    public void Dispose() => _signer.Dispose();

    private Task<HostHarness> StartAsync(TenantsRoot root) => HostHarness.StartAsync(root, new Dictionary<string, string?>
    {
        ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok",
        ["WalletCrew:Wallets:Google:RootKeys"] = _signer.RootKeysJson(DateTimeOffset.UtcNow.AddDays(30)),
        ["WalletCrew:Wallets:Google:Issuers:acme"] = Issuer,
    });

    private static async Task PutPassAsync(HostHarness host)
    {
        using var response = await host.Client.PutAsJsonAsync("api/tenants/acme/passes/P1", new
        {
            passType = "loyalty",
            apple = new { serialNumber = "S1", passTypeIdentifier = "pass.io.walletcrew.google", authenticationToken = "google-test-token-0123" },
            google = new { classId = $"{Issuer}.loyalty", objectId = $"{Issuer}.member-1" },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    private static async Task<HttpResponseMessage> SendAppleAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "ApplePass google-test-token-0123");
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private string Callback(string eventType, string? nonce = null) =>
        _signer.Sign(Message(eventType, nonce: nonce), Issuer, DateTimeOffset.UtcNow.AddDays(1));

    private string Message(string eventType, string? classId = null, string? objectId = null, DateTimeOffset? expires = null, string? nonce = null) =>
        GoogleTestSigner.Message(classId ?? $"{Issuer}.loyalty", objectId ?? $"{Issuer}.member-1", eventType,
            JsonValue.Create(GoogleTestSigner.Millis(expires ?? DateTimeOffset.UtcNow.AddMinutes(5))), nonce ?? $"nonce-{Interlocked.Increment(ref _nonces)}");
}
