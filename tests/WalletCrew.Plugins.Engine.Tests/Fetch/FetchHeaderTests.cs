using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>
/// Header values reach the wire only without line breaks, whatever type carried them, and the framing headers stay the
/// platform's. Before the check ran on the formatted text, a <see cref="Uri"/> or a <see cref="char"/> carried CR/LF past it.
/// </summary>
public sealed class FetchHeaderTests : IAsyncLifetime
{
    private PartnerStub _stub = null!;
    private FetchClient _client = null!;

    public async Task InitializeAsync()
    {
        _stub = await PartnerStub.StartAsync();
        _client = new FetchClient(new FetchClientOptions { AllowLoopback = true });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _stub.DisposeAsync();
    }

    public static TheoryData<string, object> LineBreakValues => new()
    {
        { "a string", "a\r\nInjected: 1" },
        { "a Uri with a raw LF", new Uri("https://partner.example/?q=a\nInjected: 1") },
        { "a char", '\n' },
        { "a NUL", "a\0b" },
    };

    [Theory]
    [MemberData(nameof(LineBreakValues))]
    public async Task HeaderValueWithALineBreakIsRefusedWhateverItsType(string spelling, object value)
    {
        var headers = new Dictionary<string, object> { ["X-Trace"] = value };

        var act = () => _client.FetchAsync(_stub.BaseAddress, new { Headers = headers }, CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentException>(spelling)).Which.Message.Should().StartWith("Header `X-Trace` must not contain line breaks.");
        _stub.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("host")]
    [InlineData("HOST")]
    [InlineData("Content-Length")]
    [InlineData("content-length")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Connection")]
    [InlineData("Upgrade")]
    [InlineData("Keep-Alive")]
    [InlineData("TE")]
    [InlineData("Proxy-Connection")]
    public async Task ReservedHeaderIsRefusedInAnySpelling(string name)
    {
        var act = () => _client.FetchAsync(_stub.BaseAddress, new FetchOptions { Method = "POST", Body = "x", Headers = new Dictionary<string, string> { [name] = "1" } }, CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().StartWith($"Header `{name}` is set by the platform and cannot be given.");
        _stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task NegativeControlAUriWithoutLineBreaksIsSentAsText()
    {
        // An escaped line break stays escaped in the text (Uri.ToString keeps %0D%0A), so it is harmless and sent.
        var headers = new Dictionary<string, object> { ["X-Trace"] = new Uri("https://partner.example/a%0D%0Ab?c=d"), ["X-Flag"] = 'y' };

        var response = await _client.FetchAsync(_stub.BaseAddress, new { Headers = headers }, CancellationToken.None);

        response.Status.Should().Be(200);
        _stub.Requests.Single().Headers.Should().Contain("X-Trace", "https://partner.example/a%0D%0Ab?c=d").And.Contain("X-Flag", "y");
    }
}
