using System.Net;
using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>The handler behind <c>Context.CreateHttpClient</c>: fetch's handler, fetch's limits, the invocation's cancellation.</summary>
public sealed class ConnectorHttpHandlerTests
{
    [Fact]
    public async Task InvocationCancellationReachesTheRequest()
    {
        var inner = new RecordingHandler { Hang = true };
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };
        using var invocation = new CancellationTokenSource();

        var send = SendInScopeAsync(client, invocation.Token, new HttpRequestMessage(HttpMethod.Get, "/customers/C42"));
        await inner.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await invocation.CancelAsync();

        await FluentActions.Awaiting(() => send).Should().ThrowAsync<OperationCanceledException>();
        inner.SawCancellation.Should().BeTrue();
    }

    [Fact]
    public async Task RequestsGoOutAsHttp11AndDisposingTheClientKeepsTheSharedHandler()
    {
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using (var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/customers/C42") { Version = HttpVersion.Version30, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await client.SendAsync(request);
            (await response.Content.ReadAsStringAsync()).Should().Be("{}");
        }

        inner.Versions.Should().Equal(HttpVersion.Version11);
        (await fetch.FetchAsync("https://partner.example/after", null, CancellationToken.None)).Status.Should().Be(200);
    }

    [Fact]
    public async Task OversizedRequestBodyIsRefusedBeforeSending()
    {
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner, MaxRequestBodyBytes = 1024 });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };

        var send = () => client.PostAsync("/customers", new StringContent(new string('x', 2048)));

        (await send.Should().ThrowAsync<FetchLimitExceededException>()).Which.Setting.Should().Be("limits.requestBodyBytes");
        inner.Versions.Should().BeEmpty();
    }

    [Theory]
    [InlineData("X-Trace", "a\r\nInjected: 1", "Header `X-Trace` must not contain line breaks.")]
    [InlineData("X-Trace", "a\nb", "Header `X-Trace` must not contain line breaks.")]
    [InlineData("Authorization", "Bearer x\r\nHost: evil.example", "Header `Authorization` must not contain line breaks.")]
    [InlineData("X-Trace", "a\0b", "Header `X-Trace` must not contain line breaks.")]
    [InlineData("Host", "evil.example", "Header `Host` is set by the platform and cannot be given.")]
    [InlineData("Transfer-Encoding", "chunked", "Header `Transfer-Encoding` is set by the platform and cannot be given.")]
    [InlineData("Connection", "Upgrade", "Header `Connection` is set by the platform and cannot be given.")]
    public async Task HeaderThatBreaksTheRulesIsRefusedBeforeSending(string name, string value, string error)
    {
        // Values added without validation, as Refit adds them, reach the handler as written.
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/customers/C42");
        request.Headers.TryAddWithoutValidation(name, value).Should().BeTrue();

        var send = () => client.SendAsync(request);

        (await send.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().StartWith($"{error} Nothing was sent (GET https://partner.example/customers/C42).");
        inner.Versions.Should().BeEmpty();
    }

    [Fact]
    public async Task ContentLengthGivenByTheConnectorIsRefusedButTheComputedOneIsNot()
    {
        var inner = new RecordingHandler();
        using var fetch = new FetchClient(new FetchClientOptions { Handler = inner });
        using var client = new HttpClient(fetch.CreateConnectorHandler()) { BaseAddress = new Uri("https://partner.example") };
        using var forged = new StringContent("{}");
        forged.Headers.TryAddWithoutValidation("Content-Length", "1").Should().BeTrue();

        var send = () => client.PostAsync("/customers", forged);

        (await send.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().StartWith("Header `Content-Length` is set by the platform and cannot be given.");
        using var plain = await client.PostAsync("/customers", new StringContent("{}"));
        inner.Versions.Should().ContainSingle("only the request without a forged length was sent");
    }

    private static async Task<HttpResponseMessage> SendInScopeAsync(HttpClient client, CancellationToken invocation, HttpRequestMessage request)
    {
        InvocationScope.Current = new InvocationScope(invocation);
        return await client.SendAsync(request);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public bool Hang { get; init; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<Version> Versions { get; } = [];

        public bool SawCancellation { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Versions)
            {
                Versions.Add(request.Version);
            }

            Started.TrySetResult();
            if (Hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SawCancellation = true;
                    throw;
                }
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }
    }
}
