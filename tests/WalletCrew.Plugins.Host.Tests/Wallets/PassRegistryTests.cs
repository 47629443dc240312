using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Wallets;

/// <summary>The pass registry over HTTP: who may put and read passes, what a bad pass is told, and that a token is never shown.</summary>
public sealed class PassRegistryTests(ScopedHost shared) : IClassFixture<ScopedHost>
{
    private const string Token = "registry-token-0123456789";

    [Fact]
    public async Task APlatformKeyPutsAPassAndOnlyAnAdminKeyReadsOrDeletesIt()
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);
        using var admin = shared.ClientWith(ScopedHost.AdminKey);
        using var acme = shared.ClientWith(ScopedHost.AcmeKey);

        using var created = await platform.PutAsJsonAsync("api/tenants/acme/passes/R1", Pass("R1-serial"));
        using var again = await admin.PutAsJsonAsync("api/tenants/acme/passes/R1", Pass("R1-serial"));
        using var byTenant = await acme.PutAsJsonAsync("api/tenants/acme/passes/R1", Pass("R1-serial"));
        using var readByPlatform = await platform.GetAsync("api/tenants/acme/passes/R1");
        using var read = await admin.GetAsync("api/tenants/acme/passes/R1");
        var view = await read.Content.ReadAsStringAsync();
        using var deleteByPlatform = await platform.DeleteAsync("api/tenants/acme/passes/R1");
        using var deleted = await admin.DeleteAsync("api/tenants/acme/passes/R1");
        using var gone = await admin.GetAsync("api/tenants/acme/passes/R1");
        using var deletedAgain = await admin.DeleteAsync("api/tenants/acme/passes/R1");

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        again.StatusCode.Should().Be(HttpStatusCode.OK, "an admin key may put a pass too; the pass existed");
        byTenant.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        readByPlatform.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        var json = JsonNode.Parse(view)!;
        json["apple"]!["serialNumber"]!.GetValue<string>().Should().Be("R1-serial");
        json["apple"]!["pkpassBytes"]!.GetValue<int>().Should().Be(4);
        json["google"]!["objectId"]!.GetValue<string>().Should().Be("3388.R1");
        view.Should().NotContain(Token).And.NotContain("authenticationToken").And.NotContain("AQIDBA", "neither the token nor the pkpass is shown");
        deleteByPlatform.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
        deletedAgain.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"apple":{"serialNumber":"s","passTypeIdentifier":"pass.x","authenticationToken":"0123456789abcdef"}}""", "passType")]
    [InlineData("""{"passType":"loyalty"}""", "apple")]
    [InlineData("""{"passType":"loyalty","apple":{"passTypeIdentifier":"pass.x","authenticationToken":"0123456789abcdef"}}""", "apple.serialNumber")]
    [InlineData("""{"passType":"loyalty","apple":{"serialNumber":"s","passTypeIdentifier":"pass.x","authenticationToken":"short"}}""", "apple.authenticationToken")]
    [InlineData("""{"passType":"loyalty","apple":{"serialNumber":"s","passTypeIdentifier":"pass.x","authenticationToken":"0123456789abcdef","pkpass":"not base64!"}}""", "apple.pkpass")]
    [InlineData("""{"passType":"loyalty","apple":{"serialNumber":"s","passTypeIdentifier":"pass.x","authenticationToken":"0123456789abcdef","pkpassModifiedAt":"2026-01-01T00:00:00Z"}}""", "apple.pkpassModifiedAt")]
    [InlineData("""{"passType":"loyalty","google":{"classId":"3388.c"}}""", "google.objectId")]
    [InlineData("""{"passType":"loyalty","google":{"classId":"3388.c","objectId":"3388.o"},"extra":1}""", "extra")]
    public async Task ABadPassIsRefusedWith400NamingTheField(string body, string field)
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        using var response = await platform.PutAsync("api/tenants/acme/passes/BAD", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field);
    }

    [Theory]
    [InlineData("apple")]
    [InlineData("google")]
    public async Task ThePassIdsOfTheWalletRoutesAreReserved(string passId)
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        using var response = await platform.PutAsJsonAsync($"api/tenants/acme/passes/{passId}", Pass("reserved-" + passId));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["passId"]![0]!.GetValue<string>()
            .Should().Be($"'{passId}' is reserved for the wallet routes; choose another pass id.");
    }

    [Fact]
    public async Task TwoPassesOfATenantCannotShareAnAppleSerialOrAGoogleObject()
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        using var first = await platform.PutAsJsonAsync("api/tenants/acme/passes/C1", Pass("C-serial", "3388.C"));
        using var sameSerial = await platform.PutAsJsonAsync("api/tenants/acme/passes/C2", Pass("C-serial", "3388.C2"));
        using var sameObject = await platform.PutAsJsonAsync("api/tenants/acme/passes/C3", Pass("C3-serial", "3388.C"));
        using var otherTenant = await platform.PutAsJsonAsync("api/tenants/globex/passes/C1", Pass("C-serial", "3388.C"));

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        sameSerial.StatusCode.Should().Be(HttpStatusCode.Conflict);
        sameObject.StatusCode.Should().Be(HttpStatusCode.Conflict);
        otherTenant.StatusCode.Should().Be(HttpStatusCode.Created, "each tenant has its own wallet ids (control)");
    }

    [Fact]
    public async Task APassForAnUnknownTenantIs404()
    {
        using var platform = shared.ClientWith(ScopedHost.PlatformKey);

        using var response = await platform.PutAsJsonAsync("api/tenants/nobody/passes/P1", Pass("nobody-serial"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static object Pass(string serial, string? googleObject = null) => new
    {
        passType = "loyalty",
        identifiers = new Dictionary<string, string> { ["customerId"] = "C1" },
        apple = new { serialNumber = serial, passTypeIdentifier = "pass.io.walletcrew.registry", authenticationToken = Token, pkpass = new byte[] { 1, 2, 3, 4 } },
        google = new { classId = "3388.loyalty", objectId = googleObject ?? "3388." + serial.Split('-')[0] },
    };
}
