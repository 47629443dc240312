using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Wallets;

public sealed class AppleRegistrationCrashTests
{
    private const string Token = "crash-token-0123456789";

    [Fact]
    public async Task ARegistrationAcknowledged201SurvivesASigkillOfTheHostAndIsDeliveredAfterTheRestart()
    {
        await using var partner = await PartnerStub.StartAsync();
        // No partner call is answered before the kill, so the killed host cannot have finished the delivery.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = PartnerStub.Respond(200, "{}");
        partner.Handler = async context =>
        {
            await gate.Task.WaitAsync(context.RequestAborted);
            await answer(context);
        };
        using var root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(partner.BaseAddress + "/hook"));
        var host = await HostProcess.StartAsync(root);
        using (var client = Client(host.BaseAddress))
        {
            using var put = await client.PutAsJsonAsync("api/tenants/acme/passes/P1", new
            {
                passType = "loyalty",
                apple = new { serialNumber = "S1", passTypeIdentifier = "pass.io.walletcrew.crash", authenticationToken = Token },
            });
            put.StatusCode.Should().Be(HttpStatusCode.Created);

            using var register = new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/passes/apple/v1/devices/iphone/registrations/pass.io.walletcrew.crash/S1")
            {
                Content = new StringContent("""{"pushToken":"push"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            register.Headers.Authorization = new AuthenticationHeaderValue("ApplePass", Token);
            using var registered = await client.SendAsync(register);
            registered.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        host.Kill();
        host.Dispose();
        gate.SetResult();
        using var restarted = await HostProcess.StartAsync(root);
        using var admin = Client(restarted.BaseAddress);

        JsonNode? stored = null;
        await HostHarness.WaitUntilAsync(async () =>
        {
            stored = JsonNode.Parse(await admin.GetStringAsync("api/admin/deliveries?tenantId=acme&passId=P1"))!.AsArray().SingleOrDefault();
            return stored?["status"]?.GetValue<string>() == "delivered";
        }, TimeSpan.FromSeconds(60), "the registration's event was delivered by the restarted host");
        stored!["installed"]!.GetValue<bool>().Should().BeTrue();
        stored["device"]!.GetValue<string>().Should().Be("apple");
        stored["activeRegistrationCount"]!.GetValue<int>().Should().Be(1);
        partner.Requests.Should().Contain(r => r.Path == "/hook", "the hook reached the partner");
        JsonNode.Parse(await admin.GetStringAsync("api/admin/tenants/acme/passes/P1/registrations"))!.AsArray().Should().ContainSingle(
            r => r!["deviceId"]!.GetValue<string>() == "iphone" && r["pushToken"]!.GetValue<string>() == "push", "the registration row survived with its event");
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
        return client;
    }
}
