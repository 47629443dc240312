using System.Net;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Problems;

public sealed class BadInputTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private const string Valid = """{"device":"apple","installed":true,"passType":"loyalty","identifiers":{"customerId":"C1"}}""";

    [Fact]
    public async Task ValidBodyIsAccepted()
    {
        var (status, _) = await shared.Host.PostRawAsync("api/tenants/acme/passes/ok-1/installations", Valid);

        status.Should().Be(HttpStatusCode.Accepted, "the control for every 4xx below");
    }

    [Fact]
    public async Task MalformedJsonNamesThePosition()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", """{"device":"apple",,}""");

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["title"]!.GetValue<string>().Should().Be("The request body is not valid JSON");
        problem["detail"]!.GetValue<string>().Should().Be("The body is not valid JSON (line 1, position 19): ',' is an invalid start of a property name. Expected a '\"'.");
    }

    [Fact]
    public async Task UnknownDeviceNamesTheDeviceField()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", Valid.Replace("\"apple\"", "\"iphone\"", StringComparison.Ordinal));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["device"]![0]!.GetValue<string>().Should().Be("'iphone' is not a device: use 'apple' or 'google'.");
    }

    [Fact]
    public async Task EveryMissingFieldIsReportedAtOnce()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", "{}");

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo("device", "installed", "passType");
        problem["errors"]!["installed"]![0]!.GetValue<string>().Should().Be("'installed' is required: true for an install, false for an uninstall.");
    }

    [Fact]
    public async Task WrongTypeNamesTheField()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", Valid.Replace("true", "\"yes\"", StringComparison.Ordinal));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["installed"]![0]!.GetValue<string>().Should().Be("Field 'installed' has a value of the wrong type (line 1, position 36).");
    }

    [Fact]
    public async Task UnknownFieldIsNamed()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", Valid.Replace("\"installed\"", "\"instaled\"", StringComparison.Ordinal));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["instaled"]![0]!.GetValue<string>().Should().StartWith("Unknown field 'instaled'");
    }

    [Theory]
    [InlineData("\"C1\"", "5", "identifiers.customerId", "Field 'identifiers.customerId' has a value of the wrong type")]
    [InlineData("}}", """}, "registrationSource": {"tags": ["a", 2]}}""", "registrationSource.tags[1]", "Field 'registrationSource.tags[1]' has a value of the wrong type")]
    [InlineData("}}", """}, "registrationSource": {"chanel": "store"}}""", "registrationSource.chanel", "Unknown field 'registrationSource.chanel'")]
    public async Task AFieldInsideAnObjectOrArrayIsNamedByItsWholePath(string replaced, string by, string field, string error)
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", Valid.Replace(replaced, by, StringComparison.Ordinal));

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]![field]![0]!.GetValue<string>().Should().StartWith(error);
    }

    [Theory]
    [InlineData("[1, 2]", "an array")]
    [InlineData("\"apple\"", "a string")]
    [InlineData("42", "a number")]
    public async Task ABodyThatIsNotAnObjectSaysWhatItIs(string body, string what)
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", body);

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().Should().Be($"The body is {what}; send a JSON object.");
    }

    /// <summary>The route hands over the decoded id, so a newline after a valid id (<c>%0A</c>) must not pass as the id.</summary>
    [Theory]
    [InlineData("Acme_Corp", "Acme_Corp")]
    [InlineData("acme%0A", "acme\n")]
    [InlineData("a%0A", "a\n")]
    [InlineData("acme%0A%0A", "acme\n\n")]
    [InlineData("%0Aacme", "\nacme")]
    public async Task BadTenantIdNamesTheTenantId(string inPath, string decoded)
    {
        var (status, problem) = await shared.Host.PostRawAsync($"api/tenants/{inPath}/passes/P1/installations", Valid);

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["tenantId"]![0]!.GetValue<string>().Should().Be(
            $"'{decoded}' is not a valid tenant id: use 1 to 63 lowercase letters, digits or '-', starting with a letter or digit.");
    }

    [Fact]
    public async Task UnknownTenantGets404()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/nobody/passes/P1/installations", Valid);

        status.Should().Be(HttpStatusCode.NotFound);
        problem["detail"]!.GetValue<string>().Should().Be("No tenant 'nobody' is loaded: its folder must exist under the tenants root.");
    }

    [Fact]
    public async Task OversizeBodyGets413()
    {
        var big = Valid.Replace("\"C1\"", "\"" + new string('x', 300 * 1024) + "\"", StringComparison.Ordinal);

        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", big);

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().Should().Be($"The body is {big.Length} bytes; the limit is 262144 bytes (WalletCrew:Api:MaxRequestBodyBytes).");
    }

    [Fact]
    public async Task NonJsonContentTypeGets415()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", "device=apple", "application/x-www-form-urlencoded");

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        problem["detail"]!.GetValue<string>().Should().Be("Content-Type 'application/x-www-form-urlencoded; charset=utf-8' is not JSON; send 'application/json'.");
    }

    [Fact]
    public async Task EmptyBodyIsNamed()
    {
        var (status, problem) = await shared.Host.PostRawAsync("api/tenants/acme/passes/P1/installations", "");

        status.Should().Be(HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().Should().Be("The request body is empty; send a JSON object.");
    }

    [Fact]
    public async Task UnknownDeliveryStatusFilterIsNamed()
    {
        using var response = await shared.Host.Client.GetAsync("api/admin/deliveries?status=lost");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("'lost' is not a delivery status: use pending, delivered, dead or skipped.");
    }
}
