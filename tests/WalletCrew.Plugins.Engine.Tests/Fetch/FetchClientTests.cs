using System.Text;
using Microsoft.AspNetCore.Http;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

public sealed class FetchClientTests : IAsyncLifetime
{
    private readonly FetchClient _client = new(new FetchClientOptions { AllowLoopback = true });
    private PartnerStub _stub = null!;

    public async Task InitializeAsync() => _stub = await PartnerStub.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task FormBodyIsSentUrlEncodedWithLowercaseBooleans()
    {
        var (customerId, isInstalled, device) = ("C42", true, Device.Apple);

        await _client.FetchAsync(_stub.BaseAddress + "/wallet/installation", new
        {
            Method = "POST",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["X-API-KEY"] = "partner-secret",
            },
            Body = new { customerId, isInstalled, device },
            ThrowOnError = false,
        }, CancellationToken.None);

        var request = _stub.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/wallet/installation");
        request.Body.Should().Be("customerId=C42&isInstalled=true&device=apple");
        request.ContentType.Should().Be("application/x-www-form-urlencoded");
        request.Headers["X-API-KEY"].Should().Be("partner-secret");
    }

    [Fact]
    public async Task FormBodyFromAMapEncodesInvariantNumbersNullsListsAndReservedCharacters()
    {
        var options = new Dictionary<string, object?>
        {
            ["Method"] = "POST",
            ["Headers"] = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" },
            ["Body"] = new Dictionary<string, object?> { ["points"] = 1234.5m, ["tier"] = null, ["tag"] = new[] { "a b", "c&d" } },
        };

        await _client.FetchAsync(_stub.BaseAddress, options, CancellationToken.None);

        _stub.Requests.Single().Body.Should().Be("points=1234.5&tier=&tag=a+b&tag=c%26d");
    }

    [Fact]
    public async Task ObjectBodyIsSentAsJsonWithPropertyNamesAsWrittenWhenNoContentTypeIsGiven()
    {
        await _client.FetchAsync(_stub.BaseAddress + "/customers", new
        {
            Method = "POST",
            Body = new { customerId = "C42", Points = 1.5, tier = (string?)null, device = Device.Google, tags = new[] { "a", "b" } },
        }, CancellationToken.None);

        var request = _stub.Requests.Single();
        request.ContentType.Should().Be("application/json");
        request.Body.Should().Be("""{"customerId":"C42","Points":1.5,"tier":null,"device":"google","tags":["a","b"]}""");
    }

    [Fact]
    public async Task ObjectBodyKeepsAGivenNonFormContentType()
    {
        await _client.FetchAsync(_stub.BaseAddress, new
        {
            Method = "POST",
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/vnd.partner+json" },
            Body = new { id = 1 },
        }, CancellationToken.None);

        _stub.Requests.Single().Should().Match<RecordedRequest>(r => r.ContentType == "application/vnd.partner+json" && r.Body == """{"id":1}""");
    }

    [Fact]
    public async Task TypedFetchOptionsSendStringBodyAsIs()
    {
        await _client.FetchAsync(_stub.BaseAddress + "/raw", new FetchOptions
        {
            Method = "put",
            Headers = new Dictionary<string, string> { ["X-API-KEY"] = "k1" },
            Body = "<xml>é</xml>",
        }, CancellationToken.None);

        var request = _stub.Requests.Single();
        request.Method.Should().Be("PUT");
        request.Body.Should().Be("<xml>é</xml>");
        request.ContentType.Should().Be("text/plain; charset=utf-8");
        request.Headers["X-API-KEY"].Should().Be("k1");
    }

    [Fact]
    public async Task NullOptionsSendAPlainGet()
    {
        var response = await _client.FetchAsync(_stub.BaseAddress + "/ping?x=1", null, CancellationToken.None);

        response.Status.Should().Be(200);
        _stub.Requests.Single().Should().Match<RecordedRequest>(r => r.Method == "GET" && r.QueryString == "?x=1" && r.Body == "");
    }

    [Fact]
    public async Task ByteArrayBodyIsSentAsIs()
    {
        await _client.FetchAsync(_stub.BaseAddress, new { Method = "POST", Body = Encoding.UTF8.GetBytes("bytes!") }, CancellationToken.None);

        _stub.Requests.Single().Body.Should().Be("bytes!");
    }

    [Fact]
    public async Task ResponseCarriesStatusReasonHeadersAndDecodedBody()
    {
        _stub.Handler = async context =>
        {
            context.Response.Headers["X-Request-Id"] = "r-1";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("héllo");
        };

        var response = await _client.FetchAsync(_stub.BaseAddress, null, CancellationToken.None);

        response.Should().Match<FetchResponse>(r => r.Status == 200 && r.StatusText == "OK" && r.Ok && r.Body == "héllo");
        response.Headers["x-request-id"].Should().Be("r-1");
        response.Headers["content-type"].Should().Be("text/plain; charset=utf-8");
    }

    [Fact]
    public async Task NonSuccessStatusThrowsFetchExceptionByDefault()
    {
        _stub.Handler = PartnerStub.Respond(500, """{"error":"boom"}""");
        var url = _stub.BaseAddress + "/fail";

        var act = () => _client.FetchAsync(url, new { Method = "POST", Body = new { a = 1 } }, CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<FetchException>().WithMessage($"POST {url} answered 500 Internal Server Error.");
        thrown.Which.Response.Status.Should().Be(500);
        thrown.Which.Response.Body.Should().Be("""{"error":"boom"}""");
    }

    [Fact]
    public async Task NonSuccessStatusIsReturnedWhenThrowOnErrorIsFalse()
    {
        _stub.Handler = PartnerStub.Respond(500, "{}");

        var response = await _client.FetchAsync(_stub.BaseAddress, new FetchOptions { ThrowOnError = false }, CancellationToken.None);

        response.Status.Should().Be(500);
        response.Ok.Should().BeFalse();
    }
}
