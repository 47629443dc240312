using Microsoft.AspNetCore.Http;
using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Fetch.Egress;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch.Egress;

/// <summary>The guard end to end, through the real handler. Only loopback is ever connected to: every other address
/// in these tables must be refused before a socket opens (a short <c>Timeout</c> bounds a regression).</summary>
public sealed class FetchEgressTests : IAsyncLifetime
{
    private static readonly object ShortTimeout = new { Timeout = 2000 };
    private PartnerStub _stub = null!;

    public async Task InitializeAsync() => _stub = await PartnerStub.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    private int Port => new Uri(_stub.BaseAddress).Port;

    public static TheoryData<string, string> DeniedUrls => new()
    {
        { "http://127.0.0.1:{port}/", nameof(AddressCategory.Loopback) },
        { "http://localhost:{port}/", nameof(AddressCategory.Loopback) },
        { "http://[::1]:{port}/", nameof(AddressCategory.Loopback) },
        { "http://[::ffff:127.0.0.1]:{port}/", nameof(AddressCategory.Loopback) },
        { "http://2130706433:{port}/", nameof(AddressCategory.Loopback) },
        { "http://0x7f.1:{port}/", nameof(AddressCategory.Loopback) },
        { "http://127.1:{port}/", nameof(AddressCategory.Loopback) },
        { "http://169.254.169.254/latest/meta-data/", nameof(AddressCategory.CloudMetadata) },
        { "http://168.63.129.16/", nameof(AddressCategory.CloudMetadata) },
        { "http://10.0.0.1/", nameof(AddressCategory.Private) },
        { "http://[fd00:ec2::254]/", nameof(AddressCategory.CloudMetadata) },
        { "http://[2002:7f00:1::1]/", nameof(AddressCategory.Translation) },
        { "http://[64:ff9b::7f00:1]/", nameof(AddressCategory.Translation) },
    };

    [Theory]
    [MemberData(nameof(DeniedUrls))]
    public async Task NonPublicDestinationIsDeniedBeforeConnecting(string template, string category)
    {
        using var client = new FetchClient(new FetchClientOptions());

        var act = () => client.FetchAsync(template.Replace("{port}", Port.ToString(), StringComparison.Ordinal), ShortTimeout, CancellationToken.None);

        (await act.Should().ThrowAsync<EgressDeniedException>()).Which.Category.ToString().Should().Be(category);
        _stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task DenialNamesTheAddressTheRangeAndTheSettingThatAllowsIt()
    {
        using var client = new FetchClient(new FetchClientOptions());

        var act = () => client.FetchAsync($"http://[::ffff:127.0.0.1]:{Port}/", null, CancellationToken.None);

        await act.Should().ThrowAsync<EgressDeniedException>().WithMessage(
            $"Egress to [::ffff:127.0.0.1]:{Port} is denied: 127.0.0.1 is in the loopback range 127.0.0.0/8. "
            + "Tenant code may reach only public addresses; loopback is for development and tests, opened by the host setting `AllowLoopback`.");
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/")]
    [InlineData("http://localhost:{port}/")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/")]
    [InlineData("http://2130706433:{port}/")]
    [InlineData("http://0x7f.1:{port}/")]
    [InlineData("http://127.1:{port}/")]
    public async Task SameLoopbackUrlSucceedsWhenTheHostAllowsLoopback(string template)
    {
        using var client = new FetchClient(new FetchClientOptions { AllowLoopback = true });

        var response = await client.FetchAsync(template.Replace("{port}", Port.ToString(), StringComparison.Ordinal), ShortTimeout, CancellationToken.None);

        response.Status.Should().Be(200);
        _stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task RedirectToADestinationThePolicyDoesNotAllowIsDenied()
    {
        await using var target = await PartnerStub.StartAsync();
        _stub.Handler = RedirectTo(target.BaseAddress + "/next");
        var targetPort = new Uri(target.BaseAddress).Port;
        using var client = new FetchClient(new FetchClientOptions { Egress = new EgressPolicy { AllowedEndpoints = [Loopback(Port)] } });

        var act = () => client.FetchAsync(_stub.BaseAddress + "/start", ShortTimeout, CancellationToken.None);

        await act.Should().ThrowAsync<EgressDeniedException>().WithMessage($"Egress to 127.0.0.1:{targetPort} is denied: *");
        _stub.Requests.Should().ContainSingle("the first hop was allowed");
        target.Requests.Should().BeEmpty("the redirect target was re-checked and refused");
    }

    [Fact]
    public async Task RedirectIsFollowedWhenThePolicyAllowsBothHops()
    {
        await using var target = await PartnerStub.StartAsync();
        _stub.Handler = RedirectTo(target.BaseAddress + "/next");
        var allowed = new[] { Loopback(Port), Loopback(new Uri(target.BaseAddress).Port) };
        using var client = new FetchClient(new FetchClientOptions { Egress = new EgressPolicy { AllowedEndpoints = allowed } });

        var response = await client.FetchAsync(_stub.BaseAddress + "/start", ShortTimeout, CancellationToken.None);

        response.Status.Should().Be(200);
        target.Requests.Should().ContainSingle().Which.Path.Should().Be("/next");
    }

    [Fact]
    public async Task RedirectToCloudMetadataIsDeniedEvenWhenLoopbackIsAllowed()
    {
        _stub.Handler = RedirectTo("http://169.254.169.254/latest/meta-data/");
        using var client = new FetchClient(new FetchClientOptions { AllowLoopback = true });

        var act = () => client.FetchAsync(_stub.BaseAddress, ShortTimeout, CancellationToken.None);

        (await act.Should().ThrowAsync<EgressDeniedException>()).Which.Category.Should().Be(AddressCategory.CloudMetadata);
        _stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ANameThatResolvesAllowedThenPrivateIsDeniedOnTheConnectionThatWouldReachThePrivateAddress()
    {
        // DNS rebinding: the first answer passes the check, a later one points inside. Each connection is vetted on its own
        // lookup and connects to exactly the address vetted. (Tests reach no public address, so an allowed loopback endpoint
        // stands in for the public answer.)
        var answers = new Queue<IPAddress[]>([[IPAddress.Loopback], [IPAddress.Parse("10.0.0.5")]]);
        var lookups = new List<string>();
        Task<IPAddress[]> Resolve(string host, CancellationToken cancellationToken)
        {
            lookups.Add(host);
            return Task.FromResult(answers.Count > 1 ? answers.Dequeue() : answers.Peek());
        }

        // The partner closes every connection, so the second call needs a new one (and a new lookup).
        _stub.Handler = async context =>
        {
            context.Response.Headers.Connection = "close";
            await context.Response.WriteAsync("{}");
        };
        using var client = new FetchClient(new FetchClientOptions { Egress = new EgressPolicy { AllowedEndpoints = [Loopback(Port)] }, Resolver = Resolve });

        var first = await client.FetchAsync($"http://rebind.test:{Port}/", ShortTimeout, CancellationToken.None);
        var second = () => client.FetchAsync($"http://rebind.test:{Port}/", ShortTimeout, CancellationToken.None);

        first.Status.Should().Be(200);
        (await second.Should().ThrowAsync<EgressDeniedException>()).Which.Message.Should().StartWith($"Egress to rebind.test:{Port} is denied: 10.0.0.5 is in the private-use");
        lookups.Should().Equal(["rebind.test", "rebind.test"], "one lookup per connection, and the connection goes to the address that lookup vetted");
        _stub.Requests.Should().ContainSingle();
    }

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    private static Func<Microsoft.AspNetCore.Http.HttpContext, Task> RedirectTo(string location) => context =>
    {
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    };
}
